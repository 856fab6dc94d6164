"""Shared helpers of the benchmark scripts: Django set-up, the seeded fixtures, in-process probes."""

import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGE_SIZE = 10
DEEP_OFFSET = 50_000
DEFAULT_SEARCH_WORD = "kubernetes"


# Benchmarks run with DEBUG off, where the payment provider must be named: the dummy one (no
# money moves, no network), as in development and tests.
os.environ.setdefault("PAYMENT_PROVIDER", "dummy")


def setup_django() -> None:
    """Imports Django with the project's settings; the caller's environment picks the database."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "freelance_arena.settings")
    import django

    django.setup()


# Savepoints appear only because the probe wraps the request in a transaction of its own (the
# view's outermost atomic block would be a BEGIN/COMMIT, which Django does not log): not counted.
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def counted(captured_queries: list[dict]) -> list[str]:
    """The statements that count as queries: everything but transaction control."""
    return [q["sql"] for q in captured_queries if not q["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)]


@dataclass
class Probe:
    """One request run in-process: its status, its SQL, and how long it took."""

    status: int
    queries: int
    sql: list[str] = field(default_factory=list)
    seconds: float = 0.0
    body: Any = None


def access_token(user) -> str:
    """A SimpleJWT access token minted directly (works before the login view exists)."""
    from rest_framework_simplejwt.tokens import AccessToken

    return str(AccessToken.for_user(user))


def django_client():
    from django.conf import settings
    from django.test import Client

    host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS and settings.ALLOWED_HOSTS[0] != "*" else "127.0.0.1"
    return Client(HTTP_HOST=host)


def probe(method: str, path: str, token: str | None = None, body: dict | None = None, rollback: bool = False) -> Probe:
    """Runs one request through the whole Django stack and counts its SQL queries.

    With `rollback`, the request runs inside a transaction that is rolled back afterwards, so a
    POST leaves the benchmark data untouched.
    """
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    client = django_client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    kwargs: dict[str, Any] = dict(headers)
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")

    def send():
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = getattr(client, method.lower())(path, **kwargs)
            elapsed = time.perf_counter() - started
        try:
            payload = json.loads(response.content or b"null")
        except ValueError:
            payload = None
        statements = counted(captured.captured_queries)
        return Probe(response.status_code, len(statements), statements, elapsed, payload)

    if not rollback:
        return send()
    with transaction.atomic():
        result = send()
        transaction.set_rollback(True)
    return result


def is_missing(result: Probe) -> bool:
    """True when the URL has no view yet (the catch-all JSON 404, or 405 on a missing method)."""
    return result.status in (404, 405)


@dataclass
class Fixtures:
    heavy: Any
    select_winner_competition: Any
    owner_of_select_winner: Any
    open_count: int
    deep_page: int
    search_word: str
    search_matches: int


def load_fixtures(search_word: str = DEFAULT_SEARCH_WORD) -> Fixtures:
    """Finds what seed_demo created for the benchmark; fails clearly when nothing is seeded."""
    from django.db.models import Q

    from accounts.models import User
    from competitions.models import Competition, CompetitionStatus
    from demo.seeding import HEAVY_EMAIL, SELECT_WINNER_COMPETITION_ID

    heavy = User.objects.filter(email=HEAVY_EMAIL).first()
    special = Competition.objects.filter(pk=SELECT_WINNER_COMPETITION_ID).select_related("client").first()
    if heavy is None or special is None:
        raise SystemExit("No demo data: run `manage.py seed_demo --size small|large --flush` first.")
    open_count = Competition.objects.filter(status=CompetitionStatus.OPEN).count()
    last_page = max(1, -(-open_count // PAGE_SIZE))
    deep_page = min(DEEP_OFFSET // PAGE_SIZE + 1, last_page)
    matches = (
        Competition.objects.filter(status=CompetitionStatus.OPEN)
        .filter(Q(title__icontains=search_word) | Q(description__icontains=search_word))
        .count()
    )
    return Fixtures(heavy, special, special.client, open_count, deep_page, search_word, matches)
