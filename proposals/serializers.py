"""Proposal serializers. Blind review lives in ProposalDetailSerializer.to_representation and in
the field list of ClientProposalListSerializer (which has no way to reach the freelancer)."""

from decimal import Decimal
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import user_is_admin
from competitions.models import CompetitionStatus
from originality.serializers import originality_field, originality_of

from .files import CheckedUpload, check_upload
from .models import Proposal, ProposalAttachment, ProposalRevision, ProposalStatus

MIN_BUDGET = Decimal("0.01")

# Field instances whose to_representation the hand-written ProposalDetail uses.
_DATETIME = serializers.DateTimeField(read_only=True)
_BUDGET = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
_STATUS = serializers.ChoiceField(choices=ProposalStatus.choices, read_only=True)


class ProposalAttachmentSerializer(serializers.ModelSerializer):
    """Attachment out; on upload `file` is checked (size, extension, magic bytes) and the
    name, size and type are taken from it, never from the client."""

    file = serializers.FileField(write_only=True, use_url=False)
    url = serializers.SerializerMethodField()

    class Meta:
        model = ProposalAttachment
        fields = ["id", "original_filename", "file_size", "file_type", "description", "uploaded_at", "url", "file"]
        read_only_fields = ["id", "original_filename", "file_size", "file_type", "uploaded_at", "url"]

    def validate_file(self, value) -> CheckedUpload:
        return check_upload(value)

    @extend_schema_field(serializers.URLField())
    def get_url(self, attachment: ProposalAttachment) -> str:
        return attachment_url(attachment, self.context.get("request"))


def attachment_url(attachment: ProposalAttachment, request) -> str:
    path = reverse(
        "proposals:attachment-download",
        kwargs={"pk": attachment.proposal_id, "attachment_id": attachment.pk},
    )
    return request.build_absolute_uri(path) if request is not None else path


class ProposalRevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProposalRevision
        fields = ["revision_number", "description", "created_at"]
        read_only_fields = fields


class DisqualificationSerializer(serializers.Serializer):
    note = serializers.CharField(read_only=True, help_text="The administrator's note.")
    disqualified_at = serializers.DateTimeField(read_only=True)


def disqualification_of(proposal: Proposal) -> dict[str, Any] | None:
    if proposal.status != ProposalStatus.DISQUALIFIED:
        return None
    return {
        "note": str(proposal.disqualification_note),
        "disqualified_at": _DATETIME.to_representation(proposal.disqualified_at),
    }


def _may_see_originality(request, proposal: Proposal) -> bool:
    """The competition's owner and admins; never a freelancer (it describes other proposals)."""
    user = getattr(request, "user", None)
    if user_is_admin(user):
        return True
    return user is not None and user.is_authenticated and proposal.competition.client_id == user.pk


class FreelancerIdentitySerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    username = serializers.CharField(read_only=True)


class ProposalCreateSerializer(serializers.ModelSerializer):
    """Input of POST /api/proposals/. The competition rules (open, deadline, one per freelancer,
    max_proposals) are checked by services.submit_proposal under a lock on the competition."""

    competition = serializers.UUIDField()
    proposed_budget = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=MIN_BUDGET)
    estimated_duration = serializers.IntegerField(min_value=1, max_value=2147483647)
    submission_note = serializers.CharField(required=False, allow_blank=True, default="")
    attachments = serializers.ListField(
        child=serializers.FileField(use_url=False),
        required=False,
        write_only=True,
        default=list,
        help_text="Multipart only: repeat the `attachments` field once per file.",
    )

    class Meta:
        model = Proposal
        fields = [
            "competition",
            "title",
            "description",
            "proposed_budget",
            "estimated_duration",
            "submission_note",
            "attachments",
        ]

    def validate_attachments(self, value: list) -> list[CheckedUpload]:
        checked, errors = [], {}
        for index, upload in enumerate(value):
            try:
                checked.append(check_upload(upload))
            except serializers.ValidationError as exc:
                errors[index] = exc.detail
        if errors:
            raise serializers.ValidationError(errors)
        return checked


class ProposalUpdateSerializer(serializers.ModelSerializer):
    """Input of PUT/PATCH /api/proposals/<id>/; every successful update writes a revision."""

    proposed_budget = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=MIN_BUDGET)
    estimated_duration = serializers.IntegerField(min_value=1, max_value=2147483647)
    submission_note = serializers.CharField(required=False, allow_blank=True)
    revision_note = serializers.CharField(required=False, allow_blank=True, write_only=True, max_length=2000)

    class Meta:
        model = Proposal
        fields = ["title", "description", "proposed_budget", "estimated_duration", "submission_note", "revision_note"]


