"""A CLOSED competition of client_owner, won by freelancer, lost by other_freelancer."""

import pytest

from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from proposals.models import ProposalStatus
from proposals.tests.factories import ProposalFactory


@pytest.fixture
def closed_competition(client_owner, freelancer, other_freelancer):
    competition = CompetitionFactory(client=client_owner, status=CompetitionStatus.CLOSED)
    winning = ProposalFactory(
        competition=competition, freelancer=freelancer, status=ProposalStatus.ACCEPTED, is_winner=True
    )
    ProposalFactory(competition=competition, freelancer=other_freelancer, status=ProposalStatus.REJECTED)
    competition.winner = freelancer
    competition.winning_proposal = winning
    competition.save(update_fields=["winner", "winning_proposal"])
    return competition


@pytest.fixture
def admin_site(client, admin_user):
    """The Django test client logged in to /admin/ as the superuser."""
    client.force_login(admin_user)
    return client
