"""Competition writes: every status change, Q&A, bookmarks, winner selection and the cron jobs.

Each function is one transaction. Anything two requests can race on locks the competition row
first (`select_for_update`) and re-reads its status under the lock, so the state machine of
`COMPETITION_TRANSITIONS` holds under concurrency. Refusals are DRF ValidationErrors (400).

A status changes in one place: `_move` (one row, locked) or `_move_many` (a bulk UPDATE); both
ask the transition table. What follows a change (notifications, the list cache) listens to
the event the service sends after commit (`competitions/events.py`).
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from freelance_arena.events import send_on_commit
from notifications.utils import NotificationService
from payments import escrow
from payments.services import create_payout
from proposals import services as proposal_services

from . import events
from .models import COMPETITION_TRANSITIONS, Competition, CompetitionBookmark, CompetitionQuestion, CompetitionStatus

REMINDER_WINDOW = timedelta(hours=24)

# Fields the owner may change after creation (the spec's CompetitionUpdateSerializer list).
UPDATABLE_FIELDS = frozenset(
    {
        "title",
        "description",
        "requirements",
        "budget",
        "deadline",
        "submission_deadline",
        "tags",
        "max_proposals",
        "allow_questions",
        "category",
    }
)


class BatchCount(int):
    """What a cron service returns: an int (its headline number) that also carries the
    number of competitions it handled and of notifications it sent, for the one-line summary."""

    competitions: int
    notifications: int

    def __new__(cls, value: int, *, competitions: int, notifications: int) -> "BatchCount":
        obj = super().__new__(cls, value)
        obj.competitions = competitions
        obj.notifications = notifications
        return obj


def _lock(competition: Competition) -> Competition:
    """Re-reads the competition under a row lock: the status we check is the one we change."""
    return Competition.objects.select_for_update().get(pk=competition.pk)


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _move(locked: Competition, new_status: str, *, now: datetime | None = None, **fields: Any) -> None:
    """The one door for a competition's status: asks the transition table, stamps, saves.

    `locked` must have been read under its row lock in this transaction. Extra `fields` (the
    winner) are saved with the status. The caller sends the event.
    """
    if not locked.can_transition_to(new_status):
        allowed = ", ".join(locked.allowed_transitions) or "none (final status)"
        raise _refuse("status", f"Cannot change status from {locked.status} to {new_status}. Allowed: {allowed}.")
    now = now or timezone.now()
    locked.status = new_status
    update_fields = ["status", "updated_at", *fields]
    for name, value in fields.items():
        setattr(locked, name, value)
    if new_status == CompetitionStatus.OPEN and locked.published_at is None:
        locked.published_at = now
        update_fields.append("published_at")
    locked.save(update_fields=update_fields)


def _move_many(competitions: "models.QuerySet[Competition]", from_status: str, to_status: str, now: datetime) -> int:
    """The bulk door: one UPDATE of every row of `competitions` still in `from_status`, stamping
    `updated_at` with `now`; the same table as `_move` decides whether the move exists."""
    if to_status not in COMPETITION_TRANSITIONS[from_status]:
        raise ValueError(f"No competition transition from {from_status} to {to_status}")
    return competitions.filter(status=from_status).update(status=to_status, updated_at=now)


# The event each status change sends (a winner's CLOSED sends winner_selected instead).
_STATUS_EVENTS = {
    CompetitionStatus.OPEN: events.competition_opened,
    CompetitionStatus.CANCELLED: events.competition_cancelled,
    CompetitionStatus.CLOSED: events.competition_closed,
}


# --- Create, update, cancel ---------------------------------------------------------------------


def create_competition(*, client, data: Mapping[str, Any]) -> Competition:
    """A new competition always starts as an unpublished DRAFT of its client."""
    fields = {key: value for key, value in data.items() if key not in {"status", "client", "published_at"}}
    return Competition.objects.create(client=client, status=CompetitionStatus.DRAFT, **fields)


@transaction.atomic
def update_competition(*, competition: Competition, data: Mapping[str, Any], by) -> Competition:
    """Owner edits, allowed while DRAFT or OPEN (checked under the row lock)."""
    locked = _lock(competition)
    if not locked.is_editable:
        raise _refuse("status", f"A {locked.status} competition can no longer be edited (only DRAFT or OPEN).")
    escrow.refuse_frozen_edits(locked, data)
    changed = [name for name in data if name in UPDATABLE_FIELDS]
    for name in changed:
        setattr(locked, name, data[name])
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
        send_on_commit(events.competition_updated, Competition, competition=locked)
    return locked


@transaction.atomic
def change_status(*, competition: Competition, new_status: str, by) -> Competition:
    """Moves a competition along COMPETITION_TRANSITIONS; anything else is a 400.

    DRAFT -> OPEN needs a submission deadline still in the future and publishes the
    competition (published_at, first time only).
    """
    locked = _lock(competition)
    if (
        new_status == CompetitionStatus.OPEN
        and locked.can_transition_to(new_status)
        and locked.submission_deadline <= timezone.now()
    ):
        raise _refuse("status", "The submission deadline has passed: move it into the future before opening.")
    if new_status == CompetitionStatus.OPEN and locked.can_transition_to(new_status):
        escrow.require_funded(locked)
    if new_status in (CompetitionStatus.CANCELLED, CompetitionStatus.CLOSED) and locked.can_transition_to(new_status):
        _refuse_if_entries(locked, new_status)
    _move(locked, new_status)
    if new_status in (CompetitionStatus.CANCELLED, CompetitionStatus.CLOSED):
        escrow.refund_all(locked)  # ended without a winner: the whole prize goes back
    if new_status == CompetitionStatus.REVIEW:
        send_on_commit(
            events.review_started, Competition, competitions=Competition.objects.filter(pk=locked.pk), by_deadline=False
        )
    else:
        send_on_commit(_STATUS_EVENTS[new_status], Competition, competition=locked)
    return locked


def _refuse_if_entries(locked: Competition, new_status: str) -> None:
    """Freelancers worked for a guaranteed prize: with an active proposal a competition can
    no longer be cancelled, nor closed without a winner."""
    from proposals.models import Proposal

    if not Proposal.objects.filter(competition_id=locked.pk).active().exists():
        return
    if new_status == CompetitionStatus.CANCELLED:
        raise _refuse("status", "This competition has active proposals: it can no longer be cancelled.")
    raise _refuse(
        "status",
        "This competition has active proposals: select a winner (or let the award deadline decide) "
        "instead of closing it.",
    )


def cancel(*, competition: Competition, by) -> Competition:
    """DELETE on a competition: only a DRAFT can be withdrawn this way; the row is kept."""
    with transaction.atomic():
        locked = _lock(competition)
        if locked.status != CompetitionStatus.DRAFT:
            raise _refuse(
                "status",
                f"Only a DRAFT competition can be deleted; this one is {locked.status} "
                "(an OPEN one is cancelled through the status endpoint).",
            )
        return change_status(competition=locked, new_status=CompetitionStatus.CANCELLED, by=by)


# --- Questions ----------------------------------------------------------------------------------


def ask_question(*, competition: Competition, asked_by, question: str, is_public: bool = True) -> CompetitionQuestion:
    if not competition.is_open:
        raise _refuse("non_field_errors", "Questions can only be asked while the competition is open.")
    if not competition.allow_questions:
        raise _refuse("non_field_errors", "This competition does not accept questions.")
    return CompetitionQuestion.objects.create(
        competition=competition, asked_by=asked_by, question=question, is_public=is_public
    )


@transaction.atomic
def answer_question(
    *, question: CompetitionQuestion, answer: str, by, is_public: bool | None = None
) -> CompetitionQuestion:
    """Records (or corrects) the owner's answer and tells the asker."""
    question.answer = answer
    question.answered_by = by
    question.answered_at = timezone.now()
    update_fields = ["answer", "answered_by", "answered_at"]
    if is_public is not None:
        question.is_public = is_public
        update_fields.append("is_public")
    question.save(update_fields=update_fields)
    send_on_commit(events.question_answered, CompetitionQuestion, question=question)
    return question


