"""Test helpers: competitions with their prize in escrow, as the real flow leaves them."""

from django.db import transaction
from django.utils import timezone

from payments import ledger
from payments.ledger import Account, Move, TransactionKind
from payments.models import Funding, FundingStatus, PayoutAccount, PayoutAccountStatus


def fund_competition(competition) -> Funding:
    """A SUCCEEDED dummy funding of the whole budget, its ledger FUNDING and `funded_at`."""
    now = timezone.now()
    with transaction.atomic():
        funding = Funding.objects.create(
            competition=competition,
            client_id=competition.client_id,
            provider="dummy",
            provider_ref=f"dummy_pi_test_{competition.pk.hex}_{Funding.objects.count()}",
            status=FundingStatus.SUCCEEDED,
            amount=competition.budget,
            currency=competition.currency,
            succeeded_at=now,
        )
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
                    source_user_id=competition.client_id,
                )
            ],
        )
        type(competition).objects.filter(pk=competition.pk).update(funded_at=now)
    competition.funded_at = now
    return funding


def active_payout_account(user) -> PayoutAccount:
    account, _ = PayoutAccount.objects.get_or_create(
        user=user,
        defaults={
            "provider": "dummy",
            "provider_account_id": f"dummy_acct_test_{user.pk}",
            "status": PayoutAccountStatus.ACTIVE,
            "activated_at": timezone.now(),
        },
    )
    return account


def assert_ledger_ok() -> None:
    """check_ledger's logic: every transaction balances, no escrow is negative or stranded."""
    from payments.ledger import audit

    result = audit()
    assert result.ok, (result.unbalanced, result.negative_escrow, result.settled_holding)
