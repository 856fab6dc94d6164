"""Competitions: a client's job posted as an open contest, its Q&A and bookmarks."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import user_is_admin


class CompetitionStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    OPEN = "OPEN", "Open"
    REVIEW = "REVIEW", "Review"
    CLOSED = "CLOSED", "Closed"
    CANCELLED = "CANCELLED", "Cancelled"


# The competition state machine, declared once: every status change asks it.
COMPETITION_TRANSITIONS: dict[str, frozenset[str]] = {
    CompetitionStatus.DRAFT: frozenset({CompetitionStatus.OPEN, CompetitionStatus.CANCELLED}),
    CompetitionStatus.OPEN: frozenset({CompetitionStatus.REVIEW, CompetitionStatus.CANCELLED}),
    CompetitionStatus.REVIEW: frozenset({CompetitionStatus.CLOSED}),
    CompetitionStatus.CLOSED: frozenset(),
    CompetitionStatus.CANCELLED: frozenset(),
}

# Statuses in which the owner may still edit the brief.
EDITABLE_STATUSES = frozenset({CompetitionStatus.DRAFT, CompetitionStatus.OPEN})


class CompetitionQuerySet(models.QuerySet):
    def public(self) -> "CompetitionQuerySet":
        """What anybody may open by id: everything that was ever published (not drafts)."""
        return self.filter(published_at__isnull=False)

    def visible_to(self, user) -> "CompetitionQuerySet":
        """Detail visibility: admins see all, owners their own, everyone else published ones."""
        if user_is_admin(user):
            return self.all()
        if user is not None and user.is_authenticated:
            return self.filter(Q(published_at__isnull=False) | Q(client=user))
        return self.public()

    def listed(self) -> "CompetitionQuerySet":
        """The public list: OPEN competitions only."""
        return self.filter(status=CompetitionStatus.OPEN)

    def with_proposal_count(self) -> "CompetitionQuerySet":
        """Annotates active proposal counts with a correlated subquery: evaluated only for
        the rows of the page, where a JOIN + GROUP BY would aggregate the whole table first."""
        from proposals.models import Proposal

        counts = (
            Proposal.objects.filter(competition_id=OuterRef("pk"))
            .active()
            .order_by()
            .values("competition_id")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return self.annotate(annotated_proposal_count=Coalesce(Subquery(counts), 0))


class Competition(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="competitions",
        limit_choices_to={"role": "CLIENT"},
    )
    title = models.CharField(max_length=200)
    description = models.TextField()
    requirements = models.TextField(help_text="Detailed technical requirements.")
    budget = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    deadline = models.DateTimeField(help_text="When the competition closes.")
    submission_deadline = models.DateTimeField(help_text="When proposals must be submitted by.")
    status = models.CharField(max_length=20, choices=CompetitionStatus.choices, default=CompetitionStatus.DRAFT)
    category = models.CharField(max_length=100)
    tags = models.TextField(blank=True, default="", help_text="Comma-separated.")
    max_proposals = models.PositiveIntegerField(null=True, blank=True, help_text="Empty means unlimited.")
    allow_questions = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set the first time the competition leaves DRAFT for OPEN: drafts, and drafts cancelled
    # before ever being published, stay private to their owner.
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when the prize is paid into escrow (payments: a funding succeeded); opening needs it.
    funded_at = models.DateTimeField(null=True, blank=True, editable=False)
    winner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="won_competitions",
    )
    winning_proposal = models.ForeignKey(
        "proposals.Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="won_for",
    )

    objects = CompetitionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        # Index columns are ascending on purpose, here and in every app: lists order by
        # `-created_at, -id` (the id tie-break follows the last key's direction), which InnoDB
        # reads backwards along (..., created_at, id); a DESC column would leave the implicit
        # ascending id suffix to a filesort of every matching row (checked with bench/explain.py).
        indexes = [
            models.Index(fields=["status", "created_at"], name="comp_status_created_idx"),
            models.Index(fields=["status", "budget"], name="comp_status_budget_idx"),
            models.Index(fields=["status", "deadline"], name="comp_status_deadline_idx"),
            models.Index(fields=["status", "submission_deadline"], name="comp_status_subdeadline_idx"),
            models.Index(fields=["status", "category"], name="comp_status_category_idx"),
            models.Index(fields=["client", "status"], name="comp_client_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gt=0), name="competition_budget_positive"),
            models.CheckConstraint(
                condition=Q(max_proposals__isnull=True) | Q(max_proposals__gte=1),
                name="competition_max_proposals_positive",
            ),
            models.CheckConstraint(
                condition=Q(submission_deadline__lte=models.F("deadline")),
                name="competition_submission_before_deadline",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == CompetitionStatus.OPEN and self.submission_deadline > timezone.now()

    @property
    def proposal_count(self) -> int:
        """Non-withdrawn proposals; uses the list annotation when present (no extra query)."""
        annotated = getattr(self, "annotated_proposal_count", None)
        if annotated is not None:
            return annotated

        return self.proposals.active().count()

    def can_transition_to(self, new_status: str) -> bool:
        return new_status in COMPETITION_TRANSITIONS.get(self.status, frozenset())

    @property
    def allowed_transitions(self) -> list[str]:
        return sorted(COMPETITION_TRANSITIONS.get(self.status, frozenset()))

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class CompetitionQuestionQuerySet(models.QuerySet):
    def visible_to(self, user, competition: Competition) -> "CompetitionQuestionQuerySet":
        """Public questions for all; the owner and admins see all; askers their own private ones."""
        qs = self.filter(competition=competition)
        if user_is_admin(user) or (user is not None and user.is_authenticated and competition.client_id == user.pk):
            return qs
        if user is not None and user.is_authenticated:
            return qs.filter(Q(is_public=True) | Q(asked_by=user))
        return qs.filter(is_public=True)


class CompetitionQuestion(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="questions_asked")
    question = models.TextField()
    answer = models.TextField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions_answered",
    )
    is_public = models.BooleanField(default=True, help_text="If true, every freelancer sees it and its answer.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CompetitionQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["competition", "is_public", "created_at"], name="question_comp_public_idx")]

    def __str__(self) -> str:
        return self.question[:80]


class CompetitionBookmark(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="bookmarks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["competition", "user"], name="bookmark_unique_competition_user")]
        indexes = [models.Index(fields=["user", "created_at"], name="bookmark_user_created_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.competition_id}"
