"""The double-entry ledger: every money move is one LedgerTransaction whose entries sum to zero
per currency. Rows are written once and never updated or deleted (not by the ORM, not by the
admin); balances are sums over entries, never stored.

Sign convention: money arriving on an account is a positive entry there; the account it left
gets the matching negative entry. Accounts:

- `client_funds` a client's money outside the platform (negative when they paid in);
- `escrow`       what the platform holds for a competition's prize;
- `payable`      what the platform owes a winner (net of the fee), until paid out;
- `payouts`      money sent to winners (provider transfers);
- `revenue`      the platform's fees;
- `refunds`      money returned to clients.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q, Sum

CENTS = Decimal("0.01")


class LedgerImmutable(Exception):
    """Ledger rows are append-only."""


class Account(models.TextChoices):
    CLIENT_FUNDS = "client_funds", "Client funds"
    ESCROW = "escrow", "Escrow"
    PAYABLE = "payable", "Payable to freelancer"
    PAYOUTS = "payouts", "Paid out"
    REVENUE = "revenue", "Platform revenue"
    REFUNDS = "refunds", "Refunded to client"


class TransactionKind(models.TextChoices):
    FUNDING = "FUNDING", "Funding"
    AWARD = "AWARD", "Award"
    REFUND = "REFUND", "Refund"
    PAYOUT = "PAYOUT", "Payout"


class _AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LedgerImmutable("Ledger rows are never updated.")

    def delete(self):
        raise LedgerImmutable("Ledger rows are never deleted.")

    _raw_delete = delete


class _AppendOnlyModel(models.Model):
    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise LedgerImmutable("Ledger rows are never updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutable("Ledger rows are never deleted.")


class LedgerTransaction(_AppendOnlyModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=TransactionKind.choices)
    # The provider event id or the business operation's key: a retried operation posts once.
    reference = models.CharField(max_length=191, unique=True)
    competition = models.ForeignKey(
        "competitions.Competition", on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_transactions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at"], name="ledger_tx_created_idx"),
            models.Index(fields=["kind", "created_at"], name="ledger_tx_kind_created_idx"),
            models.Index(fields=["competition", "created_at"], name="ledger_tx_comp_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"


class LedgerEntry(_AppendOnlyModel):
    id = models.BigAutoField(primary_key=True)
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.CharField(max_length=20, choices=Account.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries"
    )
    competition = models.ForeignKey(
        "competitions.Competition", on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)  # signed: + arrives, - leaves
    currency = models.CharField(max_length=3)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["competition", "account"], name="ledger_entry_comp_account_idx"),
            models.Index(fields=["user", "account"], name="ledger_entry_user_account_idx"),
        ]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_amount_nonzero")]

    def __str__(self) -> str:
        return f"{self.account} {self.amount} {self.currency}"


@dataclass(frozen=True)
class Move:
    """`amount` leaves `source` and arrives on `target` (both entries carry user/competition)."""

    source: str
    target: str
    amount: Decimal
    currency: str
    competition_id: object | None = None
    source_user_id: object | None = None
    target_user_id: object | None = None


def post(*, kind: str, reference: str, moves: Iterable[Move], competition_id=None) -> LedgerTransaction:
    """Writes one balanced transaction; a reference already posted returns the existing one.

    Must run inside the caller's atomic block (the business change and its posting commit
    together). The duplicate check is the unique index, inside a savepoint, so two concurrent
    retries post once.
    """
    entries: list[LedgerEntry] = []
    for move in moves:
        amount = Decimal(move.amount).quantize(CENTS)
        if amount < 0:
            raise ValueError(f"A move's amount must not be negative, got {amount}")
        if amount == 0:
            continue
        common = {"competition_id": move.competition_id, "currency": move.currency}
        entries.append(LedgerEntry(account=move.source, user_id=move.source_user_id, amount=-amount, **common))
        entries.append(LedgerEntry(account=move.target, user_id=move.target_user_id, amount=amount, **common))
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        totals[entry.currency] += entry.amount
    if any(total != 0 for total in totals.values()):
        raise ValueError(f"Unbalanced ledger transaction {reference}: {dict(totals)}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.post() must run inside the business operation's transaction")
    try:
        with transaction.atomic():
            tx = LedgerTransaction(kind=kind, reference=reference, competition_id=competition_id)
            tx.save()
            for entry in entries:
                entry.transaction = tx
            LedgerEntry.objects.bulk_create(entries)
    except IntegrityError:
        existing = LedgerTransaction.objects.filter(reference=reference).first()
        if existing is None:
            raise
        return existing
    return tx


# --- Balances (derived, never stored) ------------------------------------------------------------


def balance(*, account: str, competition=None, user=None, currency: str | None = None) -> Decimal:
    entries = LedgerEntry.objects.filter(account=account)
    if competition is not None:
        entries = entries.filter(competition=competition)
    if user is not None:
        entries = entries.filter(user=user)
    if currency is not None:
        entries = entries.filter(currency=currency)
    return entries.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def escrow_held(competition) -> Decimal:
    return balance(account=Account.ESCROW, competition=competition)


def payable_of(user, currency: str | None = None) -> Decimal:
    return balance(account=Account.PAYABLE, user=user, currency=currency)


def escrow_figures(competition) -> dict[str, Decimal]:
    """funded, released, fees, refunded, held for one competition, in one query."""
    zero = Decimal("0.00")

    def total(condition: Q):
        return Sum("amount", filter=condition, default=zero)

    row = LedgerEntry.objects.filter(competition=competition).aggregate(
        funded=total(Q(account=Account.ESCROW, amount__gt=0)),
        released=total(Q(account=Account.PAYABLE, amount__gt=0)),
        fees=total(Q(account=Account.REVENUE)),
        refunded=total(Q(account=Account.REFUNDS)),
        held=total(Q(account=Account.ESCROW)),
    )
    return {key: Decimal(value).quantize(CENTS) for key, value in row.items()}


# --- The audit check_ledger runs ------------------------------------------------------------------


@dataclass
class LedgerAudit:
    totals: dict[tuple[str, str], Decimal]  # (account, currency) -> sum
    unbalanced: list[tuple[str, str, Decimal]]  # (reference, currency, sum)
    negative_escrow: list[tuple[str, str, Decimal]]  # (competition id, currency, held)
    settled_holding: list[tuple[str, str, Decimal]]  # (competition id, currency, held)

    @property
    def ok(self) -> bool:
        return not (self.unbalanced or self.negative_escrow or self.settled_holding)


def audit() -> LedgerAudit:
    """Three GROUP BY queries over the entries, whatever their number; nothing is trusted but
    the rows themselves (the ORM's refusal to update or delete them is not assumed)."""
    from competitions.models import CompetitionStatus

    from .models import PaymentRecord, PaymentStatus

    totals = {
        (row["account"], row["currency"]): row["total"]
        for row in LedgerEntry.objects.order_by().values("account", "currency").annotate(total=Sum("amount"))
    }
    unbalanced = [
        (row["transaction__reference"], row["currency"], row["total"])
        for row in LedgerEntry.objects.order_by()
        .values("transaction_id", "transaction__reference", "currency")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
    ]
    # Transactions without a single entry cannot be unbalanced; a transaction whose entries
    # were all deleted behind the ORM's back shows as a missing reference in the totals only.
    escrow = (
        LedgerEntry.objects.order_by()
        .filter(account=Account.ESCROW, competition__isnull=False)
        .values("competition_id", "competition__status", "currency")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
    )
    # Settlement is done when no payout of the competition still waits to be released.
    unreleased = set(
        PaymentRecord.objects.filter(status=PaymentStatus.PENDING, released_at__isnull=True).values_list(
            "competition_id", flat=True
        )
    )
    negative, holding = [], []
    for row in escrow:
        entry = (str(row["competition_id"]), row["currency"], row["total"])
        if row["total"] < 0:
            negative.append(entry)
        elif row["competition__status"] in (CompetitionStatus.CLOSED, CompetitionStatus.CANCELLED) and (
            row["competition_id"] not in unreleased
        ):
            holding.append(entry)
    return LedgerAudit(totals=totals, unbalanced=unbalanced, negative_escrow=negative, settled_holding=holding)
