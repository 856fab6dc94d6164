"""Escrow: funding a prize, refunding it, and settling it at the award.

Every function that moves money runs inside the caller's transaction with the competition row
locked (competition first, then its funding: the order every path takes), writes one ledger
transaction and sends its notification after commit. Provider calls carry idempotency keys
derived from the business object, so a retried request never charges or refunds twice.
"""

import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied, ValidationError

from freelance_arena.events import send_on_commit

from . import events, ledger, services
from .ledger import Account, Move, TransactionKind
from .models import ACTIVE_FUNDING_STATUSES, Funding, FundingStatus, platform_fee_for
from .providers import ProviderError, get_provider

logger = logging.getLogger(__name__)

FUND_BEFORE_OPENING = "Fund the prize before opening the competition."
VERIFY_EMAIL_FIRST = "Verify your email address first."
FROZEN_FIELDS = ("budget", "currency")


def _competition_model():
    from competitions.models import Competition

    return Competition


def _provider_failed(exc: ProviderError) -> ValidationError:
    return ValidationError({"non_field_errors": [f"The payment provider refused the operation: {exc}"]})


# --- Rules the competition services ask -----------------------------------------------------------


def require_verified_email(user) -> None:
    if not getattr(user, "email_verified", False):
        raise PermissionDenied(VERIFY_EMAIL_FIRST)


def require_funded(competition) -> None:
    """DRAFT -> OPEN needs the prize in escrow."""
    if competition.funded_at is None:
        raise ValidationError({"status": [FUND_BEFORE_OPENING]})


def funding_started(competition) -> bool:
    return Funding.objects.filter(competition=competition, status__in=ACTIVE_FUNDING_STATUSES).exists()


def refuse_frozen_edits(competition, data) -> None:
    """Once a funding is PENDING or SUCCEEDED, budget and currency are read-only (a PUT that
    repeats the current values is fine)."""
    changed = [name for name in FROZEN_FIELDS if name in data and data[name] != getattr(competition, name)]
    if changed and funding_started(competition):
        raise ValidationError(
            {name: ["The prize is funded (or being funded): it can no longer be changed."] for name in changed}
        )


# --- Funding --------------------------------------------------------------------------------------


def start_funding(*, competition, by) -> tuple[Funding, bool]:
    """POST fund/: a new PENDING funding for the budget, or the PENDING one already there.

    Returns (funding, created). The PaymentIntent's idempotency key is the funding's id.
    """
    require_verified_email(by)
    with transaction.atomic():
        locked = _competition_model().objects.select_for_update().get(pk=competition.pk)
        if locked.status != "DRAFT":
            raise ValidationError(
                {"non_field_errors": [f"Only a DRAFT competition is funded; this one is {locked.status}."]}
            )
        if locked.funded_at is not None:
            raise ValidationError({"non_field_errors": ["The prize of this competition is already funded."]})
        pending = (
            Funding.objects.filter(competition=locked, status=FundingStatus.PENDING).order_by("-created_at").first()
        )
        if pending is not None:
            return pending, False
        provider = get_provider()
        funding = Funding.objects.create(
            competition=locked,
            client_id=locked.client_id,
            provider=provider.name,
            amount=locked.budget,
            currency=locked.currency,
        )
        try:
            intent = provider.create_payment_intent(funding=funding, idempotency_key=f"funding:{funding.pk}")
        except ProviderError as exc:
            raise _provider_failed(exc) from exc
        funding.provider_ref = intent.provider_ref
        funding.client_secret = intent.client_secret
        funding.save(update_fields=["provider_ref", "client_secret"])
    return funding, True


def funding_succeeded(*, provider_ref: str) -> Funding | None:
    """payment_intent.succeeded: funding SUCCEEDED, ledger FUNDING, competition funded (or, if it
    was cancelled meanwhile or is funded already, the money goes straight back)."""
    found = Funding.objects.filter(provider_ref=provider_ref).values_list("pk", "competition_id").first()
    if found is None:
        logger.warning("Payment succeeded for an unknown PaymentIntent %s", provider_ref)
        return None
    funding_id, competition_id = found
    competition = _competition_model().objects.select_for_update().get(pk=competition_id)
    funding = Funding.objects.select_for_update().get(pk=funding_id)
    if funding.status in (FundingStatus.SUCCEEDED, FundingStatus.REFUNDED):
        return funding  # out of order or replayed under another event id: already done
    now = timezone.now()
    services.move_funding(funding, FundingStatus.SUCCEEDED, succeeded_at=now)
    funding.competition = competition
    ledger.post(
        kind=TransactionKind.FUNDING,
        reference=f"funding:{funding.pk}",
        competition_id=competition.pk,
        moves=[
            Move(
                Account.CLIENT_FUNDS,
                Account.ESCROW,
                funding.amount,
                funding.currency,
                competition_id=competition.pk,
                source_user_id=funding.client_id,
            )
        ],
    )
    send_on_commit(events.funding_succeeded, Funding, funding=funding)
    if competition.status == "CANCELLED" or competition.funded_at is not None:
        # Cancelled while the payment was under way, or paid twice: it goes back at once.
        _refund(competition, funding, funding.amount, reference=f"refund:{funding.pk}", whole=True)
        return funding
    competition.funded_at = now
    competition.save(update_fields=["funded_at", "updated_at"])
    return funding


