"""The money notifications: one function per type, sent by payments/signals.py after commit."""

from notifications.models import Notification, NotificationType
from notifications.utils import _quoted, _title


def _send(*, recipient_id, notification_type: str, title: str, message: str, competition_id=None) -> Notification:
    return Notification.objects.create(
        recipient_id=recipient_id,
        notification_type=notification_type,
        title=_title(title),
        message=message,
        related_competition_id=competition_id,
    )


def notify_funding_succeeded(funding) -> Notification:
    competition = funding.competition
    return _send(
        recipient_id=funding.client_id,
        notification_type=NotificationType.FUNDING_SUCCEEDED,
        title=f"The prize of {_quoted(competition.title)} is funded",
        message=f"{funding.amount} {funding.currency} is held in escrow. You can now open the competition.",
        competition_id=competition.pk,
    )


def notify_funding_failed(funding) -> Notification:
    competition = funding.competition
    return _send(
        recipient_id=funding.client_id,
        notification_type=NotificationType.FUNDING_FAILED,
        title=f"Funding the prize of {_quoted(competition.title)} failed",
        message="The payment did not go through. You can try to fund the prize again.",
        competition_id=competition.pk,
    )


def notify_prize_refunded(competition, amount, currency: str) -> Notification:
    return _send(
        recipient_id=competition.client_id,
        notification_type=NotificationType.PRIZE_REFUNDED,
        title=f"{amount} {currency} of {_quoted(competition.title)} refunded",
        message=f"{amount} {currency} held in escrow for this competition was returned to you.",
        competition_id=competition.pk,
    )


def notify_payout_account_needed(payment) -> Notification:
    return _send(
        recipient_id=payment.freelancer_id,
        notification_type=NotificationType.PAYOUT_ACCOUNT_NEEDED,
        title="Connect a payout account to receive your prize",
        message=(
            f"Your prize of {payment.net_amount} {payment.currency} is released and waits for an active "
            "payout account: create one under Payments."
        ),
        competition_id=payment.competition_id,
    )


def notify_payout_sent(payment) -> Notification:
    return _send(
        recipient_id=payment.freelancer_id,
        notification_type=NotificationType.PAYOUT_SENT,
        title=f"Your prize of {payment.net_amount} {payment.currency} was sent",
        message="The payout was transferred to your payout account.",
        competition_id=payment.competition_id,
    )
