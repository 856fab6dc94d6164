"""The set-based fan-out: every row INSERT … SELECT writes reads as the text Python builds.

Rows store params (the competition's title, its deadline) written by the database; their
rendered title and message are compared with the Python text (`capped`, `quoted`, the
f-strings) around the 120-character cut, with characters outside ASCII at the cut.
"""

import uuid
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import FreelancerFactory
from competitions.models import Competition, CompetitionBookmark
from competitions.services import bookmarks_to_remind
from competitions.tests.factories import CompetitionBookmarkFactory, CompetitionFactory
from notifications import utils
from notifications.messages import capped as _title
from notifications.messages import quoted as _quoted
from notifications.models import Notification, NotificationType
from notifications.tests.factories import NotificationFactory
from notifications.utils import NotificationService
from proposals.models import Proposal, ProposalStatus
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db

TITLES = {
    "short": "Logo",
    "119 characters": "t" * 119,
    "120 characters, accented": "é" * 120,
    "121 characters, an emoji at the cut": "a" * 118 + "🚀" + "bc",
    "200 characters, Greek": "Ω" * 200,
    "quotes and percent signs": "50% off “sale” banner — it's 'fine' %s %(x)s \\",
}

ROWS = (
    "notification_type",
    "recipient_id",
    "title",
    "message",
    "related_competition_id",
    "related_proposal_id",
    "dedupe_key",
)


def _closed(competition, **kwargs) -> int:
    participants = Proposal.objects.filter(competition_id=competition.pk).active()
    return NotificationService.notify_competitions_closed(participants, **kwargs)


def _opened(competition) -> int:
    return NotificationService.notify_competition_opened(
        competition, CompetitionBookmark.objects.filter(competition_id=competition.pk)
    )


def _reminded(competition) -> int:
    return NotificationService.notify_deadline_approaching(
        bookmarks_to_remind(Competition.objects.filter(pk=competition.pk))
    )


def _winner(competition, winner) -> int:
    losers = Proposal.objects.filter(competition_id=competition.pk).active().exclude(pk=winner.pk)
    return NotificationService.notify_winner_selected(competition, winner, losers)


def _scene(title: str):
    """A competition with two participants (a withdrawn third), bookmarked by one of them and a
    third freelancer who has not submitted."""
    competition = CompetitionFactory(
        title=title,
        submission_deadline=datetime(2031, 1, 2, 3, 4, 59, 999999, tzinfo=UTC),
        deadline=datetime(2031, 2, 1, tzinfo=UTC),
    )
    first, second, bookmarker = FreelancerFactory.create_batch(3)
    winner = ProposalFactory(competition=competition, freelancer=first)
    loser = ProposalFactory(competition=competition, freelancer=second)
    ProposalFactory(competition=competition, status=ProposalStatus.WITHDRAWN)
    CompetitionBookmarkFactory(competition=competition, user=second)
    CompetitionBookmarkFactory(competition=competition, user=bookmarker)
    Notification.objects.all().delete()
    return competition, winner, loser, bookmarker


def _written() -> set[tuple]:
    return {tuple(getattr(n, name) for name in ROWS) for n in Notification.objects.all()}


@pytest.mark.parametrize("title", TITLES.values(), ids=TITLES.keys())
def test_every_fan_out_writes_the_rows_python_would_have_built(title):
    competition, winner, loser, bookmarker = _scene(title)
    c = competition.pk
    participants = [(winner.freelancer_id, winner.pk), (loser.freelancer_id, loser.pk)]
    bookmarkers = [loser.freelancer_id, bookmarker.pk]

    assert _closed(competition) == 2
    assert _closed(competition, submissions_only=True) == 2
    assert _opened(competition) == 2
    assert _reminded(competition) == 1
    assert _winner(competition, winner) == 2

    def row(kind, user, heading, message, proposal=None, stage=None):
        key = f"{stage}:{c.hex}:{user.hex}" if stage else None
        return (kind, user, _title(heading), message, c, proposal, key)

    quoted = _quoted(title)
    closed = "The competition is closed. Open your proposal to see the client's feedback."
    review = "The submission deadline has passed. The client is now reviewing the proposals."
    opened = "A competition you bookmarked is open for proposals."
    deadline = f"{competition.submission_deadline:%Y-%m-%d %H:%M}"
    remind = f"Submissions close within 24 hours. Submit your proposal before {deadline} UTC."
    won = "Your proposal was selected as the winner. Your payment is being prepared."
    lost = "Another proposal was selected. The client's feedback is now visible on your proposal."
    t = NotificationType
    expected = {
        *(row(t.COMPETITION_CLOSED, u, f"{quoted} is closed", closed, p, "closed") for u, p in participants),
        *(row(t.COMPETITION_CLOSED, u, f"Submissions closed for {quoted}", review, p, "review")
          for u, p in participants),
        *(row(t.COMPETITION_OPENED, u, f"{quoted} is open", opened, stage="opened") for u in bookmarkers),
        row(t.COMPETITION_DEADLINE_APPROACHING, bookmarker.pk, f"Deadline approaching for {quoted}", remind,
            stage="deadline"),
        row(t.PROPOSAL_ACCEPTED, winner.freelancer_id, f"You won {quoted}", won, winner.pk),
        row(t.PROPOSAL_REJECTED, loser.freelancer_id, f"A winner was selected for {quoted}", lost, loser.pk),
    }  # fmt: skip
    assert _written() == expected


