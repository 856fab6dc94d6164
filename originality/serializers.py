"""The `originality` block of ProposalDetail and ClientProposalList, and Report in and out.

`originality` never carries an identity: a match names the other proposal only inside the same
competition (its id, which the owner can open anyway) and, across competitions, only its kind
and score.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from proposals.models import INACTIVE_STATUSES, Proposal

from .models import Match, MatchKind, Report, ReportDecision

CLEAR = "CLEAR"
POSSIBLE_COPY = "POSSIBLE_COPY"
# A proposal shows its strongest matches only (the flagging ones first): a template file that
# every entrant attaches must not make a page of the client's list megabytes long.
MATCHES_SHOWN = 20


def visible_matches() -> QuerySet:
    """Matches the owner may see: against active proposals of the same competition, or
    against any proposal elsewhere (identical files); the ones that flag come first."""
    return (
        Match.objects.exclude(same_competition=True, matched__status__in=INACTIVE_STATUSES)
        .only("id", "proposal_id", "matched_id", "kind", "score", "same_competition", "submitted_earlier")
        .order_by("-submitted_earlier", "-score", "kind", "id")
    )


def matches_prefetch() -> Prefetch:
    """One query for the matches of a whole page of proposals."""
    return Prefetch("originality_matches", queryset=visible_matches()[:MATCHES_SHOWN], to_attr="visible_matches")


class OriginalityMatchSerializer(serializers.Serializer):
    """Schema only: what `originality_of` writes for one match."""

    proposal = serializers.UUIDField(required=False, help_text="Only for a proposal of the same competition.")
    score = serializers.FloatField(min_value=0, max_value=1)
    kind = serializers.ChoiceField(choices=MatchKind.choices)
    submitted_earlier = serializers.BooleanField(
        required=False, help_text="Only for the same competition: the matched proposal was submitted first."
    )


class OriginalitySerializer(serializers.Serializer):
    """Schema only: the `originality` block."""

    flag = serializers.ChoiceField(choices=[CLEAR, POSSIBLE_COPY])
    matches = OriginalityMatchSerializer(many=True)


def originality_of(proposal: Proposal) -> dict[str, Any]:
    """The block for the competition's owner (and admins); uses the prefetch when present."""
    matches = getattr(proposal, "visible_matches", None)
    if matches is None:
        matches = list(visible_matches().filter(proposal_id=proposal.pk)[:MATCHES_SHOWN])
    items = []
    for match in matches:
        if match.same_competition:
            items.append(
                {
                    "proposal": str(match.matched_id),
                    "score": match.score,
                    "kind": match.kind,
                    "submitted_earlier": match.submitted_earlier,
                }
            )
        else:
            items.append({"score": match.score, "kind": match.kind})
    flagged = any(match.submitted_earlier for match in matches)
    return {"flag": POSSIBLE_COPY if flagged else CLEAR, "matches": items}


originality_field = extend_schema_field(OriginalitySerializer(allow_null=True))


class ReportSerializer(serializers.ModelSerializer):
    """Report out. `original_proposal` is left out (null) for the reported freelancer: it is
    another freelancer's proposal."""

    class Meta:
        model = Report
        fields = [
            "id",
            "proposal",
            "reason",
            "original_proposal",
            "response",
            "status",
            "note",
            "created_at",
            "responded_at",
            "decided_at",
        ]
        read_only_fields = fields

    def to_representation(self, report: Report) -> dict[str, Any]:
        data = super().to_representation(report)
        if self.context.get("hide_original"):
            data["original_proposal"] = None
        return data


class ReportCreateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)
    original_proposal = serializers.UUIDField(required=False, allow_null=True)


class ReportResponseSerializer(serializers.Serializer):
    response = serializers.CharField(max_length=5000)


class ReportDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ReportDecision.choices)
    note = serializers.CharField(max_length=5000, help_text="Shown to both parties.")
