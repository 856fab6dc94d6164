"""Payment event receivers: the audit line of every status change."""

import logging

from django.dispatch import receiver

from . import events, notifications

logger = logging.getLogger("payments.services")


@receiver(events.payment_status_changed, dispatch_uid="payment_status_logged")
def log_status_change(sender, payment, old_status: str, by, **kwargs) -> None:
    logger.info("Payment %s: %s -> %s by %s", payment.pk, old_status, payment.status, by.pk)


@receiver(events.funding_succeeded, dispatch_uid="funding_succeeded_notify")
def on_funding_succeeded(sender, funding, **kwargs) -> int:
    notifications.notify_funding_succeeded(funding)
    return 1


@receiver(events.funding_failed, dispatch_uid="funding_failed_notify")
def on_funding_failed(sender, funding, **kwargs) -> int:
    notifications.notify_funding_failed(funding)
    return 1


@receiver(events.prize_refunded, dispatch_uid="prize_refunded_notify")
def on_prize_refunded(sender, competition, amount, currency, **kwargs) -> int:
    notifications.notify_prize_refunded(competition, amount, currency)
    return 1


@receiver(events.payout_account_needed, dispatch_uid="payout_account_needed_notify")
def on_payout_account_needed(sender, payment, **kwargs) -> int:
    notifications.notify_payout_account_needed(payment)
    return 1


@receiver(events.payout_sent, dispatch_uid="payout_sent_notify")
def on_payout_sent(sender, payment, **kwargs) -> int:
    notifications.notify_payout_sent(payment)
    return 1
