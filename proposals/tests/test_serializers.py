"""ProposalDetailSerializer writes its fields by hand (every proposal write answers with it): they
must stay exactly what DRF's ModelSerializer makes of the declared fields, for every state a
proposal can be in. Blind review on top is tested over HTTP in test_blind_review.py."""

from decimal import Decimal

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from competitions.models import CompetitionStatus
from proposals.models import ProposalAttachment, ProposalRevision, ProposalStatus
from proposals.serializers import ProposalDetailSerializer
from proposals.tests.factories import ProposalFactory
from proposals.views import detail_queryset

pytestmark = pytest.mark.django_db


def generic(serializer: ProposalDetailSerializer, proposal) -> dict:
    """DRF's own representation of the declared fields, before blind review."""
    return serializers.ModelSerializer.to_representation(serializer, proposal)


def as_plain(value):
    """Nested OrderedDicts and ReturnDicts as dicts and lists, keeping the key order visible."""
    if isinstance(value, dict):
        return [(key, as_plain(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [as_plain(item) for item in value]
    return value


@pytest.fixture
def proposals(competition, freelancer, other_freelancer, admin_user):
    plain = ProposalFactory(competition=competition, freelancer=freelancer, submission_note="")
    full = ProposalFactory(
        competition=competition,
        freelancer=other_freelancer,
        title="Ünïcode “quotes” 🚀",
        proposed_budget=Decimal("1234.5"),
        estimated_duration=30,
        status=ProposalStatus.UNDER_REVIEW,
        submission_note="See the files.",
        client_score=4,
        client_note="",
        is_winner=True,
    )
    for n in range(2):
        ProposalAttachment.objects.create(
            proposal=full,
            file=f"proposal_attachments/{full.pk}/{n}.pdf",
            original_filename=f"plan {n}.pdf",
            file_size=1000 + n,
            file_type="pdf",
            description="" if n else "The plan",
        )
        ProposalRevision.objects.create(
            proposal=full, revised_by=other_freelancer, description=f"Changed: title ({n})", revision_number=n + 1
        )
    return [plain, full]


@pytest.mark.parametrize("with_request", [True, False], ids=["request", "no request"])
def test_hand_written_fields_equal_the_generic_ones(proposals, admin_user, with_request):
    context = {}
    if with_request:
        request = APIRequestFactory().get("/api/proposals/")
        request.user = admin_user
        context["request"] = request
    for proposal in detail_queryset(admin_user).filter(pk__in=[p.pk for p in proposals]):
        serializer = ProposalDetailSerializer(proposal, context=context)

        fast = serializer.represent(proposal)

        assert as_plain(fast) == as_plain(generic(serializer, proposal))
        assert list(fast) == ProposalDetailSerializer.Meta.fields


@pytest.mark.parametrize("status", [CompetitionStatus.OPEN, CompetitionStatus.CLOSED])
@pytest.mark.parametrize("viewer", ["freelancer", "other_freelancer", "client_owner", "admin_user"])
def test_data_is_the_generic_representation_with_blind_review(proposals, competition, status, viewer, request):
    competition.status = status
    competition.save(update_fields=["status"])
    user = request.getfixturevalue(viewer)
    http = APIRequestFactory().get("/api/proposals/")
    http.user = user
    for proposal in detail_queryset(user).filter(pk__in=[p.pk for p in proposals]):
        serializer = ProposalDetailSerializer(proposal, context={"request": http})

        data = serializer.data

        assert as_plain(data) == as_plain(serializer.blind(generic(serializer, proposal), proposal))
