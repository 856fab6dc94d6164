"""The Stripe webhook: events signed with the stripe library's own signing helper are processed
exactly once, in any order, even two identical ones at the same moment; anything not signed
with STRIPE_WEBHOOK_SECRET (or too old) is a 400 and changes nothing."""

import json
import threading
import time
from decimal import Decimal

import pytest
import stripe
from django.db import connection
from rest_framework.test import APIClient

from accounts.tests.factories import ClientFactory
from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from payments import ledger
from payments.ledger import LedgerTransaction, TransactionKind
from payments.models import Funding, FundingStatus, ProviderEvent
from payments.tests.money import assert_ledger_ok

URL = "/api/payments/webhooks/stripe/"
SECRET = "whsec_test_secret_for_the_suite"


def sign(payload: str, *, secret: str = SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{payload}", secret)
    return f"t={timestamp},{stripe.WebhookSignature.EXPECTED_SCHEME}={signature}"


def event(event_id: str, event_type: str, obj: dict) -> str:
    return json.dumps({"id": event_id, "object": "event", "type": event_type, "data": {"object": obj}})


def deliver(payload: str, signature: str | None):
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature is not None else {}
    return APIClient().post(URL, data=payload, content_type="application/json", **headers)


@pytest.fixture
def stripe_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    return SECRET


@pytest.fixture
def pending(db, client_owner):
    draft = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT)
    return Funding.objects.create(
        competition=draft,
        client=client_owner,
        provider="stripe",
        provider_ref="pi_webhook_1",
        amount=draft.budget,
        currency=draft.currency,
    )


def succeeded(event_id: str = "evt_1", ref: str = "pi_webhook_1") -> str:
    return event(event_id, "payment_intent.succeeded", {"id": ref, "object": "payment_intent"})


def failed(event_id: str = "evt_f", ref: str = "pi_webhook_1") -> str:
    return event(event_id, "payment_intent.payment_failed", {"id": ref, "object": "payment_intent"})


@pytest.mark.django_db
def test_a_signed_success_funds_the_competition(stripe_secret, pending):
    payload = succeeded()
    response = deliver(payload, sign(payload))

    assert response.status_code == 200, response.content
    assert response.json() == {"success": True, "message": "Event received.", "data": {"received": True}}
    pending.refresh_from_db()
    assert pending.status == FundingStatus.SUCCEEDED
    assert pending.competition.funded_at is not None
    assert ledger.escrow_held(pending.competition) == Decimal("1500.00")
    assert ProviderEvent.objects.get().processed_at is not None
    assert_ledger_ok()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "how",
    ["missing", "garbage", "tampered", "stale", "other_secret", "not_json", "not_an_object"],
)
def test_bad_missing_or_stale_signatures_are_a_400_and_change_nothing(stripe_secret, pending, how):
    payload = succeeded()
    signature = sign(payload)
    if how == "missing":
        signature = None
    elif how == "garbage":
        signature = "t=1,v1=deadbeef"
    elif how == "tampered":
        payload = payload.replace("pi_webhook_1", "pi_webhook_2")
    elif how == "stale":
        signature = sign(payload, timestamp=int(time.time()) - 301)
    elif how == "other_secret":
        signature = sign(payload, secret="whsec_someone_else")
    elif how == "not_json":
        payload = "{not json"
        signature = sign(payload)
    elif how == "not_an_object":
        payload = "[1, 2]"
        signature = sign(payload)

    response = deliver(payload, signature)

    assert response.status_code == 400, response.content
    assert response.json()["success"] is False
    assert not ProviderEvent.objects.exists()
    pending.refresh_from_db()
    assert pending.status == FundingStatus.PENDING
    assert not LedgerTransaction.objects.exists()


@pytest.mark.django_db
def test_without_a_webhook_secret_every_request_is_a_400(settings, pending):
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = succeeded()
    assert deliver(payload, sign(payload)).status_code == 400
    assert deliver(payload, sign(payload, secret="")).status_code == 400
    assert not ProviderEvent.objects.exists()


@pytest.mark.django_db
def test_a_replayed_event_answers_200_and_changes_nothing(stripe_secret, pending):
    payload = succeeded()
    assert deliver(payload, sign(payload)).status_code == 200
    assert deliver(payload, sign(payload)).status_code == 200

    assert ProviderEvent.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind=TransactionKind.FUNDING).count() == 1


@pytest.mark.django_db
def test_the_same_success_under_another_event_id_posts_once(stripe_secret, pending):
    for event_id in ("evt_a", "evt_b"):
        payload = succeeded(event_id)
        assert deliver(payload, sign(payload)).status_code == 200
    assert ProviderEvent.objects.count() == 2
    assert LedgerTransaction.objects.count() == 1
    assert_ledger_ok()


@pytest.mark.django_db
def test_a_failure_arriving_after_the_success_is_ignored(stripe_secret, pending):
    for payload in (succeeded(), failed()):
        assert deliver(payload, sign(payload)).status_code == 200
    pending.refresh_from_db()
    assert pending.status == FundingStatus.SUCCEEDED


@pytest.mark.django_db
def test_a_success_arriving_after_a_failure_wins(stripe_secret, pending):
    for payload in (failed(), succeeded()):
        assert deliver(payload, sign(payload)).status_code == 200
    pending.refresh_from_db()
    assert pending.status == FundingStatus.SUCCEEDED
    assert_ledger_ok()


