"""Fixtures shared by every app's tests: a fixed cast of users and authenticated clients."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import AdminFactory, ClientFactory, FreelancerFactory


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
