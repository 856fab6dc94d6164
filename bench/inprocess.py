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


def bench_money(rounds: int = 20) -> dict:
    """Money paths (issue 12), in-process through django.test.Client, rolled back:
    POST fund/ + the dummy confirm on fresh drafts; the Stripe webhook with a signed replayed
    event (the exactly-once path every duplicate takes) against GET /api/health/ (the ceiling)."""
    import stripe
    from django.conf import settings
    from django.test import Client
    from rest_framework_simplejwt.tokens import AccessToken

    owner = User.objects.filter(role=Role.CLIENT, is_active=True).order_by("pk").first()
    if owner is None:
        return {"available": False, "note": "no client in the seeded data"}

    def timed(call, n: int) -> float:
        started = time.perf_counter()
        for _ in range(n):
            call()
        return (time.perf_counter() - started) / n

    def once() -> dict:
        User.objects.filter(pk=owner.pk).update(email_verified=True)
        http = Client(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(owner)}", HTTP_HOST="127.0.0.1")
        now = timezone.now()
        drafts = Competition.objects.bulk_create(
            Competition(
                client=owner,
                title=f"bench fund {i}",
                description="d",
                requirements="r",
                budget=Decimal("1500.00"),
                deadline=now + timedelta(days=9),
                submission_deadline=now + timedelta(days=8),
                category="web",
            )
            for i in range(rounds)
        )
        pool = iter(drafts)
        queries: list[int] = []

        def fund_and_confirm() -> None:
            draft = next(pool)
            with CaptureQueriesContext(connection) as captured:
                funding = http.post(f"/api/competitions/{draft.pk}/fund/").json()["data"]
                confirmed = http.post(
                    f"/api/payments/fundings/{funding['id']}/confirm/", {"outcome": "succeeded"}, "application/json"
                )
            assert confirmed.status_code == 200, confirmed.content
            queries.append(len(captured.captured_queries))

        fund_seconds = timed(fund_and_confirm, rounds)
        secret = "whsec_bench"
        settings.STRIPE_WEBHOOK_SECRET = secret
        payload = json.dumps(
            {"id": "evt_bench", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_x"}}}
        )
        stamp = int(time.time())
        header = f"t={stamp},v1={stripe.WebhookSignature._compute_signature(f'{stamp}.{payload}', secret)}"
        anonymous = Client(HTTP_HOST="127.0.0.1")

        def webhook() -> None:
            response = anonymous.post(
                "/api/payments/webhooks/stripe/", payload, "application/json", HTTP_STRIPE_SIGNATURE=header
            )
            assert response.status_code == 200, response.content

        webhook()  # the first delivery stores the event; the timed ones are replays
        webhook_seconds = timed(webhook, 200)
        ceiling_seconds = timed(lambda: anonymous.get("/api/health/"), 200)
        return {
            "available": True,
            "fund_confirm_ms": round(fund_seconds * 1000, 2),
            "fund_confirm_queries": max(queries),
            "webhook_ms": round(webhook_seconds * 1000, 3),
            "ceiling_ms": round(ceiling_seconds * 1000, 3),
            "webhook_share_of_ceiling": round(ceiling_seconds / webhook_seconds, 2),
        }

    try:
        return in_rollback(once)
    except Exception as exc:  # noqa: BLE001 - reported, not fatal
        return {"available": False, "note": f"{type(exc).__name__}: {exc}"}


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
    print(">> money: fund + confirm, signed webhook replay vs health (in-process, rolled back)")
    money = bench_money()
    print(f"   {json.dumps(money)}")
    args.out.write_text(json.dumps({"select_winner": select, "cron": cron, "money": money}, indent=2))


if __name__ == "__main__":
    main()
