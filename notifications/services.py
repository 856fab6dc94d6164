"""Marking notifications read: one UPDATE each, always scoped to the recipient."""

from collections.abc import Iterable
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from . import realtime
from .models import Notification


def mark_queryset_read(notifications: QuerySet[Notification], *, recipient_ids=None) -> int:
    """Marks the unread ones among `notifications` read in one UPDATE; returns how many changed.
    The recipients' open sockets hear of the new unread count (`recipient_ids`, when the caller
    knows them; else read from the rows, one more query, only when something changed)."""
    unread = notifications.filter(is_read=False)
    if recipient_ids is None:
        recipient_ids = set(unread.values_list("recipient_id", flat=True).distinct())
    changed = unread.update(is_read=True, read_at=timezone.now())
    if changed:
        realtime.push_unread_changed(recipient_ids)
    return changed


def mark_read(*, user, ids: Iterable[UUID]) -> int:
    """Marks the user's own notifications among `ids` read; anyone else's ids match nothing."""
    return mark_queryset_read(Notification.objects.filter(recipient=user, pk__in=set(ids)), recipient_ids=[user.pk])


def mark_all_read(*, user) -> int:
    return mark_queryset_read(Notification.objects.filter(recipient=user), recipient_ids=[user.pk])


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, is_read=False).count()
