"""Real concurrency against MySQL: threads racing on the same competition row."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.exceptions import ValidationError

from accounts.tests.factories import ClientFactory, FreelancerFactory
from competitions import services
from competitions.models import CompetitionBookmark, CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from notifications.models import Notification, NotificationType
from payments.models import PaymentRecord
from proposals.models import Proposal, ProposalStatus
from proposals.tests.factories import ProposalFactory

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]


def _in_threads(targets) -> list:
    """Runs each callable in its own thread, released together; returns results or exceptions."""
    barrier = threading.Barrier(len(targets))
    results: list = [None] * len(targets)

    def worker(index, target):
        try:
            barrier.wait(timeout=10)
            results[index] = target()
        except Exception as exc:  # noqa: BLE001 - collected and asserted on by the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_four_concurrent_winner_selections_yield_one_winner_and_one_payment():
    owner = ClientFactory()
    competition = CompetitionFactory(client=owner, status=CompetitionStatus.REVIEW)
    proposals = [
        ProposalFactory(
            competition=competition, freelancer=FreelancerFactory(), proposed_budget=Decimal(f"{100 + i}.00")
        )
        for i in range(4)
    ]

    results = _in_threads(
        [lambda p=p: services.select_winner(competition=competition, proposal=p, by=owner) for p in proposals]
    )

    successes = [r for r in results if not isinstance(r, Exception)]
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(successes) == 1
    assert len(failures) == 3 and all(isinstance(f, ValidationError) for f in failures)
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.CLOSED
    assert Proposal.objects.filter(is_winner=True).count() == 1
    winner = Proposal.objects.get(is_winner=True)
    assert winner.status == ProposalStatus.ACCEPTED
    assert competition.winning_proposal_id == winner.pk
    assert Proposal.objects.filter(status=ProposalStatus.REJECTED).count() == 3
    payment = PaymentRecord.objects.get()
    assert payment.amount == winner.proposed_budget
    assert Notification.objects.filter(notification_type=NotificationType.PROPOSAL_ACCEPTED).count() == 1


def test_concurrent_bookmark_toggles_do_not_fail():
    competition = CompetitionFactory()
    user = FreelancerFactory()

    results = _in_threads([lambda: services.toggle_bookmark(competition=competition, user=user) for _ in range(2)])

    assert not any(isinstance(r, Exception) for r in results), results
    assert CompetitionBookmark.objects.filter(competition=competition, user=user).count() <= 1


def test_overlapping_cron_runs_move_each_competition_once_and_notify_once():
    from datetime import timedelta

    from django.utils import timezone

    owner = ClientFactory()
    now = timezone.now()
    due = CompetitionFactory.create_batch(
        6, client=owner, submission_deadline=now - timedelta(minutes=1), deadline=now + timedelta(days=1)
    )
    for competition in due:
        ProposalFactory(competition=competition)
    closing = CompetitionFactory(client=owner, submission_deadline=now + timedelta(hours=3))
    bookmarker = FreelancerFactory()
    CompetitionBookmark.objects.create(competition=closing, user=bookmarker)
    Notification.objects.all().delete()

    moved = _in_threads([services.close_expired, services.close_expired])
    reminded = _in_threads([services.remind_deadlines, services.remind_deadlines])

    assert not any(isinstance(r, Exception) for r in [*moved, *reminded]), (moved, reminded)
    assert sum(moved) == 6
    assert all(c.status == CompetitionStatus.REVIEW for c in type(closing).objects.filter(pk__in=[c.pk for c in due]))
    assert Notification.objects.filter(notification_type=NotificationType.COMPETITION_CLOSED).count() == 6
    reminders = Notification.objects.filter(notification_type=NotificationType.COMPETITION_DEADLINE_APPROACHING)
    assert list(reminders.values_list("recipient_id", flat=True)) == [bookmarker.pk]
