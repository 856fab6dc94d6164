"""Proposals: a freelancer's entry in a competition, its files and its revision history."""

import os
import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

from accounts.models import Role, user_is_admin


class ProposalStatus(models.TextChoices):
    SUBMITTED = "SUBMITTED", "Submitted"
    UNDER_REVIEW = "UNDER_REVIEW", "Under review"
    ACCEPTED = "ACCEPTED", "Accepted"
    REJECTED = "REJECTED", "Rejected"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"
    DISQUALIFIED = "DISQUALIFIED", "Disqualified"


# Proposals that no longer take part: not counted, not listed to the client, cannot be scored or win.
INACTIVE_STATUSES = frozenset({ProposalStatus.WITHDRAWN, ProposalStatus.DISQUALIFIED})


# The proposal state machine, declared once.
PROPOSAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ProposalStatus.SUBMITTED: frozenset(
        {
            ProposalStatus.UNDER_REVIEW,
            ProposalStatus.ACCEPTED,
            ProposalStatus.REJECTED,
            ProposalStatus.WITHDRAWN,
            ProposalStatus.DISQUALIFIED,
        }
    ),
    ProposalStatus.UNDER_REVIEW: frozenset(
        {ProposalStatus.ACCEPTED, ProposalStatus.REJECTED, ProposalStatus.DISQUALIFIED}
    ),
    ProposalStatus.ACCEPTED: frozenset(),
    ProposalStatus.REJECTED: frozenset(),
    ProposalStatus.WITHDRAWN: frozenset(),
    ProposalStatus.DISQUALIFIED: frozenset(),
}


class ProposalQuerySet(models.QuerySet):
    def active(self) -> "ProposalQuerySet":
        """Proposals that count: everything but withdrawn and disqualified ones."""
        return self.exclude(status__in=INACTIVE_STATUSES)

    def for_freelancer(self, user) -> "ProposalQuerySet":
        return self.filter(freelancer=user)

    def for_client(self, user) -> "ProposalQuerySet":
        """A client's list: proposals on their own competitions, withdrawn and disqualified hidden."""
        return self.filter(competition__client=user).active()

    def openable_by_client(self, user) -> "ProposalQuerySet":
        """What a client may open: as listed, plus the disqualified ones (with the admin's note)."""
        return self.filter(competition__client=user).exclude(status=ProposalStatus.WITHDRAWN)

    def visible_to(self, user) -> "ProposalQuerySet":
        """Blind review as a query: a freelancer sees only their own proposals, a client only
        those on their competitions, admins everything, anonymous users nothing."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user_is_admin(user):
            return self.all()
        if user.role == Role.FREELANCER:
            return self.for_freelancer(user)
        if user.role == Role.CLIENT:
            return self.openable_by_client(user)
        return self.none()


class Proposal(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    competition = models.ForeignKey("competitions.Competition", on_delete=models.CASCADE, related_name="proposals")
    freelancer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="proposals",
        limit_choices_to={"role": "FREELANCER"},
    )
    title = models.CharField(max_length=200)
    description = models.TextField(help_text="The approach and the solution.")
    proposed_budget = models.DecimalField(max_digits=12, decimal_places=2)
    estimated_duration = models.PositiveIntegerField(help_text="In days.")
    status = models.CharField(max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED)
    submission_note = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    client_score = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    client_note = models.TextField(null=True, blank=True)
    is_winner = models.BooleanField(default=False)
    # Set by services.disqualify_proposal; the note is the admin's, shown to the freelancer.
    disqualified_at = models.DateTimeField(null=True, blank=True, editable=False)
    disqualification_note = models.TextField(blank=True, default="", editable=False)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "freelancer"], name="proposal_unique_competition_freelancer"
            ),
            models.CheckConstraint(condition=Q(proposed_budget__gt=0), name="proposal_budget_positive"),
            models.CheckConstraint(condition=Q(estimated_duration__gte=1), name="proposal_duration_positive"),
            models.CheckConstraint(
                condition=Q(client_score__isnull=True) | Q(client_score__gte=1, client_score__lte=5),
                name="proposal_client_score_range",
            ),
        ]
        indexes = [
            models.Index(fields=["competition", "status"], name="proposal_comp_status_idx"),
            # The client's list of one competition, in either of its orderings, reads a page
            # off the index instead of sorting every proposal of a popular competition.
            models.Index(fields=["competition", "created_at"], name="proposal_comp_created_idx"),
            models.Index(fields=["competition", "client_score"], name="proposal_comp_score_idx"),
            models.Index(fields=["freelancer", "created_at"], name="proposal_freelancer_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def can_transition_to(self, new_status: str) -> bool:
        return new_status in PROPOSAL_TRANSITIONS.get(self.status, frozenset())


class _PrivateStorage(LazyObject):
    """storages["private"], resolved on use (like Django's default_storage).

    A FileField evaluates a callable storage once, at import; a lazy proxy keeps following
    STORAGES when it changes (tests point it at a temporary folder).
    """

    def _setup(self) -> None:
        self._wrapped = storages["private"]


_private_storage = _PrivateStorage()


@receiver(setting_changed, dispatch_uid="proposals_private_storage_reset")
def _reset_private_storage(*, setting: str, **kwargs) -> None:
    if setting in {"STORAGES", "PRIVATE_MEDIA_ROOT"}:
        _private_storage._wrapped = empty


def private_storage():
    """Storage for proposal files: outside MEDIA_ROOT, never publicly served."""
    return _private_storage


def attachment_path(instance: "ProposalAttachment", filename: str) -> str:
    # A generated name: the uploader's file name is kept only as data (original_filename).
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"proposal_attachments/{instance.proposal_id}/{uuid.uuid4().hex}{extension}"


class ProposalAttachment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=private_storage, max_length=255)
    original_filename = models.CharField(max_length=255)
    file_size = models.PositiveIntegerField(help_text="Bytes.")
    file_type = models.CharField(max_length=50)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    description = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_filename


class ProposalRevision(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="revisions")
    revised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    description = models.TextField(help_text="What was changed.")
    revision_number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["revision_number"]
        constraints = [models.UniqueConstraint(fields=["proposal", "revision_number"], name="revision_unique_number")]

    def __str__(self) -> str:
        return f"{self.proposal_id} r{self.revision_number}"
