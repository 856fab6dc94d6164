"""The cron commands: safe to run every minute (a second run changes nothing, sends nothing)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from competitions import services
from competitions.models import Competition, CompetitionStatus
from competitions.tests.conftest import in_days
from competitions.tests.factories import CompetitionBookmarkFactory, CompetitionFactory
from notifications.models import Notification, NotificationType
from proposals.models import ProposalStatus
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def run(command: str) -> str:
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def expired(client_owner):
    """An OPEN competition whose submission deadline passed, with two entries and a withdrawn one."""
    competition = CompetitionFactory(client=client_owner, submission_deadline=in_days(-0.01), deadline=in_days(3))
    ProposalFactory.create_batch(2, competition=competition)
    ProposalFactory(competition=competition, status=ProposalStatus.WITHDRAWN)
    Notification.objects.all().delete()
    return competition


def test_close_expired_moves_due_competitions_to_review_and_notifies_participants(expired, client_owner):
    still_open = CompetitionFactory(client=client_owner)
    draft_past_deadline = CompetitionFactory(
        client=client_owner, status=CompetitionStatus.DRAFT, submission_deadline=in_days(-1), deadline=in_days(1)
    )

    assert run("close_expired_competitions") == "Moved 1 competition(s) to REVIEW; sent 2 notification(s)."

    expired.refresh_from_db()
    still_open.refresh_from_db()
    draft_past_deadline.refresh_from_db()
    assert expired.status == CompetitionStatus.REVIEW
    assert still_open.status == CompetitionStatus.OPEN
    assert draft_past_deadline.status == CompetitionStatus.DRAFT
    notices = Notification.objects.filter(notification_type=NotificationType.COMPETITION_CLOSED)
    expected = set(expired.proposals.exclude(status=ProposalStatus.WITHDRAWN).values_list("freelancer_id", flat=True))
    assert {n.recipient_id for n in notices} == expected
    assert {n.related_competition_id for n in notices} == {expired.pk}


def test_close_expired_twice_changes_nothing_the_second_time(expired):
    run("close_expired_competitions")
    snapshot = list(Competition.objects.values_list("pk", "status", "updated_at"))
    notifications = Notification.objects.count()

    assert run("close_expired_competitions") == "Moved 0 competition(s) to REVIEW; sent 0 notification(s)."

    assert list(Competition.objects.values_list("pk", "status", "updated_at")) == snapshot
    assert Notification.objects.count() == notifications


def test_close_expired_service_returns_the_count(expired):
    result = services.close_expired()
    assert result == 1
    assert result.notifications == 2
    assert services.close_expired() == 0


def test_close_expired_does_not_duplicate_notifications_even_if_the_status_is_reset(expired):
    services.close_expired()
    # Someone puts it back to OPEN by hand: the participants were already told, once is enough.
    Competition.objects.filter(pk=expired.pk).update(status=CompetitionStatus.OPEN)
    result = services.close_expired()
    assert result == 1
    assert Notification.objects.filter(notification_type=NotificationType.COMPETITION_CLOSED).count() == 2


def _due_competitions(owner, count: int, *, submission_deadline) -> list:
    """`count` OPEN competitions, each with two proposals and three bookmarkers (one of whom
    submitted): two participants to tell at closing, two bookmarkers to remind."""
    from accounts.tests.factories import FreelancerFactory

    first, second, third = FreelancerFactory.create_batch(3)
    competitions = CompetitionFactory.create_batch(
        count, client=owner, submission_deadline=submission_deadline, deadline=in_days(3)
    )
    for competition in competitions:
        ProposalFactory(competition=competition, freelancer=first)
        ProposalFactory(competition=competition, freelancer=second)
        for user in (second, third):
            CompetitionBookmarkFactory(competition=competition, user=user)
    Notification.objects.all().delete()
    return competitions


def _statements(run_service) -> tuple[list[str], object]:
    """The statements `run_service` sends (savepoints aside), and what it returned."""
    with CaptureQueriesContext(connection) as captured:
        result = run_service()
    return [q["sql"].split(" ", 1)[0] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]], result


@pytest.mark.skipif(connection.vendor != "mysql", reason="other backends notify with bulk_create batches")
def test_close_expired_sends_the_same_statements_for_5_and_50_competitions(client_owner):
    counts = []
    for count in (5, 50):
        due = _due_competitions(client_owner, count, submission_deadline=in_days(-0.01))
        statements, result = _statements(services.close_expired)
        assert (result, result.notifications) == (count, 2 * count)
        assert set(Competition.objects.filter(pk__in=[c.pk for c in due]).values_list("status", flat=True)) == {
            CompetitionStatus.REVIEW
        }
        assert Notification.objects.filter(notification_type=NotificationType.COMPETITION_CLOSED).count() == 2 * count
        counts.append(statements)
    # one UPDATE moves them all, one INSERT … SELECT notifies their participants, one SELECT
    # reads the new rows back for the open sockets (notifications/realtime.py)
    assert counts == [["UPDATE", "INSERT", "SELECT"], ["UPDATE", "INSERT", "SELECT"]]


@pytest.mark.skipif(connection.vendor != "mysql", reason="other backends notify with bulk_create batches")
def test_remind_deadlines_sends_the_same_statements_for_5_and_50_competitions(client_owner):
    counts = []
    for count in (5, 50):
        Competition.objects.all().delete()
        _due_competitions(client_owner, count, submission_deadline=timezone.now() + timedelta(hours=5))
        statements, result = _statements(services.remind_deadlines)
        assert (result.competitions, result) == (count, count)  # one bookmarker of each has not submitted
        reminders = Notification.objects.filter(notification_type=NotificationType.COMPETITION_DEADLINE_APPROACHING)
        assert reminders.count() == count
        counts.append(statements)
    # one COUNT of the due competitions (for the summary line), one INSERT … SELECT of the reminders,
    # one SELECT reading them back for the open sockets
    assert counts == [["SELECT", "INSERT", "SELECT"], ["SELECT", "INSERT", "SELECT"]]


@pytest.fixture
def closing_soon(client_owner, freelancer, other_freelancer):
    """OPEN, closing in 5 hours; bookmarked by two freelancers, one of whom already submitted."""
    competition = CompetitionFactory(client=client_owner, submission_deadline=timezone.now() + timedelta(hours=5))
    CompetitionBookmarkFactory(competition=competition, user=freelancer)
    CompetitionBookmarkFactory(competition=competition, user=other_freelancer)
    ProposalFactory(competition=competition, freelancer=other_freelancer)
    Notification.objects.all().delete()
    return competition


def test_remind_deadlines_reminds_bookmarkers_without_a_proposal(closing_soon, client_owner, freelancer):
    far = CompetitionFactory(client=client_owner, submission_deadline=in_days(3), deadline=in_days(5))
    CompetitionBookmarkFactory(competition=far, user=freelancer)
    past = CompetitionFactory(client=client_owner, submission_deadline=in_days(-0.1), deadline=in_days(5))
    CompetitionBookmarkFactory(competition=past, user=freelancer)
    draft = CompetitionFactory(
        client=client_owner, status=CompetitionStatus.DRAFT, submission_deadline=timezone.now() + timedelta(hours=2)
    )
    CompetitionBookmarkFactory(competition=draft, user=freelancer)

    assert run("remind_deadlines") == "Found 1 competition(s) closing within 24 hours; sent 1 reminder(s)."

    reminder = Notification.objects.get()
    assert reminder.notification_type == NotificationType.COMPETITION_DEADLINE_APPROACHING
    assert reminder.recipient == freelancer
    assert reminder.related_competition_id == closing_soon.pk


def test_remind_deadlines_twice_sends_nothing_the_second_time(closing_soon):
    run("remind_deadlines")
    assert Notification.objects.count() == 1

    assert run("remind_deadlines") == "Found 1 competition(s) closing within 24 hours; sent 0 reminder(s)."

    assert Notification.objects.count() == 1


def test_a_new_bookmarker_is_reminded_on_the_next_run(closing_soon):
    from accounts.tests.factories import FreelancerFactory

    services.remind_deadlines()
    late = FreelancerFactory()
    CompetitionBookmarkFactory(competition=closing_soon, user=late)

    assert services.remind_deadlines() == 1
    assert Notification.objects.filter(recipient=late).count() == 1


def test_reminder_dedupe_holds_even_when_the_existence_check_is_bypassed(closing_soon):
    """Two overlapping runs both pass the NOT EXISTS check; the unique dedupe key still wins."""
    from competitions.models import Competition
    from notifications.utils import NotificationService

    due = Competition.objects.filter(pk=closing_soon.pk)
    NotificationService.notify_deadline_approaching(services.bookmarks_to_remind(due))
    Notification.objects.update(notification_type=NotificationType.COMPETITION_OPENED)  # hide it from the check
    NotificationService.notify_deadline_approaching(services.bookmarks_to_remind(due))
    assert Notification.objects.count() == 1
