"""Payment event receivers: the audit line of every status change."""

import logging

from django.dispatch import receiver

from . import events

logger = logging.getLogger("payments.services")


@receiver(events.payment_status_changed, dispatch_uid="payment_status_logged")
def log_status_change(sender, payment, old_status: str, by, **kwargs) -> None:
    logger.info("Payment %s: %s -> %s by %s", payment.pk, old_status, payment.status, by.pk)
