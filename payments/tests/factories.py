from decimal import Decimal

import factory

from accounts.tests.factories import FreelancerFactory
from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from payments.models import PaymentRecord
from proposals.models import Proposal


class PaymentRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentRecord

    competition = factory.SubFactory(CompetitionFactory, status=CompetitionStatus.CLOSED)
    client = factory.LazyAttribute(lambda o: o.competition.client)
    freelancer = factory.SubFactory(FreelancerFactory)
    amount = Decimal("1000.00")
    currency = "USD"

    @factory.post_generation
    def settled(obj, create, extracted, **kwargs):
        """As the award leaves it: the escrow settled into the winner's payable (ledger AWARD),
        and the winner has an ACTIVE payout account (`settled=False` skips both)."""
        if not create or extracted is False or obj.freelancer_id is None:
            return
        from django.db import transaction

        from payments import escrow
        from payments.tests.money import active_payout_account

        active_payout_account(obj.freelancer)
        with transaction.atomic():
            if escrow.ledger.escrow_held(obj.competition) >= obj.amount:
                escrow.settle_award(
                    obj.competition, Proposal(freelancer_id=obj.freelancer_id, proposed_budget=obj.amount)
                )
