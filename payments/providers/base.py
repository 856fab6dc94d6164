"""The interface every payment provider implements. Each call that moves money takes an
idempotency key derived from the business object, so a retried request never moves it twice."""

from dataclasses import dataclass
from decimal import Decimal


class ProviderError(Exception):
    """The provider refused or could not be reached; nothing was recorded on our side."""


@dataclass(frozen=True)
class PaymentIntentResult:
    provider_ref: str
    client_secret: str | None


@dataclass(frozen=True)
class AccountResult:
    account_id: str
    active: bool
    onboarding_url: str


@dataclass(frozen=True)
class TransferResult:
    transfer_ref: str
    completed: bool


class PaymentProvider:
    name: str = ""
    # True when each step is confirmed by an explicit call (the dummy's confirm endpoint).
    confirms_explicitly: bool = False

    def create_payment_intent(self, *, funding, idempotency_key: str) -> PaymentIntentResult:
        raise NotImplementedError

    def refund(self, *, funding, amount: Decimal, idempotency_key: str) -> str:
        """Returns the refund's reference."""
        raise NotImplementedError

    def create_connected_account(self, *, user, idempotency_key: str) -> AccountResult:
        raise NotImplementedError

    def account_link(self, *, account_id: str) -> str:
        """A fresh onboarding URL for an account that is not active yet."""
        raise NotImplementedError

    def transfer(self, *, payout, destination: str, idempotency_key: str) -> TransferResult:
        raise NotImplementedError
