"""Account lifecycle by e-mail (contract Part 2): verification, change of address, password reset.

E-mails are read from mail.outbox: the tasks run eagerly, after the commit (the test's
`committed` helper runs the on-commit callbacks a real commit would).
"""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import lifecycle
from accounts.models import User
from accounts.tests.factories import TEST_PASSWORD, FreelancerFactory
from accounts.throttling import LoginRateThrottle, PasswordCheckRateThrottle

pytestmark = pytest.mark.django_db

REGISTER = "/api/auth/register/"
LOGIN = "/api/auth/login/"
REFRESH = "/api/auth/token/refresh/"
VERIFY_REQUEST = "/api/auth/verify-email/request/"
VERIFY_CONFIRM = "/api/auth/verify-email/confirm/"
RESET = "/api/auth/password-reset/"
RESET_CONFIRM = "/api/auth/password-reset/confirm/"
CHANGE_EMAIL = "/api/auth/change-email/"
FRONTEND = "https://app.example.test"
NEW_PASSWORD = "Brand-new-passphrase-77"


@pytest.fixture(autouse=True)
def _frontend(settings):
    settings.FRONTEND_URL = FRONTEND


def ok(response, status_code: int = 200):
    assert response.status_code == status_code, response.content
    body = response.json()
    assert body["success"] is True
    return body["data"]


def refused(response, status_code: int = 400) -> dict:
    assert response.status_code == status_code, response.content
    body = response.json()
    assert body["success"] is False
    return body["errors"]


def token_line(message) -> str:
    lines = [line for line in message.body.splitlines() if line.startswith("Token: ")]
    assert len(lines) == 1, message.body
    return lines[0].removeprefix("Token: ")


def html_of(message) -> str:
    (alternative,) = message.alternatives
    assert alternative.mimetype == "text/html"
    return alternative.content


def link_in(message, path: str) -> dict[str, str]:
    """The query of the one `{FRONTEND}{path}?…` link of the text part, also in the HTML part."""
    links = [word for word in message.body.split() if word.startswith(f"{FRONTEND}{path}?")]
    assert len(links) == 1, message.body
    assert links[0].replace("&", "&amp;") in html_of(message)
    parts = urlsplit(links[0])
    return {key: values[0] for key, values in parse_qs(parts.query, strict_parsing=True).items()}


def verify(api_client, committed, token: str):
    return committed(lambda: api_client.post(VERIFY_CONFIRM, {"token": token}))


# --- verification -----------------------------------------------------------------------------------


def test_registration_sends_the_verification_email(api_client, committed, mailoutbox):
    body = {"email": "New.Comer@Example.com", "username": "newcomer", "password": "a-Strong-pass-42", "role": "CLIENT"}

    data = ok(committed(lambda: api_client.post(REGISTER, body)), 201)

    assert data["user"]["email_verified"] is False
    (message,) = mailoutbox
    assert message.to == ["new.comer@example.com"]
    assert message.subject == "Confirm your email address"
    assert "Hello newcomer," in message.body
    assert link_in(message, "/verify-email") == {"token": token_line(message)}


def test_verify_request_then_confirm_verifies_the_address(as_user, api_client, committed, freelancer, mailoutbox):
    assert ok(committed(lambda: as_user(freelancer).post(VERIFY_REQUEST))) is None
    (message,) = mailoutbox
    assert message.to == [freelancer.email]
    token = token_line(message)
    assert link_in(message, "/verify-email") == {"token": token}
    assert token in html_of(message)

    assert ok(verify(api_client, committed, token)) is None

    freelancer.refresh_from_db()
    assert freelancer.email_verified is True
    assert ok(as_user(freelancer).get("/api/auth/profile/"))["email_verified"] is True


def test_verify_request_needs_a_signed_in_user(api_client, mailoutbox):
    refused(api_client.post(VERIFY_REQUEST), 401)
    assert mailoutbox == []


def test_verify_request_for_a_verified_address_is_a_400(as_user, committed, mailoutbox):
    user = FreelancerFactory(email_verified=True)
    errors = refused(committed(lambda: as_user(user).post(VERIFY_REQUEST)))
    assert errors == {"non_field_errors": ["Your email address is already verified."]}
    assert mailoutbox == []


def test_a_verification_token_works_once(api_client, committed, freelancer):
    token = lifecycle.make_verification_token(freelancer)
    ok(verify(api_client, committed, token))

    errors = refused(verify(api_client, committed, token))

    assert errors == {"token": ["This link is invalid or has already been used."]}


