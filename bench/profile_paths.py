"""Times hot paths in-process (django.test.Client, no gunicorn, no load generator), to measure a
change to one of them before the whole benchmark runs; optionally profiles them with cProfile.

Usage: DB_NAME=<seeded database> python bench/profile_paths.py PATH [PATH ...] [-n 1000] [--profile]
PATH: health, notifications (heavy@demo.test), post (POST /api/proposals/, each request a
different freelancer x OPEN competition pair, inside a rolled-back transaction whose on_commit
callbacks run inside the timing), list (the public list as anonymous visitors get it, cached).

Production-like settings as bench/run.py starts gunicorn with: DEBUG off, throttles in the stack
at 10^9/second, the cache on Redis (--redis-url). Prints the median and p10/p90 wall time per
request, the process's CPU time per request (the Python side; the wall time adds MySQL's and
Redis's) and the statements of one request. The machine is shared: compare two versions by
alternating runs (e.g. a `git worktree` of the other commit, its path as PYTHONPATH), not by
single numbers.
"""

import argparse
import cProfile
import json
import os
import pstats
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

os.environ.update(
    DJANGO_DEBUG="False",
    DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
    DJANGO_ALLOWED_HOSTS="testserver",
    SECURE_SSL_REDIRECT="False",
    THROTTLE_ANON="1000000000/second",
    THROTTLE_USER="1000000000/second",
    THROTTLE_LOGIN="1000000000/second",
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import TRANSACTION_CONTROL, access_token, setup_django

PATHS = ("health", "notifications", "post", "list")


def build(path: str):
    """(label, one request) for `path`; the request asserts its status."""
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from accounts.models import Role, User
    from competitions.models import Competition, CompetitionStatus
    from demo.seeding import HEAVY_EMAIL
    from proposals.models import Proposal

    client = Client()

    def get(url: str, token: str | None = None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

        def request() -> None:
            response = client.get(url, **headers)
            assert response.status_code == 200, response.content[:300]

        return request

    if path == "health":
        return "GET /api/health/", get("/api/health/")
    if path == "list":
        return "GET /api/competitions/ (anonymous)", get("/api/competitions/")
    if path == "notifications":
        heavy = User.objects.get(email=HEAVY_EMAIL)
        return f"GET /api/notifications/ ({heavy.email})", get("/api/notifications/", access_token(heavy))

    rng = random.Random(5)  # noqa: S311 - picking benchmark rows
    soon = timezone.now() + timezone.timedelta(hours=2)
    competitions = list(
        Competition.objects.filter(
            status=CompetitionStatus.OPEN, max_proposals__isnull=True, submission_deadline__gt=soon
        ).values_list("id", flat=True)[:2000]
    )
    freelancers = list(User.objects.filter(role=Role.FREELANCER, is_active=True).values_list("id", flat=True)[:2000])
    competitions = rng.sample(competitions, min(60, len(competitions)))
    freelancers = rng.sample(freelancers, min(60, len(freelancers)))
    taken = set(
        Proposal.objects.filter(competition_id__in=competitions, freelancer_id__in=freelancers).values_list(
            "competition_id", "freelancer_id"
        )
    )
    tokens = {user.pk: access_token(user) for user in User.objects.filter(pk__in=freelancers)}
    pairs = [(f, c) for c in competitions for f in freelancers if (c, f) not in taken]
    rng.shuffle(pairs)
    queue = iter(pairs)

    def post() -> None:
        freelancer, competition = next(queue)
        body = {
            "competition": str(competition),
            "title": "Benchmark proposal",
            "description": "A plan, milestones and a fixed price.",
            "proposed_budget": "700.00",
            "estimated_duration": 9,
        }
        with transaction.atomic():
            pending = len(connection.run_on_commit)
            response = client.post(
                "/api/proposals/",
                data=json.dumps(body),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {tokens[freelancer]}",
            )
            assert response.status_code == 201, response.content[:300]
            deferred = connection.run_on_commit[pending:]
            del connection.run_on_commit[pending:]
            for _savepoints, callback, _robust in deferred:
                callback()
            transaction.set_rollback(True)

    return f"POST /api/proposals/ (up to {len(pairs):,} pairs, rolled back)", post


def statements(request) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        request()
    return [q["sql"] for q in captured.captured_queries]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", choices=PATHS)
    parser.add_argument("-n", type=int, default=1000, help="timed requests per path (after 20 of warm-up)")
    parser.add_argument("--profile", action="store_true", help="then profile n more requests with cProfile")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sql", action="store_true", help="print the statements of one request")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"))
    args = parser.parse_args()
    os.environ["REDIS_URL"] = args.redis_url
    setup_django()

    for path in args.paths:
        label, request = build(path)
        for _ in range(20):
            request()
        sql = statements(request)
        counted = [s for s in sql if not s.lstrip().upper().startswith((*TRANSACTION_CONTROL, "BEGIN", "ROLLBACK"))]
        times = []
        cpu = time.process_time()
        for _ in range(args.n):
            started = time.perf_counter()
            request()
            times.append((time.perf_counter() - started) * 1000)
        cpu = (time.process_time() - cpu) * 1000 / args.n
        times.sort()
        print(
            f"{label}: median {statistics.median(times):.3f} ms (p10 {times[len(times) // 10]:.3f}, "
            f"p90 {times[len(times) * 9 // 10]:.3f}), CPU {cpu:.3f} ms/request, {len(counted)} statements"
        )
        if args.sql:
            for statement in counted:
                print(f"    {statement[:300]}")
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.n):
                request()
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
