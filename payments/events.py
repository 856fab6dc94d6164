"""Events the payments app sends (after commit)."""

from django.dispatch import Signal

# payment, old_status: an admin moved a payment along PAYMENT_TRANSITIONS.
payment_status_changed = Signal()
# funding: a prize was paid into escrow (the provider confirmed it).
funding_succeeded = Signal()
# funding: the provider reported that the payment failed.
funding_failed = Signal()
# competition, amount, currency: escrow returned money to the client.
prize_refunded = Signal()
# payment: a released payout waits for the winner's ACTIVE payout account.
payout_account_needed = Signal()
# payment: a payout's transfer went out (COMPLETED).
payout_sent = Signal()