def test_a_verification_token_expires_after_email_verification_hours(api_client, committed, freelancer, settings):
    settings.EMAIL_VERIFICATION_HOURS = 72
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = lifecycle.make_verification_token(freelancer)
    with time_machine.travel(start + timedelta(hours=72, seconds=1), tick=False):
        errors = refused(verify(api_client, committed, token))
    assert errors == {"token": ["This link has expired. Ask for a new one."]}
    freelancer.refresh_from_db()
    assert freelancer.email_verified is False

    with time_machine.travel(start + timedelta(hours=71, minutes=59), tick=False):
        ok(verify(api_client, committed, token))
    freelancer.refresh_from_db()
    assert freelancer.email_verified is True


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature
        lambda token: "x" + token,  # payload
        lambda token: signing.TimestampSigner(salt="another-purpose").sign_object(
            signing.TimestampSigner(salt=lifecycle.VERIFY_SALT).unsign_object(token)
        ),
        lambda token: "not-a-token",
        lambda token: "",
    ],
    ids=["signature", "payload", "other-salt", "garbage", "empty"],
)
def test_a_tampered_verification_token_is_a_400(api_client, committed, freelancer, tamper):
    response = verify(api_client, committed, tamper(lifecycle.make_verification_token(freelancer)))

    assert refused(response).keys() == {"token"}
    freelancer.refresh_from_db()
    assert freelancer.email_verified is False


@pytest.mark.parametrize(
    "payload", [{"u": "not-a-uuid", "e": "x@example.com", "s": "x"}, ["a", "list"], {"u": 1, "e": None}]
)
def test_a_signed_token_of_another_shape_is_a_400_not_a_500(api_client, committed, payload):
    token = signing.TimestampSigner(salt=lifecycle.VERIFY_SALT).sign_object(payload)
    assert refused(verify(api_client, committed, token)) == {
        "token": ["This link is invalid or has already been used."]
    }


def test_a_deactivated_accounts_token_is_refused(api_client, committed, freelancer):
    token = lifecycle.make_verification_token(freelancer)
    User.objects.filter(pk=freelancer.pk).update(is_active=False)
    refused(verify(api_client, committed, token))


# --- change of email --------------------------------------------------------------------------------


def change_email(as_user, committed, user, new_email: str, password: str = TEST_PASSWORD):
    return committed(lambda: as_user(user).post(CHANGE_EMAIL, {"new_email": new_email, "password": password}))


def test_change_email_confirms_the_new_address_then_switches_and_tells_the_old_one(
    as_user, api_client, committed, freelancer, mailoutbox
):
    old = freelancer.email
    assert ok(change_email(as_user, committed, freelancer, "Charlie.New@Example.com")) is None

    (confirmation,) = mailoutbox
    assert confirmation.to == ["charlie.new@example.com"]
    assert confirmation.subject == "Confirm your new email address"
    token = token_line(confirmation)
    assert link_in(confirmation, "/verify-email") == {"token": token}
    freelancer.refresh_from_db()
    assert (freelancer.email, freelancer.email_verified) == (old, False)  # nothing changes yet

    ok(verify(api_client, committed, token))

    freelancer.refresh_from_db()
    assert (freelancer.email, freelancer.email_verified) == ("charlie.new@example.com", True)
    notice = mailoutbox[1]
    assert notice.to == [old]
    assert "charlie.new@example.com" in notice.body and old in notice.body
    assert "charlie.new@example.com" in html_of(notice)
    ok(api_client.post(LOGIN, {"email": "charlie.new@example.com", "password": TEST_PASSWORD}))
    refused(api_client.post(LOGIN, {"email": old, "password": TEST_PASSWORD}))
    refused(verify(api_client, committed, token))  # once


def test_change_email_with_a_wrong_password_is_a_400_and_sends_nothing(as_user, committed, freelancer, mailoutbox):
    errors = refused(change_email(as_user, committed, freelancer, "new@example.com", password="wrong-password-1"))

    assert errors == {"password": ["The password is incorrect."]}
    assert mailoutbox == []


@pytest.mark.parametrize("taken", ["dana@example.com", "DANA@example.com", "charlie@example.com"])
def test_change_email_to_a_taken_or_the_same_address_is_a_400(
    as_user, committed, freelancer, other_freelancer, mailoutbox, taken
):
    errors = refused(change_email(as_user, committed, freelancer, taken))

    assert errors.keys() == {"new_email"}
    assert mailoutbox == []


def test_change_email_needs_a_signed_in_user(api_client):
    refused(api_client.post(CHANGE_EMAIL, {"new_email": "x@example.com", "password": TEST_PASSWORD}), 401)


