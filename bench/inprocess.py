"""Times the write paths that no HTTP load generator can repeat: select-winner and the cron jobs.

Usage: python bench/inprocess.py --out FILE.json [--due 1000,10000]

Everything runs inside transactions that are rolled back: the seeded data stays as it was
(callbacks registered with transaction.on_commit run inside the measurement instead).
- select-winner on the seeded 5,000-proposal REVIEW competition (and on a small one, to show the
  query count does not depend on the number of proposals), via competitions.services.select_winner;
- close_expired_competitions and remind_deadlines over N freshly created due competitions.
"""

import argparse
import inspect
import io
import json
import random
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import counted, setup_django

setup_django()

from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from competitions.models import Competition, CompetitionBookmark, CompetitionStatus  # noqa: E402
from demo.seeding import SELECT_WINNER_COMPETITION_ID  # noqa: E402
from proposals.models import Proposal, ProposalStatus  # noqa: E402

CRON_COMMANDS = ("close_expired_competitions", "remind_deadlines")


class Rollback(Exception):
    """Raised to leave an atomic block without committing."""


def measure(fn) -> dict:
    """Wall time and statements of `fn`, including the work it defers with on_commit: inside the
    rolled-back transaction that work would never run, so it runs here, inside the timing."""
    pending = len(connection.run_on_commit)
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        fn()
        deferred = connection.run_on_commit[pending:]
        del connection.run_on_commit[pending:]
        for _savepoints, callback, _robust in deferred:
            callback()
        seconds = time.perf_counter() - started
    sql = counted(captured.captured_queries)
    statements: dict[str, int] = {}
    for query in sql:
        verb = query.lstrip().split(" ", 1)[0].upper()
        statements[verb] = statements.get(verb, 0) + 1
    return {"seconds": round(seconds, 4), "queries": len(sql), "statements": statements}


def in_rollback(fn) -> dict:
    result: dict = {}
    try:
        with transaction.atomic():
            result = fn()
            raise Rollback
    except Rollback:
        pass
    return result


def call_select_winner(func, competition: Competition, proposal: Proposal) -> None:
    """Calls the service whatever its keyword names (competition/proposal/by|user|client)."""
    params = inspect.signature(func).parameters
    kwargs = {}
    for name in params:
        if name in ("competition",):
            kwargs[name] = competition
        elif name in ("proposal", "winning_proposal", "winner_proposal"):
            kwargs[name] = proposal
        elif name in ("proposal_id",):
            kwargs[name] = proposal.pk
        elif name in ("by", "user", "client", "actor", "selected_by", "owner"):
            kwargs[name] = competition.client
    func(**kwargs)


def bench_select_winner() -> dict:
    try:
        from competitions import services
    except ImportError:
        return {"available": False, "note": "competitions.services does not exist yet"}
    func = getattr(services, "select_winner", None)
    if func is None:
        return {"available": False, "note": "competitions.services.select_winner does not exist yet"}

    def run(competition_id) -> dict:
        competition = Competition.objects.select_related("client").get(pk=competition_id)
        proposal = (
            Proposal.objects.filter(competition=competition, status=ProposalStatus.SUBMITTED).order_by("pk").first()
        )
        total = competition.proposals.count()

        def once() -> dict:
            fresh = Competition.objects.select_related("client").get(pk=competition.pk)
            outcome = measure(lambda: call_select_winner(func, fresh, proposal))
            fresh.refresh_from_db()
            outcome["closed"] = fresh.status == CompetitionStatus.CLOSED
            return outcome

        outcome = in_rollback(once)
        outcome["proposals"] = total
        return outcome

    small = (
        Competition.objects.filter(status=CompetitionStatus.REVIEW)
        .exclude(pk=SELECT_WINNER_COMPETITION_ID)
        .annotate(n=Count("proposals", filter=Q(proposals__status=ProposalStatus.SUBMITTED)))
        .filter(n__gte=3)
        .order_by("n")
        .values_list("pk", flat=True)
        .first()
    )
    result: dict = {"available": True}
    try:
        if small is not None:
            run(small)  # warm-up: imports, caches, connection
            result["small"] = run(small)
        result["large"] = run(SELECT_WINNER_COMPETITION_ID)
    except Exception as exc:  # noqa: BLE001 - a failing service is reported, not fatal to the run
        result.update(available=False, note=f"select_winner raised {type(exc).__name__}: {exc}")
    return result


