"""Payment providers behind one interface (as Saleor's gateway plugins): `get_provider()`
returns the one PAYMENT_PROVIDER names."""

from django.conf import settings

from .base import PaymentProvider, ProviderError

__all__ = ["PaymentProvider", "ProviderError", "get_provider"]


def get_provider(name: str | None = None) -> PaymentProvider:
    name = name or settings.PAYMENT_PROVIDER
    if name == "dummy":
        from .dummy import DummyProvider

        return DummyProvider()
    if name == "stripe":
        from .stripe import StripeProvider

        return StripeProvider()
    raise ProviderError(f"Unknown payment provider {name!r}")