# --- Bookmarks ----------------------------------------------------------------------------------


@transaction.atomic
def toggle_bookmark(*, competition: Competition, user) -> bool:
    """Adds the bookmark if missing, removes it if present; returns whether it is now bookmarked.

    The user's row is locked first, so one user's toggles run one after the other: without it,
    concurrent DELETEs and INSERTs on the unique (competition, user) index deadlocked under load
    (a 500), and two toggles could both answer "bookmarked" (issue 19).
    """
    list(type(user)._default_manager.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    deleted, _ = CompetitionBookmark.objects.filter(competition=competition, user=user).delete()
    if deleted:
        return False
    CompetitionBookmark.objects.create(competition=competition, user=user)
    return True


# --- Winner selection ---------------------------------------------------------------------------


def select_winner(*, competition: Competition, proposal, by) -> Competition:
    """Closes a REVIEW competition with `proposal` as its winner, in one transaction.

    The competition row is locked first and its status re-read, so two selections (sequential or
    simultaneous) yield one winner and one PaymentRecord. The number of queries does not depend
    on the number of proposals: losers are rejected by one UPDATE and notified by one INSERT …
    SELECT after the commit.
    """
    with transaction.atomic():
        locked = _lock(competition)
        if locked.status != CompetitionStatus.REVIEW or not locked.can_transition_to(CompetitionStatus.CLOSED):
            raise _refuse(
                "non_field_errors",
                f"A winner can only be selected while the competition is in REVIEW; it is {locked.status}.",
            )
        winning, losers = proposal_services.accept_winner(competition=locked, proposal_id=proposal.pk)
        _move(locked, CompetitionStatus.CLOSED, winner_id=winning.freelancer_id, winning_proposal=winning)
        escrow.settle_award(locked, winning)
        create_payout(competition=locked, proposal=winning)
        send_on_commit(events.winner_selected, Competition, competition=locked, proposal=winning, losers=losers)
    return locked


# --- Cron ---------------------------------------------------------------------------------------


def close_expired(now: datetime | None = None) -> BatchCount:
    """OPEN competitions whose submission deadline passed go to REVIEW; participants are told.

    Two statements whatever the number of competitions: one UPDATE moves every due competition
    (read off the (status, submission_deadline) index), stamping `updated_at` with this run's
    `now`; after the commit, one INSERT … SELECT notifies the participants of the competitions
    that carry this stamp, i.e. exactly those this run moved. No id travels through Python.

    Returns the number moved (with `.notifications`). Overlapping runs are safe: a second run's
    UPDATE waits for the rows the first holds, then re-reads them committed, no longer OPEN, and
    moves nothing; notifications carry a dedupe key anyway.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = Competition.objects.filter(submission_deadline__lte=now)
        moved = _move_many(due, CompetitionStatus.OPEN, CompetitionStatus.REVIEW, now)
        if not moved:
            return BatchCount(0, competitions=0, notifications=0)
        # The stamp of this UPDATE: a save() stamps its own time, and `now` is microseconds.
        moved_now = Competition.objects.filter(
            status=CompetitionStatus.REVIEW, submission_deadline__lte=now, updated_at=now
        )
        delivery = send_on_commit(events.review_started, Competition, competitions=moved_now, by_deadline=True)
    return BatchCount(moved, competitions=moved, notifications=delivery.total())


def bookmarks_to_remind(competitions: "models.QuerySet[Competition]") -> "models.QuerySet[CompetitionBookmark]":
    """Bookmarks of `competitions` whose user has not submitted a proposal there."""
    from proposals.models import Proposal

    submitted = Proposal.objects.filter(competition_id=OuterRef("competition_id"), freelancer_id=OuterRef("user_id"))
    return CompetitionBookmark.objects.filter(competition__in=competitions).exclude(Exists(submitted))


def remind_deadlines(now: datetime | None = None) -> BatchCount:
    """Reminds bookmarkers who have not submitted, for OPEN competitions closing within 24 hours.

    Returns the number of reminders sent (with `.competitions`). Two statements whatever the
    number of competitions: a COUNT of the due competitions (for the summary line) and one
    INSERT … SELECT of the reminders. Each (competition, user) pair is reminded at most once,
    enforced by the notifications' unique dedupe key.
    """
    now = now or timezone.now()
    due = Competition.objects.filter(
        status=CompetitionStatus.OPEN,
        submission_deadline__gt=now,
        submission_deadline__lte=now + REMINDER_WINDOW,
    )
    found = due.count()
    sent = NotificationService.notify_deadline_approaching(bookmarks_to_remind(due)) if found else 0
    return BatchCount(sent, competitions=found, notifications=sent)
