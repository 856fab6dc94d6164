"""Domain events: named signals that services send once their transaction has committed.

A service changes state and calls `send_on_commit(event, ...)`; the receivers (notifications,
the public list cache) run after the commit, so they never see a change that is later rolled
back, and a failing receiver is logged without undoing the committed change (Zulip's
`send_event_on_commit`, HackSoft's services + `on_commit`). Receivers live in the app that
listens, in its `signals.py`, and are a few lines each.
"""

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)


class Delivery:
    """What the receivers of one event returned, filled in once the event has been sent; the
    cron commands read `total()` (notifications sent) for their summary line."""

    def __init__(self) -> None:
        self.sent = False
        self.responses: list[Any] = []

    def total(self) -> int:
        return sum(response for response in self.responses if isinstance(response, int))


def send(event: Signal, sender: type, **kwargs: Any) -> Delivery:
    """Sends `event` now, every receiver even if one fails (each failure is logged)."""
    delivery = Delivery()
    for receiver, response in event.send_robust(sender=sender, **kwargs):
        if isinstance(response, Exception):
            logger.error("Receiver %r of %s failed", receiver, sender.__name__, exc_info=response)
        else:
            delivery.responses.append(response)
    delivery.sent = True
    return delivery


def send_on_commit(event: Signal, sender: type, **kwargs: Any) -> Delivery:
    """Sends `event` when the current transaction commits (at once outside a transaction)."""
    delivery = Delivery()

    def deliver() -> None:
        result = send(event, sender, **kwargs)
        delivery.responses, delivery.sent = result.responses, True

    transaction.on_commit(deliver)
    return delivery