class ProposalDetailSerializer(serializers.ModelSerializer):
    """Full proposal, with blind review applied per viewer:

    - `freelancer` {id, username}: the owning freelancer and admins always; the competition's
      client only once the competition is CLOSED; otherwise the key is absent.
    - `client_score`, `client_note`, `is_winner`: the client and admins always; the owning
      freelancer only once the competition is CLOSED (before that: present with null).
    """

    competition_title = serializers.CharField(source="competition.title", read_only=True)
    attachments = ProposalAttachmentSerializer(many=True, read_only=True)
    revisions = ProposalRevisionSerializer(many=True, read_only=True)
    # Not read_only only so the schema marks it optional (read-only fields are "required" in
    # drf-spectacular); the serializer is never used for input.
    freelancer = FreelancerIdentitySerializer(required=False)
    client_score = serializers.IntegerField(read_only=True, allow_null=True)
    client_note = serializers.CharField(read_only=True, allow_null=True)
    is_winner = serializers.BooleanField(read_only=True, allow_null=True)
    originality = serializers.SerializerMethodField(
        help_text="The competition's owner and admins only; null for everyone else."
    )
    disqualification = serializers.SerializerMethodField(help_text="Null unless the proposal is DISQUALIFIED.")

    class Meta:
        model = Proposal
        fields = [
            "id",
            "competition",
            "competition_title",
            "title",
            "description",
            "proposed_budget",
            "estimated_duration",
            "status",
            "submission_note",
            "created_at",
            "updated_at",
            "client_score",
            "client_note",
            "is_winner",
            "attachments",
            "revisions",
            "freelancer",
            "originality",
            "disqualification",
        ]
        read_only_fields = fields

    @originality_field
    def get_originality(self, proposal: Proposal) -> dict[str, Any] | None:
        if not _may_see_originality(self.context.get("request"), proposal):
            return None
        return originality_of(proposal)

    @extend_schema_field(DisqualificationSerializer(allow_null=True))
    def get_disqualification(self, proposal: Proposal) -> dict[str, Any] | None:
        return disqualification_of(proposal)

    def to_representation(self, proposal: Proposal) -> dict[str, Any]:
        return self.blind(self.represent(proposal), proposal)

    def represent(self, proposal: Proposal) -> dict[str, Any]:
        """Every field, as DRF's ModelSerializer.to_representation writes them from the declared
        fields (test_serializers.py holds the two equal), without building the fields of this
        serializer and its three nested ones for every proposal: every write answers with it."""
        request = self.context.get("request")
        freelancer = proposal.freelancer
        return {
            "id": str(proposal.pk),
            "competition": proposal.competition_id,
            "competition_title": str(proposal.competition.title),
            "title": str(proposal.title),
            "description": str(proposal.description),
            "proposed_budget": _BUDGET.to_representation(proposal.proposed_budget),
            "estimated_duration": int(proposal.estimated_duration),
            "status": _STATUS.to_representation(proposal.status),
            "submission_note": str(proposal.submission_note),
            "created_at": _DATETIME.to_representation(proposal.created_at),
            "updated_at": _DATETIME.to_representation(proposal.updated_at),
            "client_score": None if proposal.client_score is None else int(proposal.client_score),
            "client_note": None if proposal.client_note is None else str(proposal.client_note),
            "is_winner": bool(proposal.is_winner),
            "attachments": [
                {
                    "id": str(attachment.pk),
                    "original_filename": str(attachment.original_filename),
                    "file_size": int(attachment.file_size),
                    "file_type": str(attachment.file_type),
                    "description": str(attachment.description),
                    "uploaded_at": _DATETIME.to_representation(attachment.uploaded_at),
                    "url": attachment_url(attachment, request),
                }
                for attachment in proposal.attachments.all()
            ],
            "revisions": [
                {
                    "revision_number": int(revision.revision_number),
                    "description": str(revision.description),
                    "created_at": _DATETIME.to_representation(revision.created_at),
                }
                for revision in proposal.revisions.all()
            ],
            "freelancer": {"id": str(freelancer.pk), "username": str(freelancer.username)},
            "originality": self.get_originality(proposal),
            "disqualification": self.get_disqualification(proposal),
        }

    def blind(self, data: dict[str, Any], proposal: Proposal) -> dict[str, Any]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        closed = proposal.competition.status == CompetitionStatus.CLOSED
        is_admin = user_is_admin(user)
        is_owner = user is not None and user.is_authenticated and proposal.freelancer_id == user.pk
        is_client = user is not None and user.is_authenticated and proposal.competition.client_id == user.pk
        if not (is_admin or is_owner or (is_client and closed)):
            data.pop("freelancer", None)
        if not (is_admin or is_client or (is_owner and closed)):
            data["client_score"] = None
            data["client_note"] = None
            data["is_winner"] = None
        return data


class ProposalListSerializer(serializers.ModelSerializer):
    """A freelancer's own proposals (GET mine/)."""

    competition_title = serializers.CharField(source="competition.title", read_only=True)

    class Meta:
        model = Proposal
        fields = ["id", "competition", "competition_title", "title", "status", "proposed_budget", "created_at"]
        read_only_fields = fields


class ClientProposalListSerializer(serializers.ModelSerializer):
    """Blind list for the competition's owner: no freelancer, nothing but these fields
    (`originality` from the view's prefetch: one query per page)."""

    originality = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = ["id", "title", "proposed_budget", "estimated_duration", "created_at", "client_score", "originality"]
        read_only_fields = fields

    @originality_field
    def get_originality(self, proposal: Proposal) -> dict[str, Any]:
        return originality_of(proposal)


class ClientScoreSerializer(serializers.Serializer):
    """Input of POST <id>/score/: 1-5 and an optional note (shape only: services.score_proposal
    checks the competition's and the proposal's status under the lock)."""

    client_score = serializers.IntegerField(min_value=1, max_value=5)
    client_note = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=5000)


class ProposalWithdrawSerializer(serializers.Serializer):
    """Body-less input of POST <id>/withdraw/ (and DELETE <id>/); services.withdraw_proposal
    checks the move under the lock and makes it."""
