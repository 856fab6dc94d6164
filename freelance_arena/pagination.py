"""Page-number pagination answering inside the success envelope."""

from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from .utils import success_response


class StandardPagination(PageNumberPagination):
    page_size = 10
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        self.view = view
        return super().paginate_queryset(queryset, request, view)

    def list_message(self) -> str:
        """The view's `list_message`, else "<Things> retrieved." from the model listed."""
        view = getattr(self, "view", None)
        message = getattr(view, "list_message", None)
        if message:
            return message
        queryset = getattr(view, "queryset", None)
        model = getattr(queryset, "model", None)
        if model is None and view is not None and hasattr(view, "get_serializer_class"):
            model = getattr(getattr(view.get_serializer_class(), "Meta", None), "model", None)
        if model is not None:
            return f"{str(model._meta.verbose_name_plural).capitalize()} retrieved."
        return "Results retrieved."

    def get_page_data(self, data: list[Any]) -> dict[str, Any]:
        return {
            "count": self.page.paginator.count,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        }

    def get_paginated_response(self, data: list[Any], message: str | None = None) -> Response:
        return success_response(self.get_page_data(data), message=message or self.list_message())

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }
