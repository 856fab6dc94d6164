from decimal import Decimal

import factory

from accounts.tests.factories import FreelancerFactory
from competitions.tests.factories import CompetitionFactory
from proposals.models import Proposal, ProposalStatus


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    competition = factory.SubFactory(CompetitionFactory)
    freelancer = factory.SubFactory(FreelancerFactory)
    title = factory.Sequence(lambda n: f"Proposal {n}")
    description = "A working prototype with tests."
    proposed_budget = Decimal("1200.00")
    estimated_duration = 10
    status = ProposalStatus.SUBMITTED
