"""Every error envelope carries a machine-readable `code`; validation errors also a per-field
`error_codes` map that mirrors `errors` (DRF's codes), `message` and `errors` unchanged."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.authentication import TOKEN_EXPIRED_MESSAGE, TOKEN_INVALID_MESSAGE
from accounts.services import deactivate_user
from freelance_arena.throttling import ApiRateThrottle

pytestmark = pytest.mark.django_db

PROTECTED = "/api/notifications/unread-count/"


def envelope(response, status_code: int, code: str) -> dict:
    assert response.status_code == status_code, response.content[:500]
    body = response.json()
    assert body["success"] is False
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert set(body) == {"success", "message", "code", "errors", "error_codes"}
    return body


def test_no_token_is_not_authenticated(api_client):
    body = envelope(api_client.get(PROTECTED), 401, "not_authenticated")
    assert body["errors"] == {"detail": body["message"]}
    assert body["error_codes"] == {"detail": "not_authenticated"}


def test_an_expired_access_token_is_told_apart_from_a_broken_one(freelancer):
    token = RefreshToken.for_user(freelancer).access_token
    token.set_exp(lifetime=-timedelta(seconds=5))
    expired = APIClient()
    expired.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    garbage = APIClient()
    garbage.credentials(HTTP_AUTHORIZATION="Bearer not.a.jwt")

    expired_body = envelope(expired.get(PROTECTED), 401, "token_expired")
    garbage_body = envelope(garbage.get(PROTECTED), 401, "token_invalid")

    assert expired_body["message"] == TOKEN_EXPIRED_MESSAGE
    assert garbage_body["message"] == TOKEN_INVALID_MESSAGE
    assert expired_body["message"] != garbage_body["message"]


def test_a_refresh_token_used_as_access_token_is_invalid_not_expired(freelancer):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(freelancer)}")
    envelope(api.get(PROTECTED), 401, "token_invalid")


def test_a_bad_refresh_token_on_the_refresh_endpoint_is_token_invalid(api_client):
    body = envelope(api_client.post("/api/auth/token/refresh/", {"refresh": "nope"}), 401, "token_invalid")
    assert body["errors"] == {"detail": body["message"]}


def test_the_token_scheme_is_named_in_the_message(freelancer):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {RefreshToken.for_user(freelancer).access_token}")
    body = envelope(api.get(PROTECTED), 401, "bad_authorization_header")
    assert '"Token"' in body["message"] and "Bearer" in body["message"]


def test_bearer_without_a_token_is_a_bad_authorization_header(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer")
    envelope(api_client.get(PROTECTED), 401, "bad_authorization_header")


def test_a_deactivated_users_token_is_user_inactive(freelancer):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(freelancer).access_token}")
    deactivate_user(user=freelancer)
    envelope(api.get(PROTECTED), 401, "user_inactive")


def test_wrong_role_is_permission_denied(as_user, freelancer):
    envelope(as_user(freelancer).get("/api/payments/client/"), 403, "permission_denied")


def test_missing_object_and_unknown_url_are_not_found(api_client):
    envelope(api_client.get("/api/competitions/00000000-0000-4000-8000-000000000000/"), 404, "not_found")
    envelope(api_client.get("/api/no-such-thing/"), 404, "not_found")
    envelope(api_client.get("/api/competitions/?page=99"), 404, "not_found")


def test_wrong_method_is_method_not_allowed(api_client):
    envelope(api_client.delete("/api/health/"), 405, "method_not_allowed")


def test_unsupported_media_type_and_malformed_json(api_client):
    envelope(api_client.post("/api/auth/login/", "email=x", content_type="text/plain"), 415, "unsupported_media_type")
    envelope(api_client.post("/api/auth/login/", '{"email": ', content_type="application/json"), 400, "parse_error")


def test_oversized_body_is_request_too_large(api_client, settings):
    settings.REQUEST_MAX_BYTES = 10
    envelope(api_client.post("/api/auth/login/", {"email": "a" * 50}), 413, "request_too_large")


def test_throttled(api_client, monkeypatch):
    monkeypatch.setattr(ApiRateThrottle, "THROTTLE_RATES", {**ApiRateThrottle.THROTTLE_RATES, "anon": "1/minute"})
    api_client.get("/api/competitions/")
    envelope(api_client.get("/api/competitions/"), 429, "throttled")


def test_validation_error_has_drfs_codes_beside_the_messages(api_client):
    body = envelope(
        api_client.post("/api/auth/register/", {"email": "not-an-email", "role": "ADMIN"}), 400, "validation_error"
    )
    # errors keeps DRF's field -> messages; error_codes has the same keys with DRF's codes.
    assert set(body["error_codes"]) == set(body["errors"])
    assert body["error_codes"]["email"] == ["invalid"]
    assert body["error_codes"]["username"] == ["required"]
    assert body["error_codes"]["password"] == ["required"]
    for field, messages in body["errors"].items():
        assert len(messages) == len(body["error_codes"][field])
    assert body["message"].startswith(next(iter(body["errors"])) + ": ")


def test_a_list_fields_errors_are_keyed_by_the_index_of_the_bad_item(as_user, freelancer):
    good = "00000000-0000-4000-8000-000000000000"
    response = as_user(freelancer).post("/api/notifications/mark-read/", {"ids": [good, "nope", good, 42]})
    body = envelope(response, 400, "validation_error")
    # DRF's documented shape for ListField children: {field: {index: [messages]}}.
    assert body["errors"] == {"ids": {"1": ["Must be a valid UUID."], "3": ["Must be a valid UUID."]}}
    assert body["error_codes"] == {"ids": {"1": ["invalid"], "3": ["invalid"]}}
    assert body["message"] == "ids: Must be a valid UUID."


def test_a_refused_state_transition_is_a_validation_error(as_user, client_owner):
    from competitions.tests.factories import CompetitionFactory

    competition = CompetitionFactory(client=client_owner)
    response = as_user(client_owner).post(f"/api/competitions/{competition.pk}/status/", {"status": "CLOSED"})
    body = envelope(response, 400, "validation_error")
    assert set(body["error_codes"]) == set(body["errors"])


def test_an_unhandled_exception_is_server_error(api_client, monkeypatch):
    from competitions import views

    def boom(*args, **kwargs):
        raise RuntimeError("secret /etc/passwd SELECT")

    monkeypatch.setattr(views.CompetitionListView, "list", boom)
    body = envelope(api_client.get("/api/competitions/"), 500, "server_error")
    assert "passwd" not in str(body) and "SELECT" not in str(body)
