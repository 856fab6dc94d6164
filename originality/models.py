"""Originality: fingerprints of each proposal, the matches found between proposals, and reports.

Fingerprint rows carry the competition (denormalised from the proposal) so that every lookup a
new proposal makes is one indexed query: the same SHA-256 anywhere, a shared band key in the same
competition. Matches are stored in both directions, so reading a proposal's `originality` is one
query by proposal, whatever the size of the competition.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class MatchKind(models.TextChoices):
    IDENTICAL_FILE = "IDENTICAL_FILE", "Identical file"
    SIMILAR_IMAGE = "SIMILAR_IMAGE", "Similar image"
    SIMILAR_TEXT = "SIMILAR_TEXT", "Similar text"


class FileFingerprint(models.Model):
    """One per attachment; its image hashes only for images that decode."""

    attachment = models.OneToOneField(
        "proposals.ProposalAttachment", on_delete=models.CASCADE, primary_key=True, related_name="fingerprint"
    )
    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.CASCADE, related_name="+")
    sha256 = models.CharField(max_length=64, db_index=True)
    phash = models.BigIntegerField(null=True, blank=True)
    dhash = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["proposal"], name="orig_file_proposal_idx")]

    def __str__(self) -> str:
        return self.sha256


class TextSketch(models.Model):
    """The MinHash signature of a proposal's title + description (null: too short to compare)."""

    proposal = models.OneToOneField(
        "proposals.Proposal", on_delete=models.CASCADE, primary_key=True, related_name="text_sketch"
    )
    digest = models.CharField(max_length=64, help_text="SHA-256 of the normalised words.")
    signature = models.BinaryField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.digest


class ImageKey(models.Model):
    """A locality-sensitive key of one image of a proposal (one band of its pHash or dHash),
    with both hashes: an index range over (competition, key) finds the candidates, and the
    distance to them is computed on the same index entries, without reading another table."""

    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.CASCADE, related_name="+")
    competition = models.ForeignKey("competitions.Competition", on_delete=models.CASCADE, related_name="+")
    key = models.IntegerField()
    phash = models.BigIntegerField()
    dhash = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["competition", "key", "phash", "dhash", "proposal"], name="orig_imagekey_lookup_idx"),
            models.Index(fields=["proposal"], name="orig_imagekey_proposal_idx"),
        ]

    def __str__(self) -> str:
        return f"image:{self.key}"


class TextKey(models.Model):
    """A locality-sensitive key of a proposal's text sketch (one band of its MinHash)."""

    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.CASCADE, related_name="+")
    competition = models.ForeignKey("competitions.Competition", on_delete=models.CASCADE, related_name="+")
    key = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["competition", "key", "proposal"], name="orig_textkey_lookup_idx"),
            models.Index(fields=["proposal"], name="orig_textkey_proposal_idx"),
        ]

    def __str__(self) -> str:
        return f"text:{self.key}"


class Match(models.Model):
    """`proposal` resembles `matched`; written in both directions. `submitted_earlier`: the
    matched proposal was submitted before this one (this one is then the suspect)."""

    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.CASCADE, related_name="originality_matches")
    matched = models.ForeignKey("proposals.Proposal", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=MatchKind.choices)
    score = models.FloatField()
    same_competition = models.BooleanField()
    submitted_earlier = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "matched", "kind"], name="orig_match_unique"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=1), name="orig_match_score_range"),
        ]
        indexes = [models.Index(fields=["matched"], name="orig_match_matched_idx")]
        verbose_name_plural = "matches"

    def __str__(self) -> str:
        return f"{self.proposal_id} ~ {self.matched_id} ({self.kind})"


class ReportStatus(models.TextChoices):
    OPEN = "OPEN", "Open"
    DISMISSED = "DISMISSED", "Dismissed"
    DISQUALIFIED = "DISQUALIFIED", "Disqualified"


class ReportDecision(models.TextChoices):
    DISMISS = "DISMISS", "Dismiss"
    DISQUALIFY = "DISQUALIFY", "Disqualify"


DECISION_STATUS = {ReportDecision.DISMISS: ReportStatus.DISMISSED, ReportDecision.DISQUALIFY: ReportStatus.DISQUALIFIED}


class Report(models.Model):
    """A competition owner's report that a proposal copies another work; an admin decides."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.CASCADE, related_name="reports")
    original_proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    response = models.TextField(blank=True, default="")
    status = models.CharField(max_length=12, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    note = models.TextField(blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="orig_report_status_idx"),
            models.Index(fields=["proposal", "status"], name="orig_report_proposal_idx"),
        ]

    def __str__(self) -> str:
        return f"Report on {self.proposal_id} ({self.status})"
