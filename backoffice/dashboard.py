"""The numbers of the admin dashboard, each panel a few aggregate queries whatever the data size.

A panel is a function returning a dict (`title`, and `rows` or `items`) or None to stay hidden.
Later parts add theirs to PANELS (funded money, disputes and reports waiting): a panel whose
model does not exist yet returns None, so the dashboard shows only what the platform has.
"""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from competitions.models import Competition, CompetitionStatus
from payments.models import PaymentRecord, PaymentStatus
from proposals.models import Proposal

REVENUE_MONTHS = 12


def competitions_by_status() -> dict[str, Any]:
    counts = dict(Competition.objects.order_by().values_list("status").annotate(n=Count("pk")))
    rows = [(label, counts.get(value, 0)) for value, label in CompetitionStatus.choices]
    return {"title": "Competitions by status", "items": rows, "total": sum(counts.values())}


def proposals_this_week(now=None) -> dict[str, Any]:
    now = now or timezone.now()
    counts = Proposal.objects.aggregate(
        week=Count("pk", filter=Q(created_at__gte=now - timedelta(days=7))),
        total=Count("pk"),
    )
    return {
        "title": "Proposals",
        "items": [("Submitted in the last 7 days", counts["week"]), ("All time", counts["total"])],
    }


def payments_waiting() -> dict[str, Any]:
    waiting = (
        PaymentRecord.objects.filter(status__in=[PaymentStatus.PENDING, PaymentStatus.PROCESSING])
        .order_by()
        .values_list("status", "currency")
        .annotate(n=Count("pk"), amount=Sum("amount"))
    )
    items = [(f"{status.title()} ({currency})", f"{n} · {amount:,.2f}") for status, currency, n, amount in waiting]
    return {"title": "Payouts waiting", "items": items or [("None", "")]}


def revenue_by_month(now=None) -> dict[str, Any]:
    """Paid out (net to winners) and platform revenue (fees), by month of completion."""
    now = now or timezone.now()
    since = (
        now.replace(day=1, hour=0, minute=0, second=0, microsecond=0) - timedelta(days=31 * REVENUE_MONTHS)
    ).replace(day=1)
    rows = (
        PaymentRecord.objects.filter(status=PaymentStatus.COMPLETED, completed_at__gte=since)
        .annotate(month=TruncMonth("completed_at"))
        .order_by("-month", "currency")
        .values_list("month", "currency")
        .annotate(paid_out=Sum("net_amount"), revenue=Sum("platform_fee"), payouts=Count("pk"))
    )
    table = [
        {
            "month": month.strftime("%Y-%m"),
            "currency": currency,
            "payouts": payouts,
            "paid_out": paid_out or Decimal("0.00"),
            "revenue": revenue or Decimal("0.00"),
        }
        for month, currency, paid_out, revenue, payouts in rows
    ]
    return {"title": f"Paid out and platform revenue by month (last {REVENUE_MONTHS})", "kind": "table", "table": table}


def _model(app_label: str, name: str):
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def funded_money() -> dict[str, Any] | None:
    """Money clients paid into escrow; appears once Part 2's Funding model exists."""
    funding = _model("payments", "Funding")
    if funding is None:
        return None
    totals = funding.objects.filter(status="SUCCEEDED").order_by().values_list("currency").annotate(total=Sum("amount"))
    return {"title": "Funded", "items": [(currency, f"{total:,.2f}") for currency, total in totals]}


def disputes_waiting() -> dict[str, Any] | None:
    dispute = _model("payments", "Dispute")
    if dispute is None:
        return None
    return {"title": "Disputes waiting", "items": [("Open", dispute.objects.filter(status="OPEN").count())]}


def reports_waiting() -> dict[str, Any] | None:
    report = _model("proposals", "Report")
    if report is None:
        return None
    return {"title": "Reports waiting", "items": [("Open", report.objects.filter(status="OPEN").count())]}


PANELS: list[Callable[[], dict[str, Any] | None]] = [
    competitions_by_status,
    proposals_this_week,
    payments_waiting,
    funded_money,
    disputes_waiting,
    reports_waiting,
    revenue_by_month,
]


def dashboard() -> list[dict[str, Any]]:
    """Every panel that applies, in order."""
    return [panel for panel in (build() for build in PANELS) if panel is not None]
