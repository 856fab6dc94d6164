"""Register, login, token refresh, logout and the login throttle (POST /api/auth/...)."""

import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Role, User
from accounts.tests.factories import TEST_PASSWORD, ClientFactory, FreelancerFactory
from accounts.throttling import LoginRateThrottle

REGISTER = "/api/auth/register/"
LOGIN = "/api/auth/login/"
REFRESH = "/api/auth/token/refresh/"
LOGOUT = "/api/auth/logout/"
PROFILE = "/api/auth/profile/"

pytestmark = pytest.mark.django_db


def register_payload(**overrides):
    payload = {
        "email": "new.person@example.com",
        "username": "newperson",
        "password": "a-long-enough-secret",
        "role": Role.FREELANCER,
        "first_name": "New",
        "last_name": "Person",
    }
    payload.update(overrides)
    return payload


def error_body(response, status_code):
    assert response.status_code == status_code, response.content
    body = response.json()
    assert body["success"] is False
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    return body


# --- register ---------------------------------------------------------------------------------


def test_register_with_valid_data_creates_user_and_returns_profile_and_tokens(api_client):
    response = api_client.post(REGISTER, register_payload(email="New.Person@Example.COM"))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["success"] is True and body["message"]
    data = body["data"]
    assert data["user"]["email"] == "new.person@example.com"
    assert data["user"]["role"] == Role.FREELANCER
    assert "password" not in data["user"]
    assert set(data["tokens"]) == {"access", "refresh"}
    user = User.objects.get(email="new.person@example.com")
    assert user.check_password("a-long-enough-secret")
    assert not user.is_staff and not user.is_superuser
    assert str(user.pk) == data["user"]["id"]
    # the returned access token works
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {data['tokens']['access']}")
    assert api_client.get(PROFILE).json()["data"]["username"] == "newperson"


def test_register_as_client(api_client):
    response = api_client.post(REGISTER, register_payload(role=Role.CLIENT))
    assert response.status_code == 201
    assert User.objects.get(username="newperson").role == Role.CLIENT


def test_register_with_duplicate_email_is_refused_case_insensitively(api_client, client_owner):
    response = api_client.post(REGISTER, register_payload(email="ALICE@example.com"))

    body = error_body(response, 400)
    assert "email" in body["errors"]
    assert User.objects.filter(email="alice@example.com").count() == 1


def test_register_with_duplicate_username_is_refused_case_insensitively(api_client, client_owner):
    body = error_body(api_client.post(REGISTER, register_payload(username="ALICE")), 400)
    assert "username" in body["errors"]


def test_register_as_admin_is_refused(api_client):
    body = error_body(api_client.post(REGISTER, register_payload(role=Role.ADMIN)), 400)
    assert "role" in body["errors"]
    assert not User.objects.filter(username="newperson").exists()


@pytest.mark.parametrize("password", ["short1!", "12345678", "newperson"])
def test_register_refuses_weak_passwords(api_client, password):
    body = error_body(api_client.post(REGISTER, register_payload(password=password)), 400)
    assert "password" in body["errors"]
    assert not User.objects.filter(username="newperson").exists()


def test_register_requires_email_username_password_role(api_client):
    body = error_body(api_client.post(REGISTER, {}), 400)
    assert {"email", "username", "password", "role"} <= set(body["errors"])


def test_register_cannot_set_staff_flags(api_client):
    response = api_client.post(REGISTER, register_payload(is_staff=True, is_superuser=True, email_verified=True))
    assert response.status_code == 201
    user = User.objects.get(username="newperson")
    assert (user.is_staff, user.is_superuser, user.email_verified) == (False, False, False)


