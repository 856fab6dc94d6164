"""The review admin moderates without ever leaving a rating stale."""

from decimal import Decimal

import pytest

from feedback.models import Review, ReviewType, UserRating
from feedback.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/feedback/review/"


@pytest.fixture
def reviews_of_client(client_owner, freelancer, other_freelancer, closed_competition):
    kind = {"reviewee": client_owner, "review_type": ReviewType.FREELANCER_TO_CLIENT}
    return [
        ReviewFactory(competition=closed_competition, reviewer=freelancer, rating=5, **kind),
        ReviewFactory(competition=closed_competition, reviewer=other_freelancer, rating=2, **kind),
    ]


def rating_of(user) -> tuple[Decimal, int]:
    rating = UserRating.objects.get(user=user)
    return rating.average_rating, rating.total_reviews


def test_review_changelist_and_change_form_load(admin_site, reviews_of_client):
    assert admin_site.get(CHANGELIST).status_code == 200
    assert admin_site.get(CHANGELIST + "?q=charlie&is_public__exact=1").status_code == 200
    assert admin_site.get(f"{CHANGELIST}{reviews_of_client[0].pk}/change/").status_code == 200


def test_reviews_cannot_be_deleted_in_the_admin(admin_site, client_owner, reviews_of_client):
    # Moderation hides a review (make_private) instead; see freelance_arena/tests/test_nothing_lost.py.
    bulk = admin_site.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [str(reviews_of_client[0].pk)], "post": "yes"},
    )
    single = admin_site.post(f"{CHANGELIST}{reviews_of_client[1].pk}/delete/", {"post": "yes"})

    assert bulk.status_code == 302  # back to the list: there is no delete action to run
    assert single.status_code == 403
    assert Review.objects.count() == 2
    assert rating_of(client_owner) == (Decimal("3.50"), 2)


def test_make_private_action_recomputes_the_rating(admin_site, client_owner, reviews_of_client):
    response = admin_site.post(
        CHANGELIST, {"action": "make_private", "_selected_action": [str(reviews_of_client[0].pk)]}
    )

    assert response.status_code == 302
    reviews_of_client[0].refresh_from_db()
    assert reviews_of_client[0].is_public is False
    assert rating_of(client_owner) == (Decimal("2.00"), 1)

    admin_site.post(CHANGELIST, {"action": "make_public", "_selected_action": [str(reviews_of_client[0].pk)]})
    assert rating_of(client_owner) == (Decimal("3.50"), 2)


def test_changing_a_review_in_the_admin_recomputes_the_rating(admin_site, client_owner, reviews_of_client):
    review = reviews_of_client[1]
    response = admin_site.post(
        f"{CHANGELIST}{review.pk}/change/", {"rating": 4, "comment": "Edited by moderation", "is_public": "on"}
    )

    assert response.status_code == 302, response.content
    review.refresh_from_db()
    assert (review.rating, review.reviewee_id) == (4, client_owner.pk)
    assert rating_of(client_owner) == (Decimal("4.50"), 2)


def test_reviews_cannot_be_added_in_the_admin(admin_site):
    assert admin_site.get(CHANGELIST + "add/").status_code == 403


def test_user_rating_admin_is_read_only(admin_site, client_owner, reviews_of_client):
    rating = UserRating.objects.get(user=client_owner)

    assert admin_site.get("/admin/feedback/userrating/").status_code == 200
    assert admin_site.get("/admin/feedback/userrating/add/").status_code == 403
    response = admin_site.post(f"/admin/feedback/userrating/{rating.pk}/change/", {"average_rating": "1.00"})
    assert response.status_code == 403
    assert rating_of(client_owner) == (Decimal("3.50"), 2)
