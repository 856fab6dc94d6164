"""Demo data (seed_demo): escrow as the real flow leaves it, written in bulk.

Every published competition was funded (a SUCCEEDED dummy Funding and its ledger FUNDING);
a CLOSED one with a winner was awarded (ledger AWARD: the winner's net, the fee, the rest back
to the client) and a COMPLETED payout was paid out (ledger PAYOUT). Cancelled ones were
refunded (FUNDING then REFUND). Drafts hold nothing.
"""

import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from payments.ledger import Account, LedgerEntry, LedgerTransaction, TransactionKind
from payments.models import Funding, FundingStatus, PaymentRecord, PaymentStatus, platform_fee_for

BATCH = 1000


def _entry(tx, account, amount, currency, competition_id, user_id=None) -> LedgerEntry:
    return LedgerEntry(
        transaction=tx,
        account=account,
        amount=amount,
        currency=currency,
        competition_id=competition_id,
        user_id=user_id,
    )


def seed_escrow(competitions: Iterable[tuple], winners: dict, now) -> int:
    """`competitions`: (id, status, client_id, published_at, submission, max, budget, currency);
    `winners`: competition id -> (proposal id, freelancer id, gross). Returns the fundings made."""
    from competitions.models import Competition, CompetitionStatus

    completed = set(
        PaymentRecord.objects.filter(status=PaymentStatus.COMPLETED).values_list("competition_id", flat=True)
    )
    payouts = dict(PaymentRecord.objects.values_list("competition_id", "pk"))
    fundings, transactions, entries, funded = [], [], [], []
    for cid, status, client, published, _submission, _max, budget, currency in competitions:
        if published is None:
            continue  # a draft (or a draft cancelled before publishing): never funded
        won = winners.get(cid)
        if won is not None and won[2] > budget:
            continue  # an old bid above the prize: left unfunded rather than invented
        funding = Funding(
            id=uuid.uuid4(),
            competition_id=cid,
            client_id=client,
            provider="dummy",
            provider_ref=f"dummy_pi_seed_{cid.hex}",
            status=FundingStatus.REFUNDED if status == CompetitionStatus.CANCELLED else FundingStatus.SUCCEEDED,
            amount=budget,
            currency=currency,
            succeeded_at=published,
            refunded_at=now if status == CompetitionStatus.CANCELLED else None,
        )
        fundings.append(funding)
        funded.append(cid)
        tx = LedgerTransaction(
            id=uuid.uuid4(), kind=TransactionKind.FUNDING, reference=f"funding:{funding.id}", competition_id=cid
        )
        transactions.append(tx)
        entries += [
            _entry(tx, Account.CLIENT_FUNDS, -budget, currency, cid, client),
            _entry(tx, Account.ESCROW, budget, currency, cid),
        ]
        if status == CompetitionStatus.CANCELLED:
            tx = LedgerTransaction(
                id=uuid.uuid4(), kind=TransactionKind.REFUND, reference=f"refund:{funding.id}", competition_id=cid
            )
            transactions.append(tx)
            entries += [
                _entry(tx, Account.ESCROW, -budget, currency, cid),
                _entry(tx, Account.REFUNDS, budget, currency, cid, client),
            ]
        elif won is not None:
            gross = Decimal(won[2])
            fee = platform_fee_for(gross)
            net, rest = gross - fee, budget - gross
            tx = LedgerTransaction(
                id=uuid.uuid4(), kind=TransactionKind.AWARD, reference=f"award:{cid}", competition_id=cid
            )
            transactions.append(tx)
            entries += [
                _entry(tx, Account.ESCROW, -budget, currency, cid),
                _entry(tx, Account.PAYABLE, net, currency, cid, won[1]),
            ]
            if fee:
                entries.append(_entry(tx, Account.REVENUE, fee, currency, cid))
            if rest:
                entries.append(_entry(tx, Account.REFUNDS, rest, currency, cid, client))
            if cid in completed and net:
                tx = LedgerTransaction(
                    id=uuid.uuid4(), kind=TransactionKind.PAYOUT, reference=f"payout:{payouts[cid]}", competition_id=cid
                )
                transactions.append(tx)
                entries += [
                    _entry(tx, Account.PAYABLE, -net, currency, cid, won[1]),
                    _entry(tx, Account.PAYOUTS, net, currency, cid, won[1]),
                ]
    with transaction.atomic():
        Funding.objects.bulk_create(fundings, batch_size=BATCH)
        LedgerTransaction.objects.bulk_create(transactions, batch_size=BATCH)
        LedgerEntry.objects.bulk_create(entries, batch_size=BATCH)
        for start in range(0, len(funded), BATCH):
            Competition.objects.filter(pk__in=funded[start : start + BATCH]).update(funded_at=now)
    return len(fundings)
