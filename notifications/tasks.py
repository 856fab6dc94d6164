"""Notification tasks (Celery)."""

from datetime import datetime

from celery import shared_task
from django.core.exceptions import ObjectDoesNotExist
from django.db import DEFAULT_DB_ALIAS

from .emails import queue_notification_email
from .models import Notification
from .preferences import may_want_email, wants_email

CHUNK_SIZE = 500


@shared_task(name="notifications.email_notifications")
def email_notifications(
    *,
    ids: list[str] | None = None,
    notification_type: str | None = None,
    created_from: str | None = None,
    created_to: str | None = None,
    related_competition_id: str | None = None,
) -> int:
    """Queues one e-mail per notification (of `ids`, or of the fan-out the other arguments name)
    whose recipient is active, has a verified address and keeps the type switched on."""
    # The primary: queued right after the commit, the rows may not have reached a read replica yet.
    notifications = Notification.objects.using(DEFAULT_DB_ALIAS).filter(
        recipient__is_active=True, recipient__email_verified=True
    )
    if ids is not None:
        notifications = notifications.filter(pk__in=ids)
    else:
        notifications = notifications.filter(
            created_at__gte=datetime.fromisoformat(created_from),
            created_at__lte=datetime.fromisoformat(created_to),
        )
        if notification_type is not None:
            notifications = notifications.filter(notification_type=notification_type)
        if related_competition_id is not None:
            notifications = notifications.filter(related_competition_id=related_competition_id)
    notifications = (
        notifications.filter(may_want_email())
        .select_related("recipient", "recipient__notification_preference")
        .order_by()
    )
    queued = 0
    for notification in notifications.iterator(chunk_size=CHUNK_SIZE):
        try:
            preference = notification.recipient.notification_preference
        except ObjectDoesNotExist:
            preference = None
        if wants_email(preference, notification.notification_type):
            queue_notification_email(notification)
            queued += 1
    return queued


@shared_task(name="notifications.push_batch")
def push_batch(*, created_at: str, notification_type: str) -> int:
    """Pushes a large fan-out's rows to their recipients' open sockets (notifications.realtime)."""
    from .realtime import send_batch

    return send_batch(created_at, notification_type)
