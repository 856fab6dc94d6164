"""Review input and output shapes."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from competitions.models import Competition

from .models import Review, UserRating
from .services import RATING_MAX, RATING_MIN, create_review

User = get_user_model()


class ReviewerSerializer(serializers.ModelSerializer):
    profile_picture = serializers.ImageField(read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["id", "username", "profile_picture"]
        read_only_fields = fields


class RevieweeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username"]
        read_only_fields = fields


class ReviewDetailSerializer(serializers.ModelSerializer):
    reviewer = ReviewerSerializer(read_only=True)
    reviewee = RevieweeSerializer(read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "reviewer",
            "reviewee",
            "competition",
            "rating",
            "comment",
            "review_type",
            "is_public",
            "created_at",
        ]
        read_only_fields = fields


class VisibleCompetitionField(serializers.PrimaryKeyRelatedField):
    """A competition the requesting user may see: another client's draft reads as nonexistent."""

    def get_queryset(self):
        return Competition.objects.visible_to(self.context["request"].user)


class ReviewCreateSerializer(serializers.Serializer):
    """The reviewer is the requesting user; reviewee and review_type are derived, never sent."""

    competition = VisibleCompetitionField(queryset=Competition.objects.all())
    rating = serializers.IntegerField(min_value=RATING_MIN, max_value=RATING_MAX)
    comment = serializers.CharField(max_length=5000)
    is_public = serializers.BooleanField(default=True)

    def create(self, validated_data) -> Review:
        return create_review(reviewer=self.context["request"].user, **validated_data)

    def to_representation(self, instance) -> dict:
        return ReviewDetailSerializer(instance, context=self.context).data


class UserRatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = UserRating
        fields = ["average_rating", "total_reviews"]
        read_only_fields = fields
