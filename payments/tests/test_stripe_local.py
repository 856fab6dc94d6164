"""The Stripe provider against a Stripe-compatible server on loopback: `localstripe`, started
by the test on a free port, serves real PaymentIntents and Refunds to the `stripe` library.

(localstripe ignores idempotency keys and sends no webhooks: the events are signed here with
the stripe library's helper, as test_webhooks.py does.)"""

import socket
import subprocess
import sys
import time
from decimal import Decimal

import pytest
import stripe

from competitions import services as competition_services
from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from payments import ledger
from payments.models import Funding, FundingStatus
from payments.providers.stripe import client, to_minor_units
from payments.tests.money import assert_ledger_ok
from payments.tests.test_webhooks import SECRET, deliver, sign, succeeded
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def localstripe_url():
    pytest.importorskip("localstripe")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "localstripe", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None:
                pytest.fail("localstripe exited at start-up")
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("localstripe did not start listening")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def on_stripe(settings, localstripe_url):
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_localstripe"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.STRIPE_API_BASE = localstripe_url


@pytest.fixture
def owner(client_owner):
    client_owner.email_verified = True
    client_owner.save(update_fields=["email_verified"])
    return client_owner


def pay_like_stripe_js(intent_id: str) -> str:
    """What the browser does with the client_secret: a card, then the confirmation."""
    stripe_client = client()
    card = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
    method = stripe_client.v1.payment_methods.create(params={"type": "card", "card": card})
    stripe_client.v1.payment_intents.update(intent_id, params={"payment_method": method.id})
    return stripe_client.v1.payment_intents.confirm(intent_id).status


def fund_on_stripe(as_user, owner, competition) -> Funding:
    response = as_user(owner).post(f"/api/competitions/{competition.pk}/fund/")
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert data["provider"] == "stripe" and data["client_secret"].startswith(data["client_secret"].split("_secret")[0])
    funding = Funding.objects.get(pk=data["id"])
    intent = client().v1.payment_intents.retrieve(funding.provider_ref)
    assert (intent.amount, intent.currency) == (to_minor_units(competition.budget, "USD"), "usd")
    assert intent.metadata["funding_id"] == str(funding.pk)
    assert intent.client_secret == data["client_secret"]
    assert pay_like_stripe_js(funding.provider_ref) == "succeeded"
    payload = succeeded(f"evt_{funding.provider_ref}", ref=funding.provider_ref)
    assert deliver(payload, sign(payload)).status_code == 200
    funding.refresh_from_db()
    assert funding.status == FundingStatus.SUCCEEDED
    return funding


def test_a_real_payment_intent_funds_and_a_real_refund_returns_the_prize(on_stripe, as_user, owner):
    draft = CompetitionFactory(client=owner, status=CompetitionStatus.DRAFT, budget=Decimal("1500.00"))
    funding = fund_on_stripe(as_user, owner, draft)
    assert ledger.escrow_held(draft) == Decimal("1500.00")

    response = as_user(owner).post(f"/api/competitions/{draft.pk}/status/", {"status": "CANCELLED"}, format="json")

    assert response.status_code == 200, response.content
    funding.refresh_from_db()
    assert funding.status == FundingStatus.REFUNDED and funding.refund_ref.startswith("re_")
    refund = client().v1.refunds.retrieve(funding.refund_ref)
    assert (refund.amount, refund.status, refund.payment_intent) == (150000, "succeeded", funding.provider_ref)
    assert ledger.escrow_held(draft) == 0
    assert_ledger_ok()


def test_the_award_refunds_the_rest_of_the_prize_at_stripe(on_stripe, as_user, owner, freelancer):
    draft = CompetitionFactory(client=owner, status=CompetitionStatus.DRAFT, budget=Decimal("1500.00"))
    funding = fund_on_stripe(as_user, owner, draft)
    competition_services.change_status(competition=draft, new_status=CompetitionStatus.OPEN, by=owner)
    proposal = ProposalFactory(competition=draft, freelancer=freelancer, proposed_budget=Decimal("1000.00"))
    competition_services.change_status(competition=draft, new_status=CompetitionStatus.REVIEW, by=owner)

    response = as_user(owner).post(f"/api/competitions/{draft.pk}/select-winner/", {"proposal_id": str(proposal.pk)})

    assert response.status_code == 200, response.content
    funding.refresh_from_db()
    refund = client().v1.refunds.retrieve(funding.refund_ref)
    assert (refund.amount, refund.payment_intent) == (50000, funding.provider_ref)
    assert ledger.escrow_figures(draft)["refunded"] == Decimal("500.00")
    assert_ledger_ok()


def test_a_provider_refusal_is_a_400_and_changes_nothing(on_stripe, as_user, owner, settings):
    draft = CompetitionFactory(client=owner, status=CompetitionStatus.DRAFT)
    settings.STRIPE_SECRET_KEY = ""  # localstripe refuses a request without a key
    response = as_user(owner).post(f"/api/competitions/{draft.pk}/fund/")
    assert response.status_code == 400, response.content
    assert not Funding.objects.exists()


def test_amounts_go_to_stripe_in_minor_units():
    assert to_minor_units(Decimal("1500.00"), "USD") == 150000
    assert to_minor_units(Decimal("0.01"), "EUR") == 1
    assert to_minor_units(Decimal("1500"), "JPY") == 1500
    with pytest.raises(Exception, match="no minor unit"):
        to_minor_units(Decimal("1.50"), "JPY")
    assert issubclass(stripe.SignatureVerificationError, stripe.StripeError)
