"""UserRating stays exact whenever a review is created, changed or deleted."""

from decimal import Decimal

import pytest

from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from feedback.models import Review, ReviewType, UserRating
from feedback.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def rating_of(user) -> tuple[Decimal, int]:
    rating = UserRating.objects.get(user=user)
    return rating.average_rating, rating.total_reviews


@pytest.fixture
def three_reviews_of_client(client_owner, freelancer, other_freelancer, closed_competition):
    second = CompetitionFactory(client=client_owner, status=CompetitionStatus.CLOSED)
    kind = {"reviewee": client_owner, "review_type": ReviewType.FREELANCER_TO_CLIENT}
    return [
        ReviewFactory(competition=closed_competition, reviewer=freelancer, rating=5, **kind),
        ReviewFactory(competition=closed_competition, reviewer=other_freelancer, rating=4, **kind),
        ReviewFactory(competition=second, reviewer=freelancer, rating=2, **kind),
    ]


def test_rating_is_recomputed_on_create(client_owner, three_reviews_of_client):
    assert rating_of(client_owner) == (Decimal("3.67"), 3)


def test_rating_is_recomputed_when_a_review_changes(client_owner, three_reviews_of_client):
    review = three_reviews_of_client[2]
    review.rating = 5
    review.save()

    assert rating_of(client_owner) == (Decimal("4.67"), 3)


def test_review_turned_private_leaves_the_rating(client_owner, three_reviews_of_client):
    review = three_reviews_of_client[0]
    review.is_public = False
    review.save(update_fields=["is_public"])

    assert rating_of(client_owner) == (Decimal("3.00"), 2)


def test_rating_is_recomputed_when_a_review_is_deleted(client_owner, three_reviews_of_client):
    three_reviews_of_client[1].delete()

    assert rating_of(client_owner) == (Decimal("3.50"), 2)


def test_deleting_every_review_resets_the_rating_to_zero(client_owner, three_reviews_of_client):
    Review.objects.filter(reviewee=client_owner).delete()  # a queryset delete still fires post_delete

    assert rating_of(client_owner) == (Decimal("0.00"), 0)


def test_update_for_user_is_one_aggregate_query(client_owner, three_reviews_of_client, django_assert_max_num_queries):
    # aggregate + update_or_create (SELECT ... FOR UPDATE, UPDATE) inside its savepoint
    with django_assert_max_num_queries(5) as captured:
        UserRating.update_for_user(client_owner.pk)
    assert sum("AVG(" in q["sql"].upper() for q in captured.captured_queries) == 1


def test_rating_rounds_half_up_to_cents(client_owner, freelancer, other_freelancer):
    kind = {"reviewee": client_owner, "review_type": ReviewType.FREELANCER_TO_CLIENT}
    competitions = CompetitionFactory.create_batch(8, client=client_owner, status=CompetitionStatus.CLOSED)
    ratings = [5, 5, 5, 5, 5, 5, 4, 4]  # 38 / 8 = 4.75 exactly; then one 4 more: 42 / 9 = 4.666…
    for competition, rating in zip(competitions, ratings, strict=True):
        ReviewFactory(competition=competition, reviewer=freelancer, rating=rating, **kind)
    assert rating_of(client_owner) == (Decimal("4.75"), 8)
    ReviewFactory(competition=competitions[0], reviewer=other_freelancer, rating=4, **kind)
    assert rating_of(client_owner) == (Decimal("4.67"), 9)
