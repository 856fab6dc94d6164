"""Faults: a database connection that dies under a running API is replaced on the next request.

Production keeps connections open (CONN_MAX_AGE, default 60 s) and health-checks them before
reuse (CONN_HEALTH_CHECKS). Here the persistent connection is killed from another connection
(`KILL <id>`, what a database restart does to every client) and the next request, through the
real WSGI handler and its request_started/request_finished signals (Django's test client
disconnects those), must succeed on a fresh connection. The full restart of MariaDB under
gunicorn is scripts/db_restart_check.sh (not in CI: it restarts the shared server).
"""

import io
import json
import wsgiref.util

import MySQLdb
import pytest
from django.db import InterfaceError, OperationalError, connection

from competitions.tests.factories import CompetitionFactory
from freelance_arena.exceptions import custom_exception_handler
from freelance_arena.wsgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def wsgi_get(path: str) -> tuple[int, dict]:
    environ: dict = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "HTTP_HOST": "localhost", "wsgi.input": io.BytesIO()}
    wsgiref.util.setup_testing_defaults(environ)
    status: list[str] = []
    chunks = application(environ, lambda code, headers, exc_info=None: status.append(code))
    try:
        body = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    return int(status[0].split()[0]), json.loads(body)


def server_side_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT CONNECTION_ID()")
        return cursor.fetchone()[0]


def kill_from_another_connection(connection_id: int) -> None:
    params = connection.get_connection_params()
    killer = MySQLdb.connect(
        host=params.get("host", "127.0.0.1"),
        port=params.get("port", 3306),
        user=params.get("user", "root"),
        password=params.get("password", ""),
    )
    try:
        killer.cursor().execute(f"KILL {int(connection_id)}")
    finally:
        killer.close()


@pytest.fixture
def persistent_connections():
    """CONN_MAX_AGE > 0 as in production (tests default to 0, which would reconnect anyway)."""
    saved = {key: connection.settings_dict[key] for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    connection.settings_dict["CONN_MAX_AGE"] = 60
    connection.close()  # the next connection is opened with the new max age
    yield connection.settings_dict
    connection.settings_dict.update(saved)
    connection.close()


def test_the_next_request_after_a_killed_connection_succeeds(persistent_connections):
    assert persistent_connections["CONN_HEALTH_CHECKS"] is True  # as settings.py sets it
    CompetitionFactory(title="Still here")
    status, body = wsgi_get("/api/competitions/")
    assert status == 200 and body["data"]["count"] == 1
    old_id = server_side_id()
    assert wsgi_get("/api/health/")[0] == 200
    assert server_side_id() == old_id  # the connection really persists across requests

    kill_from_another_connection(old_id)

    status, body = wsgi_get("/api/competitions/")
    assert status == 200, body
    assert body["data"]["results"][0]["title"] == "Still here"
    assert server_side_id() != old_id
    status, body = wsgi_get("/api/health/")
    assert (status, body["data"]) == (200, {"status": "ok", "database": "ok"})


def test_without_health_checks_the_same_kill_costs_a_failed_request(persistent_connections):
    # The control: this is what CONN_HEALTH_CHECKS prevents (one 5xx per dead connection).
    persistent_connections["CONN_HEALTH_CHECKS"] = False
    assert wsgi_get("/api/health/")[0] == 200
    kill_from_another_connection(server_side_id())

    status, body = wsgi_get("/api/health/")

    assert status == 503
    assert body["success"] is False
    # Django drops a connection that raised, so the request after that one works again.
    assert wsgi_get("/api/health/")[0] == 200


@pytest.mark.parametrize(
    ("error", "status_code"),
    [
        (OperationalError(2006, "MySQL server has gone away"), 503),
        (OperationalError(2013, "Lost connection to server during query"), 503),
        (OperationalError(2002, "Can't connect to server through socket"), 503),
        (InterfaceError(0, ""), 503),
        (OperationalError(1054, "Unknown column 'x' in 'field list'"), 500),  # a bug, not an outage
    ],
)
def test_a_lost_database_is_a_retryable_503_and_a_faulty_query_stays_a_500(error, status_code):
    response = custom_exception_handler(error, {"view": None})

    assert response.status_code == status_code
    assert response.data["success"] is False
    assert "MySQL" not in response.data["message"] and "column" not in response.data["message"]
    if status_code == 503:
        assert response["Retry-After"] == "5"
