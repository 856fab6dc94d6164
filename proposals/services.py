"""Proposal writes: submit, revise, withdraw, attachments and scoring.

Every write that depends on the competition's state locks the competition row first and the
proposal row second, the same order select-winner uses, so a withdrawal or a score cannot
interleave with the selection of a winner (and the two never deadlock). On MySQL the lock on
the competition row is also what makes "max_proposals not reached" hold under concurrency:
submissions to one competition count its proposals one after the other.

A status changes in one place: `_move` (one locked row) or `_move_many` (a bulk UPDATE), both
asking `PROPOSAL_TRANSITIONS`. Notifications and the list cache follow the events sent after
commit (`proposals/events.py`).
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from rest_framework.exceptions import NotFound, ValidationError

from competitions.models import Competition, CompetitionStatus
from freelance_arena.events import send_on_commit
from originality.services import fingerprint_later

from . import events
from .files import CheckedUpload
from .models import (
    PROPOSAL_TRANSITIONS,
    Proposal,
    ProposalAttachment,
    ProposalRevision,
    ProposalStatus,
    private_storage,
)
from .permissions import require_client_of, require_freelancer_of

UNIQUE_CONSTRAINT = "proposal_unique_competition_freelancer"
EDITABLE_FIELDS = ("title", "description", "proposed_budget", "estimated_duration", "submission_note")
# Competition statuses in which a proposal may still be withdrawn or scored.
REVIEWABLE_COMPETITION_STATUSES = frozenset({CompetitionStatus.OPEN, CompetitionStatus.REVIEW})

ALREADY_SUBMITTED = "You have already submitted a proposal to this competition."


def _lock(proposal: Proposal) -> Proposal:
    """Locks the proposal's competition, then the proposal; returns the fresh, locked proposal."""
    competition = Competition.objects.select_for_update().get(pk=proposal.competition_id)
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    locked.competition = competition
    return locked


def _move(locked: Proposal, new_status: str, **fields: Any) -> None:
    """The one door for a proposal's status: asks the transition table, saves the status (and
    `fields`) with it. `locked` was read under its row lock in this transaction."""
    if not locked.can_transition_to(new_status):
        raise ValidationError({"non_field_errors": [f"A {locked.status} proposal cannot become {new_status}."]})
    locked.status = new_status
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", "updated_at", *fields])


def _move_many(proposals: QuerySet[Proposal], to_status: str, **fields: Any) -> int:
    """The bulk door: one UPDATE of those of `proposals` whose status may move to `to_status`."""
    movable = [status for status, targets in PROPOSAL_TRANSITIONS.items() if to_status in targets]
    return proposals.filter(status__in=movable).update(status=to_status, updated_at=timezone.now(), **fields)


def accept_winner(*, competition: Competition, proposal_id: Any) -> tuple[Proposal, QuerySet[Proposal]]:
    """Inside select-winner's transaction (the competition row already locked): the proposal
    becomes ACCEPTED and the winner, every other one that can be REJECTED is, by one UPDATE.
    Returns the winning proposal and the losers to notify (the other active proposals)."""
    winning = Proposal.objects.select_for_update().filter(pk=proposal_id, competition_id=competition.pk).first()
    if winning is None:
        raise ValidationError({"proposal_id": ["No proposal with this id belongs to this competition."]})
    if winning.status == ProposalStatus.WITHDRAWN:
        raise ValidationError({"proposal_id": ["A withdrawn proposal cannot win."]})
    if not winning.can_transition_to(ProposalStatus.ACCEPTED):
        raise ValidationError({"proposal_id": [f"A {winning.status} proposal cannot be accepted."]})
    winning.competition = competition
    _move(winning, ProposalStatus.ACCEPTED, is_winner=True)
    others = Proposal.objects.filter(competition_id=competition.pk).exclude(pk=winning.pk)
    _move_many(others, ProposalStatus.REJECTED, is_winner=False)
    return winning, others.active()


def _require_within_prize(competition: Competition, proposed_budget) -> None:
    """The prize is escrowed: a proposal cannot ask for more than the competition's budget."""
    if proposed_budget is None:
        return
    try:
        proposed_budget = Decimal(str(proposed_budget))
    except ArithmeticError:
        return  # not a number: the field's own validation answers it
    if proposed_budget > competition.budget:
        raise ValidationError(
            {
                "proposed_budget": [
                    f"The proposed budget cannot exceed the prize ({competition.budget} {competition.currency})."
                ]
            }
        )