def test_an_address_taken_before_the_confirmation_is_refused(as_user, api_client, committed, freelancer, mailoutbox):
    ok(change_email(as_user, committed, freelancer, "wanted@example.com"))
    token = token_line(mailoutbox[0])
    FreelancerFactory(email="wanted@example.com")

    errors = refused(verify(api_client, committed, token))

    assert errors == {"token": ["This email address now belongs to another account."]}
    freelancer.refresh_from_db()
    assert freelancer.email == "charlie@example.com"


def test_one_confirmed_change_kills_the_other_pending_tokens(as_user, api_client, committed, freelancer, mailoutbox):
    verification = lifecycle.make_verification_token(freelancer)
    ok(change_email(as_user, committed, freelancer, "first@example.com"))
    ok(change_email(as_user, committed, freelancer, "second@example.com"))
    first, second = (token_line(message) for message in mailoutbox)

    ok(verify(api_client, committed, second))

    refused(verify(api_client, committed, first))
    refused(verify(api_client, committed, verification))
    freelancer.refresh_from_db()
    assert freelancer.email == "second@example.com"


# --- password reset ---------------------------------------------------------------------------------


def reset_request(api_client, committed, email: str):
    return committed(lambda: api_client.post(RESET, {"email": email}))


def reset_email(api_client, committed, mailoutbox, user) -> dict[str, str]:
    ok(reset_request(api_client, committed, user.email))
    (message,) = mailoutbox
    assert message.to == [user.email]
    assert message.subject == "Reset your password"
    query = link_in(message, "/reset-password")
    assert query.keys() == {"uid", "token"}
    assert token_line(message) == query["token"]
    return query


def confirm(api_client, committed, query: dict, password: str = NEW_PASSWORD, confirm_password: str | None = None):
    body = {**query, "new_password": password, "confirm_password": confirm_password or password}
    return committed(lambda: api_client.post(RESET_CONFIRM, body))


def test_reset_request_answers_the_same_whether_or_not_the_account_exists(
    api_client, committed, freelancer, mailoutbox
):
    known = reset_request(api_client, committed, freelancer.email)
    unknown = reset_request(api_client, committed, "nobody@example.com")

    assert known.status_code == unknown.status_code == 200
    assert known.json() == unknown.json()
    assert known.json()["data"] is None
    assert [message.to for message in mailoutbox] == [[freelancer.email]]


def test_reset_request_does_the_same_work_in_the_request_either_way(
    api_client, freelancer, django_capture_on_commit_callbacks
):
    # Nothing about the account is looked up in the request: the task does that, after it.
    for email in (freelancer.email, "nobody@example.com"):
        with django_capture_on_commit_callbacks() as queued, CaptureQueriesContext(connection) as queries:
            ok(api_client.post(RESET, {"email": email}))
        assert len(queries) == 0, queries.captured_queries
        assert len(queued) == 1


def test_reset_is_not_sent_to_a_deactivated_account(api_client, committed, freelancer, mailoutbox):
    User.objects.filter(pk=freelancer.pk).update(is_active=False)
    ok(reset_request(api_client, committed, freelancer.email))
    assert mailoutbox == []


def test_reset_request_refuses_a_malformed_address(api_client, committed):
    assert refused(reset_request(api_client, committed, "not-an-email")).keys() == {"email"}


def test_reset_sets_the_password_and_blacklists_every_refresh_token(api_client, committed, freelancer, mailoutbox):
    sessions = [ok(api_client.post(LOGIN, {"email": freelancer.email, "password": TEST_PASSWORD})) for _ in range(2)]
    query = reset_email(api_client, committed, mailoutbox, freelancer)

    assert ok(confirm(api_client, committed, query)) is None

    freelancer.refresh_from_db()
    assert freelancer.check_password(NEW_PASSWORD)
    assert freelancer.email_verified is True  # the link reached the address
    for session in sessions:
        refused(api_client.post(REFRESH, {"refresh": session["refresh"]}), 401)
    ok(api_client.post(LOGIN, {"email": freelancer.email, "password": NEW_PASSWORD}))


def test_a_reset_token_works_once(api_client, committed, freelancer, mailoutbox):
    query = reset_email(api_client, committed, mailoutbox, freelancer)
    ok(confirm(api_client, committed, query))

    errors = refused(confirm(api_client, committed, query, password="Yet-another-phrase-88"))

    assert errors == {"token": ["This link is invalid or has already been used."]}
    freelancer.refresh_from_db()
    assert freelancer.check_password(NEW_PASSWORD)


