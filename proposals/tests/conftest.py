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
