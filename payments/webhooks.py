"""Provider events: stored by event id, then processed exactly once.

The ProviderEvent row is inserted first, in the same transaction as the event's effects; its
unique event id is the guard. A replay finds the row and changes nothing; two identical events
at the same moment race on the unique index: the second INSERT waits for the first
transaction, then fails as a duplicate once it commits (or goes ahead if it rolled back). The
Stripe webhook and the dummy provider's confirm endpoint both call `process_event`.
"""

import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import escrow, payouts
from .models import ProviderEvent

logger = logging.getLogger(__name__)


def _object(event: dict) -> dict:
    data = event.get("data") or {}
    obj = data.get("object") if isinstance(data, dict) else None
    return obj if isinstance(obj, dict) else {}


def _payment_intent_succeeded(obj: dict) -> None:
    if obj.get("id"):
        escrow.funding_succeeded(provider_ref=str(obj["id"]))


def _payment_intent_failed(obj: dict) -> None:
    if obj.get("id"):
        escrow.funding_failed(provider_ref=str(obj["id"]))


def _account_updated(obj: dict) -> None:
    if obj.get("id") and obj.get("payouts_enabled"):
        payouts.account_activated(provider_account_id=str(obj["id"]))


HANDLERS: dict[str, Callable[[dict], None]] = {
    "payment_intent.succeeded": _payment_intent_succeeded,
    "payment_intent.payment_failed": _payment_intent_failed,
    "account.updated": _account_updated,
}


def process_event(*, provider: str, event: dict) -> bool:
    """Applies `event` once; returns False for a replay (or a malformed event: nothing to do)."""
    event_id, event_type = str(event.get("id") or ""), str(event.get("type") or "")
    if not event_id or not event_type or len(event_id) > 191:
        return False
    # The common replay (providers retry deliveries) answered by one indexed read; the INSERT
    # below stays the guard for events arriving at the same moment.
    if ProviderEvent.objects.filter(event_id=event_id).exists():
        logger.debug("Provider event %s already processed", event_id)
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                stored = ProviderEvent.objects.create(
                    provider=provider, event_id=event_id, type=event_type[:100], payload=event
                )
        except IntegrityError:
            logger.debug("Provider event %s already processed", event_id)
            return False
        handler = HANDLERS.get(event_type)
        if handler is not None:
            handler(_object(event))
        ProviderEvent.objects.filter(pk=stored.pk).update(processed_at=timezone.now())
    return True
