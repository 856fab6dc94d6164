"""Select winner: one transaction, every effect of the contract, a bounded number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import FreelancerFactory
from competitions import services
from competitions.models import CompetitionStatus
from competitions.tests.conftest import detail_url, error, ok
from competitions.tests.factories import CompetitionFactory
from notifications.models import Notification, NotificationType
from payments.models import PaymentRecord, PaymentStatus
from proposals.models import Proposal, ProposalStatus
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def select_url(competition) -> str:
    return f"{detail_url(competition)}select-winner/"


@pytest.fixture
def entries(review_competition, freelancer, other_freelancer):
    """A winner-to-be, a loser, a loser already under review, and a withdrawn proposal."""
    winner = ProposalFactory(competition=review_competition, freelancer=freelancer, proposed_budget=Decimal("999.99"))
    loser = ProposalFactory(competition=review_competition, freelancer=other_freelancer)
    scored = ProposalFactory(competition=review_competition, status=ProposalStatus.UNDER_REVIEW, client_score=3)
    withdrawn = ProposalFactory(competition=review_competition, status=ProposalStatus.WITHDRAWN)
    Notification.objects.all().delete()  # the proposal-received notices of the setup
    return {"winner": winner, "loser": loser, "scored": scored, "withdrawn": withdrawn}


def test_owner_selects_the_winner_with_every_effect(as_user, client_owner, review_competition, entries):
    response = as_user(client_owner).post(
        select_url(review_competition), {"proposal_id": str(entries["winner"].pk)}, format="json"
    )

    data = ok(response)
    assert data["status"] == CompetitionStatus.CLOSED
    assert data["winner"] == str(entries["winner"].freelancer_id)
    assert data["winning_proposal"] == str(entries["winner"].pk)

    review_competition.refresh_from_db()
    assert review_competition.status == CompetitionStatus.CLOSED
    assert review_competition.winner_id == entries["winner"].freelancer_id
    assert review_competition.winning_proposal_id == entries["winner"].pk
    for proposal in entries.values():
        proposal.refresh_from_db()
    assert entries["winner"].status == ProposalStatus.ACCEPTED
    assert entries["winner"].is_winner is True
    assert entries["loser"].status == ProposalStatus.REJECTED
    assert entries["scored"].status == ProposalStatus.REJECTED
    assert entries["loser"].is_winner is False
    assert entries["withdrawn"].status == ProposalStatus.WITHDRAWN

    payment = PaymentRecord.objects.get()
    assert payment.competition_id == review_competition.pk
    assert payment.client_id == client_owner.pk
    assert payment.freelancer_id == entries["winner"].freelancer_id
    assert payment.amount == Decimal("999.99")
    assert payment.platform_fee == Decimal("100.00")
    assert payment.net_amount == Decimal("899.99")
    assert payment.currency == review_competition.currency
    assert payment.status == PaymentStatus.PENDING

    accepted = Notification.objects.get(notification_type=NotificationType.PROPOSAL_ACCEPTED)
    assert accepted.recipient_id == entries["winner"].freelancer_id
    assert accepted.related_proposal_id == entries["winner"].pk
    rejected = Notification.objects.filter(notification_type=NotificationType.PROPOSAL_REJECTED)
    assert sorted(n.recipient_id for n in rejected) == sorted(
        [entries["loser"].freelancer_id, entries["scored"].freelancer_id]
    )
    assert Notification.objects.count() == 3  # no proposal-scored noise from the bulk update


def test_payment_uses_the_competitions_currency(client_owner):
    competition = CompetitionFactory(client=client_owner, status=CompetitionStatus.REVIEW, currency="EUR")
    proposal = ProposalFactory(competition=competition, proposed_budget=Decimal("0.05"))
    services.select_winner(competition=competition, proposal=proposal, by=client_owner)
    payment = PaymentRecord.objects.get()
    assert (payment.currency, payment.amount, payment.platform_fee, payment.net_amount) == (
        "EUR",
        Decimal("0.05"),
        Decimal("0.01"),
        Decimal("0.04"),
    )


def _assert_nothing_changed(competition, proposals):
    competition.refresh_from_db()
    assert competition.winner_id is None
    for proposal in proposals:
        before = proposal.status
        proposal.refresh_from_db()
        assert proposal.status == before
        assert proposal.is_winner is False
    assert not PaymentRecord.objects.exists()
    assert not Notification.objects.filter(
        notification_type__in=[NotificationType.PROPOSAL_ACCEPTED, NotificationType.PROPOSAL_REJECTED]
    ).exists()


@pytest.mark.parametrize(
    "status", [CompetitionStatus.DRAFT, CompetitionStatus.OPEN, CompetitionStatus.CLOSED, CompetitionStatus.CANCELLED]
)
def test_refused_unless_the_competition_is_in_review(as_user, client_owner, status):
    competition = CompetitionFactory(client=client_owner, status=status)
    proposal = ProposalFactory(competition=competition)

    error(as_user(client_owner).post(select_url(competition), {"proposal_id": str(proposal.pk)}, format="json"), 400)

    competition.refresh_from_db()
    assert competition.status == status
    _assert_nothing_changed(competition, [proposal])


def test_a_withdrawn_proposal_cannot_win(as_user, client_owner, review_competition, entries):
    response = as_user(client_owner).post(
        select_url(review_competition), {"proposal_id": str(entries["withdrawn"].pk)}, format="json"
    )
    errors = error(response, 400)
    assert "proposal_id" in errors
    review_competition.refresh_from_db()
    assert review_competition.status == CompetitionStatus.REVIEW
    _assert_nothing_changed(review_competition, entries.values())


def test_a_proposal_of_another_competition_cannot_win(as_user, client_owner, review_competition, entries):
    elsewhere = ProposalFactory(competition=CompetitionFactory(client=client_owner, status=CompetitionStatus.REVIEW))
    response = as_user(client_owner).post(
        select_url(review_competition), {"proposal_id": str(elsewhere.pk)}, format="json"
    )
    errors = error(response, 400)
    assert "proposal_id" in errors
    review_competition.refresh_from_db()
    assert review_competition.status == CompetitionStatus.REVIEW
    _assert_nothing_changed(review_competition, [*entries.values(), elsewhere])


@pytest.mark.parametrize("body", [{}, {"proposal_id": "nope"}, {"proposal_id": "7f7f7f7f-7f7f-4f7f-8f7f-7f7f7f7f7f7f"}])
def test_missing_malformed_or_unknown_proposal_id_is_a_400(as_user, client_owner, review_competition, entries, body):
    errors = error(as_user(client_owner).post(select_url(review_competition), body, format="json"), 400)
    assert "proposal_id" in errors
    _assert_nothing_changed(review_competition, entries.values())


@pytest.mark.parametrize("role", ["other_client", "freelancer", "admin_user"])
def test_only_the_owner_selects_the_winner(request, as_user, review_competition, entries, role):
    user = request.getfixturevalue(role)
    response = as_user(user).post(select_url(review_competition), {"proposal_id": str(entries["winner"].pk)})
    error(response, 403)
    _assert_nothing_changed(review_competition, entries.values())


def test_anonymous_select_winner_is_a_401(api_client, review_competition, entries):
    error(api_client.post(select_url(review_competition), {"proposal_id": str(entries["winner"].pk)}), 401)
    _assert_nothing_changed(review_competition, entries.values())


def test_selecting_twice_yields_one_winner_and_one_payment(as_user, client_owner, review_competition, entries):
    api = as_user(client_owner)
    ok(api.post(select_url(review_competition), {"proposal_id": str(entries["winner"].pk)}, format="json"))
    error(api.post(select_url(review_competition), {"proposal_id": str(entries["loser"].pk)}, format="json"), 400)

    review_competition.refresh_from_db()
    assert review_competition.winning_proposal_id == entries["winner"].pk
    assert Proposal.objects.filter(is_winner=True).count() == 1
    assert PaymentRecord.objects.count() == 1
    assert Notification.objects.filter(notification_type=NotificationType.PROPOSAL_ACCEPTED).count() == 1


def _statements_to_select_a_winner(client_owner, proposals: int) -> list[str]:
    """The statements select_winner sends (savepoints aside) on a competition with `proposals`."""
    competition = CompetitionFactory(client=client_owner, status=CompetitionStatus.REVIEW)
    freelancers = FreelancerFactory.create_batch(proposals)
    Proposal.objects.bulk_create(
        [
            Proposal(
                competition=competition,
                freelancer=freelancer,
                title=f"p{i}",
                description="d",
                proposed_budget=Decimal("100.00"),
                estimated_duration=3,
            )
            for i, freelancer in enumerate(freelancers)
        ]
    )
    winner = Proposal.objects.filter(competition=competition).first()
    with CaptureQueriesContext(connection) as captured:
        services.select_winner(competition=competition, proposal=winner, by=client_owner)
    assert Proposal.objects.filter(competition=competition, status=ProposalStatus.REJECTED).count() == proposals - 1
    rejected = Notification.objects.filter(
        related_competition_id=competition.pk, notification_type=NotificationType.PROPOSAL_REJECTED
    )
    assert rejected.count() == proposals - 1
    assert set(rejected.values_list("recipient_id", flat=True)) == {f.pk for f in freelancers} - {winner.freelancer_id}
    return [q["sql"].split(" ", 1)[0] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]


@pytest.mark.skipif(connection.vendor != "mysql", reason="other backends notify with bulk_create batches")
def test_select_winner_query_count_does_not_depend_on_the_number_of_proposals(client_owner, settings):
    settings.REALTIME_INLINE_MAX = 1000  # both sizes push their losers inline (not from a task)
    few = _statements_to_select_a_winner(client_owner, 3)
    many = _statements_to_select_a_winner(client_owner, 300)
    assert few == many
    # lock the competition, lock the proposal; accept it, reject the others, close the competition;
    # the payment, the winner's notification, the losers' (one INSERT … SELECT), read back once
    # for the open sockets
    assert many == ["SELECT", "SELECT", "UPDATE", "UPDATE", "UPDATE", "INSERT", "INSERT", "INSERT", "SELECT"]
