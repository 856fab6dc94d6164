"""The money notifications: one function per type, sent by payments/signals.py after commit.
Their words are in notifications/messages.py (TEMPLATES); a row stores the values only."""

from notifications.models import Notification, NotificationType
from notifications.utils import notify_user


def _money(competition, amount, currency: str) -> dict:
    return {"competition": competition.title, "amount": f"{amount}", "currency": currency}


def notify_funding_succeeded(funding) -> Notification:
    return notify_user(
        funding.client_id,
        NotificationType.FUNDING_SUCCEEDED,
        _money(funding.competition, funding.amount, funding.currency),
        related_competition_id=funding.competition_id,
    )


def notify_funding_failed(funding) -> Notification:
    return notify_user(
        funding.client_id,
        NotificationType.FUNDING_FAILED,
        _money(funding.competition, funding.amount, funding.currency),
        related_competition_id=funding.competition_id,
    )


def notify_prize_refunded(competition, amount, currency: str) -> Notification:
    return notify_user(
        competition.client_id,
        NotificationType.PRIZE_REFUNDED,
        _money(competition, amount, currency),
        related_competition_id=competition.pk,
    )


def notify_payout_account_needed(payment) -> Notification:
    return notify_user(
        payment.freelancer_id,
        NotificationType.PAYOUT_ACCOUNT_NEEDED,
        _money(payment.competition, payment.net_amount, payment.currency),
        related_competition_id=payment.competition_id,
    )


def notify_payout_sent(payment) -> Notification:
    return notify_user(
        payment.freelancer_id,
        NotificationType.PAYOUT_SENT,
        _money(payment.competition, payment.net_amount, payment.currency),
        related_competition_id=payment.competition_id,
    )