def create_due(kind: str, count: int) -> None:
    """`count` OPEN competitions due for the command `kind`, with proposals and bookmarks."""
    rng = random.Random(5)  # noqa: S311 - scratch data
    now = timezone.now()
    clients = list(User.objects.filter(role=Role.CLIENT).values_list("pk", flat=True)[:500])
    freelancers = list(User.objects.filter(role=Role.FREELANCER).values_list("pk", flat=True)[:2000])
    # close: the submission deadline has passed; remind: it falls within the next 24 hours.
    closing = kind == "close_expired_competitions"
    submission = now - timedelta(hours=1) if closing else now + timedelta(hours=12)
    competitions = [
        Competition(
            id=uuid.uuid4(),
            client_id=rng.choice(clients),
            title=f"Cron benchmark competition {i}",
            description="Scratch row for the cron benchmark.",
            requirements="None.",
            budget=Decimal("1000.00"),
            deadline=submission + timedelta(days=3),
            submission_deadline=submission,
            status=CompetitionStatus.OPEN,
            category="web",
            published_at=now - timedelta(days=7),
        )
        for i in range(count)
    ]
    Competition.objects.bulk_create(competitions, batch_size=5000)
    proposals, bookmarks = [], []
    for competition in competitions:
        picks = rng.sample(freelancers, 4)
        for freelancer in picks[:2]:  # two participants each
            proposals.append(
                Proposal(
                    competition_id=competition.pk,
                    freelancer_id=freelancer,
                    title="Scratch proposal",
                    description="Scratch.",
                    proposed_budget=Decimal("800.00"),
                    estimated_duration=10,
                )
            )
        for freelancer in picks[1:]:  # three bookmarkers, one of whom already submitted
            bookmarks.append(CompetitionBookmark(competition_id=competition.pk, user_id=freelancer))
    Proposal.objects.bulk_create(proposals, batch_size=5000)
    CompetitionBookmark.objects.bulk_create(bookmarks, batch_size=5000)


def bench_cron(counts: list[int]) -> dict:
    available = get_commands()
    results: dict = {}
    for command in CRON_COMMANDS:
        if command not in available:
            results[command] = {"available": False, "note": "command does not exist yet"}
            continue
        runs = {}
        for count in counts:

            def once(command=command, count=count) -> dict:
                create_due(command, count)
                out = io.StringIO()
                outcome = measure(lambda: call_command(command, stdout=out, stderr=out))
                outcome["output"] = out.getvalue().strip()[-300:]
                return outcome

            try:
                runs[str(count)] = in_rollback(once)
            except Exception as exc:  # noqa: BLE001 - reported in RESULTS.md
                runs[str(count)] = {"error": f"{type(exc).__name__}: {exc}"}
        results[command] = {"available": True, "runs": runs}
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--due", default="1000,10000", help="numbers of due competitions for the cron runs")
    args = parser.parse_args()
    counts = [int(n) for n in args.due.split(",") if n]
    print(">> select-winner (in-process, rolled back)")
    select = bench_select_winner()
    print(f"   {json.dumps(select)}")
    print(f">> cron commands over {counts} due competitions (in-process, rolled back)")
    cron = bench_cron(counts)
    print(f"   {json.dumps(cron)}")
    args.out.write_text(json.dumps({"select_winner": select, "cron": cron}, indent=2))


if __name__ == "__main__":
    main()