def test_register_ignores_a_stale_authorization_header(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert api_client.post(REGISTER, register_payload()).status_code == 201


# --- login ------------------------------------------------------------------------------------


def test_login_with_valid_credentials_returns_tokens_and_user(api_client, freelancer):
    response = api_client.post(LOGIN, {"email": "Charlie@Example.com", "password": TEST_PASSWORD})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    data = body["data"]
    assert set(data) == {"access", "refresh", "user"}
    assert data["user"] == {
        "id": str(freelancer.pk),
        "email": "charlie@example.com",
        "username": "charlie",
        "role": Role.FREELANCER,
    }
    freelancer.refresh_from_db()
    assert freelancer.last_login is not None


def test_login_with_wrong_password_says_invalid_credentials(api_client, freelancer):
    body = error_body(api_client.post(LOGIN, {"email": "charlie@example.com", "password": "wrong-password"}), 400)
    assert body["message"] == "Invalid credentials"
    assert body["errors"] == {"non_field_errors": ["Invalid credentials"]}


def test_login_with_unknown_email_says_invalid_credentials(api_client):
    body = error_body(api_client.post(LOGIN, {"email": "nobody@example.com", "password": TEST_PASSWORD}), 400)
    assert body["message"] == "Invalid credentials"


def test_login_of_deactivated_account_says_account_is_deactivated(api_client):
    user = FreelancerFactory(is_active=False)
    body = error_body(api_client.post(LOGIN, {"email": user.email, "password": TEST_PASSWORD}), 400)
    assert body["message"] == "Account is deactivated"


def test_login_of_deactivated_account_with_wrong_password_does_not_reveal_it(api_client):
    user = FreelancerFactory(is_active=False)
    body = error_body(api_client.post(LOGIN, {"email": user.email, "password": "wrong-password"}), 400)
    assert body["message"] == "Invalid credentials"


def test_login_requires_both_fields(api_client):
    body = error_body(api_client.post(LOGIN, {"email": "not-an-email"}), 400)
    assert {"email", "password"} <= set(body["errors"])


# --- token refresh ----------------------------------------------------------------------------


def login(api_client, user):
    response = api_client.post(LOGIN, {"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_refresh_returns_a_new_pair_in_the_envelope(api_client, freelancer):
    tokens = login(api_client, freelancer)

    response = api_client.post(REFRESH, {"refresh": tokens["refresh"]})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    assert set(body["data"]) == {"access", "refresh"}
    assert body["data"]["refresh"] != tokens["refresh"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['data']['access']}")
    assert api_client.get(PROFILE).status_code == 200


def test_refresh_rotation_blacklists_the_old_refresh_token(api_client, freelancer):
    tokens = login(api_client, freelancer)
    first = api_client.post(REFRESH, {"refresh": tokens["refresh"]})
    assert first.status_code == 200

    again = api_client.post(REFRESH, {"refresh": tokens["refresh"]})

    body = error_body(again, 401)
    assert body["errors"] == {"detail": body["message"]}
    old_jti = RefreshToken(first.json()["data"]["refresh"], verify=False)["jti"]
    assert not BlacklistedToken.objects.filter(token__jti=old_jti).exists()  # the new one still works
    assert api_client.post(REFRESH, {"refresh": first.json()["data"]["refresh"]}).status_code == 200


def test_refresh_with_garbage_or_access_token_is_401(api_client, freelancer):
    tokens = login(api_client, freelancer)
    error_body(api_client.post(REFRESH, {"refresh": "garbage"}), 401)
    error_body(api_client.post(REFRESH, {"refresh": tokens["access"]}), 401)


def test_refresh_without_token_is_400(api_client):
    body = error_body(api_client.post(REFRESH, {}), 400)
    assert "refresh" in body["errors"]


def test_refresh_of_a_deactivated_user_is_401_even_if_not_blacklisted(api_client, freelancer):
    tokens = login(api_client, freelancer)
    User.objects.filter(pk=freelancer.pk).update(is_active=False)  # e.g. done directly in the database

    error_body(api_client.post(REFRESH, {"refresh": tokens["refresh"]}), 401)


# --- logout -----------------------------------------------------------------------------------


def test_logout_blacklists_the_refresh_token(api_client, as_user, freelancer):
    tokens = login(api_client, freelancer)

    response = as_user(freelancer).post(LOGOUT, {"refresh": tokens["refresh"]})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {"success": True, "message": body["message"], "data": None}
    jti = RefreshToken(tokens["refresh"], verify=False)["jti"]
    assert BlacklistedToken.objects.filter(token__jti=jti).exists()
    error_body(api_client.post(REFRESH, {"refresh": tokens["refresh"]}), 401)


def test_logout_with_another_users_refresh_token_is_refused(api_client, as_user, freelancer, other_freelancer):
    victim_tokens = login(api_client, other_freelancer)

    body = error_body(as_user(freelancer).post(LOGOUT, {"refresh": victim_tokens["refresh"]}), 400)

    assert "refresh" in body["errors"]
    assert not BlacklistedToken.objects.exists()
    assert api_client.post(REFRESH, {"refresh": victim_tokens["refresh"]}).status_code == 200


@pytest.mark.parametrize("payload", [{}, {"refresh": ""}, {"refresh": "garbage"}])
def test_logout_with_missing_or_invalid_token_is_400(as_user, freelancer, payload):
    body = error_body(as_user(freelancer).post(LOGOUT, payload), 400)
    assert "refresh" in body["errors"]


def test_logout_twice_with_the_same_token_is_400(api_client, as_user, freelancer):
    tokens = login(api_client, freelancer)
    assert as_user(freelancer).post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 200
    error_body(as_user(freelancer).post(LOGOUT, {"refresh": tokens["refresh"]}), 400)


def test_logout_requires_authentication(api_client, freelancer):
    tokens = login(api_client, freelancer)
    error_body(api_client.post(LOGOUT, {"refresh": tokens["refresh"]}), 401)


# --- throttling -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LOGIN, REGISTER, REFRESH])
def test_credential_endpoints_are_throttled_per_ip_with_a_429_envelope(api_client, monkeypatch, url):
    # DRF reads the rates into the throttle class at import time, so the class is patched.
    monkeypatch.setattr(LoginRateThrottle, "rate", "3/minute", raising=False)
    for _ in range(3):
        assert api_client.post(url, {}, REMOTE_ADDR="10.0.0.1").status_code in (400, 401)

    body = error_body(api_client.post(url, {}, REMOTE_ADDR="10.0.0.1"), 429)

    assert "throttled" in body["message"].lower()
    # another address still gets through
    assert api_client.post(url, {}, REMOTE_ADDR="10.0.0.2").status_code == 400


def test_login_throttle_counts_across_endpoints_for_the_same_ip(api_client, monkeypatch):
    monkeypatch.setattr(LoginRateThrottle, "rate", "2/minute", raising=False)
    api_client.post(LOGIN, {})
    api_client.post(REGISTER, {})
    response = api_client.post(LOGIN, {"email": "a@example.com", "password": "whatever1"})
    error_body(response, 429)
    assert "Retry-After" in response


def test_a_forged_x_forwarded_for_does_not_escape_the_login_throttle(api_client, monkeypatch):
    monkeypatch.setattr(LoginRateThrottle, "rate", "2/minute", raising=False)
    for n in range(2):
        api_client.post(LOGIN, {}, REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    response = api_client.post(LOGIN, {}, REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="203.0.113.99")

    error_body(response, 429)


def test_login_rate_comes_from_settings():
    from rest_framework.settings import api_settings

    assert LoginRateThrottle().rate == api_settings.DEFAULT_THROTTLE_RATES["login"]


def test_each_client_factory_user_can_log_in(api_client):
    user = ClientFactory()
    assert login(api_client, user)["user"]["role"] == Role.CLIENT
