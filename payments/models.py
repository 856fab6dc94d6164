"""Payment records: what a competition's winner is owed, minus the platform's fee."""

import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from accounts.models import user_is_admin

PLATFORM_FEE_RATE = Decimal("0.10")
CENTS = Decimal("0.01")


def platform_fee_for(amount: Decimal) -> Decimal:
    """10 % of the amount, rounded half-up to cents."""
    return (Decimal(amount) * PLATFORM_FEE_RATE).quantize(CENTS, rounding=ROUND_HALF_UP)


class PaymentStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    PROCESSING = "PROCESSING", "Processing"
    COMPLETED = "COMPLETED", "Completed"
    FAILED = "FAILED", "Failed"
    REFUNDED = "REFUNDED", "Refunded"


# The payment state machine, declared once (admin API and admin actions ask it).
PAYMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    PaymentStatus.PENDING: frozenset({PaymentStatus.PROCESSING}),
    PaymentStatus.PROCESSING: frozenset({PaymentStatus.COMPLETED, PaymentStatus.FAILED}),
    PaymentStatus.COMPLETED: frozenset(),
    PaymentStatus.FAILED: frozenset(),
    PaymentStatus.REFUNDED: frozenset(),
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
