"""The money flow over HTTP with the dummy provider: fund, confirm, open, cancel, close, award,
release, pay out; after every step the ledger balances (check_ledger's own logic)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from competitions.models import Competition, CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from notifications.models import Notification, NotificationType
from payments import ledger
from payments.ledger import Account, LedgerEntry, LedgerTransaction, TransactionKind
from payments.models import Funding, FundingStatus, PaymentRecord, PaymentStatus, PayoutAccount, ProviderEvent
from payments.tests.money import assert_ledger_ok
from proposals.models import ProposalStatus
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def comp_url(competition, suffix: str = "") -> str:
    return f"/api/competitions/{competition.pk}/{suffix}"


def confirm_url(funding_id) -> str:
    return f"/api/payments/fundings/{funding_id}/confirm/"


def ok(response, status_code: int = 200):
    assert response.status_code == status_code, response.content
    body = response.json()
    assert body["success"] is True
    return body["data"]


def error(response, status_code: int) -> dict:
    assert response.status_code == status_code, response.content
    body = response.json()
    assert body["success"] is False
    return body["errors"]


@pytest.fixture
def verified_owner(client_owner):
    client_owner.email_verified = True
    client_owner.save(update_fields=["email_verified"])
    return client_owner


@pytest.fixture
def verified_freelancer(freelancer):
    freelancer.email_verified = True
    freelancer.save(update_fields=["email_verified"])
    return freelancer


@pytest.fixture
def draft(verified_owner):
    return CompetitionFactory(client=verified_owner, status=CompetitionStatus.DRAFT, budget=Decimal("1500.00"))


def fund_and_confirm(api, competition, outcome: str = "succeeded") -> dict:
    funding = ok(api.post(comp_url(competition, "fund/")), 201)
    return ok(api.post(confirm_url(funding["id"]), {"outcome": outcome}, format="json"))


# --- Funding ------------------------------------------------------------------------------------


def test_owner_funds_a_draft_and_gets_a_pending_funding(as_user, verified_owner, draft):
    data = ok(as_user(verified_owner).post(comp_url(draft, "fund/")), 201)

    assert data["status"] == FundingStatus.PENDING
    assert (data["amount"], data["currency"], data["provider"]) == ("1500.00", "USD", "dummy")
    assert data["client_secret"] is None and data["succeeded_at"] is None
    funding = Funding.objects.get(pk=data["id"])
    assert funding.provider_ref.startswith("dummy_pi_")
    assert not LedgerTransaction.objects.exists()  # nothing moved until the provider confirms


def test_funding_again_while_pending_returns_the_same_funding(as_user, verified_owner, draft):
    api = as_user(verified_owner)
    first = ok(api.post(comp_url(draft, "fund/")), 201)
    second = ok(api.post(comp_url(draft, "fund/")), 200)
    assert first["id"] == second["id"]
    assert Funding.objects.count() == 1


def test_confirmed_funding_puts_the_prize_in_escrow_and_tells_the_owner(as_user, verified_owner, draft):
    data = fund_and_confirm(as_user(verified_owner), draft)

    assert data["status"] == FundingStatus.SUCCEEDED and data["succeeded_at"]
    draft.refresh_from_db()
    assert draft.funded_at is not None
    assert ledger.escrow_held(draft) == Decimal("1500.00")
    tx = LedgerTransaction.objects.get(kind=TransactionKind.FUNDING)
    assert sorted((e.account, e.amount) for e in tx.entries.all()) == [
        (Account.CLIENT_FUNDS, Decimal("-1500.00")),
        (Account.ESCROW, Decimal("1500.00")),
    ]
    assert Notification.objects.filter(
        recipient=verified_owner, notification_type=NotificationType.FUNDING_SUCCEEDED
    ).exists()
    detail = ok(as_user(verified_owner).get(comp_url(draft)))
    assert detail["funding"]["status"] == FundingStatus.SUCCEEDED
    assert detail["funding"]["amount"] == "1500.00" and detail["funding"]["funded_at"]
    assert_ledger_ok()


def test_a_second_confirm_is_a_replay_that_changes_nothing(as_user, verified_owner, draft):
    api = as_user(verified_owner)
    funding = ok(api.post(comp_url(draft, "fund/")), 201)
    ok(api.post(confirm_url(funding["id"]), {"outcome": "succeeded"}, format="json"))

    again = api.post(confirm_url(funding["id"]), {"outcome": "failed"}, format="json")

    assert ok(again)["status"] == FundingStatus.SUCCEEDED
    assert LedgerTransaction.objects.count() == 1
    assert ProviderEvent.objects.count() == 1


def test_failed_funding_tells_the_owner_and_lets_them_fund_again(as_user, verified_owner, draft):
    api = as_user(verified_owner)
    data = fund_and_confirm(api, draft, outcome="failed")
    assert data["status"] == FundingStatus.FAILED
    assert Notification.objects.filter(notification_type=NotificationType.FUNDING_FAILED).exists()
    draft.refresh_from_db()
    assert draft.funded_at is None

    again = ok(api.post(comp_url(draft, "fund/")), 201)
    assert again["id"] != data["id"]
    assert not LedgerTransaction.objects.exists()


def test_unverified_email_cannot_fund(as_user, client_owner):
    competition = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT)
    errors = error(as_user(client_owner).post(comp_url(competition, "fund/")), 403)
    assert errors["detail"] == "Verify your email address first."
    assert not Funding.objects.exists()


def test_only_the_owner_funds_and_a_hidden_draft_is_a_404(as_user, draft, other_client, freelancer, api_client):
    assert as_user(other_client).post(comp_url(draft, "fund/")).status_code == 404
    assert api_client.post(comp_url(draft, "fund/")).status_code == 401
    open_one = CompetitionFactory(client=draft.client)
    assert as_user(other_client).post(comp_url(open_one, "fund/")).status_code == 403
    assert as_user(freelancer).post(comp_url(open_one, "fund/")).status_code == 403


def test_only_a_draft_that_is_not_funded_can_be_funded(as_user, verified_owner):
    opened = CompetitionFactory(client=verified_owner)
    assert "non_field_errors" in error(as_user(verified_owner).post(comp_url(opened, "fund/")), 400)
    funded = CompetitionFactory(client=verified_owner, status=CompetitionStatus.DRAFT, funded=True)
    assert "non_field_errors" in error(as_user(verified_owner).post(comp_url(funded, "fund/")), 400)


def test_confirm_is_the_funding_clients_only(as_user, verified_owner, other_client, draft):
    funding = ok(as_user(verified_owner).post(comp_url(draft, "fund/")), 201)
    assert as_user(other_client).post(confirm_url(funding["id"]), {"outcome": "succeeded"}).status_code == 404
    assert as_user(verified_owner).post(confirm_url(funding["id"]), {"outcome": "maybe"}).status_code == 400


def test_confirm_is_a_404_with_another_provider(as_user, verified_owner, draft, settings):
    funding = ok(as_user(verified_owner).post(comp_url(draft, "fund/")), 201)
    settings.PAYMENT_PROVIDER = "stripe"
    response = as_user(verified_owner).post(confirm_url(funding["id"]), {"outcome": "succeeded"}, format="json")
    assert response.status_code == 404
    assert Funding.objects.get().status == FundingStatus.PENDING


# --- Rules on the competition -------------------------------------------------------------------


def test_opening_needs_a_funded_prize(as_user, verified_owner, draft):
    api = as_user(verified_owner)
    errors = error(api.post(comp_url(draft, "status/"), {"status": "OPEN"}, format="json"), 400)
    assert errors["status"] == ["Fund the prize before opening the competition."]

    fund_and_confirm(api, draft)
    assert ok(api.post(comp_url(draft, "status/"), {"status": "OPEN"}, format="json"))["status"] == "OPEN"


@pytest.mark.parametrize("field,value", [("budget", "2000.00"), ("currency", "EUR")])
def test_budget_and_currency_are_frozen_once_funding_starts(as_user, verified_owner, draft, field, value):
    api = as_user(verified_owner)
    ok(api.post(comp_url(draft, "fund/")), 201)  # PENDING is enough

    errors = error(api.patch(comp_url(draft), {field: value}, format="json"), 400)

    assert field in errors
    draft.refresh_from_db()
    assert str(getattr(draft, field)) == {"budget": "1500.00", "currency": "USD"}[field]
    # the other fields stay editable, and repeating the same budget is fine
    assert ok(api.patch(comp_url(draft), {"title": "New", "budget": "1500.00"}, format="json"))["title"] == "New"


def test_budget_is_editable_again_after_a_failed_funding(as_user, verified_owner, draft):
    api = as_user(verified_owner)
    fund_and_confirm(api, draft, outcome="failed")
    assert ok(api.patch(comp_url(draft), {"budget": "2000.00"}, format="json"))["budget"] == "2000.00"


def test_cancelling_refunds_a_funded_prize(as_user, verified_owner, draft):
    api = as_user(verified_owner)
    fund_and_confirm(api, draft)
    ok(api.post(comp_url(draft, "status/"), {"status": "OPEN"}, format="json"))

    data = ok(api.post(comp_url(draft, "status/"), {"status": "CANCELLED"}, format="json"))

    assert data["status"] == "CANCELLED"
    assert Funding.objects.get().status == FundingStatus.REFUNDED
    assert ledger.escrow_held(draft) == 0
    refund = LedgerTransaction.objects.get(kind=TransactionKind.REFUND)
    assert {(e.account, e.amount) for e in refund.entries.all()} == {
        (Account.ESCROW, Decimal("-1500.00")),
        (Account.REFUNDS, Decimal("1500.00")),
    }
    assert Notification.objects.filter(notification_type=NotificationType.PRIZE_REFUNDED).count() == 1
    escrow = ok(api.get(comp_url(draft, "escrow/")))
    assert escrow == {
        "funded": "1500.00",
        "released": "0.00",
        "refunded": "1500.00",
        "fees": "0.00",
        "held": "0.00",
        "currency": "USD",
    }
    assert_ledger_ok()


def test_deleting_a_funded_draft_refunds_it(as_user, verified_owner, draft):
    api = as_user(verified_owner)
    fund_and_confirm(api, draft)
    ok(api.delete(comp_url(draft)))
    assert Funding.objects.get().status == FundingStatus.REFUNDED
    assert_ledger_ok()


def test_an_active_proposal_blocks_cancelling(as_user, verified_owner):
    competition = CompetitionFactory(client=verified_owner)
    ProposalFactory(competition=competition)

    errors = error(as_user(verified_owner).post(comp_url(competition, "status/"), {"status": "CANCELLED"}), 400)

    assert "active proposals" in errors["status"][0]
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.OPEN
    assert ledger.escrow_held(competition) == Decimal("1500.00")


def test_a_withdrawn_proposal_does_not_block_cancelling(as_user, verified_owner):
    competition = CompetitionFactory(client=verified_owner)
    ProposalFactory(competition=competition, status=ProposalStatus.WITHDRAWN)
    ok(as_user(verified_owner).post(comp_url(competition, "status/"), {"status": "CANCELLED"}))
    assert ledger.escrow_held(competition) == 0
    assert_ledger_ok()


def test_closing_without_a_winner_is_refused_with_entries_and_refunds_without(as_user, verified_owner):
    api = as_user(verified_owner)
    with_entry = CompetitionFactory(client=verified_owner, status=CompetitionStatus.REVIEW)
    ProposalFactory(competition=with_entry)
    error(api.post(comp_url(with_entry, "status/"), {"status": "CLOSED"}), 400)

    empty = CompetitionFactory(client=verified_owner, status=CompetitionStatus.REVIEW)
    ok(api.post(comp_url(empty, "status/"), {"status": "CLOSED"}))
    assert ledger.escrow_held(empty) == 0
    assert ledger.escrow_figures(empty)["refunded"] == Decimal("1500.00")
    assert_ledger_ok()


@pytest.mark.parametrize("method", ["submit", "edit"])
def test_a_proposal_cannot_ask_for_more_than_the_prize(as_user, verified_owner, freelancer, method):
    competition = CompetitionFactory(client=verified_owner, budget=Decimal("1000.00"))
    api = as_user(freelancer)
    body = {
        "competition": str(competition.pk),
        "title": "Mine",
        "description": "Work",
        "proposed_budget": "1000.01",
        "estimated_duration": 3,
    }
    if method == "submit":
        errors = error(api.post("/api/proposals/", body, format="json"), 400)
    else:
        proposal = ProposalFactory(competition=competition, freelancer=freelancer, proposed_budget=Decimal("900"))
        errors = error(api.patch(f"/api/proposals/{proposal.pk}/", {"proposed_budget": "1000.01"}, format="json"), 400)
    assert "proposed_budget" in errors
    body["proposed_budget"] = "1000.00"  # the whole prize is fine
    if method == "submit":
        ok(api.post("/api/proposals/", body, format="json"), 201)


# --- The award ----------------------------------------------------------------------------------


@pytest.fixture
def in_review(verified_owner, verified_freelancer, other_freelancer):
    competition = CompetitionFactory(client=verified_owner, status=CompetitionStatus.REVIEW, budget=Decimal("1500.00"))
    winning = ProposalFactory(
        competition=competition, freelancer=verified_freelancer, proposed_budget=Decimal("1000.05")
    )
    ProposalFactory(competition=competition, freelancer=other_freelancer)
    return competition, winning


def test_the_award_settles_escrow_with_half_up_cents(as_user, verified_owner, in_review):
    competition, winning = in_review

    ok(as_user(verified_owner).post(comp_url(competition, "select-winner/"), {"proposal_id": str(winning.pk)}))

    # gross 1000.05; fee 10 % = 100.005 -> 100.01 half-up; net 900.04; rest 499.95 to the client
    award = LedgerTransaction.objects.get(kind=TransactionKind.AWARD)
    assert award.reference == f"award:{competition.pk}"
    moves = {(e.account, e.user_id, e.amount) for e in award.entries.all()}
    assert (Account.PAYABLE, winning.freelancer_id, Decimal("900.04")) in moves
    assert (Account.REVENUE, None, Decimal("100.01")) in moves
    assert (Account.REFUNDS, verified_owner.pk, Decimal("499.95")) in moves
    assert sum(e.amount for e in award.entries.all()) == 0
    payout = PaymentRecord.objects.get(competition=competition)
    assert (payout.amount, payout.platform_fee, payout.net_amount) == (
        Decimal("1000.05"),
        Decimal("100.01"),
        Decimal("900.04"),
    )
    assert payout.status == PaymentStatus.PENDING and payout.released_at is None
    assert ledger.payable_of(winning.freelancer) == Decimal("900.04")
    escrow = ok(as_user(verified_owner).get(comp_url(competition, "escrow/")))
    assert (escrow["funded"], escrow["released"], escrow["fees"], escrow["refunded"], escrow["held"]) == (
        "1500.00",
        "900.04",
        "100.01",
        "499.95",
        "0.00",
    )
    assert_ledger_ok()


def test_the_fee_follows_platform_fee_percent(as_user, verified_owner, in_review, settings):
    settings.PLATFORM_FEE_PERCENT = Decimal("7.5")
    competition, winning = in_review
    ok(as_user(verified_owner).post(comp_url(competition, "select-winner/"), {"proposal_id": str(winning.pk)}))
    payout = PaymentRecord.objects.get(competition=competition)
    assert payout.platform_fee == Decimal("75.00")  # 75.00375 -> 75.00
    assert ledger.balance(account=Account.REVENUE, competition=competition) == Decimal("75.00")
    assert_ledger_ok()


def test_releasing_without_a_payout_account_waits_and_tells_the_winner(as_user, verified_owner, admin_user, in_review):
    competition, winning = in_review
    ok(as_user(verified_owner).post(comp_url(competition, "select-winner/"), {"proposal_id": str(winning.pk)}))
    payout = PaymentRecord.objects.get(competition=competition)

    response = as_user(admin_user).post(f"/api/payments/{payout.pk}/status/", {"status": "PROCESSING"})
    data = ok(response)

    assert data["status"] == PaymentStatus.PENDING and data["released_at"]
    assert response.json()["message"].startswith("Payout released")
    assert Notification.objects.filter(
        recipient=winning.freelancer, notification_type=NotificationType.PAYOUT_ACCOUNT_NEEDED
    ).exists()
    assert_ledger_ok()

    # the account becomes ACTIVE (dummy: at once): the waiting payout goes out
    account = ok(as_user(winning.freelancer).post("/api/payments/payout-account/"), 201)
    assert account == {"provider": "dummy", "status": "ACTIVE", "onboarding_url": ""}
    payout.refresh_from_db()
    assert payout.status == PaymentStatus.PROCESSING and payout.transfer_ref.startswith("dummy_tr_")

    ok(as_user(admin_user).post(f"/api/payments/{payout.pk}/status/", {"status": "COMPLETED"}))
    payout.refresh_from_db()
    assert payout.status == PaymentStatus.COMPLETED
    assert ledger.payable_of(winning.freelancer) == 0
    assert ledger.balance(account=Account.PAYOUTS, user=winning.freelancer) == Decimal("900.04")
    assert LedgerTransaction.objects.filter(kind=TransactionKind.PAYOUT).count() == 1
    assert_ledger_ok()


def test_a_failed_transfer_can_be_retried(as_user, verified_owner, admin_user, in_review):
    competition, winning = in_review
    ok(as_user(verified_owner).post(comp_url(competition, "select-winner/"), {"proposal_id": str(winning.pk)}))
    ok(as_user(winning.freelancer).post("/api/payments/payout-account/"), 201)
    payout = PaymentRecord.objects.get(competition=competition)
    admin = as_user(admin_user)
    ok(admin.post(f"/api/payments/{payout.pk}/status/", {"status": "PROCESSING"}))
    ok(admin.post(f"/api/payments/{payout.pk}/status/", {"status": "FAILED"}))

    assert ok(admin.post(f"/api/payments/{payout.pk}/status/", {"status": "PROCESSING"}))["status"] == "PROCESSING"
    assert not LedgerTransaction.objects.filter(kind=TransactionKind.PAYOUT).exists()
    assert_ledger_ok()


# --- Payout accounts and the admin ledger --------------------------------------------------------


def test_payout_account_201_then_200_and_only_for_verified_freelancers(as_user, verified_freelancer, freelancer):
    api = as_user(verified_freelancer)
    assert api.get("/api/payments/payout-account/").status_code == 404
    ok(api.post("/api/payments/payout-account/"), 201)
    assert ok(api.post("/api/payments/payout-account/"), 200)["status"] == "ACTIVE"
    assert ok(api.get("/api/payments/payout-account/"))["provider"] == "dummy"
    assert PayoutAccount.objects.count() == 1


def test_payout_account_refuses_unverified_and_non_freelancers(as_user, other_freelancer, client_owner):
    errors = error(as_user(other_freelancer).post("/api/payments/payout-account/"), 403)
    assert errors["detail"] == "Verify your email address first."
    assert as_user(client_owner).post("/api/payments/payout-account/").status_code == 403
    assert not PayoutAccount.objects.exists()


def test_escrow_is_for_the_owner_and_admins(as_user, verified_owner, admin_user, other_client, freelancer):
    competition = CompetitionFactory(client=verified_owner)
    assert ok(as_user(admin_user).get(comp_url(competition, "escrow/")))["held"] == "1500.00"
    assert as_user(other_client).get(comp_url(competition, "escrow/")).status_code == 403
    assert as_user(freelancer).get(comp_url(competition, "escrow/")).status_code == 403


def test_admin_ledger_lists_transactions_with_filters_in_bounded_queries(
    as_user, admin_user, client_owner, django_assert_max_num_queries
):
    competitions = [CompetitionFactory(client=client_owner) for _ in range(5)]
    old = LedgerTransaction.objects.filter(competition=competitions[0]).get()
    LedgerTransaction.objects.filter(pk=old.pk)  # (rows are never updated: the date filter uses today)
    api = as_user(admin_user)
    with django_assert_max_num_queries(6):
        page = ok(api.get("/api/payments/ledger/"))
    assert page["count"] == 5
    first = page["results"][0]
    assert set(first) == {"id", "kind", "competition", "reference", "created_at", "entries"}
    assert {e["account"] for e in first["entries"]} == {"client_funds", "escrow"}
    assert ok(api.get("/api/payments/ledger/", {"competition": str(competitions[1].pk)}))["count"] == 1
    assert ok(api.get("/api/payments/ledger/", {"kind": "AWARD"}))["count"] == 0
    today = timezone.now().date()
    assert ok(api.get("/api/payments/ledger/", {"created_after": str(today + timedelta(days=1))}))["count"] == 0
    assert ok(api.get("/api/payments/ledger/", {"created_before": str(today)}))["count"] == 5
    assert api.get("/api/payments/ledger/", {"kind": "NOPE"}).status_code == 400
    assert as_user(client_owner).get("/api/payments/ledger/").status_code == 403


def test_competition_detail_funding_is_null_until_a_funding_exists(as_user, verified_owner, draft):
    assert ok(as_user(verified_owner).get(comp_url(draft)))["funding"] is None
    ok(as_user(verified_owner).post(comp_url(draft, "fund/")), 201)
    funding = ok(as_user(verified_owner).get(comp_url(draft)))["funding"]
    assert funding == {"status": "PENDING", "amount": "1500.00", "currency": "USD", "funded_at": None}


def test_competition_detail_query_count_does_not_grow_with_fundings(
    as_user, verified_owner, draft, django_assert_max_num_queries
):
    api = as_user(verified_owner)
    for _ in range(3):
        fund_and_confirm(api, draft, outcome="failed")
    with django_assert_max_num_queries(4):
        assert ok(api.get(comp_url(draft)))["funding"]["status"] == "FAILED"
    assert Competition.objects.get(pk=draft.pk).funded_at is None
    assert LedgerEntry.objects.count() == 0
