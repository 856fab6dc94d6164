"""Own notifications only: list, mark read, mark all read, unread count."""

from typing import Any

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from freelance_arena.pagination import StandardPagination
from freelance_arena.utils import success_response

from . import services
from .filters import NotificationFilter
from .models import Notification
from .serializers import MarkReadSerializer, NotificationSerializer, UnreadCountSerializer, UpdatedCountSerializer


class NotificationPagination(StandardPagination):
    """The standard page plus `unread_count` (all of the user's unread, whatever the filters)."""

    def get_paginated_response(self, data: list[Any], message: str = "OK", *, unread_count: int = 0) -> Response:
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

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        data = self.get_serializer(page, many=True).data
        return self.paginator.get_paginated_response(
            data, message="Notifications retrieved.", unread_count=services.unread_count(user=request.user)
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
        return success_response({"unread_count": services.unread_count(user=request.user)}, "Unread count.")