def test_the_text_reads_as_before():
    """The reference itself, in literals: a short title and a deadline with seconds to drop."""
    competition, *_ = _scene("Logo")
    _reminded(competition)
    reminder = Notification.objects.get()
    assert reminder.title == "Deadline approaching for “Logo”"
    assert reminder.message == "Submissions close within 24 hours. Submit your proposal before 2031-01-02 03:04 UTC."

    competition.title = "x" * 121
    competition.save(update_fields=["title"])
    _closed(competition)
    titles = {n.title for n in Notification.objects.filter(dedupe_key__startswith="closed:")}
    assert titles == {"“" + "x" * 119 + "…” is closed"}


def test_ids_are_new_uuids_and_created_at_is_the_time_of_the_call():
    competition, *_ = _scene("Ids")
    before = timezone.now()
    _opened(competition)
    _closed(competition)
    after = timezone.now()

    notifications = list(Notification.objects.all())
    assert len(notifications) == 4
    assert all(isinstance(n.pk, uuid.UUID) for n in notifications)
    assert len({n.pk for n in notifications}) == 4
    for notification in notifications:  # the stored form is the one Django reads and looks up
        assert Notification.objects.get(pk=notification.pk).recipient_id == notification.recipient_id
        assert before <= notification.created_at <= after
        assert notification.created_at.tzinfo is not None
        assert (notification.is_read, notification.read_at) == (False, None)


def test_dedupe_keys_written_in_python_before_still_count():
    """Rows written by the old Python fan-out carry the same key: nobody is told twice."""
    competition, winner, loser, _bookmarker = _scene("Keys")
    NotificationFactory(
        recipient_id=winner.freelancer_id,
        notification_type=NotificationType.COMPETITION_CLOSED,
        dedupe_key=f"closed:{competition.pk.hex}:{winner.freelancer_id.hex}",
    )

    assert _closed(competition) == 1
    assert _closed(competition) == 0

    told = Notification.objects.filter(notification_type=NotificationType.COMPETITION_CLOSED)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([winner.freelancer_id, loser.freelancer_id])


def test_a_fan_out_is_one_insert_whatever_the_number_of_recipients():
    def statements(bookmarkers: int) -> list[str]:
        competition = CompetitionFactory()
        for user in FreelancerFactory.create_batch(bookmarkers):
            CompetitionBookmarkFactory(competition=competition, user=user)
        with CaptureQueriesContext(connection) as captured:
            assert _opened(competition) == bookmarkers
        return [q["sql"].split(" ", 2)[:2] for q in captured.captured_queries]

    # the rows, then one SELECT reading them back for the open sockets (notifications/realtime.py)
    pushed = ["SELECT", "`notifications_notification`.`id`,"]
    assert statements(3) == statements(60) == [["INSERT", "IGNORE"], pushed]


def test_an_unknown_column_is_refused():
    with pytest.raises(TypeError, match="recipent_id"):
        utils.fan_out(Competition.objects.all(), recipent_id=1)


def test_a_row_stores_params_not_text():
    """The row holds data; the words come from messages.TEMPLATES when it is read."""
    competition, *_ = _scene("Data")
    _opened(competition)
    stored = Notification.objects.values_list("params", flat=True).first()
    assert stored == {"competition": "Data"}


def test_notifications_imports_no_other_app():
    import ast
    from pathlib import Path

    others = {"accounts", "competitions", "proposals", "feedback", "payments"}
    package = Path(utils.__file__).parent
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not {name.split(".")[0] for name in names} & others, path.name
