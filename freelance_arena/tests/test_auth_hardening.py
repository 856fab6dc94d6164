"""Auth hardening: throttle state shared across worker processes, every dead token is a 401,
and production settings pass `manage.py check --deploy` without a warning.

The per-client login/register/refresh throttle itself (429 envelope, THROTTLE_LOGIN, no escape
through a forged X-Forwarded-For) is tested in accounts/tests/test_auth.py.
"""

import json
import os
import secrets
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.tests.factories import TEST_PASSWORD

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS_TEST_URL = "redis://127.0.0.1:6379/14"
LOGIN = "/api/auth/login/"
REFRESH = "/api/auth/token/refresh/"
LOGOUT = "/api/auth/logout/"
PROFILE = "/api/auth/profile/"

# A "worker": a fresh Python process with the project's settings that sends `n` login attempts
# from one client address through the whole Django stack and prints the status codes. The
# request body is empty, so no database is needed: the throttle answers before validation.
WORKER = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from django.test import Client
    client = Client()
    codes = [
        client.post("/api/auth/login/", {}, content_type="application/json", REMOTE_ADDR="198.51.100.7").status_code
        for _ in range(int(sys.argv[1]))
    ]
    print(json.dumps(codes))
    """
)


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL} ({exc}); the shared-throttle test needs it")
    return redis.Redis.from_url(REDIS_TEST_URL)


def run_worker(attempts: int, **env: str) -> list[int]:
    environment = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "CACHE_KEY_PREFIX"}}
    environment.update(
        DJANGO_SETTINGS_MODULE="freelance_arena.settings",
        DJANGO_ALLOWED_HOSTS="testserver",
        THROTTLE_LOGIN="3/minute",
        **env,
    )
    result = subprocess.run(
        [sys.executable, "-c", WORKER, str(attempts)],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_login_throttle_is_shared_by_worker_processes_through_redis():
    redis = _redis_or_skip()
    prefix = f"throttle-test-{secrets.token_hex(6)}"  # this run's keys only
    shared = {"REDIS_URL": REDIS_TEST_URL, "CACHE_KEY_PREFIX": prefix}
    try:
        first = run_worker(3, **shared)  # uses up the 3/minute budget of 198.51.100.7
        second = run_worker(2, **shared)  # another process, same client address

        assert first == [400, 400, 400]  # allowed (and refused by validation: empty body)
        assert second == [429, 429]  # the count was the first process's
        assert any(key.startswith(prefix.encode()) for key in redis.scan_iter(f"{prefix}*"))
    finally:
        for key in redis.scan_iter(f"{prefix}*"):
            redis.delete(key)


def test_without_redis_each_process_counts_alone():
    # The reason REDIS_URL matters in production: per-process memory lets N workers allow N x.
    first = run_worker(3)
    second = run_worker(2)

    assert first == [400, 400, 400]
    assert second == [400, 400]


# --- dead tokens --------------------------------------------------------------------------------


def _expired_access(api, user):
    token = AccessToken.for_user(user)
    token.set_exp(from_time=timezone.now() - timedelta(hours=2))
    return api.get(PROFILE, HTTP_AUTHORIZATION=f"Bearer {token}")


def _expired_refresh(api, user):
    token = RefreshToken.for_user(user)
    token.set_exp(from_time=timezone.now() - timedelta(days=8))
    return api.post(REFRESH, {"refresh": str(token)}, format="json")


def _rotated_refresh(api, user):
    old = str(RefreshToken.for_user(user))
    assert api.post(REFRESH, {"refresh": old}, format="json").status_code == 200
    return api.post(REFRESH, {"refresh": old}, format="json")


def _blacklisted_refresh(api, user):
    refresh = RefreshToken.for_user(user)
    bearer = f"Bearer {refresh.access_token}"
    assert api.post(LOGOUT, {"refresh": str(refresh)}, format="json", HTTP_AUTHORIZATION=bearer).status_code == 200
    return api.post(REFRESH, {"refresh": str(refresh)}, format="json")


def _deactivated_access(api, user):
    token = AccessToken.for_user(user)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    return api.get(PROFILE, HTTP_AUTHORIZATION=f"Bearer {token}")


def _deactivated_refresh(api, user):
    token = RefreshToken.for_user(user)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    return api.post(REFRESH, {"refresh": str(token)}, format="json")


def _forged_signature(api, user):
    token = str(AccessToken.for_user(user))
    head, payload, signature = token.split(".")
    forged = f"{head}.{payload}.{signature[::-1]}"
    return api.get(PROFILE, HTTP_AUTHORIZATION=f"Bearer {forged}")


def _refresh_used_as_access(api, user):
    return api.get(PROFILE, HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user)}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "attempt",
    [
        _expired_access,
        _expired_refresh,
        _rotated_refresh,
        _blacklisted_refresh,
        _deactivated_access,
        _deactivated_refresh,
        _forged_signature,
        _refresh_used_as_access,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_every_dead_token_is_a_401_envelope(api_client, freelancer, attempt):
    response = attempt(api_client, freelancer)

    assert response.status_code == 401, response.content
    body = response.json()
    assert body["success"] is False
    assert body["message"]
    assert set(body["errors"]) == {"detail"}


def test_a_live_token_still_works(api_client, freelancer):
    # the control for the test above: the same calls with live tokens succeed
    access = AccessToken.for_user(freelancer)
    assert api_client.get(PROFILE, HTTP_AUTHORIZATION=f"Bearer {access}").status_code == 200
    refresh = api_client.post(LOGIN, {"email": freelancer.email, "password": TEST_PASSWORD}).json()["data"]["refresh"]
    assert api_client.post(REFRESH, {"refresh": refresh}, format="json").status_code == 200


# --- production settings ------------------------------------------------------------------------


def check_deploy(**env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SECURE_"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "False",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "api.freelance-arena.example",
    "PAYMENT_PROVIDER": "dummy",  # with DEBUG off the provider must be named (Part 2)
}


def test_production_settings_pass_check_deploy_without_a_warning():
    result = check_deploy(**PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_does_fail_on_a_weakened_production_setting():
    # The control: the command above would notice a regression (W008: no HTTPS redirect).
    result = check_deploy(**PRODUCTION, SECURE_SSL_REDIRECT="False")

    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr
