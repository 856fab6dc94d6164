"""Payouts: the winner's PaymentRecord is released, then sent by a provider Transfer to their
ACTIVE payout account; without one it waits (PENDING, `released_at` set) until the account is
ACTIVE. Completing a payout posts the ledger PAYOUT (payable -> payouts), once."""

import logging

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from freelance_arena.events import send_on_commit

from . import events, ledger, services
from .escrow import require_verified_email
from .ledger import Account, Move, TransactionKind
from .models import PaymentRecord, PaymentStatus, PayoutAccount, PayoutAccountStatus
from .providers import ProviderError, get_provider

logger = logging.getLogger(__name__)


def post_payout(payment: PaymentRecord) -> None:
    """The money left the platform: payable -> payouts for the winner (once per payment)."""
    ledger.post(
        kind=TransactionKind.PAYOUT,
        reference=f"payout:{payment.pk}",
        competition_id=payment.competition_id,
        moves=[
            Move(
                Account.PAYABLE,
                Account.PAYOUTS,
                payment.net_amount,
                payment.currency,
                competition_id=payment.competition_id,
                source_user_id=payment.freelancer_id,
                target_user_id=payment.freelancer_id,
            )
        ],
    )


def _active_account(user_id) -> PayoutAccount | None:
    return PayoutAccount.objects.filter(user_id=user_id, status=PayoutAccountStatus.ACTIVE).first()


def _send(payment: PaymentRecord, account: PayoutAccount, by=None) -> None:
    """PROCESSING, then the provider's answer makes it COMPLETED (ledger PAYOUT) or FAILED."""
    # A new key per attempt (updated_at moves with each status change), the same key on a retry
    # of the same attempt.
    key = f"transfer:{payment.pk}:{payment.updated_at.timestamp():.6f}"
    services.move_payout(payment, PaymentStatus.PROCESSING, by=by)
    try:
        result = get_provider(account.provider).transfer(
            payout=payment, destination=account.provider_account_id or "", idempotency_key=key
        )
    except ProviderError as exc:
        logger.warning("Transfer of payout %s failed: %s", payment.pk, exc)
        services.move_payout(
            payment, PaymentStatus.FAILED, by=by, notes=(payment.notes + f"\nTransfer failed: {exc}").strip()
        )
        return
    payment.transfer_ref = result.transfer_ref
    payment.save(update_fields=["transfer_ref", "updated_at"])
    if result.completed:
        complete(payment, by)


def complete(payment: PaymentRecord, by=None) -> None:
    """The transfer arrived: COMPLETED, ledger PAYOUT, the winner told."""
    services.move_payout(payment, PaymentStatus.COMPLETED, by=by, completed_at=timezone.now())
    post_payout(payment)
    send_on_commit(events.payout_sent, PaymentRecord, payment=payment)


def release(*, payment: PaymentRecord, by=None) -> PaymentRecord:
    """Releases a payout (locked by the caller): the transfer goes out now, or, with no ACTIVE
    payout account, the payout waits PENDING with `released_at` and the winner is told."""
    if payment.released_at is None:
        payment.released_at = timezone.now()
        payment.save(update_fields=["released_at", "updated_at"])
    account = _active_account(payment.freelancer_id)
    if account is None:
        if payment.status == PaymentStatus.PENDING:
            send_on_commit(events.payout_account_needed, PaymentRecord, payment=payment)
            return payment
        raise ValidationError({"status": ["The winner has no active payout account yet."]})
    _send(payment, account, by)
    return payment


def send_waiting(user_id) -> int:
    """Sends every released payout of `user_id` that waited for an ACTIVE account."""
    account = _active_account(user_id)
    if account is None:
        return 0
    sent = 0
    waiting = PaymentRecord.objects.filter(
        freelancer_id=user_id, status=PaymentStatus.PENDING, released_at__isnull=False
    ).values_list("pk", flat=True)
    for payment_id in list(waiting):
        payment = PaymentRecord.objects.select_for_update().get(pk=payment_id)
        if payment.status == PaymentStatus.PENDING and payment.released_at is not None:
            _send(payment, account)
            sent += 1
    return sent


# --- Payout accounts --------------------------------------------------------------------------------


def get_or_create_account(*, user) -> tuple[PayoutAccount, bool]:
    """POST payout-account/: the freelancer's account (created on first call; a PENDING Stripe
    account gets a fresh onboarding link). Returns (account, created)."""
    require_verified_email(user)
    with transaction.atomic():
        # The user's row lock makes two simultaneous first calls create one account.
        type(user)._default_manager.select_for_update().filter(pk=user.pk).values_list("pk").first()
        account = PayoutAccount.objects.filter(user=user).first()
        provider = get_provider()
        try:
            if account is not None:
                if account.status == PayoutAccountStatus.PENDING and account.provider_account_id:
                    account.onboarding_url = get_provider(account.provider).account_link(
                        account_id=account.provider_account_id
                    )
                    account.save(update_fields=["onboarding_url", "updated_at"])
                return account, False
            result = provider.create_connected_account(user=user, idempotency_key=f"payout-account:{user.pk}")
        except ProviderError as exc:
            raise ValidationError({"non_field_errors": [f"The payment provider refused the operation: {exc}"]}) from exc
        now = timezone.now()
        account = PayoutAccount.objects.create(
            user=user,
            provider=provider.name,
            provider_account_id=result.account_id,
            status=PayoutAccountStatus.ACTIVE if result.active else PayoutAccountStatus.PENDING,
            onboarding_url=result.onboarding_url,
            activated_at=now if result.active else None,
        )
        if result.active:
            send_waiting(user.pk)
    return account, True


def account_activated(*, provider_account_id: str) -> PayoutAccount | None:
    """account.updated with payouts enabled: the account is ACTIVE; waiting payouts go out."""
    account = PayoutAccount.objects.select_for_update().filter(provider_account_id=provider_account_id).first()
    if account is None:
        return None
    services.activate_payout_account(account)
    send_waiting(account.user_id)
    return account
