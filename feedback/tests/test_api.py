"""Reviews over HTTP: who may review whom and when, and who sees which review."""

from decimal import Decimal
from uuid import uuid4

import pytest

from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from feedback import services
from feedback.models import Review, ReviewType, UserRating
from feedback.tests.factories import ReviewFactory
from notifications.models import Notification, NotificationType
from proposals.models import ProposalStatus
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db

CREATE_URL = "/api/feedback/reviews/"


def review_body(competition, **overrides) -> dict:
    return {"competition": str(competition.pk), "rating": 4, "comment": "Clear brief, fast answers.", **overrides}


def user_reviews_url(user_id) -> str:
    return f"/api/feedback/users/{user_id}/reviews/"


def user_rating_url(user_id) -> str:
    return f"/api/feedback/users/{user_id}/rating/"


def competition_reviews_url(competition_id) -> str:
    return f"/api/feedback/competitions/{competition_id}/reviews/"


def assert_error(response, status_code: int) -> dict:
    assert response.status_code == status_code, response.content
    body = response.json()
    assert body["success"] is False
    assert body["message"]
    assert isinstance(body["errors"], dict)
    return body


# --- creating a review ------------------------------------------------------------------------


def test_client_reviews_the_winner_after_the_competition_is_closed(
    as_user, client_owner, freelancer, closed_competition
):
    response = as_user(client_owner).post(CREATE_URL, review_body(closed_competition, rating=5), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["success"] is True
    assert body["message"] == "Review created."
    data = body["data"]
    assert set(data) == {
        "id",
        "reviewer",
        "reviewee",
        "competition",
        "rating",
        "comment",
        "review_type",
        "is_public",
        "created_at",
    }
    assert data["reviewer"] == {"id": str(client_owner.pk), "username": "alice", "profile_picture": None}
    assert data["reviewee"] == {"id": str(freelancer.pk), "username": "charlie"}
    assert data["competition"] == str(closed_competition.pk)
    assert data["review_type"] == ReviewType.CLIENT_TO_FREELANCER
    assert data["rating"] == 5
    assert data["is_public"] is True

    review = Review.objects.get(pk=data["id"])
    assert (review.reviewer_id, review.reviewee_id) == (client_owner.pk, freelancer.pk)
    rating = UserRating.objects.get(user=freelancer)
    assert (rating.average_rating, rating.total_reviews) == (Decimal("5.00"), 1)
    notification = Notification.objects.get(recipient=freelancer, notification_type=NotificationType.NEW_REVIEW)
    assert notification.related_competition_id == closed_competition.pk


def test_winning_freelancer_reviews_the_client(as_user, client_owner, freelancer, closed_competition):
    response = as_user(freelancer).post(CREATE_URL, review_body(closed_competition), format="json")

    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert data["reviewee"] == {"id": str(client_owner.pk), "username": "alice"}
    assert data["review_type"] == ReviewType.FREELANCER_TO_CLIENT
    assert Review.objects.get(pk=data["id"]).reviewee_id == client_owner.pk
    assert (
        Notification.objects.filter(recipient=client_owner, notification_type=NotificationType.NEW_REVIEW).count() == 1
    )


def test_losing_freelancer_with_a_rejected_proposal_may_review_the_client(
    as_user, client_owner, other_freelancer, closed_competition
):
    response = as_user(other_freelancer).post(CREATE_URL, review_body(closed_competition, rating=2), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["data"]["review_type"] == ReviewType.FREELANCER_TO_CLIENT
    assert UserRating.objects.get(user=client_owner).average_rating == Decimal("2.00")


def test_reviewee_and_review_type_sent_in_the_body_are_ignored(
    as_user, client_owner, freelancer, other_freelancer, closed_competition
):
    body = review_body(closed_competition, reviewee=str(other_freelancer.pk), review_type="FREELANCER_TO_CLIENT")
    response = as_user(client_owner).post(CREATE_URL, body, format="json")

    assert response.status_code == 201, response.content
    review = Review.objects.get(pk=response.json()["data"]["id"])
    assert review.reviewee_id == freelancer.pk
    assert review.review_type == ReviewType.CLIENT_TO_FREELANCER


@pytest.mark.parametrize("status", [CompetitionStatus.OPEN, CompetitionStatus.REVIEW, CompetitionStatus.CANCELLED])
def test_review_is_refused_before_the_competition_is_closed(as_user, client_owner, freelancer, status):
    competition = CompetitionFactory(client=client_owner, status=status)
    ProposalFactory(competition=competition, freelancer=freelancer)

    response = as_user(freelancer).post(CREATE_URL, review_body(competition), format="json")

    body = assert_error(response, 400)
    assert "closed" in body["errors"]["competition"][0]
    assert not Review.objects.exists()


def test_second_review_of_the_same_competition_is_refused(as_user, client_owner, closed_competition):
    api = as_user(client_owner)
    assert api.post(CREATE_URL, review_body(closed_competition), format="json").status_code == 201

    response = api.post(CREATE_URL, review_body(closed_competition, rating=1), format="json")

    body = assert_error(response, 400)
    assert body["message"] == "You have already reviewed this competition."
    assert Review.objects.filter(reviewer=client_owner).count() == 1
    assert Review.objects.get(reviewer=client_owner).rating == 4


def test_duplicate_that_slips_past_the_check_is_a_400_from_the_unique_constraint(
    as_user, client_owner, freelancer, closed_competition, monkeypatch
):
    ReviewFactory(competition=closed_competition, reviewer=client_owner, reviewee=freelancer)
    calls = []

    def not_yet(**kwargs):  # the first check runs before the concurrent insert committed
        calls.append(kwargs)
        return len(calls) > 1

    monkeypatch.setattr(services, "_already_reviewed", not_yet)
    response = as_user(client_owner).post(CREATE_URL, review_body(closed_competition), format="json")

    body = assert_error(response, 400)
    assert body["message"] == "You have already reviewed this competition."
    assert len(calls) == 2
    assert Review.objects.filter(reviewer=client_owner).count() == 1


def test_freelancer_without_a_proposal_cannot_review(as_user, closed_competition):
    from accounts.tests.factories import FreelancerFactory

    stranger = FreelancerFactory()
    response = as_user(stranger).post(CREATE_URL, review_body(closed_competition), format="json")

    assert_error(response, 403)
    assert not Review.objects.exists()


def test_freelancer_whose_proposal_was_withdrawn_cannot_review(as_user, client_owner, closed_competition):
    from accounts.tests.factories import FreelancerFactory

    quitter = FreelancerFactory()
    ProposalFactory(competition=closed_competition, freelancer=quitter, status=ProposalStatus.WITHDRAWN)

    response = as_user(quitter).post(CREATE_URL, review_body(closed_competition), format="json")

    assert_error(response, 403)
    assert not Review.objects.exists()


@pytest.mark.parametrize("outsider", ["other_client", "admin_user"])
def test_outsiders_cannot_review(as_user, request, outsider, closed_competition):
    response = as_user(request.getfixturevalue(outsider)).post(
        CREATE_URL, review_body(closed_competition), format="json"
    )

    assert_error(response, 403)
    assert not Review.objects.exists()


def test_client_cannot_review_a_closed_competition_without_a_winner(as_user, client_owner):
    competition = CompetitionFactory(client=client_owner, status=CompetitionStatus.CLOSED)

    response = as_user(client_owner).post(CREATE_URL, review_body(competition), format="json")

    body = assert_error(response, 400)
    assert "winner" in body["errors"]["competition"][0]
    assert not Review.objects.exists()


@pytest.mark.parametrize("rating", [0, 6, -1, "five", None])
def test_rating_must_be_an_integer_from_1_to_5(as_user, client_owner, closed_competition, rating):
    response = as_user(client_owner).post(CREATE_URL, review_body(closed_competition, rating=rating), format="json")

    body = assert_error(response, 400)
    assert "rating" in body["errors"]
    assert not Review.objects.exists()


def test_comment_is_required(as_user, client_owner, closed_competition):
    response = as_user(client_owner).post(CREATE_URL, review_body(closed_competition, comment=""), format="json")

    assert "comment" in assert_error(response, 400)["errors"]


def test_unknown_competition_and_another_clients_draft_look_the_same(as_user, freelancer, other_client):
    draft = CompetitionFactory(client=other_client, status=CompetitionStatus.DRAFT)
    api = as_user(freelancer)

    unknown_body = {**review_body(draft), "competition": str(uuid4())}
    unknown = assert_error(api.post(CREATE_URL, unknown_body, format="json"), 400)
    hidden = assert_error(api.post(CREATE_URL, review_body(draft), format="json"), 400)

    assert list(unknown["errors"]) == list(hidden["errors"]) == ["competition"]
    assert "does not exist" in hidden["errors"]["competition"][0]


def test_anonymous_cannot_review(api_client, closed_competition):
    assert_error(api_client.post(CREATE_URL, review_body(closed_competition), format="json"), 401)


def test_emoji_comment_round_trips(as_user, client_owner, closed_competition):
    response = as_user(client_owner).post(
        CREATE_URL, review_body(closed_competition, comment="Great work 🚀🎉"), format="json"
    )

    assert response.status_code == 201
    assert Review.objects.get().comment == "Great work 🚀🎉"


# --- a user's public reviews and rating -------------------------------------------------------


def test_user_reviews_lists_only_public_reviews_to_anyone(
    api_client, as_user, client_owner, freelancer, other_freelancer, closed_competition
):
    public = ReviewFactory(
        competition=closed_competition,
        reviewer=freelancer,
        reviewee=client_owner,
        review_type=ReviewType.FREELANCER_TO_CLIENT,
    )
    ReviewFactory(
        competition=closed_competition,
        reviewer=other_freelancer,
        reviewee=client_owner,
        review_type=ReviewType.FREELANCER_TO_CLIENT,
        is_public=False,
    )

    for api in (api_client, as_user(client_owner), as_user(other_freelancer)):
        response = api.get(user_reviews_url(client_owner.pk))
        assert response.status_code == 200
        body = response.json()
        assert body["success"] is True
        assert body["data"]["count"] == 1
        assert [r["id"] for r in body["data"]["results"]] == [str(public.pk)]


def test_user_reviews_of_an_unknown_user_is_404(api_client):
    assert_error(api_client.get(user_reviews_url(uuid4())), 404)


def test_rating_of_a_user_without_reviews_is_zero(api_client, freelancer):
    response = api_client.get(user_rating_url(freelancer.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["data"] == {"average_rating": "0.00", "total_reviews": 0}
    assert not UserRating.objects.filter(user=freelancer).exists()  # a read writes nothing


def test_rating_of_an_unknown_user_is_404(api_client):
    assert_error(api_client.get(user_rating_url(uuid4())), 404)


def test_rating_counts_public_reviews_only(api_client, client_owner, freelancer, other_freelancer, closed_competition):
    ReviewFactory(competition=closed_competition, reviewer=freelancer, reviewee=client_owner, rating=5)
    ReviewFactory(competition=closed_competition, reviewer=other_freelancer, reviewee=client_owner, rating=4)
    third = CompetitionFactory(client=client_owner, status=CompetitionStatus.CLOSED)
    ReviewFactory(competition=third, reviewer=freelancer, reviewee=client_owner, rating=4)
    ReviewFactory(competition=third, reviewer=other_freelancer, reviewee=client_owner, rating=1, is_public=False)

    response = api_client.get(user_rating_url(client_owner.pk))

    assert response.status_code == 200
    assert response.json()["data"] == {"average_rating": "4.33", "total_reviews": 3}


# --- a competition's reviews ------------------------------------------------------------------


@pytest.fixture
def private_and_public_reviews(client_owner, freelancer, other_freelancer, closed_competition):
    private = ReviewFactory(
        competition=closed_competition,
        reviewer=client_owner,
        reviewee=freelancer,
        is_public=False,
        comment="Private note",
    )
    public = ReviewFactory(
        competition=closed_competition,
        reviewer=other_freelancer,
        reviewee=client_owner,
        review_type=ReviewType.FREELANCER_TO_CLIENT,
    )
    return private, public


@pytest.mark.parametrize(
    ("viewer", "sees_private"),
    [
        ("client_owner", True),  # the private review's reviewer
        ("freelancer", True),  # its reviewee
        ("admin_user", True),
        ("other_freelancer", False),  # took part, but not a party to that review
        ("other_client", False),
    ],
)
def test_private_review_is_seen_only_by_reviewer_reviewee_and_admin(
    as_user, request, viewer, sees_private, closed_competition, private_and_public_reviews
):
    private, public = private_and_public_reviews

    response = as_user(request.getfixturevalue(viewer)).get(competition_reviews_url(closed_competition.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    ids = {r["id"] for r in body["data"]["results"]}
    assert ids == ({str(private.pk), str(public.pk)} if sees_private else {str(public.pk)})
    assert body["data"]["count"] == len(ids)


def test_competition_reviews_need_authentication(api_client, closed_competition):
    assert_error(api_client.get(competition_reviews_url(closed_competition.pk)), 401)


def test_competition_reviews_of_another_clients_draft_are_404(as_user, freelancer, other_client):
    draft = CompetitionFactory(client=other_client, status=CompetitionStatus.DRAFT)

    assert_error(as_user(freelancer).get(competition_reviews_url(draft.pk)), 404)
    assert as_user(other_client).get(competition_reviews_url(draft.pk)).status_code == 200


def test_competition_reviews_of_an_unknown_competition_are_404(as_user, freelancer):
    assert_error(as_user(freelancer).get(competition_reviews_url(uuid4())), 404)


def test_unknown_ordering_is_ignored(as_user, client_owner, closed_competition, private_and_public_reviews):
    response = as_user(client_owner).get(competition_reviews_url(closed_competition.pk) + "?ordering=nonsense")

    assert response.status_code == 200
    assert response.json()["data"]["count"] == 2


# --- query bounds -----------------------------------------------------------------------------


def _reviews_of(user, count: int, *, public: bool = True) -> None:
    from accounts.tests.factories import ClientFactory

    reviewers = ClientFactory.create_batch(count)
    competitions = CompetitionFactory.create_batch(count, status=CompetitionStatus.CLOSED)
    Review.objects.bulk_create(
        Review(
            reviewer=reviewer,
            reviewee=user,
            competition=competition,
            rating=4,
            comment="ok",
            review_type=ReviewType.CLIENT_TO_FREELANCER,
            is_public=public,
        )
        for reviewer, competition in zip(reviewers, competitions, strict=True)
    )


def test_user_reviews_query_count_does_not_grow_with_page_size(api_client, freelancer, django_assert_max_num_queries):
    _reviews_of(freelancer, 25)
    counts = []
    for size, expected in ((10, 10), (100, 25)):
        with django_assert_max_num_queries(4) as captured:
            response = api_client.get(user_reviews_url(freelancer.pk) + f"?page_size={size}")
        assert response.status_code == 200
        assert len(response.json()["data"]["results"]) == expected
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_competition_reviews_query_count_does_not_grow_with_page_size(
    as_user, client_owner, closed_competition, django_assert_max_num_queries
):
    from accounts.tests.factories import FreelancerFactory

    for reviewer in FreelancerFactory.create_batch(25):
        ProposalFactory(competition=closed_competition, freelancer=reviewer, status=ProposalStatus.REJECTED)
        ReviewFactory(
            competition=closed_competition,
            reviewer=reviewer,
            reviewee=client_owner,
            review_type=ReviewType.FREELANCER_TO_CLIENT,
        )
    api = as_user(client_owner)
    api.get(competition_reviews_url(closed_competition.pk))  # warms last_seen up
    counts = []
    for size, expected in ((10, 10), (100, 25)):
        with django_assert_max_num_queries(5) as captured:
            response = api.get(competition_reviews_url(closed_competition.pk) + f"?page_size={size}")
        assert response.status_code == 200
        assert len(response.json()["data"]["results"]) == expected
        counts.append(len(captured))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("competition", ["not-a-uuid", 123, None, ""])
def test_malformed_competition_id_is_a_400(as_user, client_owner, closed_competition, competition):
    body = {**review_body(closed_competition), "competition": competition}

    response = as_user(client_owner).post(CREATE_URL, body, format="json")

    assert "competition" in assert_error(response, 400)["errors"]
    assert not Review.objects.exists()
