"""Notification e-mails: every notification whose type its recipient keeps switched on
(notifications/preferences.py) is also e-mailed, to verified addresses only.

One entry point, called right after notifications are inserted: `queue_notification_emails`
(`emailed` for a single row). It runs no query: it queues `notifications.tasks.email_notifications`
after the commit with what identifies the new rows (their ids, or for a set-based fan-out its
type, its one `created_at` and its competition), and the task selects, filters and renders them.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from freelance_arena.mail import frontend_link, queue_email

from .models import Notification


def queue_notification_emails(
    *,
    ids: list[UUID] | None = None,
    notification_type: Any = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    related_competition_id: Any = None,
) -> None:
    """Queues the e-mails of the notifications with `ids`, or of a fan-out's rows: those of
    `notification_type` created between `created_from` and `created_to` (for one competition when
    it is a constant). Arguments that are SQL expressions (a per-row value) are left out: the
    batch's one created_at still tells its rows apart."""
    from freelance_arena.tasks import enqueue

    from .tasks import email_notifications

    def constant(value: Any) -> str | None:
        return None if value is None or hasattr(value, "resolve_expression") else str(value)

    if ids is not None:
        enqueue(email_notifications, ids=[str(pk) for pk in ids])
        return
    if created_from is None:
        raise ValueError("A fan-out is identified by its creation time")
    enqueue(
        email_notifications,
        notification_type=constant(notification_type),
        created_from=created_from.isoformat(),
        created_to=(created_to or created_from).isoformat(),
        related_competition_id=constant(related_competition_id),
    )


def emailed(notification: Notification) -> Notification:
    """`notification`, with its e-mail queued (for single-row creates)."""
    queue_notification_emails(ids=[notification.pk])
    return notification


def queue_notification_email(notification: Notification) -> None:
    """Renders one notification's e-mail and queues its sending (called by the task)."""
    if notification.related_competition_id:
        link = frontend_link(f"/competitions/{notification.related_competition_id}")
    else:
        link = frontend_link("/notifications")
    queue_email(
        to=notification.recipient.email,
        name=[f"notifications/{notification.notification_type.lower()}", "notifications/default"],
        subject=notification.title,
        context={
            "user": notification.recipient,
            "notification": notification,
            "link": link,
            "preferences_link": frontend_link("/settings/notifications"),
        },
    )
