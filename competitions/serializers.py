"""Competition serializers: input rules per field and the output shapes of the contract."""

import re
from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from payments import escrow
from payments.money_serializers import FundingSummarySerializer

from . import services
from .models import Competition, CompetitionQuestion, CompetitionStatus

CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
# max_proposals is an INT column: a wider number was a MySQL out-of-range error (a 500).
MAX_PROPOSALS_MAX = 2147483647
QUESTION_MAX_LENGTH = 5000


# --- Output -------------------------------------------------------------------------------------


class CompetitionClientSerializer(serializers.ModelSerializer):
    """The client as shown on a competition (no e-mail); the rating comes from feedback.UserRating."""

    average_rating = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "profile_picture", "average_rating"]
        read_only_fields = fields

    # A decimal string like "4.50" (COERCE_DECIMAL_TO_STRING), not OpenApiTypes.DECIMAL (a number).
    @extend_schema_field(serializers.DecimalField(max_digits=3, decimal_places=2))
    def get_average_rating(self, user: User) -> str:
        # select_related('client__rating') caches a missing rating as None: no query either way.
        rating = getattr(user, "rating", None)
        average = rating.average_rating if rating is not None else Decimal("0.00")
        return f"{average:.2f}"


class CompetitionQuestionSerializer(serializers.ModelSerializer):
    """Reading and asking questions; the asker comes from the request, never the body."""

    asked_by_username = serializers.CharField(source="asked_by.username", read_only=True)
    is_public = serializers.BooleanField(required=False, default=True)

    class Meta:
        model = CompetitionQuestion
        fields = [
            "id",
            "competition",
            "asked_by_username",
            "question",
            "answer",
            "answered_at",
            "is_public",
            "created_at",
        ]
        read_only_fields = ["id", "competition", "asked_by_username", "answer", "answered_at", "created_at"]

    def validate_question(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError("The question cannot be empty.")
        if len(value) > QUESTION_MAX_LENGTH:
            raise serializers.ValidationError(f"The question can be at most {QUESTION_MAX_LENGTH} characters.")
        return value

    def create(self, validated_data: dict[str, Any]) -> CompetitionQuestion:
        return services.ask_question(
            competition=self.context["competition"],
            asked_by=self.context["request"].user,
            question=validated_data["question"],
            is_public=validated_data.get("is_public", True),
        )


class CompetitionListSerializer(serializers.ModelSerializer):
    """The light card of the lists; proposal_count comes from the queryset annotation."""

    client_username = serializers.CharField(source="client.username", read_only=True)
    proposal_count = serializers.IntegerField(read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Competition
        fields = [
            "id",
            "title",
            "client_username",
            "budget",
            "currency",
            "deadline",
            "status",
            "category",
            "proposal_count",
            "is_open",
            "created_at",
        ]
        read_only_fields = fields


class CompetitionDetailSerializer(serializers.ModelSerializer):
    """Every model field, the client card and the public questions."""

    client = CompetitionClientSerializer(read_only=True)
    proposal_count = serializers.IntegerField(read_only=True)
    is_open = serializers.BooleanField(read_only=True)
    allowed_transitions = serializers.ListField(child=serializers.CharField(), read_only=True)
    questions = serializers.SerializerMethodField()
    funding = serializers.SerializerMethodField()

    class Meta:
        model = Competition
        fields = [
            "id",
            "client",
            "title",
            "description",
            "requirements",
            "budget",
            "currency",
            "deadline",
            "submission_deadline",
            "status",
            "category",
            "tags",
            "max_proposals",
            "allow_questions",
            "created_at",
            "updated_at",
            "published_at",
            "winner",
            "winning_proposal",
            "is_open",
            "proposal_count",
            "allowed_transitions",
            "questions",
            "funded_at",
            "funding",
        ]
        read_only_fields = fields

    @extend_schema_field(FundingSummarySerializer(allow_null=True))
    def get_funding(self, competition: Competition) -> dict[str, Any] | None:
        summary = escrow.funding_summary(competition)
        return None if summary is None else FundingSummarySerializer(summary).data

    @extend_schema_field(CompetitionQuestionSerializer(many=True))
    def get_questions(self, competition: Competition) -> list[dict[str, Any]]:
        # The detail queryset prefetches them into `public_questions`; otherwise one query.
        questions = getattr(competition, "public_questions", None)
        if questions is None:
            questions = competition.questions.filter(is_public=True).select_related("asked_by")
        return CompetitionQuestionSerializer(questions, many=True, context=self.context).data


# --- Input --------------------------------------------------------------------------------------


class CompetitionCreateSerializer(serializers.ModelSerializer):
    """Creates a DRAFT owned by the requesting client (both set by the service, not the body)."""

    currency = serializers.CharField(max_length=3, required=False, default="USD")
    tags = serializers.CharField(required=False, allow_blank=True, default="")
    max_proposals = serializers.IntegerField(required=False, allow_null=True, default=None, max_value=MAX_PROPOSALS_MAX)

    class Meta:
        model = Competition
        fields = [
            "title",
            "description",
            "requirements",
            "budget",
            "currency",
            "deadline",
            "submission_deadline",
            "category",
            "tags",
            "max_proposals",
            "allow_questions",
        ]

    def validate_title(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError("The title cannot be empty.")
        return value

    def validate_category(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError("The category cannot be empty.")
        return value

    def validate_budget(self, value: Decimal) -> Decimal:
        if value <= 0:
            raise serializers.ValidationError("The budget must be greater than zero.")
        return value

    def validate_currency(self, value: str) -> str:
        if not CURRENCY_RE.match(value):
            raise serializers.ValidationError("The currency must be a 3-letter upper-case code, e.g. USD.")
        return value

    def validate_deadline(self, value):
        if value <= timezone.now():
            raise serializers.ValidationError("The deadline must be in the future.")
        return value

    def validate_submission_deadline(self, value):
        if value <= timezone.now():
            raise serializers.ValidationError("The submission deadline must be in the future.")
        return value

    def validate_max_proposals(self, value: int | None) -> int | None:
        if value is not None and value < 1:
            raise serializers.ValidationError("max_proposals must be at least 1 (leave it empty for unlimited).")
        return value

    def validate_tags(self, value: str) -> str:
        # Stored as a clean comma-separated list: trimmed, no empty items, no duplicates.
        seen: dict[str, str] = {}
        for tag in (item.strip() for item in value.split(",")):
            if tag and tag.lower() not in seen:
                seen[tag.lower()] = tag
        return ",".join(seen.values())

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance: Competition | None = self.instance
        deadline = attrs.get("deadline", instance.deadline if instance else None)
        submission_deadline = attrs.get("submission_deadline", instance.submission_deadline if instance else None)
        if deadline is not None and submission_deadline is not None and submission_deadline >= deadline:
            raise serializers.ValidationError(
                {"submission_deadline": ["The submission deadline must be before the deadline."]}
            )
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Competition:
        return services.create_competition(client=self.context["request"].user, data=validated_data)


class CompetitionUpdateSerializer(CompetitionCreateSerializer):
    """The owner's edits (the spec's field list: no status, no currency); same rules as create."""

    tags = serializers.CharField(required=False, allow_blank=True)
    max_proposals = serializers.IntegerField(required=False, allow_null=True, max_value=MAX_PROPOSALS_MAX)

    class Meta(CompetitionCreateSerializer.Meta):
        fields = [
            "title",
            "description",
            "requirements",
            "budget",
            "deadline",
            "submission_deadline",
            "category",
            "tags",
            "max_proposals",
            "allow_questions",
        ]

    def validate_max_proposals(self, value: int | None) -> int | None:
        value = super().validate_max_proposals(value)
        if value is not None and self.instance is not None and value < self.instance.proposal_count:
            raise serializers.ValidationError(
                f"max_proposals cannot be below the {self.instance.proposal_count} proposal(s) already received."
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        # currency is not an editable field; once the prize is funded, asking to change it is a
        # 400 rather than silently ignored.
        if self.instance is not None and isinstance(self.initial_data, dict) and "currency" in self.initial_data:
            escrow.refuse_frozen_edits(self.instance, {"currency": self.initial_data["currency"]})
        return attrs

    def update(self, instance: Competition, validated_data: dict[str, Any]) -> Competition:
        return services.update_competition(competition=instance, data=validated_data, by=self.context["request"].user)


class CompetitionStatusSerializer(serializers.Serializer):
    """The requested status (shape only: the service asks the transition table under the lock)."""

    status = serializers.ChoiceField(choices=CompetitionStatus.choices)


class CompetitionAnswerSerializer(serializers.Serializer):
    """The owner's answer; `is_public` may publish or hide the question with it."""

    answer = serializers.CharField(max_length=QUESTION_MAX_LENGTH, trim_whitespace=True)
    is_public = serializers.BooleanField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        question: CompetitionQuestion = self.context["question"]
        if question.competition.client_id != self.context["request"].user.pk:
            raise serializers.ValidationError("Only the competition's client can answer its questions.")
        return attrs


class SelectWinnerSerializer(serializers.Serializer):
    proposal_id = serializers.UUIDField()
