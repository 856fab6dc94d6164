"""seed_demo: the tiny size must respect every model rule the large one relies on."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.models import Role, User
from competitions.models import Competition, CompetitionBookmark, CompetitionQuestion, CompetitionStatus
from demo.seeding import (
    DEMO_PASSWORD,
    HEAVY_EMAIL,
    SELECT_WINNER_COMPETITION_ID,
    SIZES,
)
from feedback.models import Review, UserRating
from notifications.models import Notification
from payments.models import PaymentRecord, platform_fee_for
from proposals.models import Proposal, ProposalStatus

TINY = SIZES["tiny"]


def seed(*extra: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--size", "tiny", *extra, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db) -> str:
    return seed()


def test_seed_creates_the_expected_counts(seeded):
    assert User.objects.count() == TINY.clients + TINY.freelancers + 2
    assert User.objects.filter(role=Role.CLIENT).count() == TINY.clients
    assert User.objects.filter(role=Role.ADMIN, is_staff=True, is_superuser=True).count() == 1
    assert Competition.objects.count() == TINY.competitions
    assert Proposal.objects.count() == TINY.proposals
    assert Notification.objects.count() == TINY.notifications
    assert CompetitionQuestion.objects.count() == TINY.questions
    assert 0 < CompetitionBookmark.objects.count() <= TINY.bookmarks


def test_every_status_is_present_and_published_at_matches_it(seeded):
    by_status = dict(Competition.objects.values_list("status").annotate(n=Count("id")))
    assert set(by_status) == set(CompetitionStatus.values)
    assert not Competition.objects.filter(status=CompetitionStatus.DRAFT, published_at__isnull=False).exists()
    assert not Competition.objects.exclude(status=CompetitionStatus.DRAFT).filter(published_at__isnull=True).exists()


def test_competitions_respect_budget_and_deadline_rules(seeded):
    assert not Competition.objects.filter(budget__lte=0).exists()
    assert not Competition.objects.filter(submission_deadline__gt=F("deadline")).exists()
    assert not Competition.objects.filter(max_proposals__lt=1).exists()
    # Open competitions still accept proposals, and none is due for the cron commands yet.
    soon = timezone.now() + timezone.timedelta(days=1)
    assert not Competition.objects.filter(status=CompetitionStatus.OPEN, submission_deadline__lte=soon).exists()


def test_proposals_are_unique_per_freelancer_and_never_on_drafts(seeded):
    duplicates = Proposal.objects.values("competition", "freelancer").annotate(n=Count("id")).filter(n__gt=1)
    assert not duplicates.exists()
    assert not Proposal.objects.filter(competition__status=CompetitionStatus.DRAFT).exists()
    assert not Proposal.objects.filter(Q(proposed_budget__lte=0) | Q(estimated_duration__lt=1)).exists()
    assert not Proposal.objects.exclude(freelancer__role=Role.FREELANCER).exists()
    for competition in Competition.objects.filter(max_proposals__isnull=False):
        assert competition.proposals.active().count() <= competition.max_proposals


def test_closed_competitions_have_one_consistent_winner_and_payment(seeded):
    closed = Competition.objects.filter(status=CompetitionStatus.CLOSED).select_related("winning_proposal")
    assert closed.exists()
    for competition in closed:
        winner = competition.winning_proposal
        assert winner is not None
        assert winner.competition_id == competition.pk
        assert winner.status == ProposalStatus.ACCEPTED
        assert winner.is_winner
        assert competition.winner_id == winner.freelancer_id
        others = competition.proposals.exclude(pk=winner.pk)
        assert not others.exclude(status__in=[ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN]).exists()
        assert not others.filter(is_winner=True).exists()
        payment = PaymentRecord.objects.get(competition=competition)
        assert payment.client_id == competition.client_id
        assert payment.freelancer_id == winner.freelancer_id
        assert payment.amount == winner.proposed_budget
        assert payment.currency == competition.currency
        assert payment.platform_fee == platform_fee_for(payment.amount)
        assert payment.net_amount == payment.amount - payment.platform_fee


def test_only_closed_competitions_have_outcomes(seeded):
    not_closed = Proposal.objects.exclude(competition__status=CompetitionStatus.CLOSED)
    assert not not_closed.filter(status__in=[ProposalStatus.ACCEPTED, ProposalStatus.REJECTED]).exists()
    assert not not_closed.filter(is_winner=True).exists()
    assert PaymentRecord.objects.count() == Competition.objects.filter(status=CompetitionStatus.CLOSED).count()
    assert not Review.objects.exclude(competition__status=CompetitionStatus.CLOSED).exists()
    for rating in UserRating.objects.all():
        assert rating.total_reviews == Review.objects.filter(reviewee=rating.user_id, is_public=True).count()


def test_benchmark_fixtures_exist(seeded):
    heavy = User.objects.get(email=HEAVY_EMAIL)
    assert Notification.objects.filter(recipient=heavy).count() == TINY.heavy_notifications
    special = Competition.objects.get(pk=SELECT_WINNER_COMPETITION_ID)
    assert special.status == CompetitionStatus.REVIEW
    assert special.max_proposals is None
    assert special.proposals.active().count() == TINY.select_winner_proposals
    assert f"id={heavy.pk}" in seeded


def test_demo_users_share_the_printed_password(seeded):
    assert DEMO_PASSWORD in seeded
    assert User.objects.get(email="client0@demo.test").check_password(DEMO_PASSWORD)
    assert User.objects.get(email="freelancer0@demo.test").check_password(DEMO_PASSWORD)
    assert User.objects.get(email="admin@demo.test").check_password(DEMO_PASSWORD)


def test_seeding_twice_without_flush_is_refused(seeded):
    with pytest.raises(CommandError, match="--flush"):
        seed()


@pytest.mark.django_db(transaction=True)
def test_flush_replaces_the_previous_demo_data():
    seed()
    first_ids = set(Competition.objects.values_list("id", flat=True))
    seed("--flush", "--seed", "8")
    assert Competition.objects.count() == TINY.competitions
    assert User.objects.count() == TINY.clients + TINY.freelancers + 2
    # Only the fixed select-winner competition keeps its id across runs.
    assert first_ids & set(Competition.objects.values_list("id", flat=True)) == {SELECT_WINNER_COMPETITION_ID}


@pytest.mark.django_db(transaction=True)
def test_a_reseed_drops_cached_pages_of_the_public_list(settings, api_client):
    # seed_demo writes with bulk inserts and TRUNCATE, which no signal announces.
    settings.PUBLIC_LIST_CACHE_SECONDS = 30
    seed()
    before = api_client.get("/api/competitions/").json()["data"]["results"]
    seed("--flush", "--seed", "8")
    after = api_client.get("/api/competitions/").json()["data"]["results"]
    assert {c["id"] for c in after} <= set(map(str, Competition.objects.values_list("id", flat=True)))
    assert after != before
