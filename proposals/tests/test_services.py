"""Service-level guarantees that HTTP tests cannot reach easily: the unique constraint as a 400,
and no stored file left behind by a write that fails."""

from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.exceptions import ValidationError

from proposals import services
from proposals.files import check_upload
from proposals.models import Proposal, ProposalAttachment
from proposals.tests.samples import PDF, PNG, upload

DATA = {"title": "T", "description": "D", "proposed_budget": "10.00", "estimated_duration": 2}


def stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.django_db
def test_unique_constraint_violation_is_answered_as_already_submitted(freelancer, competition, proposal):
    # No SELECT asks first: the INSERT meets the unique constraint, as a concurrent submission
    # of the same freelancer would.
    with pytest.raises(ValidationError) as exc:
        services.submit_proposal(freelancer=freelancer, competition_id=competition.pk, data=DATA)

    assert "already submitted" in str(exc.value.detail)
    assert Proposal.objects.filter(freelancer=freelancer).count() == 1


@pytest.mark.django_db
def test_failed_submission_leaves_no_proposal_and_no_file(monkeypatch, freelancer, competition):
    original_save = ProposalAttachment.save
    calls = {"n": 0}

    def failing_save(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(ProposalAttachment, "save", failing_save)
    files = [check_upload(upload("a.pdf", PDF)), check_upload(upload("b.png", PNG))]

    with pytest.raises(RuntimeError):
        services.submit_proposal(freelancer=freelancer, competition_id=competition.pk, data=DATA, files=files)

    assert Proposal.objects.count() == 0
    assert ProposalAttachment.objects.count() == 0
    assert stored_files() == []


@pytest.mark.django_db
def test_refused_submission_stores_no_file(freelancer, client_owner):
    from competitions.tests.factories import CompetitionFactory
    from proposals.tests.factories import ProposalFactory

    competition = CompetitionFactory(client=client_owner, max_proposals=1)
    ProposalFactory(competition=competition)

    with pytest.raises(ValidationError):
        services.submit_proposal(
            freelancer=freelancer,
            competition_id=competition.pk,
            data=DATA,
            files=[check_upload(upload("a.pdf", PDF))],
        )

    assert stored_files() == []


@pytest.mark.django_db
def test_score_by_another_client_is_refused_by_the_service(proposal, other_client):
    from rest_framework.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.score_proposal(proposal=proposal, by=other_client, client_score=5)
    proposal.refresh_from_db()
    assert proposal.client_score is None


def test_a_new_proposal_knows_its_rows_without_a_query(django_assert_num_queries, competition, freelancer):
    """submit_proposal primes the related managers through Django's private prefetch cache
    (_result_cache, _prefetch_done): kept because it saves two SELECTs on every submit
    (bench/fast_paths.py). If a Django upgrade changes those internals, this fails loudly."""
    from proposals.services import _know_related_rows
    from proposals.tests.factories import ProposalFactory

    proposal = ProposalFactory(competition=competition, freelancer=freelancer)
    attachment = ProposalAttachment.objects.create(
        proposal=proposal, file="x/a.pdf", original_filename="a.pdf", file_size=1, file_type="pdf"
    )
    fresh = Proposal.objects.get(pk=proposal.pk)
    _know_related_rows(fresh, attachments=[attachment], revisions=[])
    with django_assert_num_queries(0):
        assert list(fresh.attachments.all()) == [attachment]
        assert list(fresh.revisions.all()) == []
