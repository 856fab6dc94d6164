"""Races the apps' own tests do not cover yet, with real threads on MySQL.

Already covered elsewhere (listed in README "Security"): last proposal slot and duplicate
submission (proposals/tests/test_submit.py), refresh-token rotation (accounts/tests/
test_services.py), winner selection (competitions/tests/test_race.py), payment status update
(payments/tests/test_race.py), overlapping cron services (competitions/tests/test_race.py),
reviews (feedback/tests/test_race.py). Here: two status transitions of one competition at once,
a status change against a winner selection, and overlapping runs of each cron *command*.
"""

import io
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import ClientFactory, FreelancerFactory
from competitions.models import COMPETITION_TRANSITIONS, Competition, CompetitionBookmark, CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from notifications.models import Notification, NotificationType
from payments import ledger
from payments.ledger import LedgerTransaction, TransactionKind
from payments.models import PaymentRecord
from payments.tests.money import assert_ledger_ok
from proposals.models import ProposalStatus
from proposals.tests.factories import ProposalFactory

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]


def in_threads(targets: list[Callable]) -> list:
    """Runs each callable in its own thread, all released at once; results or exceptions."""
    barrier = threading.Barrier(len(targets))
    results: list = [None] * len(targets)

    def worker(index: int, target: Callable) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = target()
        except Exception as exc:  # noqa: BLE001 - asserted on by the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def status_url(competition) -> str:
    return f"/api/competitions/{competition.pk}/status/"


def serial_outcomes(start: str, targets: list[str]) -> list[tuple[list[int], str]]:
    """What the two requests may answer, and the final status, if they ran one after the other
    in either order (the state machine's own table decides each step)."""
    outcomes = []
    for order in ([0, 1], [1, 0]):
        status, codes = start, [0, 0]
        for index in order:
            allowed = targets[index] in COMPETITION_TRANSITIONS[status]
            codes[index] = 200 if allowed else 400
            status = targets[index] if allowed else status
        outcomes.append((codes, status))
    return outcomes


@pytest.mark.parametrize(
    ("start", "targets"),
    [
        # either order may win; if OPEN lands first, OPEN -> CANCELLED is still legal
        (CompetitionStatus.DRAFT, [CompetitionStatus.OPEN, CompetitionStatus.CANCELLED]),
        (CompetitionStatus.OPEN, [CompetitionStatus.REVIEW, CompetitionStatus.CANCELLED]),
        (CompetitionStatus.OPEN, [CompetitionStatus.REVIEW, CompetitionStatus.REVIEW]),
        (CompetitionStatus.REVIEW, [CompetitionStatus.CLOSED, CompetitionStatus.CLOSED]),
    ],
)
def test_two_status_transitions_at_once_behave_as_one_after_the_other(as_user, start, targets):
    owner = ClientFactory()
    # Funded (opening needs it); the one entry is withdrawn: an active one would block
    # cancelling and closing without a winner (Part 2).
    competition = CompetitionFactory(client=owner, status=start, funded=True)
    participant = FreelancerFactory()
    ProposalFactory(competition=competition, freelancer=participant, status=ProposalStatus.WITHDRAWN)
    Notification.objects.all().delete()
    apis = [as_user(owner), as_user(owner)]

    responses = in_threads(
        [lambda i=i: apis[i].post(status_url(competition), {"status": targets[i]}, format="json") for i in range(2)]
    )

    codes = [r.status_code for r in responses]
    competition.refresh_from_db()
    assert (codes, competition.status) in serial_outcomes(start, targets), [r.content for r in responses]
    for response in responses:
        if response.status_code == 400:
            assert response.json()["success"] is False and "status" in response.json()["errors"]
    if competition.published_at is None:
        assert CompetitionStatus.OPEN not in [t for t, c in zip(targets, codes, strict=True) if c == 200]
    if competition.status in (CompetitionStatus.CLOSED, CompetitionStatus.CANCELLED):
        # ended without a winner: the prize went back exactly once, and the ledger balances
        assert LedgerTransaction.objects.filter(competition=competition, kind=TransactionKind.REFUND).count() == 1
        assert ledger.escrow_held(competition) == 0
    assert_ledger_ok()


def test_closing_by_status_and_selecting_a_winner_at_once_end_consistent(as_user):
    owner = ClientFactory()
    competition = CompetitionFactory(
        client=owner,
        status=CompetitionStatus.REVIEW,
        submission_deadline=timezone.now() - timedelta(days=1),
        deadline=timezone.now() + timedelta(days=3),
    )
    proposal = ProposalFactory(competition=competition)
    apis = [as_user(owner), as_user(owner)]

    responses = in_threads(
        [
            lambda: apis[0].post(status_url(competition), {"status": CompetitionStatus.CLOSED}, format="json"),
            lambda: apis[1].post(
                f"/api/competitions/{competition.pk}/select-winner/", {"proposal_id": str(proposal.pk)}, format="json"
            ),
        ]
    )

    assert sorted(r.status_code for r in responses) == [200, 400], [r.content for r in responses]
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.CLOSED
    payments = PaymentRecord.objects.filter(competition=competition)
    if responses[1].status_code == 200:  # the selection won: one winner, one payment
        assert competition.winning_proposal_id == proposal.pk
        assert payments.count() == 1
    else:  # the plain close won: no winner, no payment
        assert competition.winner_id is None and competition.winning_proposal_id is None
        assert payments.count() == 0


