"""Payment records: what a competition's winner is owed, minus the platform's fee."""

import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from accounts.models import user_is_admin

CENTS = Decimal("0.01")


def platform_fee_for(amount: Decimal) -> Decimal:
    """PLATFORM_FEE_PERCENT (default 10) % of the amount, rounded half-up to cents."""
    rate = Decimal(settings.PLATFORM_FEE_PERCENT) / Decimal(100)
    return (Decimal(amount) * rate).quantize(CENTS, rounding=ROUND_HALF_UP)


class PaymentStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    PROCESSING = "PROCESSING", "Processing"
    COMPLETED = "COMPLETED", "Completed"
    FAILED = "FAILED", "Failed"
    REFUNDED = "REFUNDED", "Refunded"
    # A payout whose money went back to the client (a dispute's REFUND) ends here.
    CANCELLED = "CANCELLED", "Cancelled"


# The payment state machine, declared once (admin API and admin actions ask it).
PAYMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    PaymentStatus.PENDING: frozenset({PaymentStatus.PROCESSING}),
    PaymentStatus.PROCESSING: frozenset({PaymentStatus.COMPLETED, PaymentStatus.FAILED}),
    PaymentStatus.COMPLETED: frozenset(),
    # FAILED -> PROCESSING: an admin retries a payout whose transfer failed.
    PaymentStatus.FAILED: frozenset({PaymentStatus.PROCESSING}),
    PaymentStatus.REFUNDED: frozenset(),
    PaymentStatus.CANCELLED: frozenset(),
}


class PaymentRecordQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PaymentRecordQuerySet":
        """A payment is seen by its client, its freelancer and admins; nobody else."""
        if user_is_admin(user):
            return self.all()
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(Q(client=user) | Q(freelancer=user))


class PaymentRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    competition = models.OneToOneField("competitions.Competition", on_delete=models.CASCADE, related_name="payment")
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payments_made")
    freelancer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="payments_received",
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    # 12 digits like amount (the spec's 10 would overflow, a 500, for an amount of 1e9 or more).
    platform_fee = models.DecimalField(max_digits=12, decimal_places=2, editable=False)
    net_amount = models.DecimalField(max_digits=12, decimal_places=2, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Set when the payout is released; it stays PENDING after that until the winner's payout
    # account is ACTIVE, then the transfer goes out.
    released_at = models.DateTimeField(null=True, blank=True)
    transfer_ref = models.CharField(max_length=191, null=True, blank=True)  # the provider's Transfer id
    transaction_reference = models.CharField(max_length=100, null=True, blank=True, unique=True)
    notes = models.TextField(blank=True, default="")

    objects = PaymentRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(net_amount=F("amount") - F("platform_fee")), name="payment_net_is_amount_minus_fee"
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="payment_created_idx"),  # the admin list, date range
            models.Index(fields=["status", "created_at"], name="payment_status_created_idx"),
            models.Index(fields=["client", "created_at"], name="payment_client_created_idx"),
            models.Index(fields=["freelancer", "created_at"], name="payment_freelancer_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.competition_id}: {self.amount} {self.currency} ({self.status})"

    def save(self, *args, **kwargs) -> None:
        # The fee derives from the amount alone, so recomputing on every save is the same as
        # recomputing whenever the amount changes, and can never leave the two out of step.
        self.recalculate_fee()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "amount" in update_fields:
            kwargs["update_fields"] = {*update_fields, "platform_fee", "net_amount"}
        super().save(*args, **kwargs)

    def recalculate_fee(self) -> None:
        self.amount = Decimal(self.amount).quantize(CENTS, rounding=ROUND_HALF_UP)
        self.platform_fee = platform_fee_for(self.amount)
        self.net_amount = self.amount - self.platform_fee

    def can_transition_to(self, new_status: str) -> bool:
        return new_status in PAYMENT_TRANSITIONS.get(self.status, frozenset())


# --- Money in: fundings, provider events, payout accounts, idempotency keys ------------------


class FundingStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    SUCCEEDED = "SUCCEEDED", "Succeeded"
    FAILED = "FAILED", "Failed"
    REFUNDED = "REFUNDED", "Refunded"


FUNDING_TRANSITIONS: dict[str, frozenset[str]] = {
    FundingStatus.PENDING: frozenset({FundingStatus.SUCCEEDED, FundingStatus.FAILED}),
    # A payment that failed once may still succeed (Stripe retries, events out of order).
    FundingStatus.FAILED: frozenset({FundingStatus.SUCCEEDED}),
    FundingStatus.SUCCEEDED: frozenset({FundingStatus.REFUNDED}),
    FundingStatus.REFUNDED: frozenset(),
}

# A funding that freezes the competition's budget and currency.
ACTIVE_FUNDING_STATUSES = frozenset({FundingStatus.PENDING, FundingStatus.SUCCEEDED})


class Funding(models.Model):
    """The client paying a competition's prize into escrow (one PaymentIntent with Stripe)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    competition = models.ForeignKey("competitions.Competition", on_delete=models.PROTECT, related_name="fundings")
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fundings")
    provider = models.CharField(max_length=20)
    provider_ref = models.CharField(max_length=191, unique=True, null=True, blank=True)  # the PaymentIntent id
    status = models.CharField(max_length=20, choices=FundingStatus.choices, default=FundingStatus.PENDING)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    client_secret = models.CharField(max_length=255, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    refund_ref = models.CharField(max_length=191, null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["competition", "created_at"], name="funding_comp_created_idx"),
            models.Index(fields=["status", "created_at"], name="funding_status_created_idx"),
        ]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="funding_amount_positive")]

    def __str__(self) -> str:
        return f"{self.competition_id}: {self.amount} {self.currency} ({self.status})"


class ProviderEvent(models.Model):
    """Every provider event, stored by its id before it is processed: the unique index is what
    makes an event take effect once, however often and however concurrently it arrives."""

    id = models.BigAutoField(primary_key=True)
    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=191, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"


class PayoutAccountStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    ACTIVE = "ACTIVE", "Active"


class PayoutAccount(models.Model):
    """Where a freelancer's payouts go (a Stripe Connect Express account; dummy: active at once)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payout_account")
    provider = models.CharField(max_length=20)
    provider_account_id = models.CharField(max_length=191, unique=True, null=True, blank=True)
    status = models.CharField(max_length=20, choices=PayoutAccountStatus.choices, default=PayoutAccountStatus.PENDING)
    onboarding_url = models.URLField(max_length=1000, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id} {self.provider} ({self.status})"


class IdempotencyRecord(models.Model):
    """The first answer to a request sent with an Idempotency-Key, replayed for 24 hours."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=191)  # method and path
    key = models.CharField(max_length=191)
    body_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_unique_user_key")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


# The ledger's models live in ledger.py; imported here so that Django registers them.
from .ledger import LedgerEntry, LedgerTransaction  # noqa: E402, F401
