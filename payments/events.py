"""Events the payments app sends (after commit)."""

from django.dispatch import Signal

# payment, old_status: an admin moved a payment along PAYMENT_TRANSITIONS.
payment_status_changed = Signal()