def test_overlapping_runs_of_each_cron_command_act_once():
    owner = ClientFactory()
    now = timezone.now()
    due = CompetitionFactory.create_batch(
        5, client=owner, submission_deadline=now - timedelta(minutes=1), deadline=now + timedelta(days=1)
    )
    participants = [ProposalFactory(competition=competition).freelancer for competition in due]
    closing = CompetitionFactory.create_batch(3, client=owner, submission_deadline=now + timedelta(hours=2))
    bookmarkers = FreelancerFactory.create_batch(2)
    for competition in closing:
        for user in bookmarkers:
            CompetitionBookmark.objects.create(competition=competition, user=user)
    Notification.objects.all().delete()

    def run(command: str) -> str:
        out = io.StringIO()
        call_command(command, stdout=out)
        return out.getvalue()

    commands = ["close_expired_competitions", "remind_deadlines"] * 3
    outputs = in_threads([lambda c=c: run(c) for c in commands])

    assert not [o for o in outputs if isinstance(o, Exception)], outputs
    assert all(isinstance(o, str) and o.strip() for o in outputs)
    assert set(Competition.objects.filter(pk__in=[c.pk for c in due]).values_list("status", flat=True)) == {
        CompetitionStatus.REVIEW
    }
    assert set(Competition.objects.filter(pk__in=[c.pk for c in closing]).values_list("status", flat=True)) == {
        CompetitionStatus.OPEN
    }
    closed = Notification.objects.filter(notification_type=NotificationType.COMPETITION_CLOSED)
    assert sorted(closed.values_list("recipient_id", flat=True)) == sorted(p.pk for p in participants)
    reminders = Notification.objects.filter(notification_type=NotificationType.COMPETITION_DEADLINE_APPROACHING)
    assert reminders.count() == len(closing) * len(bookmarkers)
    assert reminders.values("recipient_id", "related_competition_id").distinct().count() == reminders.count()
    # and a later run finds nothing left to do
    assert run("close_expired_competitions").startswith("Moved 0 competition(s)")
    assert run("remind_deadlines").endswith("sent 0 reminder(s).\n")


# --- issue 19: logout racing a refresh, concurrent bookmark toggles -------------------------------

RACE_ROUNDS = 8


def test_logout_and_refresh_of_one_token_at_once_never_both_succeed():
    """Serially either the logout lands first (refresh 401) or the rotation does (logout 400, and
    its new token lives on); at the same moment it must be one of those, in every round."""
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    from accounts import services
    from conftest import bearer

    user = FreelancerFactory()
    outcomes = set()
    for _ in range(RACE_ROUNDS):
        refresh = services.issue_tokens(user)["refresh"]
        clients = [APIClient(), APIClient()]
        clients[0].credentials(HTTP_AUTHORIZATION=bearer(user))  # bearer() outstands a token of its own
        before = set(OutstandingToken.objects.filter(user=user).values_list("pk", flat=True))
        logout, rotate = in_threads(
            [
                lambda c=clients[0], r=refresh: c.post("/api/auth/logout/", {"refresh": r}, format="json"),
                lambda c=clients[1], r=refresh: c.post("/api/auth/token/refresh/", {"refresh": r}, format="json"),
            ]
        )
        codes = (logout.status_code, rotate.status_code)
        outcomes.add(codes)
        assert codes in {(200, 401), (400, 200)}, (logout.content, rotate.content)
        for response in (logout, rotate):
            assert response.json()["success"] is (response.status_code == 200)
        if codes == (200, 401):
            # logged out: the raced token is blacklisted and no live refresh token descends from it
            live = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
            assert not live.exclude(pk__in=before).exists()
            assert not live.filter(token=refresh).exists()
        else:
            successor = rotate.json()["data"]["refresh"]
            again = APIClient().post("/api/auth/token/refresh/", {"refresh": successor}, format="json")
            assert again.status_code == 200
            services.blacklist_refresh_tokens(user=user)
    assert outcomes  # (which order wins each round is the scheduler's)


@pytest.mark.parametrize("bookmarked_before", [False, True])
def test_twelve_bookmark_toggles_of_one_user_at_once_behave_as_one_after_the_other(as_user, bookmarked_before):
    user = FreelancerFactory()
    competition = CompetitionFactory()
    for _ in range(RACE_ROUNDS // 2):
        CompetitionBookmark.objects.filter(user=user).delete()
        if bookmarked_before:
            CompetitionBookmark.objects.create(competition=competition, user=user)
        apis = [as_user(user) for _ in range(12)]
        url = f"/api/competitions/{competition.pk}/bookmark/"

        responses = in_threads([lambda api=api, url=url: api.post(url) for api in apis])

        assert [r.status_code for r in responses if not isinstance(r, Exception)] == [200] * 12, [
            getattr(r, "content", r) for r in responses
        ]
        answers = [r.json()["data"]["bookmarked"] for r in responses]
        assert all(r.json()["success"] is True for r in responses)
        # twelve toggles one after the other: six each way, back where it started
        assert sorted(answers) == [False] * 6 + [True] * 6
        assert CompetitionBookmark.objects.filter(user=user, competition=competition).exists() is bookmarked_before
