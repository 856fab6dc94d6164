"""Fixtures of the proposals tests: an OPEN competition of `client_owner` and a proposal of
`freelancer` on it (the cast of users comes from the project's conftest.py)."""

import pytest

from competitions.tests.factories import CompetitionFactory
from proposals.models import ProposalAttachment
from proposals.tests.factories import ProposalFactory
from proposals.tests.samples import PDF, upload


@pytest.fixture
def competition(client_owner):
    return CompetitionFactory(client=client_owner, title="Landing page")


@pytest.fixture
def proposal(competition, freelancer):
    return ProposalFactory(competition=competition, freelancer=freelancer, title="My approach")


@pytest.fixture
def attachment(proposal):
    return ProposalAttachment.objects.create(
        proposal=proposal,
        file=upload("brief.pdf", PDF),
        original_filename="brief.pdf",
        file_size=len(PDF),
        file_type="pdf",
    )


@pytest.fixture
def users(client_owner, other_client, freelancer, other_freelancer, admin_user):
    """Role name -> user; `anonymous` -> None (as_user(None) is an unauthenticated client)."""
    return {
        "owner_freelancer": freelancer,
        "other_freelancer": other_freelancer,
        "owning_client": client_owner,
        "other_client": other_client,
        "admin": admin_user,
        "anonymous": None,
    }
