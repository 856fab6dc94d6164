"""The admin index is a dashboard whose numbers match the data, in a bounded number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice import dashboard
from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from payments.models import PaymentStatus
from payments.tests.factories import PaymentRecordFactory
from proposals.models import Proposal
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(client, admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    return client


@pytest.fixture
def platform(client_owner, freelancer, other_freelancer):
    now = timezone.now()
    for status, n in [
        (CompetitionStatus.DRAFT, 1),
        (CompetitionStatus.OPEN, 3),
        (CompetitionStatus.REVIEW, 2),
        (CompetitionStatus.CANCELLED, 1),
    ]:
        for _ in range(n):
            CompetitionFactory(client=client_owner, status=status)
    open_one = CompetitionFactory(client=client_owner)
    recent = ProposalFactory(competition=open_one, freelancer=freelancer)
    old = ProposalFactory(competition=open_one, freelancer=other_freelancer)
    Proposal.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=9))
    this_month = now.replace(day=1, hour=12) + timedelta(days=1)
    last_month = this_month.replace(day=1) - timedelta(days=10)

    def paid(amount: str, when, status=PaymentStatus.COMPLETED, currency="USD"):
        return PaymentRecordFactory(
            competition=CompetitionFactory(client=client_owner, status=CompetitionStatus.CLOSED, currency=currency),
            freelancer=freelancer,
            amount=Decimal(amount),
            currency=currency,
            status=status,
            completed_at=when if status == PaymentStatus.COMPLETED else None,
        )

    paid("1000.00", this_month)
    paid("500.00", this_month)
    paid("999.99", last_month)
    paid("200.00", this_month, currency="EUR")
    paid("300.00", None, status=PaymentStatus.PENDING)
    paid("400.00", None, status=PaymentStatus.PROCESSING)
    return {"this_month": this_month, "last_month": last_month, "recent": recent}


def panel(panels: list[dict], title_start: str) -> dict:
    return next(p for p in panels if p["title"].startswith(title_start))


def test_the_dashboard_numbers_match_the_data(platform):
    panels = dashboard.dashboard()

    by_status = dict(panel(panels, "Competitions by status")["items"])
    # 4 closed ones carry the payments above, +1 open one holds the proposals.
    assert by_status == {"Draft": 1, "Open": 4, "Review": 2, "Closed": 6, "Cancelled": 1}
    assert dict(panel(panels, "Proposals")["items"]) == {"Submitted in the last 7 days": 1, "All time": 2}

    waiting = dict(panel(panels, "Payouts waiting")["items"])
    assert waiting == {"Pending (USD)": "1 · 300.00", "Processing (USD)": "1 · 400.00"}

    table = panel(panels, "Paid out and platform revenue")["table"]
    this_month = platform["this_month"].strftime("%Y-%m")
    last_month = platform["last_month"].strftime("%Y-%m")
    rows = {(row["month"], row["currency"]): row for row in table}
    assert rows[(this_month, "USD")]["payouts"] == 2
    assert rows[(this_month, "USD")]["paid_out"] == Decimal("1350.00")  # 900.00 + 450.00 net
    assert rows[(this_month, "USD")]["revenue"] == Decimal("150.00")
    assert rows[(this_month, "EUR")]["revenue"] == Decimal("20.00")
    assert rows[(last_month, "USD")]["paid_out"] == Decimal("899.99")
    assert rows[(last_month, "USD")]["revenue"] == Decimal("100.00")
    assert [row["month"] for row in table] == sorted((row["month"] for row in table), reverse=True)


def test_panels_of_models_that_do_not_exist_yet_are_hidden(platform):
    titles = [p["title"] for p in dashboard.dashboard()]
    assert not any(title.startswith(("Disputes", "Reports", "Funded")) for title in titles)


def test_the_admin_index_shows_the_dashboard_in_bounded_queries(admin_browser, platform, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = admin_browser.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="dashboard"' in html
    assert "Competitions by status" in html and "Paid out and platform revenue" in html
    assert "1,350.00" in html and "150.00" in html
    assert "Submitted in the last 7 days" in html
    # The app list is still there below the dashboard.
    assert reverse("admin:competitions_competition_changelist") in html


def test_the_dashboard_query_count_does_not_grow_with_the_data(
    admin_browser, platform, client_owner, freelancer, django_assert_max_num_queries
):
    for _ in range(5):
        PaymentRecordFactory(
            competition=CompetitionFactory(client=client_owner, status=CompetitionStatus.CLOSED),
            freelancer=freelancer,
            status=PaymentStatus.COMPLETED,
            completed_at=timezone.now(),
        )
    with django_assert_max_num_queries(12):
        assert admin_browser.get(reverse("admin:index")).status_code == 200
