"""RECORDED STRIPE RESPONSES: Connect Express accounts, Account Links and Transfers.

localstripe has no Connect endpoints, so these calls of the Stripe provider run against
recorded Stripe responses (the bodies below are Stripe API responses as documented in its API
reference for these endpoints, trimmed to the fields the code reads). The `stripe` library does
the real work (encoding, headers, idempotency keys, parsing); only its HTTP client is replaced by
one that answers from this file and records what was sent.
"""

import json
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
import stripe

from competitions.models import CompetitionStatus
from payments import ledger
from payments.ledger import Account
from payments.models import PaymentStatus, PayoutAccount, PayoutAccountStatus
from payments.providers import stripe as stripe_provider
from payments.tests.factories import PaymentRecordFactory
from payments.tests.money import assert_ledger_ok
from payments.tests.test_webhooks import SECRET, deliver, event, sign

pytestmark = pytest.mark.django_db

RECORDED = {
    ("post", "/v1/accounts"): (
        200,
        {
            "id": "acct_1RecordedExpress",
            "object": "account",
            "type": "express",
            "charges_enabled": False,
            "payouts_enabled": False,
            "details_submitted": False,
            "capabilities": {"transfers": "inactive"},
        },
    ),
    ("post", "/v1/account_links"): (
        200,
        {
            "object": "account_link",
            "created": 1700000000,
            "expires_at": 1700000300,
            "url": "https://connect.stripe.com/setup/e/acct_1RecordedExpress/Recorded1",
        },
    ),
    ("post", "/v1/transfers"): (
        200,
        {
            "id": "tr_1RecordedTransfer",
            "object": "transfer",
            "amount": 90004,
            "currency": "usd",
            "destination": "acct_1RecordedExpress",
            "reversed": False,
        },
    ),
}
# localstripe ignores Idempotency-Key headers: that the PaymentIntent and Refund calls send them
# is checked here, on recorded responses too.
RECORDED[("post", "/v1/payment_intents")] = (
    200,
    {
        "id": "pi_1RecordedIntent",
        "object": "payment_intent",
        "amount": 150000,
        "currency": "usd",
        "status": "requires_payment_method",
        "client_secret": "pi_1RecordedIntent_secret_Recorded",
    },
)
RECORDED[("post", "/v1/refunds")] = (
    200,
    {"id": "re_1RecordedRefund", "object": "refund", "amount": 150000, "status": "succeeded"},
)
TRANSFER_REFUSED = (
    400,
    {
        "error": {
            "type": "invalid_request_error",
            "code": "balance_insufficient",
            "message": "You have insufficient available funds in your Stripe account.",
        }
    },
)


class RecordedHTTPClient(stripe.HTTPClient):
    name = "recorded"

    def __init__(self, overrides=None):
        super().__init__()
        self.sent: list[tuple[str, str, dict, dict]] = []
        self.overrides = overrides or {}

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        path = "/" + url.split("://", 1)[1].split("/", 1)[1].split("?")[0]
        body = {key: values[0] for key, values in parse_qs(post_data or "").items()}
        self.sent.append((method, path, dict(headers or {}), body))
        status, payload = self.overrides.get((method, path)) or RECORDED[(method, path)]
        return json.dumps(payload), status, {"request-id": "req_recorded"}

    def close(self):
        pass


@pytest.fixture
def recorded(settings, monkeypatch):
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_recorded"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    http = RecordedHTTPClient()
    monkeypatch.setattr(stripe_provider, "client", lambda: stripe.StripeClient("sk_test_recorded", http_client=http))
    return http


@pytest.fixture
def winner(freelancer):
    freelancer.email_verified = True
    freelancer.save(update_fields=["email_verified"])
    return freelancer


def test_a_payout_account_is_an_express_account_with_an_onboarding_link(recorded, as_user, winner):
    response = as_user(winner).post("/api/payments/payout-account/")

    assert response.status_code == 201, response.content
    assert response.json()["data"] == {
        "provider": "stripe",
        "status": "PENDING",
        "onboarding_url": "https://connect.stripe.com/setup/e/acct_1RecordedExpress/Recorded1",
    }
    (_, accounts, headers, body), (_, links, _, link_body) = recorded.sent
    assert accounts == "/v1/accounts" and body["type"] == "express"
    assert body["capabilities[transfers][requested]"] == "true"
    assert headers["Idempotency-Key"] == f"payout-account:{winner.pk}"
    assert links == "/v1/account_links" and link_body["account"] == "acct_1RecordedExpress"
    assert link_body["type"] == "account_onboarding"
    # asked again while PENDING: 200 and a fresh link, no second account
    again = as_user(winner).post("/api/payments/payout-account/")
    assert again.status_code == 200
    assert [path for _, path, _, _ in recorded.sent].count("/v1/accounts") == 1


