"""EXPLAIN for the hot queries: are they using an index, or scanning the table?

Usage: DB_NAME=... python bench/explain.py [--search-word WORD] [--rows-warn 1000]

Each hot endpoint runs once in-process (as the right user); every SELECT it sent is EXPLAINed.
An endpoint without a view yet falls back to the ORM query the contract implies (marked
"approximation"). Lines flagged FULL SCAN read a whole table (type ALL) or a whole index
(type index) with more than --rows-warn rows; SORTS MANY ROWS marks a filesort over as many
(EXPLAIN's row estimates ignore LIMIT: a range read that stops after 10 rows shows the total).
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEEP_OFFSET, DEFAULT_SEARCH_WORD, access_token, is_missing, load_fixtures, probe, setup_django

# Measure the database path: the public list's page cache would answer repeated URLs itself.
os.environ.setdefault("PUBLIC_LIST_CACHE_SECONDS", "0")
setup_django()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402

from competitions.models import Competition  # noqa: E402
from feedback.models import Review  # noqa: E402
from notifications.models import Notification  # noqa: E402
from proposals.models import Proposal, ProposalStatus  # noqa: E402


def captured(*runs) -> list[str]:
    """The SQL the ORM actually sends for each callable (page query, COUNT, ...)."""
    from django.test.utils import CaptureQueriesContext

    statements = []
    for run in runs:
        with CaptureQueriesContext(connection) as queries:
            run()
        statements += [q["sql"] for q in queries.captured_queries]
    return statements


def fallbacks(fx) -> dict:
    """What each endpoint is expected to run when it has no view yet: the page and its COUNT."""
    listed = Competition.objects.listed().with_proposal_count().order_by("-created_at")
    search = listed.filter(Q(title__icontains=fx.search_word) | Q(description__icontains=fx.search_word))
    notifications = Notification.objects.filter(recipient=fx.heavy).order_by("-created_at")
    proposals = (
        Proposal.objects.filter(competition=fx.select_winner_competition)
        .exclude(status=ProposalStatus.WITHDRAWN)
        .order_by("-created_at")
    )
    offset = min(DEEP_OFFSET, (fx.deep_page - 1) * 10)
    return {
        "list": lambda: captured(lambda: listed.count(), lambda: list(listed[:10])),
        "deep": lambda: captured(lambda: list(listed[offset : offset + 10])),
        "search": lambda: captured(lambda: search.count(), lambda: list(search[:10])),
        "notifications": lambda: captured(
            lambda: notifications.count(),
            lambda: list(notifications[:10]),
            lambda: notifications.filter(is_read=False).count(),
        ),
        "client_proposals": lambda: captured(lambda: proposals.count(), lambda: list(proposals[:10])),
    }


def explain(sql: str, rows_warn: int) -> list[str]:
    lines = []
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        columns = [c[0] for c in cursor.description]
        for row in cursor.fetchall():
            r = dict(zip(columns, row, strict=True))
            rows = int(r.get("rows") or 0)
            extra = r.get("Extra") or ""
            flag = ""
            if r.get("type") in ("ALL", "index") and rows > rows_warn:
                flag = "FULL SCAN "
            elif "filesort" in extra and rows > rows_warn:
                flag = "SORTS MANY ROWS "
            lines.append(
                f"    {flag}table={r.get('table')} type={r.get('type')} "
                f"key={r.get('key')} rows={rows:,} {extra}".rstrip()
            )
    return lines


def busiest(model, field: str):
    """The user with the most rows of `model` through `field` (one GROUP BY on an index)."""
    from django.db.models import Count

    from accounts.models import User

    row = model.objects.values(field).annotate(n=Count("pk")).order_by("-n").first()
    return User.objects.get(pk=row[field]) if row else None


def filter_targets(fx) -> list[tuple[str, str, str, str | None]]:
    """Every filter and ordering the contract offers on a list, as its busiest user sends it."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Role, User
    from payments.models import PaymentRecord

    admin = User.objects.filter(role=Role.ADMIN).first()
    freelancer = busiest(Proposal, "freelancer")
    payer, payee = busiest(PaymentRecord, "client"), busiest(PaymentRecord, "freelancer")
    category = Competition.objects.values_list("category", flat=True).first()
    soon, later = (timezone.now() + timedelta(days=d) for d in (10, 40))
    window = f"deadline_after={soon:%Y-%m-%dT%H:%M:%SZ}&deadline_before={later:%Y-%m-%dT%H:%M:%SZ}"
    year_ago = (timezone.now() - timedelta(days=365)).date()
    competitions = [
        "ordering=budget",
        "ordering=-budget",
        "ordering=deadline",
        "ordering=-deadline",
        "ordering=created_at",
        f"category={category}",
        f"category={category}&ordering=-budget",
        "budget_min=1000&budget_max=5000",
        window,
        "tags=python",
    ]
    targets = [(f"filter:{q}", f"GET /api/competitions/?{q}", f"/api/competitions/?{q}", None) for q in competitions]
    as_user = [
        (admin, "/api/competitions/?status=CLOSED"),
        (admin, "/api/competitions/?status=REVIEW&ordering=-budget"),
        (
            fx.owner_of_select_winner,
            f"/api/proposals/competition/{fx.select_winner_competition.pk}/?ordering=-client_score",
        ),
        (freelancer, "/api/proposals/mine/"),
        (freelancer, "/api/proposals/mine/?status=SUBMITTED&ordering=-proposed_budget"),
        (fx.heavy, "/api/notifications/?is_read=false"),
        (fx.heavy, "/api/notifications/?notification_type=PROPOSAL_REJECTED"),
        (payer, "/api/payments/client/"),
        (payee, f"/api/payments/freelancer/?created_after={year_ago}"),
        (admin, "/api/payments/admin/?status=COMPLETED&ordering=-amount"),
        (admin, f"/api/payments/admin/?created_after={year_ago}"),
        (admin, "/api/auth/users/?role=FREELANCER&ordering=-date_joined"),
        (None, "/api/auth/freelancers/?skills=django"),
        (None, f"/api/feedback/users/{busiest(Review, 'reviewee').pk}/reviews/?ordering=rating"),
    ]
    for user, path in as_user:
        targets.append((f"filter:{path}", f"GET {path}", path, access_token(user) if user is not None else None))
    return targets


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--search-word", default=DEFAULT_SEARCH_WORD)
    parser.add_argument("--rows-warn", type=int, default=1000)
    parser.add_argument("--max-sql-chars", type=int, default=400)
    args = parser.parse_args()
    fx = load_fixtures(args.search_word)
    heavy, owner = access_token(fx.heavy), access_token(fx.owner_of_select_winner)
    targets = [
        ("list", "GET /api/competitions/", "/api/competitions/", None),
        ("deep", f"GET /api/competitions/?page={fx.deep_page}", f"/api/competitions/?page={fx.deep_page}", None),
        (
            "search",
            f"GET /api/competitions/?search={fx.search_word}",
            f"/api/competitions/?search={fx.search_word}",
            None,
        ),
        ("notifications", "GET /api/notifications/ (heavy user)", "/api/notifications/", heavy),
        (
            "client_proposals",
            "GET /api/proposals/competition/<id>/ (5,000 proposals)",
            f"/api/proposals/competition/{fx.select_winner_competition.pk}/",
            owner,
        ),
    ]
    targets += filter_targets(fx)
    orm = fallbacks(fx)
    scans = 0
    for key, label, path, token in targets:
        result = probe("GET", path, token)
        if is_missing(result) and key in orm:
            statements = orm[key]()
            print(f"\n== {label}: HTTP {result.status}, endpoint missing - ORM approximation")
        else:
            statements = [s for s in result.sql if s.lstrip().upper().startswith("SELECT")]
            print(f"\n== {label}: HTTP {result.status}, {result.queries} queries, {len(statements)} SELECTs")
        for sql in statements:
            shown = sql if len(sql) <= args.max_sql_chars else sql[: args.max_sql_chars] + " ..."
            print(f"  {shown}")
            plan = explain(sql, args.rows_warn)
            scans += sum(line.lstrip().startswith(("FULL SCAN", "SORTS MANY ROWS")) for line in plan)
            print("\n".join(plan))
    print(f"\n{scans} full scan(s) or large sort(s) over {args.rows_warn:,} rows on the hot paths.")


if __name__ == "__main__":
    main()
