"""The competition state machine: every allowed and every refused move, over HTTP and in services."""

import itertools

import pytest
from rest_framework.exceptions import ValidationError

from competitions import services
from competitions.models import COMPETITION_TRANSITIONS, CompetitionStatus
from competitions.tests.conftest import detail_url, error, in_days, ok
from competitions.tests.factories import CompetitionBookmarkFactory, CompetitionFactory
from notifications.models import Notification, NotificationType
from payments.tests.money import fund_competition
from proposals.models import ProposalStatus
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db

ALLOWED = {
    (CompetitionStatus.DRAFT, CompetitionStatus.OPEN),
    (CompetitionStatus.DRAFT, CompetitionStatus.CANCELLED),
    (CompetitionStatus.OPEN, CompetitionStatus.REVIEW),
    (CompetitionStatus.OPEN, CompetitionStatus.CANCELLED),
    (CompetitionStatus.REVIEW, CompetitionStatus.CLOSED),
}
ALL_PAIRS = list(itertools.product(CompetitionStatus.values, repeat=2))
REFUSED = [pair for pair in ALL_PAIRS if pair not in ALLOWED]


def test_the_contract_table_is_the_models_table():
    declared = {(source, target) for source, targets in COMPETITION_TRANSITIONS.items() for target in targets}
    assert declared == ALLOWED


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED))
def test_owner_makes_every_allowed_transition(as_user, client_owner, source, target):
    competition = CompetitionFactory(client=client_owner, status=source, funded=True)  # opening needs it

    data = ok(as_user(client_owner).post(f"{detail_url(competition)}status/", {"status": target}, format="json"))

    assert data["status"] == target
    competition.refresh_from_db()
    assert competition.status == target


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_every_other_transition_is_refused_with_400(as_user, client_owner, source, target):
    competition = CompetitionFactory(client=client_owner, status=source)

    errors = error(
        as_user(client_owner).post(f"{detail_url(competition)}status/", {"status": target}, format="json"), 400
    )

    assert "status" in errors
    competition.refresh_from_db()
    assert competition.status == source


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_the_service_refuses_every_other_transition(client_owner, source, target):
    competition = CompetitionFactory(client=client_owner, status=source)
    with pytest.raises(ValidationError):
        services.change_status(competition=competition, new_status=target, by=client_owner)
    competition.refresh_from_db()
    assert competition.status == source


def test_service_rechecks_the_status_stored_in_the_database(client_owner):
    competition = CompetitionFactory(client=client_owner, status=CompetitionStatus.OPEN)
    stale = type(competition).objects.get(pk=competition.pk)
    services.change_status(competition=competition, new_status=CompetitionStatus.CANCELLED, by=client_owner)

    # `stale` still says OPEN in memory; the locked re-read says CANCELLED, a final status.
    with pytest.raises(ValidationError):
        services.change_status(competition=stale, new_status=CompetitionStatus.REVIEW, by=client_owner)
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.CANCELLED


@pytest.mark.parametrize("value", ["", "FINISHED", None])
def test_an_unknown_status_value_is_a_400(as_user, client_owner, open_competition, value):
    errors = error(
        as_user(client_owner).post(f"{detail_url(open_competition)}status/", {"status": value}, format="json"), 400
    )
    assert "status" in errors


def test_opening_needs_a_submission_deadline_in_the_future(as_user, client_owner):
    competition = CompetitionFactory(
        client=client_owner, status=CompetitionStatus.DRAFT, submission_deadline=in_days(-1), deadline=in_days(3)
    )

    errors = error(
        as_user(client_owner).post(f"{detail_url(competition)}status/", {"status": "OPEN"}, format="json"), 400
    )

    assert "status" in errors
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.DRAFT
    assert competition.published_at is None


def test_opening_publishes_the_competition_once(client_owner, draft_competition):
    fund_competition(draft_competition)
    assert draft_competition.published_at is None
    services.change_status(competition=draft_competition, new_status=CompetitionStatus.OPEN, by=client_owner)
    draft_competition.refresh_from_db()
    first = draft_competition.published_at
    assert first is not None

    services.change_status(competition=draft_competition, new_status=CompetitionStatus.CANCELLED, by=client_owner)
    draft_competition.refresh_from_db()
    assert draft_competition.published_at == first


@pytest.mark.parametrize("role", ["other_client", "freelancer", "admin_user"])
def test_only_the_owner_changes_the_status(request, as_user, open_competition, role):
    user = request.getfixturevalue(role)
    error(as_user(user).post(f"{detail_url(open_competition)}status/", {"status": "REVIEW"}, format="json"), 403)
    open_competition.refresh_from_db()
    assert open_competition.status == CompetitionStatus.OPEN


def test_anonymous_status_change_is_a_401(api_client, open_competition):
    error(api_client.post(f"{detail_url(open_competition)}status/", {"status": "REVIEW"}, format="json"), 401)


# --- The bookmark signal ------------------------------------------------------------------------


def test_bookmarkers_are_notified_when_the_competition_opens(client_owner, freelancer, other_freelancer):
    competition = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT, funded=True)
    CompetitionBookmarkFactory(competition=competition, user=freelancer)
    CompetitionBookmarkFactory(competition=competition, user=other_freelancer)

    services.change_status(competition=competition, new_status=CompetitionStatus.OPEN, by=client_owner)

    opened = Notification.objects.filter(notification_type=NotificationType.COMPETITION_OPENED)
    assert sorted(opened.values_list("recipient__username", flat=True)) == ["charlie", "dana"]
    assert {n.related_competition_id for n in opened} == {competition.pk}


def test_saving_an_open_competition_again_sends_nothing(as_user, client_owner, freelancer):
    competition = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT, funded=True)
    CompetitionBookmarkFactory(competition=competition, user=freelancer)
    services.change_status(competition=competition, new_status=CompetitionStatus.OPEN, by=client_owner)
    assert Notification.objects.count() == 1

    ok(as_user(client_owner).patch(detail_url(competition), {"title": "Edited"}, format="json"))
    competition.refresh_from_db()
    competition.save()

    assert Notification.objects.count() == 1


@pytest.mark.parametrize("target", [CompetitionStatus.CANCELLED])
def test_other_status_changes_do_not_notify_bookmarkers(client_owner, freelancer, target):
    competition = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT)
    CompetitionBookmarkFactory(competition=competition, user=freelancer)
    services.change_status(competition=competition, new_status=target, by=client_owner)
    assert not Notification.objects.exists()


def test_closing_without_a_winner_is_refused_while_a_proposal_is_active(client_owner, review_competition):
    # Part 2 (changed): select a winner, or let the award deadline decide.
    ProposalFactory(competition=review_competition)
    ProposalFactory(competition=review_competition, status=ProposalStatus.WITHDRAWN)

    with pytest.raises(ValidationError):
        services.change_status(competition=review_competition, new_status=CompetitionStatus.CLOSED, by=client_owner)

    review_competition.refresh_from_db()
    assert review_competition.status == CompetitionStatus.REVIEW


def test_closing_without_a_winner_and_without_entries_tells_nobody(client_owner, review_competition):
    withdrawn = ProposalFactory(competition=review_competition, status=ProposalStatus.WITHDRAWN)
    Notification.objects.all().delete()  # the proposal-received notices of the setup

    services.change_status(competition=review_competition, new_status=CompetitionStatus.CLOSED, by=client_owner)

    closed = Notification.objects.filter(notification_type=NotificationType.COMPETITION_CLOSED)
    assert not closed.filter(recipient_id=withdrawn.freelancer_id).exists()
    review_competition.refresh_from_db()
    assert review_competition.winner is None
