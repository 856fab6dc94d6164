import factory

from feedback.models import Review, ReviewType


class ReviewFactory(factory.django.DjangoModelFactory):
    """Pass competition, reviewer and reviewee explicitly: who may review whom is a rule."""

    class Meta:
        model = Review

    rating = 5
    comment = "Great collaboration."
    review_type = ReviewType.CLIENT_TO_FREELANCER
    is_public = True
