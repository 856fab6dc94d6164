"""End to end over HTTP: a winner is selected, paid, and both sides review each other."""

from decimal import Decimal

import pytest

from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from feedback.models import UserRating
from payments.models import PaymentRecord, PaymentStatus
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def competition_in_review(client_owner, freelancer, other_freelancer):
    competition = CompetitionFactory(client=client_owner, status=CompetitionStatus.REVIEW, currency="EUR")
    winning = ProposalFactory(competition=competition, freelancer=freelancer, proposed_budget=Decimal("999.99"))
    ProposalFactory(competition=competition, freelancer=other_freelancer)
    return competition, winning


def test_selecting_a_winner_creates_one_pending_payment_with_the_fee(
    as_user, client_owner, freelancer, competition_in_review
):
    competition, winning = competition_in_review

    response = as_user(client_owner).post(
        f"/api/competitions/{competition.pk}/select-winner/", {"proposal_id": str(winning.pk)}, format="json"
    )

    assert response.status_code == 200, response.content
    payment = PaymentRecord.objects.get(competition=competition)
    assert (payment.client_id, payment.freelancer_id) == (client_owner.pk, freelancer.pk)
    assert (payment.amount, payment.platform_fee, payment.net_amount) == (
        Decimal("999.99"),
        Decimal("100.00"),
        Decimal("899.99"),
    )
    assert (payment.currency, payment.status, payment.completed_at) == ("EUR", PaymentStatus.PENDING, None)
    client_list = as_user(client_owner).get("/api/payments/client/").json()["data"]["results"]
    freelancer_list = as_user(freelancer).get("/api/payments/freelancer/").json()["data"]["results"]
    assert [(p["id"], p["amount"]) for p in client_list] == [(str(payment.pk), "999.99")]
    assert [(p["id"], p["net_amount"]) for p in freelancer_list] == [(str(payment.pk), "899.99")]


def test_selecting_twice_leaves_one_payment(as_user, client_owner, competition_in_review):
    competition, winning = competition_in_review
    api = as_user(client_owner)
    url = f"/api/competitions/{competition.pk}/select-winner/"

    assert api.post(url, {"proposal_id": str(winning.pk)}, format="json").status_code == 200
    assert api.post(url, {"proposal_id": str(winning.pk)}, format="json").status_code == 400

    assert PaymentRecord.objects.filter(competition=competition).count() == 1


def test_after_the_winner_is_selected_both_sides_review_and_the_winner_is_paid(
    as_user, client_owner, freelancer, other_freelancer, admin_user, competition_in_review
):
    competition, winning = competition_in_review
    as_user(client_owner).post(
        f"/api/competitions/{competition.pk}/select-winner/", {"proposal_id": str(winning.pk)}, format="json"
    )
    review = {"competition": str(competition.pk), "comment": "Thanks"}

    by_client = as_user(client_owner).post("/api/feedback/reviews/", {**review, "rating": 5}, format="json")
    by_loser = as_user(other_freelancer).post("/api/feedback/reviews/", {**review, "rating": 3}, format="json")

    assert (by_client.status_code, by_loser.status_code) == (201, 201)
    assert by_client.json()["data"]["reviewee"]["id"] == str(freelancer.pk)
    assert by_loser.json()["data"]["reviewee"]["id"] == str(client_owner.pk)
    assert UserRating.objects.get(user=freelancer).average_rating == Decimal("5.00")
    assert UserRating.objects.get(user=client_owner).average_rating == Decimal("3.00")

    payment = PaymentRecord.objects.get(competition=competition)
    # Part 2: the payout goes to the winner's payout account (dummy: active at once).
    freelancer.email_verified = True
    freelancer.save(update_fields=["email_verified"])
    assert as_user(freelancer).post("/api/payments/payout-account/").status_code == 201
    admin = as_user(admin_user)
    for status in ("PROCESSING", "COMPLETED"):
        assert admin.post(f"/api/payments/{payment.pk}/status/", {"status": status}, format="json").status_code == 200
    listed = as_user(freelancer).get("/api/payments/freelancer/").json()["data"]["results"][0]
    assert listed["status"] == "COMPLETED"
    assert listed["completed_at"] is not None
