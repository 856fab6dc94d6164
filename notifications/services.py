"""Marking notifications read: one UPDATE each, always scoped to the recipient."""

from collections.abc import Iterable
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from .models import Notification


def mark_queryset_read(notifications: QuerySet[Notification]) -> int:
    """Marks the unread ones among `notifications` read in one UPDATE; returns how many changed."""
    return notifications.filter(is_read=False).update(is_read=True, read_at=timezone.now())


def mark_read(*, user, ids: Iterable[UUID]) -> int:
    """Marks the user's own notifications among `ids` read; anyone else's ids match nothing."""
    return mark_queryset_read(Notification.objects.filter(recipient=user, pk__in=set(ids)))


def mark_all_read(*, user) -> int:
    return mark_queryset_read(Notification.objects.filter(recipient=user))


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, is_read=False).count()
