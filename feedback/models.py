"""Reviews between a competition's client and its freelancers, and each user's rating."""

import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, Count, Q

from accounts.models import user_is_admin


class ReviewType(models.TextChoices):
    CLIENT_TO_FREELANCER = "CLIENT_TO_FREELANCER", "Client to freelancer"
    FREELANCER_TO_CLIENT = "FREELANCER_TO_CLIENT", "Freelancer to client"


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReviewQuerySet":
        """Public reviews for everyone; private ones only to their reviewer, reviewee and admins."""
        if user_is_admin(user):
            return self.all()
        if user is not None and user.is_authenticated:
            return self.filter(Q(is_public=True) | Q(reviewer=user) | Q(reviewee=user))
        return self.filter(is_public=True)


class Review(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_given")
    reviewee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_received")
    competition = models.ForeignKey("competitions.Competition", on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField()
    review_type = models.CharField(max_length=30, choices=ReviewType.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    is_public = models.BooleanField(default=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "competition"], name="review_unique_reviewer_competition"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_range"),
        ]
        indexes = [
            models.Index(fields=["reviewee", "is_public", "created_at"], name="review_reviewee_public_idx"),
            models.Index(fields=["competition", "created_at"], name="review_competition_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id} → {self.reviewee_id}: {self.rating}"


class UserRating(models.Model):
    """Denormalized rating per user, recomputed by the database from public reviews."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rating")
    average_rating = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0.00"))
    total_reviews = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-average_rating"]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.average_rating} ({self.total_reviews})"

    @classmethod
    def update_for_user(cls, user_id) -> "UserRating":
        """Recalculates the user's rating with one aggregate query and saves it."""
        totals = Review.objects.filter(reviewee_id=user_id, is_public=True).aggregate(
            average=Avg("rating"), total=Count("id")
        )
        average = Decimal(str(totals["average"] or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        rating, _ = cls.objects.update_or_create(
            user_id=user_id, defaults={"average_rating": average, "total_reviews": totals["total"]}
        )
        return rating
