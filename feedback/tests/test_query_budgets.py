"""Query budgets of the review lists: a pinned number of SQL queries per request, the same for a
full page of 10 and a full page of 100 (what is counted: freelance_arena/testing/budgets.py)."""

import pytest
from django.urls import reverse

from accounts.models import Role, User
from competitions.models import Competition, CompetitionStatus
from feedback.models import Review, ReviewType
from freelance_arena.testing.budgets import ROWS, full_page, ids, warm_up
from freelance_arena.testing.bulk import make_competitions, make_proposals, make_users
from proposals.models import Proposal, ProposalStatus

pytestmark = pytest.mark.django_db


# feedback:user-reviews -------------------------------------------------------------------------


def reviews_of_charlie(cast) -> set[str]:
    """ROWS public reviews of charlie by ROWS clients (with pictures) on their CLOSED
    competitions, 10 private ones, and reviews of dana. Returns the public ones' ids."""
    clients = make_users(ROWS + 10, Role.CLIENT, profile_picture=lambda i: f"profile_pictures/{i}.png")
    competitions = make_competitions(ROWS + 10, clients, status=CompetitionStatus.CLOSED, winner=cast.charlie)
    reviews = Review.objects.bulk_create(
        Review(
            reviewer=c.client,
            reviewee=cast.charlie,
            competition=c,
            rating=1 + i % 5,
            comment=f"Review {i}",
            review_type=ReviewType.CLIENT_TO_FREELANCER,
            is_public=i < ROWS,
        )
        for i, c in enumerate(competitions)
    )
    for_dana = make_competitions(10, [cast.bob], status=CompetitionStatus.CLOSED, winner=cast.dana)
    Review.objects.bulk_create(
        Review(
            reviewer=cast.bob,
            reviewee=cast.dana,
            competition=c,
            rating=4,
            comment="Fine",
            review_type=ReviewType.CLIENT_TO_FREELANCER,
        )
        for c in for_dana
    )
    return {str(r.pk) for r in reviews if r.is_public}


def check_public_reviews_of_charlie(page: dict, public: set[str], cast) -> None:
    results = page["results"]
    assert page["count"] == ROWS
    assert ids(results) <= public
    assert all(row["reviewee"]["id"] == str(cast.charlie.pk) for row in results)
    assert len({row["reviewer"]["username"] for row in results}) == len(results)
    assert all(row["reviewer"]["profile_picture"].endswith(".png") for row in results)


@pytest.mark.query_budget("feedback:user-reviews")
def test_user_reviews_anonymous(cast, as_user, django_assert_num_queries):
    public = reviews_of_charlie(cast)
    client, url = as_user(None), reverse("feedback:user-reviews", kwargs={"user_id": cast.charlie.pk})
    warm_up(client, url)

    with django_assert_num_queries(3):
        ten = client.get(url, {"page_size": 10})
    with django_assert_num_queries(3):
        hundred = client.get(url, {"page_size": 100})

    full_page(ten, 10)
    check_public_reviews_of_charlie(full_page(hundred, 100), public, cast)


@pytest.mark.query_budget("feedback:user-reviews")
def test_user_reviews_by_rating(cast, as_user, django_assert_num_queries):
    public = reviews_of_charlie(cast)
    client, url = as_user(cast.dana), reverse("feedback:user-reviews", kwargs={"user_id": cast.charlie.pk})
    params = {"ordering": "rating"}
    warm_up(client, url, params)

    with django_assert_num_queries(4):
        ten = client.get(url, {**params, "page_size": 10})
    with django_assert_num_queries(4):
        hundred = client.get(url, {**params, "page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    check_public_reviews_of_charlie(page, public, cast)
    ratings = [row["rating"] for row in page["results"]]
    assert ratings == sorted(ratings)


# feedback:competition-reviews ------------------------------------------------------------------


def reviews_of_a_competition(cast) -> tuple[Competition, User, list[Review]]:
    """alice's CLOSED competition: ROWS participants each review alice (every 11th privately),
    alice reviews the winner. Returns it, a participant whose review is private, the reviews."""
    competition = make_competitions(1, [cast.alice], status=CompetitionStatus.CLOSED)[0]
    freelancers = make_users(ROWS, profile_picture=lambda i: f"profile_pictures/f{i}.png")
    proposals = make_proposals([(competition, f) for f in freelancers], status=ProposalStatus.REJECTED)
    winner = freelancers[0]
    Proposal.objects.filter(pk=proposals[0].pk).update(status=ProposalStatus.ACCEPTED, is_winner=True)
    Competition.objects.filter(pk=competition.pk).update(winner=winner, winning_proposal=proposals[0])
    reviews = Review.objects.bulk_create(
        [
            Review(
                reviewer=f,
                reviewee=cast.alice,
                competition=competition,
                rating=1 + i % 5,
                comment=f"Client review {i}",
                review_type=ReviewType.FREELANCER_TO_CLIENT,
                is_public=i % 11 != 1,
            )
            for i, f in enumerate(freelancers)
        ]
        + [
            Review(
                reviewer=cast.alice,
                reviewee=winner,
                competition=competition,
                rating=5,
                comment="Great work",
                review_type=ReviewType.CLIENT_TO_FREELANCER,
            )
        ]
    )
    other = make_competitions(1, [cast.bob], status=CompetitionStatus.CLOSED)[0]
    Review.objects.bulk_create(
        Review(
            reviewer=f,
            reviewee=cast.bob,
            competition=other,
            rating=3,
            comment="Other",
            review_type=ReviewType.FREELANCER_TO_CLIENT,
        )
        for f in freelancers[:20]
    )
    return competition, freelancers[1], reviews


@pytest.mark.query_budget("feedback:competition-reviews")
@pytest.mark.parametrize("viewer", ["alice", "private_reviewer", "admin"])
def test_competition_reviews(viewer, cast, as_user, django_assert_num_queries):
    competition, private_reviewer, reviews = reviews_of_a_competition(cast)
    if viewer == "private_reviewer":
        user = private_reviewer
        expected = {str(r.pk) for r in reviews if r.is_public or r.reviewer_id == private_reviewer.pk}
    else:  # alice (the reviewee sees the private reviews of her too) and the admin see all
        user = cast[viewer]
        expected = {str(r.pk) for r in reviews}
    client, url = as_user(user), reverse("feedback:competition-reviews", kwargs={"pk": competition.pk})
    warm_up(client, url)

    with django_assert_num_queries(4):
        ten = client.get(url, {"page_size": 10})
    with django_assert_num_queries(4):
        hundred = client.get(url, {"page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == len(expected)
    assert ids(page["results"]) <= expected
    assert all(row["competition"] == str(competition.pk) for row in page["results"])
