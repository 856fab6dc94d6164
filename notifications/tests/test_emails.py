"""Notification e-mails: every notification whose type its recipient keeps switched on is e-mailed,
to verified addresses only; single rows and set-based fan-outs alike, with no query in the request.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import ClientFactory, FreelancerFactory
from competitions.models import CompetitionBookmark, CompetitionStatus
from competitions.tests.factories import CompetitionBookmarkFactory, CompetitionFactory
from notifications.models import Notification, NotificationPreference, NotificationType
from notifications.tasks import email_notifications
from notifications.tests.factories import NotificationFactory
from notifications.utils import NotificationService
from proposals.models import Proposal, ProposalStatus
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db

FRONTEND = "https://app.example.test"


@pytest.fixture(autouse=True)
def _frontend(settings):
    settings.FRONTEND_URL = FRONTEND


def verified(factory=FreelancerFactory, **kwargs):
    return factory(email_verified=True, **kwargs)


def choose(user, **email: bool) -> None:
    NotificationPreference.objects.update_or_create(user=user, defaults={"email": email})


def recipients(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


@pytest.fixture
def review_world():
    """A competition in REVIEW with a verified winner-to-be and four losers: verified, verified but
    switched off, unverified, verified but deactivated; and a withdrawn one."""
    owner = verified(ClientFactory, email="owner@example.com")
    competition = CompetitionFactory(client=owner, status=CompetitionStatus.REVIEW, title="Logo for a bakery")
    winner = verified(email="winner@example.com")
    losers = {
        "verified": verified(email="loser@example.com"),
        "switched_off": verified(email="off@example.com"),
        "unverified": FreelancerFactory(email="unverified@example.com"),
        "inactive": verified(email="inactive@example.com", is_active=False),
        "withdrawn": verified(email="withdrawn@example.com"),
    }
    choose(losers["switched_off"], PROPOSAL_REJECTED=False)
    winning = ProposalFactory(competition=competition, freelancer=winner, proposed_budget=Decimal("900.00"))
    for name, loser in losers.items():
        status = ProposalStatus.WITHDRAWN if name == "withdrawn" else ProposalStatus.SUBMITTED
        ProposalFactory(competition=competition, freelancer=loser, status=status)
    Notification.objects.all().delete()
    return competition, winning


def test_select_winner_emails_the_winner_and_the_losers_who_want_it(
    as_user, committed, review_world, mailoutbox, django_assert_max_num_queries
):
    competition, winning = review_world
    url = f"/api/competitions/{competition.pk}/select-winner/"

    response = committed(lambda: as_user(competition.client).post(url, {"proposal_id": str(winning.pk)}))

    assert response.status_code == 200, response.content
    assert recipients(mailoutbox) == ["loser@example.com", "winner@example.com"]
    won = next(message for message in mailoutbox if message.to == ["winner@example.com"])
    notification = Notification.objects.get(notification_type=NotificationType.PROPOSAL_ACCEPTED)
    assert won.subject == notification.title == "You won “Logo for a bakery”"
    assert notification.message in won.body
    assert f"{FRONTEND}/competitions/{competition.pk}" in won.body
    assert f"{FRONTEND}/settings/notifications" in won.body
    (html,) = won.alternatives
    assert html.mimetype == "text/html"
    assert "You won “Logo for a bakery”" in html.content and f"{FRONTEND}/competitions/{competition.pk}" in html.content
    lost = next(message for message in mailoutbox if message.to == ["loser@example.com"])
    assert "See the client's feedback" in lost.body


def test_the_request_runs_no_query_for_the_emails(review_world, django_capture_on_commit_callbacks):
    competition, winning = review_world
    losers = Proposal.objects.filter(competition=competition).active().exclude(pk=winning.pk)
    with django_capture_on_commit_callbacks() as queued, CaptureQueriesContext(connection) as queries:
        NotificationService.notify_winner_selected(competition, winning, losers)

    # The winner's INSERT and the losers' INSERT … SELECT; the selection is the task's.
    assert len(queries) == 2, [query["sql"] for query in queries.captured_queries]
    assert len(queued) == 4  # two e-mail tasks, two pushes to open sockets (notifications.realtime)


def test_a_type_off_by_default_is_emailed_only_to_those_who_switched_it_on(committed, mailoutbox):
    opted_in, default = verified(email="in@example.com"), verified(email="default@example.com")
    choose(opted_in, PROPOSAL_SCORED=True)
    for freelancer in (opted_in, default):
        committed(
            lambda freelancer=freelancer: NotificationService.notify_proposal_scored(
                ProposalFactory(freelancer=freelancer, status=ProposalStatus.UNDER_REVIEW)
            )
        )

    assert recipients(mailoutbox) == ["in@example.com"]
    assert "See your proposal" in mailoutbox[0].body


def test_an_unverified_address_gets_no_notification_email(committed, mailoutbox):
    user = FreelancerFactory(email="unverified@example.com")
    choose(user, PROPOSAL_SCORED=True)
    committed(lambda: NotificationService.notify_proposal_scored(ProposalFactory(freelancer=user)))
    assert Notification.objects.filter(recipient=user).exists()
    assert mailoutbox == []


def test_cron_fan_out_emails_opted_in_participants_once(committed, mailoutbox):
    past = timezone.now() - timedelta(minutes=1)
    competitions = [CompetitionFactory(submission_deadline=past) for _ in range(2)]
    opted_in = [verified(email=f"in{n}@example.com") for n in range(2)]
    for user in opted_in:
        choose(user, COMPETITION_CLOSED=True)
    for competition, user in zip(competitions, opted_in, strict=True):
        ProposalFactory(competition=competition, freelancer=user)
        ProposalFactory(competition=competition, freelancer=verified())  # not opted in
    # An older notification of the same type is not e-mailed again by this run.
    NotificationFactory(recipient=opted_in[0], notification_type=NotificationType.COMPETITION_CLOSED)

    committed(lambda: call_command("close_expired_competitions", stdout=open("/dev/null", "w")))  # noqa: SIM115
    committed(lambda: call_command("close_expired_competitions", stdout=open("/dev/null", "w")))  # noqa: SIM115

    assert recipients(mailoutbox) == ["in0@example.com", "in1@example.com"]
    assert {message.subject for message in mailoutbox} == {
        f"Submissions closed for “{competition.title}”" for competition in competitions
    }


def test_bookmark_fan_out_of_one_competition_is_not_mixed_with_another(committed, mailoutbox):
    user = verified(email="bookmarker@example.com")
    choose(user, COMPETITION_OPENED=True)
    mine, other = CompetitionFactory(status=CompetitionStatus.DRAFT), CompetitionFactory(status=CompetitionStatus.DRAFT)
    CompetitionBookmarkFactory(competition=mine, user=user)
    CompetitionBookmarkFactory(competition=other, user=user)

    bookmarks = CompetitionBookmark.objects.filter(competition=mine)
    committed(lambda: NotificationService.notify_competition_opened(mine, bookmarks))

    (message,) = mailoutbox
    assert f"/competitions/{mine.pk}" in message.body


def test_the_task_selects_by_ids(committed, mailoutbox):
    user = verified(email="ids@example.com")
    notification = NotificationFactory(recipient=user, notification_type=NotificationType.PROPOSAL_ACCEPTED)
    result = committed(lambda: email_notifications.apply(kwargs={"ids": [str(notification.pk)]}))
    assert result.get() == 1
    assert recipients(mailoutbox) == ["ids@example.com"]


def test_without_a_broker_the_emails_add_statements_that_do_not_grow_with_the_recipients(
    as_user, committed, mailoutbox
):
    """Eager mode (no broker): the tasks run in the request's process after the commit; their
    statements are one SELECT per notification batch, whatever the number of e-mails."""

    def select_winner_statements(losers: int) -> int:
        owner = verified(ClientFactory)
        competition = CompetitionFactory(client=owner, status=CompetitionStatus.REVIEW)
        winning = ProposalFactory(competition=competition, freelancer=verified())
        for _ in range(losers):
            ProposalFactory(competition=competition, freelancer=verified())
        url = f"/api/competitions/{competition.pk}/select-winner/"
        client = as_user(owner)
        with CaptureQueriesContext(connection) as queries:
            response = committed(lambda: client.post(url, {"proposal_id": str(winning.pk)}))
        assert response.status_code == 200, response.content
        return len(queries)

    few, many = select_winner_statements(2), select_winner_statements(12)

    assert few == many
    assert len(mailoutbox) == 3 + 13  # every winner and loser of both, all verified, types on