def funding_failed(*, provider_ref: str) -> Funding | None:
    """payment_intent.payment_failed: a PENDING funding becomes FAILED (a later success wins)."""
    found = Funding.objects.filter(provider_ref=provider_ref).values_list("pk", "competition_id").first()
    if found is None:
        return None
    funding_id, competition_id = found
    _competition_model().objects.select_for_update().get(pk=competition_id)
    funding = Funding.objects.select_for_update().get(pk=funding_id)
    if funding.status != FundingStatus.PENDING:
        return funding
    services.move_funding(funding, FundingStatus.FAILED, failed_at=timezone.now())
    send_on_commit(events.funding_failed, Funding, funding=funding)
    return funding


# --- Refunds and the award --------------------------------------------------------------------------


def _refund(competition, funding: Funding, amount: Decimal, *, reference: str, whole: bool) -> None:
    provider = get_provider(funding.provider)
    try:
        refund_ref = provider.refund(funding=funding, amount=amount, idempotency_key=reference)
    except ProviderError as exc:
        raise _provider_failed(exc) from exc
    ledger.post(
        kind=TransactionKind.REFUND,
        reference=reference,
        competition_id=competition.pk,
        moves=[
            Move(
                Account.ESCROW,
                Account.REFUNDS,
                amount,
                funding.currency,
                competition_id=competition.pk,
                target_user_id=funding.client_id,
            )
        ],
    )
    if whole:
        services.move_funding(funding, FundingStatus.REFUNDED, refunded_at=timezone.now(), refund_ref=refund_ref)
    send_on_commit(events.prize_refunded, Funding, competition=competition, amount=amount, currency=funding.currency)


def refund_all(competition) -> Decimal:
    """Returns whatever escrow holds for `competition` (locked by the caller) to its client:
    ledger REFUND, provider refund, funding REFUNDED, owner notified. Returns the amount."""
    held = ledger.escrow_held(competition)
    if held <= 0:
        return Decimal("0.00")
    funding = (
        Funding.objects.select_for_update()
        .filter(competition=competition, status=FundingStatus.SUCCEEDED)
        .order_by("-succeeded_at")
        .first()
    )
    if funding is None:  # cannot happen through the services: money in escrow came from a funding
        raise ValidationError({"non_field_errors": ["Escrow holds money but no succeeded funding was found."]})
    _refund(competition, funding, held, reference=f"refund:{funding.pk}", whole=True)
    return held


def award_amounts(competition, gross: Decimal, held: Decimal) -> dict[str, Decimal]:
    gross = Decimal(gross)
    fee = platform_fee_for(gross)
    return {"gross": gross, "fee": fee, "net": gross - fee, "rest": held - gross}


def settle_award(competition, proposal) -> dict[str, Decimal]:
    """In select-winner's transaction: one AWARD moves escrow to the winner's payable (net), the
    platform's revenue (fee) and back to the client (budget - gross, refunded at the provider)."""
    held = ledger.escrow_held(competition)
    amounts = award_amounts(competition, proposal.proposed_budget, held)
    if amounts["rest"] < 0:
        raise ValidationError(
            {
                "non_field_errors": [
                    f"Escrow holds {held} {competition.currency}, less than the winning proposal's budget."
                ]
            }
        )
    currency = competition.currency
    ledger.post(
        kind=TransactionKind.AWARD,
        reference=f"award:{competition.pk}",
        competition_id=competition.pk,
        moves=[
            Move(
                Account.ESCROW,
                Account.PAYABLE,
                amounts["net"],
                currency,
                competition_id=competition.pk,
                target_user_id=proposal.freelancer_id,
            ),
            Move(Account.ESCROW, Account.REVENUE, amounts["fee"], currency, competition_id=competition.pk),
            Move(
                Account.ESCROW,
                Account.REFUNDS,
                amounts["rest"],
                currency,
                competition_id=competition.pk,
                target_user_id=competition.client_id,
            ),
        ],
    )
    if amounts["rest"] > 0:
        funding = Funding.objects.filter(competition=competition, status=FundingStatus.SUCCEEDED).first()
        if funding is not None:
            try:
                refund_ref = get_provider(funding.provider).refund(
                    funding=funding, amount=amounts["rest"], idempotency_key=f"award-rest:{competition.pk}"
                )
            except ProviderError as exc:
                raise _provider_failed(exc) from exc
            Funding.objects.filter(pk=funding.pk).update(refund_ref=refund_ref)
        send_on_commit(
            events.prize_refunded, Funding, competition=competition, amount=amounts["rest"], currency=currency
        )
    return amounts


# --- Read side ----------------------------------------------------------------------------------


def funding_annotations() -> dict:
    """Subqueries for CompetitionDetail's `funding` (the latest funding): no extra query."""
    from django.db.models import OuterRef, Subquery

    latest = Funding.objects.filter(competition_id=OuterRef("pk")).order_by("-created_at")
    return {
        "funding_status": Subquery(latest.values("status")[:1]),
        "funding_amount": Subquery(latest.values("amount")[:1]),
        "funding_currency": Subquery(latest.values("currency")[:1]),
    }


def funding_summary(competition) -> dict | None:
    """`{status, amount, currency, funded_at}` of the latest funding; None before any."""
    if hasattr(competition, "funding_status"):
        status, amount, currency = competition.funding_status, competition.funding_amount, competition.funding_currency
    else:
        latest = Funding.objects.filter(competition=competition).order_by("-created_at").first()
        if latest is None:
            return None
        status, amount, currency = latest.status, latest.amount, latest.currency
    if status is None:
        return None
    return {"status": status, "amount": amount, "currency": currency, "funded_at": competition.funded_at}
