"""Proposal writes: submit, revise, withdraw, attachments and scoring.

Every write that depends on the competition's state locks the competition row first and the
proposal row second, the same order select-winner uses, so a withdrawal or a score cannot
interleave with the selection of a winner (and the two never deadlock). On MySQL the lock on
the competition row is also what makes "max_proposals not reached" hold under concurrency:
submissions to one competition count its proposals one after the other.
"""

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError

from competitions.models import Competition, CompetitionStatus

from .files import CheckedUpload
from .models import Proposal, ProposalAttachment, ProposalRevision, ProposalStatus, private_storage

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


def _require_owner(proposal: Proposal, user, action: str) -> None:
    if proposal.freelancer_id != user.pk:
        raise PermissionDenied(f"Only the freelancer who submitted this proposal can {action}.")


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
            proposal.save()  # post_save notifies the client (PROPOSAL_RECEIVED)
            attachments = _store_attachments(proposal, files, stored)
    except IntegrityError as exc:
        _discard_files(stored)
        if UNIQUE_CONSTRAINT in str(exc):
            raise ValidationError({"non_field_errors": [ALREADY_SUBMITTED]}) from None
        raise
    except BaseException:
        _discard_files(stored)
        raise
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
        _require_owner(proposal, by, "edit it")
        _require_editable(proposal, "be edited")
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
    return proposal


def withdraw_proposal(*, proposal: Proposal, by) -> Proposal:
    """SUBMITTED -> WITHDRAWN while the competition is OPEN or REVIEW (the row is kept)."""
    with transaction.atomic():
        proposal = _lock(proposal)
        _require_owner(proposal, by, "withdraw it")
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
        proposal.status = ProposalStatus.WITHDRAWN
        proposal.save(update_fields=["status", "updated_at"])
    return proposal


def add_attachment(*, proposal: Proposal, by, upload: CheckedUpload, description: str = "") -> ProposalAttachment:
    stored: list[str] = []
    try:
        with transaction.atomic():
            proposal = _lock(proposal)
            _require_owner(proposal, by, "add files to it")
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
    except BaseException:
        _discard_files(stored)
        raise
    return attachment


def delete_attachment(*, proposal: Proposal, attachment_id: Any, by) -> None:
    """Deletes the row now and the stored file once the deletion is committed."""
    with transaction.atomic():
        proposal = _lock(proposal)
        _require_owner(proposal, by, "remove its files")
        try:
            attachment = proposal.attachments.get(pk=attachment_id)
        except (ProposalAttachment.DoesNotExist, ValueError):
            raise NotFound("Attachment not found.") from None
        _require_editable(proposal, "lose files")
        name = attachment.file.name
        attachment.delete()
        transaction.on_commit(lambda: private_storage().delete(name))


def score_proposal(*, proposal: Proposal, by, client_score: int, client_note: Any = ...) -> Proposal:
    """The client's 1-5 score and note; a SUBMITTED proposal moves to UNDER_REVIEW.

    `client_note` left out keeps the current note. save() lets the post_save signal notify the
    freelancer when the score or the note changed.
    """
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.competition.client_id != by.pk:
            raise PermissionDenied("Only the competition's owner can score its proposals.")
        if proposal.competition.status not in REVIEWABLE_COMPETITION_STATUSES:
            raise ValidationError(
                {"non_field_errors": [f"Proposals of a {proposal.competition.status} competition cannot be scored."]}
            )
        if proposal.status == ProposalStatus.SUBMITTED and proposal.can_transition_to(ProposalStatus.UNDER_REVIEW):
            proposal.status = ProposalStatus.UNDER_REVIEW
        elif proposal.status != ProposalStatus.UNDER_REVIEW:
            raise ValidationError({"non_field_errors": [f"A {proposal.status} proposal cannot be scored."]})
        proposal.client_score = client_score
        if client_note is not ...:
            proposal.client_note = client_note
        proposal.save()
    return proposal