def _require_editable(proposal: Proposal, action: str) -> None:
    """Edits and attachment changes: a SUBMITTED proposal on a competition still open."""
    if proposal.status != ProposalStatus.SUBMITTED:
        raise ValidationError({"non_field_errors": [f"A {proposal.status} proposal can no longer {action}."]})
    if not proposal.competition.is_open:
        raise ValidationError(
            {"non_field_errors": [f"The competition is no longer open: the proposal can no longer {action}."]}
        )


def _store_attachments(proposal: Proposal, uploads: Iterable[CheckedUpload], stored: list[str]) -> list:
    attachments = []
    for upload in uploads:
        attachment = ProposalAttachment(
            proposal=proposal,
            file=upload.file,
            original_filename=upload.original_filename,
            file_size=upload.file_size,
            file_type=upload.file_type,
        )
        attachment.save()
        stored.append(attachment.file.name)
        attachments.append(attachment)
    return attachments


def _discard_files(names: list[str]) -> None:
    """Removes files written by a transaction that did not commit."""
    storage = private_storage()
    for name in names:
        storage.delete(name)


def submit_proposal(
    *, freelancer, competition_id: Any, data: dict[str, Any], files: Iterable[CheckedUpload] = ()
) -> Proposal:
    """Creates a proposal (and its attachments) if the competition still accepts it."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            try:
                # Drafts of other clients are not visible: "not found", existence does not leak.
                competition = Competition.objects.visible_to(freelancer).select_for_update().get(pk=competition_id)
            except (Competition.DoesNotExist, ValueError, TypeError):
                raise ValidationError({"competition": ["Competition not found."]}) from None
            if competition.status != CompetitionStatus.OPEN:
                raise ValidationError({"competition": ["This competition is not open for submissions."]})
            if competition.submission_deadline <= timezone.now():
                raise ValidationError({"competition": ["The submission deadline of this competition has passed."]})
            _require_within_prize(competition, data.get("proposed_budget"))
            if competition.max_proposals is not None:
                active = Proposal.objects.filter(competition=competition).active().count()
                if active >= competition.max_proposals:
                    if _already_submitted(competition, freelancer):  # that answer comes first
                        raise ValidationError({"non_field_errors": [ALREADY_SUBMITTED]})
                    raise ValidationError(
                        {"non_field_errors": ["This competition has reached its maximum number of proposals."]}
                    )
            # One proposal per freelancer and competition, a withdrawn one included: the unique
            # constraint refuses the INSERT (answered below), no SELECT needs to ask first.
            proposal = Proposal(competition=competition, freelancer=freelancer, **data)
            proposal.save()
            attachments = _store_attachments(proposal, files, stored)
            send_on_commit(events.proposal_submitted, Proposal, proposal=proposal)
    except IntegrityError as exc:
        _discard_files(stored)
        if UNIQUE_CONSTRAINT in str(exc):
            raise ValidationError({"non_field_errors": [ALREADY_SUBMITTED]}) from None
        raise
    except BaseException:
        _discard_files(stored)
        raise
    fingerprint_later(proposal.pk)
    _know_related_rows(proposal, attachments=attachments, revisions=[])
    return proposal


def _already_submitted(competition: Competition, freelancer) -> bool:
    return Proposal.objects.filter(competition=competition, freelancer=freelancer).exists()


def _know_related_rows(proposal: Proposal, **related: list) -> None:
    """Fills the related managers of a proposal this transaction has just written with the rows
    it wrote (as prefetch_related would), so reading them back costs no query: a new proposal's
    attachments are the files just stored, and it has no revision yet."""
    cache = proposal.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in related.items():
        queryset = getattr(proposal, name).all()
        queryset._result_cache = list(rows)
        queryset._prefetch_done = True
        cache[name] = queryset


def update_proposal(*, proposal: Proposal, by, data: dict[str, Any], revision_note: str | None = None) -> Proposal:
    """Applies an edit and records it as the next ProposalRevision."""
    with transaction.atomic():
        proposal = _lock(proposal)
        require_freelancer_of(proposal, by, "edit it")
        _require_editable(proposal, "be edited")
        if "proposed_budget" in data:
            _require_within_prize(proposal.competition, data["proposed_budget"])
        changed = []
        for field in EDITABLE_FIELDS:
            if field in data and getattr(proposal, field) != data[field]:
                setattr(proposal, field, data[field])
                changed.append(field)
        proposal.save()
        last = proposal.revisions.aggregate(last=Max("revision_number"))["last"] or 0
        if revision_note:
            description = revision_note
        elif changed:
            description = "Changed: " + ", ".join(changed)
        else:
            description = "No field changed."
        ProposalRevision.objects.create(
            proposal=proposal, revised_by=by, description=description, revision_number=last + 1
        )
        if "title" in changed or "description" in changed:
            fingerprint_later(proposal.pk)
    return proposal


def withdraw_proposal(*, proposal: Proposal, by) -> Proposal:
    """SUBMITTED -> WITHDRAWN while the competition is OPEN or REVIEW (the row is kept)."""
    with transaction.atomic():
        proposal = _lock(proposal)
        require_freelancer_of(proposal, by, "withdraw it")
        if not proposal.can_transition_to(ProposalStatus.WITHDRAWN):
            raise ValidationError({"non_field_errors": [f"A {proposal.status} proposal cannot be withdrawn."]})
        if proposal.competition.status not in REVIEWABLE_COMPETITION_STATUSES:
            raise ValidationError(
                {
                    "non_field_errors": [
                        f"Proposals cannot be withdrawn from a {proposal.competition.status} competition."
                    ]
                }
            )
        _move(proposal, ProposalStatus.WITHDRAWN)
        send_on_commit(events.proposal_withdrawn, Proposal, proposal=proposal)
    return proposal


def add_attachment(*, proposal: Proposal, by, upload: CheckedUpload, description: str = "") -> ProposalAttachment:
    stored: list[str] = []
    try:
        with transaction.atomic():
            proposal = _lock(proposal)
            require_freelancer_of(proposal, by, "add files to it")
            _require_editable(proposal, "take new files")
            attachment = ProposalAttachment(
                proposal=proposal,
                file=upload.file,
                original_filename=upload.original_filename,
                file_size=upload.file_size,
                file_type=upload.file_type,
                description=description or "",
            )
            attachment.save()
            stored.append(attachment.file.name)
            fingerprint_later(proposal.pk)
    except BaseException:
        _discard_files(stored)
        raise
    return attachment


def delete_attachment(*, proposal: Proposal, attachment_id: Any, by) -> None:
    """Deletes the row now and the stored file once the deletion is committed."""
    with transaction.atomic():
        proposal = _lock(proposal)
        require_freelancer_of(proposal, by, "remove its files")
        try:
            attachment = proposal.attachments.get(pk=attachment_id)
        except (ProposalAttachment.DoesNotExist, ValueError):
            raise NotFound("Attachment not found.") from None
        _require_editable(proposal, "lose files")
        name = attachment.file.name
        attachment.delete()
        transaction.on_commit(lambda: private_storage().delete(name))
        fingerprint_later(proposal.pk)


def score_proposal(*, proposal: Proposal, by, client_score: int, client_note: Any = ...) -> Proposal:
    """The client's 1-5 score and note; a SUBMITTED proposal moves to UNDER_REVIEW.

    `client_note` left out keeps the current note. The freelancer is told (proposal_scored)
    only when the score or the note changed.
    """
    with transaction.atomic():
        proposal = _lock(proposal)
        require_client_of(proposal.competition, by, "score its proposals")
        if proposal.competition.status not in REVIEWABLE_COMPETITION_STATUSES:
            raise ValidationError(
                {"non_field_errors": [f"Proposals of a {proposal.competition.status} competition cannot be scored."]}
            )
        if proposal.status not in (ProposalStatus.SUBMITTED, ProposalStatus.UNDER_REVIEW):
            raise ValidationError({"non_field_errors": [f"A {proposal.status} proposal cannot be scored."]})
        note = proposal.client_note if client_note is ... else client_note
        changed = (proposal.client_score, proposal.client_note) != (client_score, note)
        fields = {"client_score": client_score, "client_note": note}
        if proposal.status == ProposalStatus.SUBMITTED:
            _move(proposal, ProposalStatus.UNDER_REVIEW, **fields)
        else:
            for name, value in fields.items():
                setattr(proposal, name, value)
            proposal.save(update_fields=[*fields, "updated_at"])
        if changed:
            send_on_commit(events.proposal_scored, Proposal, proposal=proposal)
    return proposal


def disqualify_proposal(*, proposal: Proposal, by, note: str) -> Proposal:
    """SUBMITTED or UNDER_REVIEW -> DISQUALIFIED, an admin's decision on a report: from then on
    the proposal is not counted, not listed to the client, cannot be scored or win; its
    freelancer sees it with `note`."""
    with transaction.atomic():
        proposal = _lock(proposal)
        _move(proposal, ProposalStatus.DISQUALIFIED, disqualified_at=timezone.now(), disqualification_note=note)
        send_on_commit(events.proposal_disqualified, Proposal, proposal=proposal, by=by)
    return proposal
