"""Own notifications only: list, mark read, mark all read, unread count."""

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from freelance_arena.pagination import StandardPagination
from freelance_arena.utils import success_response

from . import preferences, services
from .filters import NotificationFilter
from .models import Notification
from .serializers import (
    MarkReadSerializer,
    NotificationPreferencesSerializer,
    NotificationSerializer,
    UnreadCountSerializer,
    UpdatedCountSerializer,
)


class NotificationPagination(StandardPagination):
    """The standard page plus `unread_count` (all of the user's unread, whatever the filters).

    The view counts the page's rows itself (with the unread ones, in one query) and hands the
    count in, so the paginator does not send a COUNT of its own.
    """

    _count: int | None = None

    def django_paginator_class(self, object_list, per_page) -> Paginator:
        paginator = Paginator(object_list, per_page)
        if self._count is not None:
            paginator.count = self._count  # a cached_property: the instance value wins
        return paginator

    def paginate_queryset(self, queryset, request, view=None, *, count: int | None = None):
        self._count = count
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: list[Any], message: str, *, unread_count: int = 0) -> Response:
        page = self.get_page_data(data)
        page["unread_count"] = unread_count
        return success_response(page, message=message)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        page = super().get_paginated_response_schema(schema)
        page["properties"]["unread_count"] = {
            "type": "integer",
            "example": 3,
            "description": "How many of your notifications are unread (ignores the filters).",
        }
        page["required"] = [*page["required"], "unread_count"]
        return page


class NotificationListView(generics.ListAPIView):
    """GET: the user's own notifications, newest first, filterable by is_read and notification_type."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = NotificationPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = NotificationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return Notification.objects.filter(recipient=self.request.user).order_by("-created_at", "-id")

    def filter_condition(self, request: Request) -> Q:
        """The request's filters as one Q; a 400 for an invalid value, as DjangoFilterBackend does.

        Without a filter parameter (the SPA's usual request) the FilterSet and its form, which
        cost more than the page query, are not built.
        """
        filterset_class = self.filterset_class
        if not any(name in request.query_params for name in filterset_class.base_filters):
            return Q()
        filterset = filterset_class(data=request.query_params, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        return filterset.condition()

    def list(self, request: Request, *args, **kwargs) -> Response:
        mine = self.get_queryset()
        condition = self.filter_condition(request)
        # One query for the page's count and the unread count (which ignores the filters).
        counts = mine.aggregate(
            count=Count("pk", filter=condition) if condition else Count("pk"),
            unread=Count("pk", filter=Q(is_read=False)),
        )
        page = self.paginator.paginate_queryset(mine.filter(condition), request, self, count=counts["count"])
        data = self.get_serializer(page, many=True).data
        return self.paginator.get_paginated_response(
            data, message="Notifications retrieved.", unread_count=counts["unread"]
        )


class MarkNotificationsReadView(generics.GenericAPIView):
    """POST: marks the given notifications read; ids of other users' notifications change nothing."""

    serializer_class = MarkReadSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(request=MarkReadSerializer, responses=UpdatedCountSerializer)
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = services.mark_read(user=request.user, ids=serializer.validated_data["ids"])
        return success_response({"updated": updated}, f"{updated} notification(s) marked as read.")


class MarkAllReadView(APIView):
    """POST: marks every unread notification of the user read."""

    # A plain APIView: no request body. As a GenericAPIView without a serializer, OPTIONS (DRF's
    # metadata asks for the serializer) was a 500.
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=UpdatedCountSerializer)
    def post(self, request: Request) -> Response:
        updated = services.mark_all_read(user=request.user)
        return success_response({"updated": updated}, f"{updated} notification(s) marked as read.")


class UnreadCountView(generics.GenericAPIView):
    """GET: how many of the user's notifications are unread."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=UnreadCountSerializer)
    def get(self, request: Request) -> Response:
        return success_response({"unread_count": services.unread_count(user=request.user)}, "Unread count retrieved.")


class NotificationPreferencesView(generics.GenericAPIView):
    """GET: which notification types are e-mailed; PATCH: change some of them."""

    serializer_class = NotificationPreferencesSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=NotificationPreferencesSerializer)
    def get(self, request: Request) -> Response:
        return success_response(preferences.get_preferences(user=request.user), "Notification preferences retrieved.")

    @extend_schema(responses=NotificationPreferencesSerializer)
    def patch(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        email = serializer.validated_data.get("email", {})
        if email:
            data = preferences.update_preferences(user=request.user, email=email)
        else:
            data = preferences.get_preferences(user=request.user)
        return success_response(data, "Notification preferences updated.")
