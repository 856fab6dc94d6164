"""Idempotency-Key on fund/, select-winner/ and the admin payout status endpoint."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from payments.ledger import LedgerTransaction, TransactionKind
from payments.models import Funding, IdempotencyRecord, PaymentRecord, PaymentStatus
from payments.tests.factories import PaymentRecordFactory
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client_owner):
    client_owner.email_verified = True
    client_owner.save(update_fields=["email_verified"])
    return client_owner


def test_fund_with_the_same_key_answers_the_first_response_again(as_user, owner):
    draft = CompetitionFactory(client=owner, status=CompetitionStatus.DRAFT)
    api = as_user(owner)
    url = f"/api/competitions/{draft.pk}/fund/"

    first = api.post(url, HTTP_IDEMPOTENCY_KEY="fund-1")
    second = api.post(url, HTTP_IDEMPOTENCY_KEY="fund-1")

    assert (first.status_code, second.status_code) == (201, 201)  # the first answer, not the 200 of a repeat
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Funding.objects.count() == 1


def test_select_winner_replays_and_another_body_is_a_400(as_user, owner):
    competition = CompetitionFactory(client=owner, status=CompetitionStatus.REVIEW)
    winner, other = ProposalFactory(competition=competition), ProposalFactory(competition=competition)
    api = as_user(owner)
    url = f"/api/competitions/{competition.pk}/select-winner/"

    first = api.post(url, {"proposal_id": str(winner.pk)}, format="json", HTTP_IDEMPOTENCY_KEY="award-1")
    again = api.post(url, {"proposal_id": str(winner.pk)}, format="json", HTTP_IDEMPOTENCY_KEY="award-1")
    other_body = api.post(url, {"proposal_id": str(other.pk)}, format="json", HTTP_IDEMPOTENCY_KEY="award-1")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert other_body.status_code == 400 and other_body.json()["success"] is False
    assert PaymentRecord.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind=TransactionKind.AWARD).count() == 1
    # without the key, a second selection is the plain 400 of a CLOSED competition
    assert api.post(url, {"proposal_id": str(winner.pk)}, format="json").status_code == 400


def test_a_refusal_is_remembered_too(as_user, owner):
    competition = CompetitionFactory(client=owner)  # OPEN: no winner yet
    proposal = ProposalFactory(competition=competition)
    api = as_user(owner)
    url = f"/api/competitions/{competition.pk}/select-winner/"
    body = {"proposal_id": str(proposal.pk)}

    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert first.status_code == 400
    assert api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k").json() == first.json()


def test_admin_status_with_a_key_moves_once(as_user, admin_user):
    payout = PaymentRecordFactory()
    api = as_user(admin_user)
    url = f"/api/payments/{payout.pk}/status/"

    first = api.post(url, {"status": "PROCESSING"}, format="json", HTTP_IDEMPOTENCY_KEY="release-1")
    second = api.post(url, {"status": "PROCESSING"}, format="json", HTTP_IDEMPOTENCY_KEY="release-1")

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json() == first.json()
    payout.refresh_from_db()
    assert payout.status == PaymentStatus.PROCESSING
    # the same request without the key is the state machine's 400
    assert api.post(url, {"status": "PROCESSING"}, format="json").status_code == 400


def test_keys_are_per_user_and_expire_after_24_hours(as_user, owner, other_client):
    mine = CompetitionFactory(client=owner, status=CompetitionStatus.DRAFT)
    api = as_user(owner)
    assert api.post(f"/api/competitions/{mine.pk}/fund/", HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))

    again = api.post(f"/api/competitions/{mine.pk}/fund/", HTTP_IDEMPOTENCY_KEY="k")

    assert again.status_code == 200  # evaluated afresh: the PENDING funding exists
    assert "Idempotent-Replayed" not in again
    other_client.email_verified = True
    other_client.save(update_fields=["email_verified"])
    theirs = CompetitionFactory(client=other_client, status=CompetitionStatus.DRAFT)
    assert (
        as_user(other_client).post(f"/api/competitions/{theirs.pk}/fund/", HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    )


def test_an_oversized_key_is_a_400(as_user, owner):
    draft = CompetitionFactory(client=owner, status=CompetitionStatus.DRAFT)
    response = as_user(owner).post(f"/api/competitions/{draft.pk}/fund/", HTTP_IDEMPOTENCY_KEY="x" * 192)
    assert response.status_code == 400
    assert not Funding.objects.exists()
    assert Decimal(draft.budget) == Decimal("1500.00")
