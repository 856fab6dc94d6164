"""The envelope holds for every response under /api/, errors included."""

import pytest
from django.db import OperationalError


def assert_error_envelope(response, status_code: int) -> dict:
    assert response.status_code == status_code, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["success"] is False
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    return body


@pytest.mark.django_db
def test_unknown_api_url_is_a_json_404_even_in_debug(api_client, settings):
    settings.DEBUG = True
    body = assert_error_envelope(api_client.get("/api/no/such/thing/"), 404)
    assert body["errors"] == {"detail": body["message"]}


@pytest.mark.django_db
def test_missing_trailing_slash_says_so(api_client):
    body = assert_error_envelope(api_client.get("/api/health"), 404)
    assert "/api/health/" in body["message"]


@pytest.mark.django_db
def test_health_reports_database_ok(api_client):
    response = api_client.get("/api/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["data"] == {"status": "ok", "database": "ok"}
    assert body["status"] == "ok"


@pytest.mark.django_db
def test_health_is_503_when_the_database_is_down(api_client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise OperationalError("down")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    body = assert_error_envelope(api_client.get("/api/health/"), 503)
    assert body["database"] == "unavailable"


@pytest.mark.django_db
def test_oversized_body_is_a_413_envelope(api_client, settings):
    settings.REQUEST_MAX_BYTES = 1000
    response = api_client.post("/api/auth/login/", data="x" * 2000, content_type="application/json")
    assert_error_envelope(response, 413)


def test_schema_wraps_success_bodies_in_the_envelope():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    health = schema["paths"]["/api/health/"]["get"]["responses"]
    body = health["200"]["content"]["application/json"]["schema"]
    assert body["required"] == ["success", "message", "data"]
    assert "404" in health


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unknown_api_url_is_a_404_for_every_method_not_a_csrf_403(method):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert_error_envelope(getattr(client, method)("/api/no/such/thing/"), 404)
