"""Stripe: PaymentIntents fund prizes, Refunds return them, Connect Express accounts and
Transfers pay winners. The plain `stripe` library; STRIPE_API_BASE points it at a
Stripe-compatible server (localstripe in the tests)."""

from decimal import Decimal

import stripe
from django.conf import settings

from .base import AccountResult, PaymentIntentResult, PaymentProvider, ProviderError, TransferResult

# Currencies Stripe counts in whole units (no cents): https://docs.stripe.com/currencies
ZERO_DECIMAL_CURRENCIES = frozenset(
    "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split()  # noqa: SIM905
)


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Decimal amount -> Stripe's integer amount (cents, or whole units for zero-decimal ones)."""
    amount = Decimal(amount)
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        if amount != amount.to_integral_value():
            raise ProviderError(f"{currency} has no minor unit: {amount} cannot be charged")
        return int(amount)
    return int((amount * 100).to_integral_value())


def client() -> stripe.StripeClient:
    options = {"max_network_retries": 2}
    if settings.STRIPE_API_BASE:
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE, "connect": settings.STRIPE_API_BASE}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, **options)


def _frontend(path: str) -> str:
    return getattr(settings, "FRONTEND_URL", "http://localhost:3000").rstrip("/") + path


class StripeProvider(PaymentProvider):
    name = "stripe"

    def _call(self, method, params: dict, idempotency_key: str | None = None):
        options = {"idempotency_key": idempotency_key} if idempotency_key else None
        try:
            return method(params=params, options=options)
        except stripe.StripeError as exc:
            raise ProviderError(getattr(exc, "user_message", None) or str(exc)) from exc

    def create_payment_intent(self, *, funding, idempotency_key: str) -> PaymentIntentResult:
        intent = self._call(
            client().v1.payment_intents.create,
            {
                "amount": to_minor_units(funding.amount, funding.currency),
                "currency": funding.currency.lower(),
                "payment_method_types": ["card"],
                "metadata": {"funding_id": str(funding.pk), "competition_id": str(funding.competition_id)},
            },
            idempotency_key,
        )
        return PaymentIntentResult(provider_ref=intent.id, client_secret=intent.client_secret)

    def refund(self, *, funding, amount: Decimal, idempotency_key: str) -> str:
        refund = self._call(
            client().v1.refunds.create,
            {"payment_intent": funding.provider_ref, "amount": to_minor_units(amount, funding.currency)},
            idempotency_key,
        )
        return refund.id

    def create_connected_account(self, *, user, idempotency_key: str) -> AccountResult:
        account = self._call(
            client().v1.accounts.create,
            {
                "type": "express",
                "email": user.email,
                "capabilities": {"transfers": {"requested": True}},
                "metadata": {"user_id": str(user.pk)},
            },
            idempotency_key,
        )
        active = bool(getattr(account, "payouts_enabled", False))
        return AccountResult(
            account_id=account.id,
            active=active,
            onboarding_url="" if active else self.account_link(account_id=account.id),
        )

    def account_link(self, *, account_id: str) -> str:
        link = self._call(
            client().v1.account_links.create,
            {
                "account": account_id,
                "type": "account_onboarding",
                "refresh_url": _frontend("/payout-account?refresh=1"),
                "return_url": _frontend("/payout-account?done=1"),
            },
        )
        return link.url

    def transfer(self, *, payout, destination: str, idempotency_key: str) -> TransferResult:
        transfer = self._call(
            client().v1.transfers.create,
            {
                "amount": to_minor_units(payout.net_amount, payout.currency),
                "currency": payout.currency.lower(),
                "destination": destination,
                "metadata": {"payment_id": str(payout.pk), "competition_id": str(payout.competition_id)},
            },
            idempotency_key,
        )
        # A created Transfer has moved the money to the connected account's balance.
        return TransferResult(transfer_ref=transfer.id, completed=True)


def construct_event(payload: bytes, signature: str | None) -> dict:
    """Verifies the Stripe-Signature header (5-minute tolerance) and returns the event as a
    dict; raises ValueError or stripe.SignatureVerificationError."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret or not signature:
        raise stripe.SignatureVerificationError("No signature or no webhook secret configured", signature)
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret, tolerance=300)
        return event.to_dict()
    except (AttributeError, TypeError) as exc:  # signed, but JSON that is not an event object
        raise ValueError("The payload is not a Stripe event object") from exc