def test_a_released_payout_waits_for_the_account_and_is_transferred_when_it_is_active(
    recorded, as_user, winner, admin_user
):
    as_user(winner).post("/api/payments/payout-account/")
    payout = PaymentRecordFactory(freelancer=winner, amount=Decimal("1000.05"), settled=False)
    # the award, as select-winner posts it (the factory's settle needs an ACTIVE dummy account)
    from django.db import transaction

    from payments import escrow
    from proposals.models import Proposal

    with transaction.atomic():
        escrow.settle_award(payout.competition, Proposal(freelancer_id=winner.pk, proposed_budget=payout.amount))
    assert payout.competition.status == CompetitionStatus.CLOSED

    released = as_user(admin_user).post(f"/api/payments/{payout.pk}/status/", {"status": "PROCESSING"})
    assert released.status_code == 200 and released.json()["data"]["status"] == "PENDING"

    payload = event("evt_acct_ready", "account.updated", {"id": "acct_1RecordedExpress", "payouts_enabled": True})
    assert deliver(payload, sign(payload)).status_code == 200

    payout.refresh_from_db()
    assert PayoutAccount.objects.get(user=winner).status == PayoutAccountStatus.ACTIVE
    assert (payout.status, payout.transfer_ref) == (PaymentStatus.COMPLETED, "tr_1RecordedTransfer")
    _, path, headers, body = recorded.sent[-1]
    assert path == "/v1/transfers"
    assert (body["amount"], body["currency"], body["destination"]) == ("90004", "usd", "acct_1RecordedExpress")
    assert headers["Idempotency-Key"].startswith(f"transfer:{payout.pk}:")
    assert ledger.balance(account=Account.PAYOUTS, user=winner) == Decimal("900.04")
    assert ledger.payable_of(winner) == 0
    assert_ledger_ok()


def test_a_refused_transfer_makes_the_payout_failed_and_an_admin_may_retry(recorded, as_user, winner, admin_user):
    PayoutAccount.objects.create(
        user=winner, provider="stripe", provider_account_id="acct_1RecordedExpress", status=PayoutAccountStatus.ACTIVE
    )
    payout = PaymentRecordFactory(freelancer=winner, settled=False)
    recorded.overrides[("post", "/v1/transfers")] = TRANSFER_REFUSED
    admin = as_user(admin_user)

    response = admin.post(f"/api/payments/{payout.pk}/status/", {"status": "PROCESSING"})

    assert response.status_code == 200 and response.json()["data"]["status"] == "FAILED"
    payout.refresh_from_db()
    assert "insufficient available funds" in payout.notes
    recorded.overrides.clear()
    retried = admin.post(f"/api/payments/{payout.pk}/status/", {"status": "PROCESSING"})
    assert retried.json()["data"]["status"] == "COMPLETED"
    keys = [headers["Idempotency-Key"] for _, path, headers, _ in recorded.sent if path == "/v1/transfers"]
    assert len(keys) == 2 and keys[0] != keys[1]  # a retry is a new attempt, not a replay


def test_payment_intents_and_refunds_carry_idempotency_keys_derived_from_the_funding(recorded, as_user, client_owner):
    from competitions.tests.factories import CompetitionFactory
    from payments.models import Funding

    client_owner.email_verified = True
    client_owner.save(update_fields=["email_verified"])
    draft = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT)
    data = as_user(client_owner).post(f"/api/competitions/{draft.pk}/fund/").json()["data"]
    funding = Funding.objects.get(pk=data["id"])
    assert data["client_secret"] == "pi_1RecordedIntent_secret_Recorded"
    _, path, headers, body = recorded.sent[-1]
    assert path == "/v1/payment_intents" and headers["Idempotency-Key"] == f"funding:{funding.pk}"
    assert (body["amount"], body["currency"], body["metadata[funding_id]"]) == ("150000", "usd", str(funding.pk))

    payload = event("evt_rec_pi", "payment_intent.succeeded", {"id": "pi_1RecordedIntent"})
    assert deliver(payload, sign(payload)).status_code == 200
    as_user(client_owner).post(f"/api/competitions/{draft.pk}/status/", {"status": "CANCELLED"})
    _, path, headers, body = recorded.sent[-1]
    assert path == "/v1/refunds" and headers["Idempotency-Key"] == f"refund:{funding.pk}"
    assert (body["payment_intent"], body["amount"]) == ("pi_1RecordedIntent", "150000")
    funding.refresh_from_db()
    assert funding.refund_ref == "re_1RecordedRefund"
    assert_ledger_ok()
