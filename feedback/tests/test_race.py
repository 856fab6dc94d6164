"""Two reviews of the same person at the same moment both count in their rating."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from feedback.models import Review, UserRating
from proposals.models import ProposalStatus
from proposals.tests.factories import ProposalFactory

CREATE_URL = "/api/feedback/reviews/"


def _run_concurrently(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.race
@pytest.mark.django_db(transaction=True)
def test_two_freelancers_reviewing_the_client_at_once_both_count(as_user, client_owner, freelancer, other_freelancer):
    competition = CompetitionFactory(client=client_owner, status=CompetitionStatus.CLOSED)
    for person in (freelancer, other_freelancer):
        ProposalFactory(competition=competition, freelancer=person, status=ProposalStatus.REJECTED)
    apis = [as_user(freelancer), as_user(other_freelancer)]
    body = {"competition": str(competition.pk), "comment": "ok"}

    responses = _run_concurrently(
        lambda: apis[0].post(CREATE_URL, {**body, "rating": 5}, format="json"),
        lambda: apis[1].post(CREATE_URL, {**body, "rating": 2}, format="json"),
    )

    assert [r.status_code for r in responses] == [201, 201]
    assert Review.objects.filter(reviewee=client_owner).count() == 2
    rating = UserRating.objects.get(user=client_owner)
    assert (rating.average_rating, rating.total_reviews) == (Decimal("3.50"), 2)


@pytest.mark.race
@pytest.mark.django_db(transaction=True)
def test_the_same_review_posted_twice_at_once_is_stored_once(as_user, client_owner, freelancer):
    competition = CompetitionFactory(client=client_owner, status=CompetitionStatus.CLOSED)
    ProposalFactory(competition=competition, freelancer=freelancer, status=ProposalStatus.REJECTED)
    apis = [as_user(freelancer), as_user(freelancer)]
    body = {"competition": str(competition.pk), "comment": "ok", "rating": 4}

    responses = _run_concurrently(*(lambda api=api: api.post(CREATE_URL, body, format="json") for api in apis))

    assert sorted(r.status_code for r in responses) == [201, 400]
    assert Review.objects.filter(reviewer=freelancer).count() == 1
    assert UserRating.objects.get(user=client_owner).total_reviews == 1
