"""Review writes: who may review whom, and when."""

from django.db import IntegrityError, transaction
from rest_framework.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from competitions.models import Competition, CompetitionStatus
from freelance_arena.events import send_on_commit
from proposals.models import Proposal

from . import events
from .models import Review, ReviewType, UserRating

RATING_MIN, RATING_MAX = 1, 5
DUPLICATE_MESSAGE = "You have already reviewed this competition."


def _already_reviewed(*, reviewer_id, competition_id) -> bool:
    return Review.objects.filter(reviewer_id=reviewer_id, competition_id=competition_id).exists()


def derive_reviewee(*, reviewer, competition: Competition) -> tuple[object, str]:
    """(reviewee id, review type) for this reviewer, or PermissionDenied for an outsider.

    The client reviews the winner; a freelancer with a non-withdrawn proposal reviews the client.
    """
    if reviewer.pk == competition.client_id:
        if competition.winner_id is None:
            raise ValidationError({"competition": ["This competition has no winner to review."]})
        return competition.winner_id, ReviewType.CLIENT_TO_FREELANCER
    took_part = Proposal.objects.active().filter(competition_id=competition.pk, freelancer_id=reviewer.pk).exists()
    if not took_part:
        raise PermissionDenied("Only the competition's client and freelancers who submitted a proposal can review it.")
    return competition.client_id, ReviewType.FREELANCER_TO_CLIENT


def create_review(*, reviewer, competition: Competition, rating: int, comment: str, is_public: bool = True) -> Review:
    """Creates the reviewer's one review of this CLOSED competition; the reviewee is derived."""
    if not RATING_MIN <= int(rating) <= RATING_MAX:
        raise ValidationError({"rating": [f"Rating must be between {RATING_MIN} and {RATING_MAX}."]})
    if competition.status != CompetitionStatus.CLOSED:
        raise ValidationError({"competition": ["Reviews can only be left once the competition is closed."]})
    reviewee_id, review_type = derive_reviewee(reviewer=reviewer, competition=competition)
    with transaction.atomic():
        # Lock the reviewee first: the post_save receiver recomputes their rating in this
        # transaction, and two reviews of the same person at once must not both compute it from
        # a snapshot that misses the other. Locking before the INSERT also avoids the deadlock of
        # two transactions upgrading the shared lock the foreign-key check takes on that row.
        list(User.objects.select_for_update().filter(pk=reviewee_id).values_list("pk", flat=True))
        if _already_reviewed(reviewer_id=reviewer.pk, competition_id=competition.pk):
            raise ValidationError({"non_field_errors": [DUPLICATE_MESSAGE]})
        try:
            # The savepoint keeps the transaction usable when the unique index refuses a
            # concurrent duplicate that passed the check above at the same moment.
            with transaction.atomic():
                review = Review.objects.create(
                    reviewer=reviewer,
                    reviewee_id=reviewee_id,
                    competition=competition,
                    rating=rating,
                    comment=comment,
                    review_type=review_type,
                    is_public=is_public,
                )
        except IntegrityError:
            if _already_reviewed(reviewer_id=reviewer.pk, competition_id=competition.pk):
                raise ValidationError({"non_field_errors": [DUPLICATE_MESSAGE]}) from None
            raise
        send_on_commit(events.review_posted, Review, review=review)
    return review


def recompute_ratings(user_ids) -> None:
    """Recomputes UserRating for each user (after writes that bypass the Review signals)."""
    for user_id in set(user_ids):
        UserRating.update_for_user(user_id)


def set_reviews_visibility(*, reviews, is_public: bool) -> int:
    """Makes the given reviews public or private in one UPDATE and keeps the ratings exact."""
    with transaction.atomic():
        changed = reviews.exclude(is_public=is_public)
        reviewee_ids = list(changed.values_list("reviewee_id", flat=True).distinct())
        updated = changed.update(is_public=is_public)
        recompute_ratings(reviewee_ids)
    return updated
