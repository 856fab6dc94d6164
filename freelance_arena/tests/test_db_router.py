"""Read replica routing (`DB_REPLICA_HOST`): which reads may leave the primary, and the wiring."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import RequestFactory

from competitions.models import Competition
from competitions.tests.factories import CompetitionFactory
from freelance_arena.db_router import PrimaryReplicaRouter, ReplicaPinningMiddleware

ROOT = Path(__file__).resolve().parents[2]


def decide_inside(method: str, action) -> str:
    """Run `action(router)` inside a request of `method` passed through the pinning middleware."""
    router = PrimaryReplicaRouter()
    seen = {}

    def view(request):
        seen["alias"] = action(router)
        return None

    ReplicaPinningMiddleware(view)(RequestFactory().generic(method, "/api/competitions/"))
    return seen["alias"]


def test_a_read_in_a_safe_request_goes_to_the_replica():
    assert decide_inside("GET", lambda router: router.db_for_read(Competition)) == "replica"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_an_unsafe_request_reads_from_the_primary(method):
    assert decide_inside(method, lambda router: router.db_for_read(Competition)) == "default"


def test_a_request_that_has_written_reads_from_the_primary_afterwards():
    def write_then_read(router):
        assert router.db_for_read(Competition) == "replica"
        assert router.db_for_write(Competition) == "default"
        return router.db_for_read(Competition)

    assert decide_inside("GET", write_then_read) == "default"


def test_the_pin_ends_with_the_request():
    decide_inside("POST", lambda router: router.db_for_write(Competition))
    assert decide_inside("GET", lambda router: router.db_for_read(Competition)) == "replica"


@pytest.mark.django_db(transaction=True)
def test_a_read_inside_a_transaction_stays_on_the_primary():
    # A count after select_for_update() must see the primary, or every race guard breaks.
    def read_in_transaction(router):
        with transaction.atomic():
            return router.db_for_read(Competition)

    assert decide_inside("GET", read_in_transaction) == "default"


def test_migrations_only_run_on_the_primary():
    router = PrimaryReplicaRouter()
    assert router.allow_migrate("default", "competitions") is True
    assert router.allow_migrate("replica", "competitions") is False


@pytest.mark.django_db(transaction=True)
def test_settings_wire_the_replica_and_requests_use_it(client_owner):
    """A fresh process with DB_REPLICA_HOST set: GETs read through the `replica` connection,
    writes and the reads of a POST go through `default`. The replica alias points at the same
    server and database here, so the two connections are told apart by their query logs."""
    CompetitionFactory(client=client_owner)
    script = textwrap.dedent(
        """
        import json, django
        django.setup()
        from django.conf import settings
        from django.db import connections
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        def run(method, path, **kwargs):
            with CaptureQueriesContext(connections["default"]) as primary, \\
                 CaptureQueriesContext(connections["replica"]) as replica:
                response = getattr(Client(), method)(path, **kwargs)
            return {"status": response.status_code,
                    "primary": len(primary.captured_queries),
                    "replica": len(replica.captured_queries)}

        print(json.dumps({
            "routers": settings.DATABASE_ROUTERS,
            "replica_host": settings.DATABASES["replica"]["HOST"],
            "get": run("get", "/api/competitions/"),
            "post": run("post", "/api/auth/register/", content_type="application/json", data={
                "email": "replica@example.com", "username": "replica", "password": "Sturdy-pass-9431",
                "role": "FREELANCER",
                "first_name": "Re", "last_name": "Plica"}),
        }))
        """
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "freelance_arena.settings",
        "DB_NAME": connection.settings_dict["NAME"],
        "DB_REPLICA_HOST": connection.settings_dict["HOST"] or "127.0.0.1",
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])

    assert result["routers"] == ["freelance_arena.db_router.PrimaryReplicaRouter"]
    assert result["replica_host"] == env["DB_REPLICA_HOST"]
    assert result["get"]["status"] == 200
    assert result["get"]["replica"] >= 2  # at least the count and the page
    assert result["get"]["primary"] == 0
    assert result["post"]["status"] == 201, result
    assert result["post"]["replica"] == 0
    assert result["post"]["primary"] >= 2
    from accounts.models import User

    assert User.objects.filter(email="replica@example.com").exists()
