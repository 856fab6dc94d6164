"""Fixtures shared by every app's tests: a fixed cast of users and authenticated clients.

The cast: one person per role a test needs, always with the same name. Ask for a member by
fixture, or for all of them at once with `cast` (`cast.alice` is the `client_owner` of the same
test, and so on; `cast["anonymous"]` is None). Parametrized tests name a member by its fixture
(`request.getfixturevalue("other_client")`) or by its first name (`cast["bob"]`).

    name      fixture           role        in the stories
    alice     client_owner      CLIENT      owns the competitions, pays the winner
    bob       other_client      CLIENT      another client, who owns none of alice's things
    charlie   freelancer        FREELANCER  takes part: submits, asks, wins
    dana      other_freelancer  FREELANCER  charlie's competitor
    admin     admin_user        ADMIN       staff (username "root")
"""

import logging
import secrets
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from accounts.tests.factories import AdminFactory, ClientFactory, FreelancerFactory
from freelance_arena import tasks as task_queue
from freelance_arena.celery import app as celery_app


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    # A fast hasher keeps the suite quick; uploads go to a throwaway folder; throttle counters
    # (kept in the cache) start from zero in every test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media_private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/media/"},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media_private"), "base_url": None},
        },
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _task_queue(request, monkeypatch):
    """Tasks run eagerly, in the test's process, whatever broker the environment names
    (REDIS_URL); and only in tests that ask for `run_tasks`. Elsewhere a queued task is dropped,
    as if a broker took it and no worker ran: the e-mails of registrations and notifications
    then add no queries to the statement budgets of the other apps' tests."""
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = True, False
    if "run_tasks" not in request.fixturenames:
        monkeypatch.setattr(task_queue, "_publish", lambda task, kwargs: None)
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = saved


@pytest.fixture
def run_tasks():
    """Queued tasks run (eagerly, when the code's transaction commits); see `_task_queue`."""


@pytest.fixture
def committed(run_tasks, django_capture_on_commit_callbacks):
    """`committed(call)`: runs `call()`, then what its commit runs (the tasks it queued, and
    those they queue in turn), as a real commit would."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


@pytest.fixture(autouse=True)
def _commit_like_production(request, monkeypatch):
    """On-commit callbacks (the domain events) run when the code under test commits, as in
    production, although a `db` test runs inside a transaction that is never committed.

    When the outermost atomic block the code opened exits cleanly, the callbacks it queued run
    (a rolled-back block's were dropped by Django already); callbacks queued outside any block
    of the code run at once, as in autocommit. Tests that inspect the queue themselves
    (`django_capture_on_commit_callbacks`) and transactional tests (real commits) are left alone.
    """
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in names or bool(
        marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    uses_db = "db" in names or marker is not None
    if not uses_db or transactional or "django_capture_on_commit_callbacks" in names:
        yield
        return
    request.getfixturevalue("_django_db_helper")  # the test's transaction is open from here
    connection = connections[DEFAULT_DB_ALIAS]
    base_depth = len(connection.savepoint_ids)

    def run_queued() -> None:
        while connection.run_on_commit:
            _, func, robust = connection.run_on_commit.pop(0)
            if robust:
                try:
                    func()
                except Exception:  # as Django does for robust callbacks: logged, not raised
                    logging.getLogger("django.db.backends.base").exception("on_commit callback failed")
            else:
                func()

    original_on_commit = connection.on_commit

    def on_commit(func, robust=False):
        original_on_commit(func, robust)
        if len(connection.savepoint_ids) <= base_depth and not connection.needs_rollback:
            run_queued()

    original_exit = transaction.Atomic.__exit__

    def exit_(self, exc_type, exc_value, traceback):
        result = original_exit(self, exc_type, exc_value, traceback)
        if (
            exc_type is None
            and (self.using or DEFAULT_DB_ALIAS) == DEFAULT_DB_ALIAS
            and connection.in_atomic_block
            and len(connection.savepoint_ids) == base_depth
            and not connection.needs_rollback
        ):
            run_queued()
        return result

    monkeypatch.setattr(connection, "on_commit", on_commit)
    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_)
    yield


def bearer(user) -> str:
    return f"Bearer {RefreshToken.for_user(user).access_token}"


def authed(user) -> APIClient:
    """An APIClient that sends a real SimpleJWT access token for `user`, as the SPA does."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=bearer(user))
    return client


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def client_owner(db):
    return ClientFactory(username="alice", email="alice@example.com")


@pytest.fixture
def other_client(db):
    return ClientFactory(username="bob", email="bob@example.com")


@pytest.fixture
def freelancer(db):
    return FreelancerFactory(username="charlie", email="charlie@example.com")


@pytest.fixture
def other_freelancer(db):
    return FreelancerFactory(username="dana", email="dana@example.com")


@pytest.fixture
def admin_user(db):
    return AdminFactory(username="root", email="root@example.com")


@dataclass(frozen=True)
class Cast:
    alice: User
    bob: User
    charlie: User
    dana: User
    admin: User

    def __getitem__(self, name: str) -> User | None:
        """`cast["charlie"]` is `cast.charlie`; `cast["anonymous"]` is None (as_user(None) sends no token)."""
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def cast(client_owner, other_client, freelancer, other_freelancer, admin_user) -> Cast:
    """The whole cast by first name: the same users as the fixtures of each role."""
    return Cast(alice=client_owner, bob=other_client, charlie=freelancer, dana=other_freelancer, admin=admin_user)


@pytest.fixture
def as_user():
    """`as_user(user)` -> an APIClient authenticated with a JWT for that user (None: anonymous)."""
    return authed


REDIS_TEST_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def private_redis_cache():
    """(backend, prefix): a freelance_arena.cache.RedisCache on the machine's Redis (database 14)
    under a key prefix of its own, whose keys are deleted afterwards; skipped if Redis is down.
    Not the default cache: the suite's cache.clear() between tests would flush the database
    that other test runs on this machine may share."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL} ({exc})")
    from freelance_arena.cache import RedisCache

    prefix = f"test-{secrets.token_hex(6)}"
    yield RedisCache(REDIS_TEST_URL, {"KEY_PREFIX": prefix}), prefix
    raw = redis.Redis.from_url(REDIS_TEST_URL)
    for key in raw.scan_iter(f"{prefix}*"):
        raw.delete(key)
