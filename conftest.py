"""Fixtures shared by every app's tests: a fixed cast of users and authenticated clients."""

import secrets

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import AdminFactory, ClientFactory, FreelancerFactory
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
def _eager_tasks():
    # Tasks run in the test's process after the commit that queued them, whatever broker the
    # environment names (REDIS_URL): the one test with a real worker sets its own.
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = True, False
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = saved


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
