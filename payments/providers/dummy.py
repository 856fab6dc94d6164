"""The dummy provider: no money moves. Every answer is made up locally and deterministic in
the idempotency key, so a retried call returns what the first one did."""

import hashlib
from decimal import Decimal

from .base import AccountResult, PaymentIntentResult, PaymentProvider, TransferResult


def _ref(prefix: str, key: str) -> str:
    return f"{prefix}_{hashlib.sha256(key.encode()).hexdigest()[:24]}"


class DummyProvider(PaymentProvider):
    name = "dummy"
    confirms_explicitly = True

    def create_payment_intent(self, *, funding, idempotency_key: str) -> PaymentIntentResult:
        return PaymentIntentResult(provider_ref=_ref("dummy_pi", idempotency_key), client_secret=None)

    def refund(self, *, funding, amount: Decimal, idempotency_key: str) -> str:
        return _ref("dummy_re", idempotency_key)

    def create_connected_account(self, *, user, idempotency_key: str) -> AccountResult:
        return AccountResult(account_id=_ref("dummy_acct", idempotency_key), active=True, onboarding_url="")

    def account_link(self, *, account_id: str) -> str:
        return ""

    def transfer(self, *, payout, destination: str, idempotency_key: str) -> TransferResult:
        # Each dummy step is confirmed explicitly: the payout stays PROCESSING until an admin marks
        # it COMPLETED (or FAILED).
        return TransferResult(transfer_ref=_ref("dummy_tr", idempotency_key), completed=False)
