"""GET /api/stats/ (anyone, cached) and the JSON index at /."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from backoffice import stats
from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from feedback.models import Review, ReviewType
from payments.models import PaymentStatus
from payments.tests.factories import PaymentRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform(client_owner, other_client, freelancer, other_freelancer):
    CompetitionFactory(client=client_owner)
    CompetitionFactory(client=client_owner)
    CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT)
    closed = CompetitionFactory(client=client_owner, status=CompetitionStatus.CLOSED)
    PaymentRecordFactory(
        competition=closed,
        freelancer=freelancer,
        amount=Decimal("1500.00"),
        status=PaymentStatus.COMPLETED,
        completed_at=timezone.now(),
    )
    PaymentRecordFactory(freelancer=freelancer, amount=Decimal("700.00"))  # PENDING: not paid out
    for rating, reviewee, public in [(5, freelancer, True), (4, other_freelancer, True), (1, freelancer, False)]:
        Review.objects.create(
            reviewer=client_owner if reviewee == freelancer and public else other_client,
            reviewee=reviewee,
            competition=closed if public and reviewee == freelancer else CompetitionFactory(status="CLOSED"),
            rating=rating,
            comment="ok",
            review_type=ReviewType.CLIENT_TO_FREELANCER,
            is_public=public,
        )


def test_anyone_gets_the_platform_statistics(api_client, platform):
    response = api_client.get("/api/stats/")
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True and body["message"] == "Platform statistics retrieved."
    data = body["data"]
    assert data["open_competitions"] == 2
    assert data["prize_money_paid_out"] == [{"currency": "USD", "amount": "1500.00"}]
    assert data["freelancers"] == 2
    assert data["clients"] >= 2
    assert data["average_rating"] == "4.50"  # public reviews of freelancers only
    assert data["total_reviews"] == 2


def test_the_statistics_are_cached_and_bounded(api_client, platform, settings, django_assert_max_num_queries):
    settings.STATS_CACHE_SECONDS = 60
    cache.delete(stats.CACHE_KEY)
    with django_assert_max_num_queries(4):
        first = api_client.get("/api/stats/").json()["data"]
    CompetitionFactory()
    with django_assert_max_num_queries(0):
        second = api_client.get("/api/stats/").json()["data"]
    assert second == first  # from the cache until it expires
    settings.STATS_CACHE_SECONDS = 0
    assert api_client.get("/api/stats/").json()["data"]["open_competitions"] == first["open_competitions"] + 1


def test_an_empty_platform_has_zeroes_and_no_average(api_client):
    data = api_client.get("/api/stats/").json()["data"]
    assert data == {
        "open_competitions": 0,
        "prize_money_paid_out": [],
        "freelancers": 0,
        "clients": 0,
        "average_rating": None,
        "total_reviews": 0,
    }


def test_the_root_is_a_json_index_with_links(api_client):
    response = api_client.get("/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["success"] is True
    data = body["data"]
    assert data["name"] == "FreelanceArena API" and data["version"]
    for name, path in [("docs", "/api/docs/"), ("schema", "/api/schema/"), ("health", "/api/health/")]:
        assert data["links"][name] == f"http://testserver{path}"
        assert api_client.get(path).status_code == 200


def test_the_root_answers_json_to_other_methods(api_client):
    response = api_client.post("/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