def test_a_reset_token_expires(api_client, committed, freelancer, mailoutbox, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        query = reset_email(api_client, committed, mailoutbox, freelancer)
    with time_machine.travel(start + timedelta(hours=1, seconds=5), tick=False):
        refused(confirm(api_client, committed, query))
    freelancer.refresh_from_db()
    assert freelancer.check_password(TEST_PASSWORD)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda query: {**query, "token": query["token"][:-1] + ("0" if query["token"][-1] != "0" else "1")},
        lambda query: {**query, "uid": "bm90LWEtdXVpZA"},  # "not-a-uuid"
        lambda query: {**query, "uid": "%%%"},
        lambda query: {**query, "uid": "MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw"},  # an unknown UUID
    ],
    ids=["token", "uid-not-uuid", "uid-not-base64", "uid-unknown"],
)
def test_a_tampered_reset_link_is_a_400(api_client, committed, freelancer, mailoutbox, tamper):
    query = reset_email(api_client, committed, mailoutbox, freelancer)

    assert refused(confirm(api_client, committed, tamper(query))).keys() == {"token"}
    freelancer.refresh_from_db()
    assert freelancer.check_password(TEST_PASSWORD)


def test_a_token_does_not_reset_another_account(api_client, committed, freelancer, other_freelancer, mailoutbox):
    query = reset_email(api_client, committed, mailoutbox, freelancer)

    refused(confirm(api_client, committed, {**query, "uid": urlsafe_base64_encode(force_bytes(other_freelancer.pk))}))
    other_freelancer.refresh_from_db()
    assert other_freelancer.check_password(TEST_PASSWORD)


@pytest.mark.parametrize(
    ("password", "confirm_password", "field"),
    [
        (NEW_PASSWORD, "Something-else-99", "confirm_password"),
        ("12345678", None, "new_password"),
        ("charlie1", None, "new_password"),
    ],
)
def test_reset_confirm_validates_the_new_password(
    api_client, committed, freelancer, mailoutbox, password, confirm_password, field
):
    query = reset_email(api_client, committed, mailoutbox, freelancer)

    assert field in refused(confirm(api_client, committed, query, password, confirm_password))
    freelancer.refresh_from_db()
    assert freelancer.check_password(TEST_PASSWORD)


# --- throttles --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "body"),
    [(VERIFY_CONFIRM, {"token": "x"}), (RESET, {"email": "a@example.com"}), (RESET_CONFIRM, {})],
)
def test_anonymous_lifecycle_endpoints_share_the_login_throttle_per_ip(api_client, monkeypatch, url, body):
    monkeypatch.setattr(LoginRateThrottle, "rate", "2/minute", raising=False)
    api_client.post(LOGIN, {}, REMOTE_ADDR="10.0.0.9")
    api_client.post(url, body, REMOTE_ADDR="10.0.0.9")

    refused(api_client.post(url, body, REMOTE_ADDR="10.0.0.9"), 429)
    assert api_client.post(url, body, REMOTE_ADDR="10.0.0.10").status_code in (200, 400)


@pytest.mark.parametrize(
    ("url", "body"), [(VERIFY_REQUEST, None), (CHANGE_EMAIL, {"new_email": "x@example.com", "password": "wrong-1"})]
)
def test_signed_in_lifecycle_endpoints_are_throttled_per_account(as_user, freelancer, monkeypatch, url, body):
    monkeypatch.setattr(PasswordCheckRateThrottle, "rate", "2/minute", raising=False)
    for _ in range(2):
        assert as_user(freelancer).post(url, body).status_code in (200, 400)

    refused(as_user(freelancer).post(url, body, REMOTE_ADDR="10.9.9.9"), 429)


# --- the verified-email permission (used by Part 2's funding and payout account) --------------------


def test_has_verified_email_refuses_an_unverified_address_with_the_contracts_message(freelancer):
    from types import SimpleNamespace

    from accounts.permissions import HasVerifiedEmail

    permission = HasVerifiedEmail()
    assert permission.message == "Verify your email address first."
    assert permission.has_permission(SimpleNamespace(user=freelancer), None) is False
    freelancer.email_verified = True
    assert permission.has_permission(SimpleNamespace(user=freelancer), None) is True


def test_one_reset_email_per_address_per_minute_whatever_the_client(api_client, committed, freelancer, mailoutbox):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for address in ("10.1.0.1", "10.1.0.2"):
            ok(committed(lambda a=address: api_client.post(RESET, {"email": freelancer.email}, REMOTE_ADDR=a)))
    assert len(mailoutbox) == 1
    # the cache entry expires: a minute later the next request sends again
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        ok(reset_request(api_client, committed, freelancer.email))
    assert len(mailoutbox) == 2
