"""Foundation rules of issue 2: envelopes for every error, 500s, settings, checks, tooling."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.checks import run_checks
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import Role, User

BASE_DIR = Path(django_settings.BASE_DIR)


def assert_error_envelope(response, status_code: int) -> dict:
    assert response.status_code == status_code, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= {"success", "message", "errors"}
    assert body["success"] is False
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    return body


# --- one envelope per error kind ----------------------------------------------------------------


@pytest.mark.django_db
def test_validation_error_is_400_with_field_errors(api_client):
    body = assert_error_envelope(api_client.post("/api/auth/register/", {"email": "nope"}), 400)
    assert body["errors"]["email"] and isinstance(body["errors"]["email"], list)
    assert "password" in body["errors"]


@pytest.mark.django_db
def test_missing_token_is_401(api_client):
    body = assert_error_envelope(api_client.get("/api/auth/profile/"), 401)
    assert body["errors"] == {"detail": body["message"]}


@pytest.mark.django_db
def test_wrong_role_is_403(as_user, freelancer):
    body = assert_error_envelope(as_user(freelancer).get("/api/auth/users/"), 403)
    assert body["errors"] == {"detail": body["message"]}


@pytest.mark.django_db
def test_missing_object_is_404(as_user, admin_user):
    body = assert_error_envelope(as_user(admin_user).get("/api/auth/users/00000000-0000-0000-0000-000000000000/"), 404)
    assert body["errors"] == {"detail": body["message"]}


@pytest.mark.django_db
def test_wrong_method_is_405_with_allow_header(api_client):
    response = api_client.get("/api/auth/login/")
    assert_error_envelope(response, 405)
    assert "POST" in response["Allow"]


@pytest.mark.django_db
def test_unsupported_media_type_is_415(api_client):
    assert_error_envelope(api_client.post("/api/auth/login/", "<x/>", content_type="application/xml"), 415)


@pytest.mark.django_db
def test_malformed_json_is_400(api_client):
    body = assert_error_envelope(
        api_client.post("/api/auth/login/", '{"email": ', content_type="application/json"), 400
    )
    assert "JSON parse error" in body["message"]


@pytest.mark.django_db
def test_unknown_api_url_is_json_for_every_method_even_in_debug(settings):
    settings.DEBUG = True
    client = APIClient()
    for method in ("get", "post", "put", "delete"):
        assert_error_envelope(getattr(client, method)("/api/nothing/here/"), 404)


@pytest.mark.django_db
def test_json_body_over_the_memory_limit_is_413(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"email": "a@example.com", "password": "' + "x" * 5000 + '"}'
    assert_error_envelope(api_client.post("/api/auth/login/", body, content_type="application/json"), 413)


# --- 500s ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_unhandled_exception_in_a_view_is_a_500_envelope_without_internals_and_is_logged(
    as_user, freelancer, monkeypatch, caplog
):
    from accounts.views import ProfileView

    def explode(self, request):
        raise RuntimeError("SELECT secret FROM /srv/app/settings.py")

    monkeypatch.setattr(ProfileView, "get", explode)

    with caplog.at_level(logging.ERROR, logger="freelance_arena.errors"):
        response = as_user(freelancer).get("/api/auth/profile/")

    body = assert_error_envelope(response, 500)
    assert "SELECT" not in response.content.decode() and "/srv/" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    records = [r for r in caplog.records if r.name == "freelance_arena.errors"]
    assert records and records[0].exc_info is not None
    assert records[0].exc_info[0] is RuntimeError
    assert body["errors"] == {"detail": body["message"]}


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_exception_outside_drf_is_a_json_500_even_in_debug(settings, monkeypatch, debug):
    # Raised by a middleware, so neither DRF nor a view handles it: Django answers its own 500
    # page (the HTML debug page with DEBUG on), which must still reach the client as JSON.
    from freelance_arena.middleware import RequestSizeLimitMiddleware

    settings.DEBUG = debug

    def explode(self, request):
        raise RuntimeError("internal detail /srv/app")

    monkeypatch.setattr(RequestSizeLimitMiddleware, "__call__", explode)
    client = APIClient(raise_request_exception=False)

    response = client.get("/api/auth/freelancers/")

    assert_error_envelope(response, 500)
    assert "/srv/app" not in response.content.decode()


# --- settings and checks ------------------------------------------------------------------------


def _django_setup(extra_env: dict[str, str], drop: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update({"DJANGO_SETTINGS_MODULE": "freelance_arena.settings", **extra_env})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_settings_refuse_to_load_without_secret_key_when_debug_is_off():
    refused = _django_setup({"DJANGO_DEBUG": "False"}, drop=("DJANGO_SECRET_KEY",))
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr
    assert "DJANGO_SECRET_KEY" in refused.stderr

    # the same process starts once a key is given
    started = _django_setup({"DJANGO_DEBUG": "False", "DJANGO_SECRET_KEY": "x" * 50, "PAYMENT_PROVIDER": "dummy"})
    assert started.returncode == 0, started.stderr


@pytest.mark.django_db
def test_database_checks_report_no_strict_mode_warning():
    messages = run_checks(databases=["default"], include_deployment_checks=False)
    assert "mysql.W002" not in [m.id for m in messages]
    assert [m for m in messages if m.is_serious()] == []


@pytest.mark.django_db
def test_createsuperuser_noinput_makes_an_admin(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "super-secret-pass-1")
    call_command("createsuperuser", interactive=False, email="Boss@Example.com", username="boss", verbosity=0)

    user = User.objects.get(username="boss")
    assert user.email == "boss@example.com"
    assert (user.role, user.is_staff, user.is_superuser, user.is_active) == (Role.ADMIN, True, True, True)
    assert user.check_password("super-secret-pass-1")
    # the account can use ADMIN endpoints
    client = APIClient()
    login = client.post("/api/auth/login/", {"email": "boss@example.com", "password": "super-secret-pass-1"})
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['data']['access']}")
    assert client.get("/api/auth/users/").status_code == 200


# --- schema and docs ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_schema_and_docs_are_served(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/auth/register/", "/api/auth/login/", "/api/auth/token/refresh/", "/api/auth/users/{id}/"} <= set(
        paths
    )
    login_ok = paths["/api/auth/login/"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert login_ok["required"] == ["success", "message", "data"]
    assert api_client.get("/api/schema/").status_code == 200
    docs = api_client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


@pytest.mark.django_db
def test_docs_answer_json_to_every_method_but_get(api_client):
    # OPTIONS went through the Swagger UI's HTML template, which only GET can fill: a 500.
    options = api_client.options("/api/docs/")
    assert options.status_code == 200
    assert options["Content-Type"].startswith("application/json")
    assert options.json()["name"]
    post = api_client.post("/api/docs/")
    assert post.status_code == 405
    assert post.json()["success"] is False
    assert api_client.head("/api/docs/").status_code == 200


# --- last_seen ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_jwt_request_updates_last_seen(as_user, freelancer):
    assert freelancer.last_seen is None

    assert as_user(freelancer).get("/api/auth/profile/").status_code == 200

    freelancer.refresh_from_db()
    assert freelancer.last_seen is not None


@pytest.mark.django_db
def test_last_seen_is_written_at_most_once_per_five_minutes(as_user, freelancer, django_assert_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    recent = timezone.now() - timedelta(minutes=2)
    User.objects.filter(pk=freelancer.pk).update(last_seen=recent)
    client = as_user(freelancer)

    with django_assert_num_queries(1):  # only the JWT user lookup: no UPDATE
        client.get("/api/auth/profile/")
    freelancer.refresh_from_db()
    assert freelancer.last_seen == recent

    stale = timezone.now() - timedelta(minutes=6)
    User.objects.filter(pk=freelancer.pk).update(last_seen=stale)
    client.get("/api/auth/profile/")
    freelancer.refresh_from_db()
    assert freelancer.last_seen > stale + timedelta(minutes=5)


@pytest.mark.django_db
def test_anonymous_and_refused_requests_do_not_touch_last_seen(api_client, freelancer):
    api_client.get("/api/auth/freelancers/")
    api_client.credentials(HTTP_AUTHORIZATION="Bearer garbage")
    api_client.get("/api/auth/profile/")
    assert User.objects.filter(last_seen__isnull=False).count() == 0


@pytest.mark.django_db
def test_an_admin_session_request_updates_last_seen(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    admin_user.refresh_from_db()
    assert admin_user.last_seen is not None
