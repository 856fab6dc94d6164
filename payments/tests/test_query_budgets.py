"""Query budgets of the payment lists: a pinned number of SQL queries per request, the same for
a full page of 10 and a full page of 100 (what is counted: freelance_arena/testing/budgets.py)."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from competitions.models import CompetitionStatus
from freelance_arena.testing.budgets import ROWS, full_page, ids, warm_up
from freelance_arena.testing.bulk import make_competitions, make_payments, make_users
from payments.models import PaymentStatus

pytestmark = pytest.mark.django_db


def ledger(cast) -> dict[str, set[str]]:
    """ROWS payments alice owes ROWS freelancers, ROWS payments of ROWS clients to charlie
    (every other one COMPLETED on a "Website" competition)."""
    won_from_alice = make_competitions(ROWS, [cast.alice], status=CompetitionStatus.CLOSED, title=lambda i: f"Shop {i}")
    owed = make_payments(list(zip(won_from_alice, make_users(ROWS), strict=True)))
    clients = make_users(ROWS, Role.CLIENT)
    won_by_charlie = make_competitions(
        ROWS, clients, status=CompetitionStatus.CLOSED, title=lambda i: f"Website {i}" if i % 2 else f"App {i}"
    )
    now = timezone.now()
    earned = make_payments(
        [(c, cast.charlie) for c in won_by_charlie],
        status=lambda i: PaymentStatus.COMPLETED if i % 2 else PaymentStatus.PROCESSING,
        completed_at=lambda i: now if i % 2 else None,
        transaction_reference=lambda i: f"TX-{uuid.uuid4().hex}" if i % 2 else None,
    )
    return {"alice": {str(p.pk) for p in owed}, "charlie": {str(p.pk) for p in earned}}


@pytest.mark.query_budget("payments:client-list")
def test_payments_of_a_client(cast, as_user, django_assert_num_queries):
    owed = ledger(cast)["alice"]
    client, url = as_user(cast.alice), reverse("payments:client-list")
    warm_up(client, url)

    with django_assert_num_queries(3):
        ten = client.get(url, {"page_size": 10})
    with django_assert_num_queries(3):
        hundred = client.get(url, {"page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == ROWS
    assert ids(page["results"]) <= owed
    assert all(row["competition_title"].startswith("Shop") for row in page["results"])


@pytest.mark.query_budget("payments:freelancer-list")
def test_payments_of_a_freelancer(cast, as_user, django_assert_num_queries):
    earned = ledger(cast)["charlie"]
    client, url = as_user(cast.charlie), reverse("payments:freelancer-list")
    warm_up(client, url)

    with django_assert_num_queries(3):
        ten = client.get(url, {"page_size": 10})
    with django_assert_num_queries(3):
        hundred = client.get(url, {"page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == ROWS
    assert ids(page["results"]) <= earned
    assert all(row["competition_title"] for row in page["results"])


@pytest.mark.query_budget("payments:admin-list")
def test_payments_as_admin(cast, as_user, django_assert_num_queries):
    payments = ledger(cast)
    client, url = as_user(cast.admin), reverse("payments:admin-list")
    warm_up(client, url)

    with django_assert_num_queries(3):
        ten = client.get(url, {"page_size": 10})
    with django_assert_num_queries(3):
        hundred = client.get(url, {"page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == 2 * ROWS
    assert ids(page["results"]) <= payments["alice"] | payments["charlie"]


@pytest.mark.query_budget("payments:admin-list")
def test_payments_as_admin_every_filter(cast, as_user, django_assert_num_queries):
    payments = ledger(cast)
    # 55 COMPLETED "Website" payments to charlie: add 55 more so the filtered list fills a page.
    clients = make_users(ROWS, Role.CLIENT)
    competitions = make_competitions(ROWS, clients, status=CompetitionStatus.CLOSED, title=lambda i: f"Website v{i}")
    now = timezone.now()
    extra = make_payments(
        [(c, cast.dana) for c in competitions],
        status=PaymentStatus.COMPLETED,
        completed_at=now,
        transaction_reference=lambda i: f"TX-{uuid.uuid4().hex}",
    )
    completed_websites = {str(p.pk) for p in extra} | payments["charlie"]
    today = timezone.now().date().isoformat()
    params = {
        "status": PaymentStatus.COMPLETED,
        "created_after": today,
        "created_before": today,
        "search": "website",
        "ordering": "-amount",
    }
    client, url = as_user(cast.admin), reverse("payments:admin-list")
    warm_up(client, url, params)

    with django_assert_num_queries(3):
        ten = client.get(url, {**params, "page_size": 10})
    with django_assert_num_queries(3):
        hundred = client.get(url, {**params, "page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == ROWS + ROWS // 2
    assert ids(page["results"]) <= completed_websites
    assert all(
        row["status"] == PaymentStatus.COMPLETED and row["competition_title"].startswith("Website")
        for row in page["results"]
    )
    amounts = [Decimal(row["amount"]) for row in page["results"]]
    assert amounts == sorted(amounts, reverse=True)
