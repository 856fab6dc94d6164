"""Payments: the winner's record, created at the award, and the admin-driven state machine,
safe under concurrent updates. `update_payment_status` is the one door for a payment's status."""

from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError

from accounts.models import user_is_admin
from freelance_arena.events import send_on_commit

from . import events
from .models import (
    FUNDING_TRANSITIONS,
    Funding,
    PaymentRecord,
    PaymentStatus,
    PayoutAccount,
    PayoutAccountStatus,
)

DUPLICATE_REFERENCE_MESSAGE = "Another payment already has this transaction reference."


def create_payout(*, competition, proposal) -> PaymentRecord:
    """The winner's PENDING payment, inside select-winner's transaction; save() (not bulk)
    computes the platform fee and the net amount."""
    return PaymentRecord.objects.create(
        competition=competition,
        client_id=competition.client_id,
        freelancer_id=proposal.freelancer_id,
        amount=proposal.proposed_budget,
        currency=competition.currency,
        status=PaymentStatus.PENDING,
    )


def update_payment_status(
    *,
    payment_id: UUID,
    new_status: str,
    by,
    notes: str | None = None,
    transaction_reference: str | None = None,
) -> PaymentRecord:
    """Moves a payment along PAYMENT_TRANSITIONS; COMPLETED stamps completed_at.

    The row is locked and the transition re-checked after the lock, so of two admins moving the
    same PENDING payment at once exactly one succeeds and the other gets a 400.
    """
    from . import payouts

    if not user_is_admin(by):
        raise PermissionDenied("Only administrators can change a payment's status.")
    reference = (transaction_reference or "").strip() or None
    with transaction.atomic():
        try:
            payment = PaymentRecord.objects.select_for_update().get(pk=payment_id)
        except PaymentRecord.DoesNotExist:
            raise NotFound("Payment not found.") from None
        if not payment.can_transition_to(new_status):
            raise ValidationError(
                {"status": [f"A payment cannot move from {payment.status} to {new_status}."]}, code="invalid_transition"
            )
        # PROCESSING releases the payout (or retries a failed one): the transfer, after the
        # notes and reference below are stored, decides the status.
        releasing = new_status == PaymentStatus.PROCESSING
        old_status = payment.status
        update_fields = ["updated_at"]
        if not releasing:
            payment.status = new_status
            update_fields.append("status")
        if new_status == PaymentStatus.COMPLETED:
            payment.completed_at = timezone.now()
            update_fields.append("completed_at")
        if notes is not None:
            payment.notes = notes
            update_fields.append("notes")
        if reference is not None and reference != payment.transaction_reference:
            if PaymentRecord.objects.filter(transaction_reference=reference).exclude(pk=payment.pk).exists():
                raise ValidationError({"transaction_reference": [DUPLICATE_REFERENCE_MESSAGE]})
            payment.transaction_reference = reference
            update_fields.append("transaction_reference")
        try:
            with transaction.atomic():  # a savepoint: a concurrent duplicate reference is a 400
                payment.save(update_fields=update_fields)
        except IntegrityError:
            if PaymentRecord.objects.filter(transaction_reference=reference).exclude(pk=payment.pk).exists():
                raise ValidationError({"transaction_reference": [DUPLICATE_REFERENCE_MESSAGE]}) from None
            raise
        if releasing:
            return payouts.release(payment=payment, by=by)
        if new_status == PaymentStatus.COMPLETED:
            payouts.post_payout(payment)  # completed by hand: the money left all the same
        send_on_commit(events.payment_status_changed, PaymentRecord, payment=payment, old_status=old_status, by=by)
    return payment


# --- The doors of Part 2's statuses: fundings, payouts moved by the provider, payout accounts ----


def move_funding(funding: Funding, new_status: str, **fields) -> None:
    """A funding's one door (`funding` locked by the caller): asks FUNDING_TRANSITIONS."""
    if new_status not in FUNDING_TRANSITIONS[funding.status]:
        raise ValueError(f"No funding transition from {funding.status} to {new_status}")
    funding.status = new_status
    for name, value in fields.items():
        setattr(funding, name, value)
    funding.save(update_fields=["status", *fields])


def move_payout(payment: PaymentRecord, new_status: str, *, by=None, **fields) -> None:
    """A payout moved by the release flow or the provider's answer (locked by the caller)."""
    if not payment.can_transition_to(new_status):
        raise ValidationError({"status": [f"A payment cannot move from {payment.status} to {new_status}."]})
    old_status = payment.status
    payment.status = new_status
    for name, value in fields.items():
        setattr(payment, name, value)
    payment.save(update_fields=["status", "updated_at", *fields])
    if by is not None:
        send_on_commit(events.payment_status_changed, PaymentRecord, payment=payment, old_status=old_status, by=by)


def activate_payout_account(account: PayoutAccount) -> bool:
    """PENDING -> ACTIVE (the provider says payouts are enabled); False if it already was."""
    if account.status == PayoutAccountStatus.ACTIVE:
        return False
    account.status = PayoutAccountStatus.ACTIVE
    account.activated_at = timezone.now()
    account.onboarding_url = ""
    account.save(update_fields=["status", "activated_at", "onboarding_url", "updated_at"])
    return True