@pytest.mark.django_db
def test_a_success_for_a_competition_cancelled_meanwhile_is_refunded_at_once(stripe_secret, pending, monkeypatch):
    from payments.providers.dummy import DummyProvider

    monkeypatch.setattr("payments.escrow.get_provider", lambda name=None: DummyProvider())
    competition = pending.competition
    from competitions import services

    services.change_status(competition=competition, new_status=CompetitionStatus.CANCELLED, by=competition.client)
    payload = succeeded()
    assert deliver(payload, sign(payload)).status_code == 200

    pending.refresh_from_db()
    assert pending.status == FundingStatus.REFUNDED
    assert ledger.escrow_held(competition) == 0
    assert list(LedgerTransaction.objects.order_by("created_at").values_list("kind", flat=True)) == [
        TransactionKind.FUNDING,
        TransactionKind.REFUND,
    ]
    assert_ledger_ok()


@pytest.mark.django_db
def test_unknown_types_and_unknown_intents_answer_200_and_are_ignored(stripe_secret, pending):
    for payload in (
        event("evt_u", "customer.created", {"id": "cus_1"}),
        succeeded("evt_other", ref="pi_not_ours"),
    ):
        assert deliver(payload, sign(payload)).status_code == 200
    pending.refresh_from_db()
    assert pending.status == FundingStatus.PENDING
    assert not LedgerTransaction.objects.exists()


@pytest.mark.django_db
def test_account_updated_activates_the_payout_account(stripe_secret, freelancer):
    from payments.models import PayoutAccount, PayoutAccountStatus

    account = PayoutAccount.objects.create(user=freelancer, provider="stripe", provider_account_id="acct_1")
    payload = event("evt_acct", "account.updated", {"id": "acct_1", "object": "account", "payouts_enabled": True})
    assert deliver(payload, sign(payload)).status_code == 200
    account.refresh_from_db()
    assert account.status == PayoutAccountStatus.ACTIVE and account.activated_at is not None


# --- Two identical events at the same moment (real threads, real commits) ---------------------


def _at_once(calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - asserted on below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.race
@pytest.mark.django_db(transaction=True)
def test_two_identical_events_at_the_same_moment_take_effect_once(settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    owner = ClientFactory()
    draft = CompetitionFactory(client=owner, status=CompetitionStatus.DRAFT)
    funding = Funding.objects.create(
        competition=draft, client=owner, provider="stripe", provider_ref="pi_race", amount=draft.budget, currency="USD"
    )
    payload = succeeded("evt_race", ref="pi_race")
    signature = sign(payload)

    responses = _at_once([lambda: deliver(payload, signature), lambda: deliver(payload, signature)])

    assert [getattr(r, "status_code", r) for r in responses] == [200, 200]
    funding.refresh_from_db()
    assert funding.status == FundingStatus.SUCCEEDED
    assert ProviderEvent.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind=TransactionKind.FUNDING).count() == 1
    assert ledger.escrow_held(draft) == Decimal("1500.00")
    assert_ledger_ok()


@pytest.mark.race
@pytest.mark.django_db(transaction=True)
def test_two_fundings_confirmed_at_once_fund_once_and_refund_the_other(settings):
    """A failed funding whose success arrives late, while the new one succeeds: one escrow."""
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.PAYMENT_PROVIDER = "dummy"
    owner = ClientFactory()
    draft = CompetitionFactory(client=owner, status=CompetitionStatus.DRAFT)
    common = {"competition": draft, "client": owner, "provider": "dummy", "amount": draft.budget, "currency": "USD"}
    Funding.objects.create(provider_ref="pi_one", status=FundingStatus.FAILED, **common)
    Funding.objects.create(provider_ref="pi_two", **common)
    one, two = succeeded("evt_one", ref="pi_one"), succeeded("evt_two", ref="pi_two")

    responses = _at_once([lambda: deliver(one, sign(one)), lambda: deliver(two, sign(two))])

    assert [getattr(r, "status_code", r) for r in responses] == [200, 200]
    statuses = sorted(Funding.objects.values_list("status", flat=True))
    assert statuses == [FundingStatus.REFUNDED, FundingStatus.SUCCEEDED]
    assert ledger.escrow_held(draft) == Decimal("1500.00")
    assert_ledger_ok()


@pytest.mark.race
@pytest.mark.django_db(transaction=True)
def test_cancel_while_the_success_arrives_ends_refunded(settings, as_user):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    owner = ClientFactory()
    draft = CompetitionFactory(client=owner, status=CompetitionStatus.DRAFT)
    funding = Funding.objects.create(
        competition=draft, client=owner, provider="dummy", provider_ref="pi_c", amount=draft.budget, currency="USD"
    )
    payload = succeeded("evt_c", ref="pi_c")
    api = as_user(owner)

    responses = _at_once(
        [
            lambda: deliver(payload, sign(payload)),
            lambda: api.post(f"/api/competitions/{draft.pk}/status/", {"status": "CANCELLED"}, format="json"),
        ]
    )

    assert [getattr(r, "status_code", r) for r in responses] == [200, 200]
    funding.refresh_from_db()
    draft.refresh_from_db()
    assert draft.status == CompetitionStatus.CANCELLED
    assert funding.status == FundingStatus.REFUNDED
    assert ledger.escrow_held(draft) == 0
    assert_ledger_ok()
