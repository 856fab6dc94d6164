"""EXPLAIN for the hot queries: are they using an index, or scanning the table?

Usage: DB_NAME=... python bench/explain.py [--search-word WORD] [--rows-warn 1000]

Each hot endpoint runs once in-process (as the right user); every SELECT it sent is EXPLAINed.
An endpoint without a view yet falls back to the ORM query the contract implies (marked
"approximation"). Lines flagged FULL SCAN read a whole table (type ALL) or a whole index
(type index) with more than --rows-warn rows; SORTS MANY ROWS marks a filesort over as many
(EXPLAIN's row estimates ignore LIMIT: a range read that stops after 10 rows shows the total).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEEP_OFFSET, DEFAULT_SEARCH_WORD, access_token, is_missing, load_fixtures, probe, setup_django

setup_django()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402

from competitions.models import Competition  # noqa: E402
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
    orm = fallbacks(fx)
    scans = 0
    for key, label, path, token in targets:
        result = probe("GET", path, token)
        if is_missing(result):
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
