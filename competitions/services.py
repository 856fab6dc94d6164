"""Competition writes: every status change, Q&A, bookmarks, winner selection and the cron jobs.

Each function is one transaction. Anything two requests can race on locks the competition row
first (`select_for_update`) and re-reads its status under the lock, so the state machine of
`COMPETITION_TRANSITIONS` holds under concurrency. Refusals are DRF ValidationErrors (400).
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from notifications.utils import NotificationService

from . import list_cache
from .models import Competition, CompetitionBookmark, CompetitionQuestion, CompetitionStatus

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
    changed = [name for name in data if name in UPDATABLE_FIELDS]
    for name in changed:
        setattr(locked, name, data[name])
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    return locked


@transaction.atomic
def change_status(*, competition: Competition, new_status: str, by) -> Competition:
    """Moves a competition along COMPETITION_TRANSITIONS; anything else is a 400.

    DRAFT -> OPEN needs a submission deadline still in the future and publishes the
    competition (published_at, first time only). Saved with save() so the post_save receiver
    notifies bookmarkers when it becomes OPEN.
    """
    locked = _lock(competition)
    if not locked.can_transition_to(new_status):
        allowed = ", ".join(locked.allowed_transitions) or "none (final status)"
        raise _refuse("status", f"Cannot change status from {locked.status} to {new_status}. Allowed: {allowed}.")
    now = timezone.now()
    if new_status == CompetitionStatus.OPEN and locked.submission_deadline <= now:
        raise _refuse("status", "The submission deadline has passed: move it into the future before opening.")
    locked.status = new_status
    update_fields = ["status", "updated_at"]
    if new_status == CompetitionStatus.OPEN and locked.published_at is None:
        locked.published_at = now
        update_fields.append("published_at")
    locked.save(update_fields=update_fields)
    if new_status == CompetitionStatus.CLOSED and locked.winner_id is None:
        # Closed without a winner: the participants still learn it is over.
        NotificationService.notify_competition_closed(locked)
    return locked


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
    NotificationService.notify_question_answered(question)
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
    on the number of proposals: losers are rejected by one UPDATE and notified by bulk inserts.
    """
    from payments.models import PaymentRecord, PaymentStatus
    from proposals.models import PROPOSAL_TRANSITIONS, Proposal, ProposalStatus

    with transaction.atomic():
        locked = _lock(competition)
        if locked.status != CompetitionStatus.REVIEW or not locked.can_transition_to(CompetitionStatus.CLOSED):
            raise _refuse(
                "non_field_errors",
                f"A winner can only be selected while the competition is in REVIEW; it is {locked.status}.",
            )
        winning = Proposal.objects.select_for_update().filter(pk=proposal.pk, competition_id=locked.pk).first()
        if winning is None:
            raise _refuse("proposal_id", "No proposal with this id belongs to this competition.")
        if winning.status == ProposalStatus.WITHDRAWN:
            raise _refuse("proposal_id", "A withdrawn proposal cannot win.")
        if not winning.can_transition_to(ProposalStatus.ACCEPTED):
            raise _refuse("proposal_id", f"A {winning.status} proposal cannot be accepted.")

        now = timezone.now()
        # Queryset updates on purpose: the proposal post_save receiver must not fire per row.
        Proposal.objects.filter(pk=winning.pk).update(status=ProposalStatus.ACCEPTED, is_winner=True, updated_at=now)
        rejectable = [status for status, targets in PROPOSAL_TRANSITIONS.items() if ProposalStatus.REJECTED in targets]
        (
            Proposal.objects.filter(competition_id=locked.pk, status__in=rejectable)
            .exclude(pk=winning.pk)
            .update(status=ProposalStatus.REJECTED, is_winner=False, updated_at=now)
        )
        winning.status = ProposalStatus.ACCEPTED
        winning.is_winner = True

        locked.winner_id = winning.freelancer_id
        locked.winning_proposal = winning
        locked.status = CompetitionStatus.CLOSED
        locked.save(update_fields=["winner", "winning_proposal", "status", "updated_at"])

        # save(), not bulk: PaymentRecord.save() computes the platform fee and the net amount.
        PaymentRecord.objects.create(
            competition=locked,
            client_id=locked.client_id,
            freelancer_id=winning.freelancer_id,
            amount=winning.proposed_budget,
            currency=locked.currency,
            status=PaymentStatus.PENDING,
        )
        NotificationService.notify_winner_selected(locked, winning)
    return locked


# --- Cron ---------------------------------------------------------------------------------------


def close_expired(now: datetime | None = None) -> BatchCount:
    """OPEN competitions whose submission deadline passed go to REVIEW; participants are told.

    Two statements whatever the number of competitions: one UPDATE moves every due competition
    (read off the (status, submission_deadline) index), stamping `updated_at` with this run's
    `now`; one INSERT … SELECT then notifies the participants of the competitions that carry
    this stamp, i.e. exactly those this run moved. No id travels through Python.

    Returns the number moved (with `.notifications`). Overlapping runs are safe: a second run's
    UPDATE waits for the rows the first holds, then re-reads them committed, no longer OPEN, and
    moves nothing (it used to skip them with SKIP LOCKED; waiting a second for an owner's edit
    is as safe and keeps it one statement); notifications carry a dedupe key anyway.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # One UPDATE; it bypasses post_save, whose receiver only cares about changes to OPEN.
        moved = Competition.objects.filter(status=CompetitionStatus.OPEN, submission_deadline__lte=now).update(
            status=CompetitionStatus.REVIEW, updated_at=now
        )
        if not moved:
            return BatchCount(0, competitions=0, notifications=0)
        list_cache.invalidate()
        # The stamp of this UPDATE: a save() stamps its own time, and `now` is microseconds.
        moved_now = Competition.objects.filter(
            status=CompetitionStatus.REVIEW, submission_deadline__lte=now, updated_at=now
        )
        sent = NotificationService.notify_competitions_closed(moved_now, submissions_only=True)
    return BatchCount(moved, competitions=moved, notifications=sent)


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
    sent = NotificationService.notify_deadline_approaching(due) if found else 0
    return BatchCount(sent, competitions=found, notifications=sent)
