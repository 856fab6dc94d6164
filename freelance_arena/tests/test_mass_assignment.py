"""Mass assignment (OWASP API3): every writable endpoint ignores or refuses the fields its caller
must not set.

Each test sends a valid body plus the forbidden fields (role and account flags, status outside
the status endpoints, winner, client_score by a freelancer, money, owner ids, timestamps, revision
numbers, file metadata), asserts the exact status the contract gives, and reads the rows back
from the database. A field the contract refuses (register as ADMIN, a freelancer scoring) is a
400/403 with nothing written; every other forbidden field is ignored: 200/201 and the row keeps
its own or derived value. Every test registers the endpoints it covers with `@covers`;
`test_every_writable_endpoint_has_a_mass_assignment_test` walks the URL resolver and fails when
a POST/PUT/PATCH under /api/ has no test here.
"""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import Role, User
from accounts.services import issue_tokens
from accounts.tests.factories import TEST_PASSWORD
from competitions.models import Competition, CompetitionBookmark, CompetitionQuestion, CompetitionStatus
from competitions.tests.factories import CompetitionFactory, CompetitionQuestionFactory
from feedback.models import Review, ReviewType
from notifications.tests.factories import NotificationFactory
from payments.models import PaymentRecord, PaymentStatus
from payments.tests.factories import PaymentRecordFactory
from proposals.models import Proposal, ProposalAttachment, ProposalRevision, ProposalStatus
from proposals.tests.factories import ProposalFactory
from proposals.tests.samples import PDF, upload

pytestmark = pytest.mark.django_db

FORGED_TIME = "2001-02-03T04:05:06Z"
FORGED_ID = "00000000-0000-4000-8000-00000000f0f0"
NEW_PASSWORD = "Another-long-passphrase-42"

# --- The registry the guard test checks -----------------------------------------------------------

COVERED: dict[tuple[str, str], list[str]] = {}


def covers(*endpoints: tuple[str, str]) -> Callable:
    """Registers (route as the URL resolver spells it, method) pairs as covered by the test."""

    def register(test: Callable) -> Callable:
        for endpoint in endpoints:
            COVERED.setdefault(endpoint, []).append(test.__name__)
        return test

    return register


# Writable-looking routes under /api/ that write nothing, with the reason.
NOT_WRITABLE = {r"^api/(?P<unmatched>.*)$": "catch-all: a JSON 404 for every method"}
WRITE_METHODS = ("post", "put", "patch")


def writable_api_endpoints() -> set[tuple[str, str]]:
    """Every (route, method) with a POST/PUT/PATCH handler under /api/, from the URL resolver.

    The Django admin (/admin/) is not the API: its forms are covered by the apps' admin tests.
    A function view cannot say which methods it takes: it must be listed in NOT_WRITABLE.
    """
    found: set[tuple[str, str]] = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
                continue
            if not route.lstrip("^").startswith("api/") or route in NOT_WRITABLE:
                continue
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class is None:
                found.add((route, "function view: list it in NOT_WRITABLE or test it"))
                continue
            for method in WRITE_METHODS:
                if method in view_class.http_method_names and hasattr(view_class, method):
                    found.add((route, method.upper()))

    walk(get_resolver().url_patterns, "")
    return found


def test_every_writable_endpoint_has_a_mass_assignment_test():
    writable = writable_api_endpoints()

    # The walk itself works: it sees endpoints of every app and every write method.
    assert {
        ("api/auth/register/", "POST"),
        ("api/auth/profile/", "PATCH"),
        ("api/competitions/<uuid:pk>/", "PUT"),
        ("api/payments/<uuid:pk>/status/", "POST"),
    } <= writable
    missing = sorted(writable - set(COVERED))
    stale = sorted(set(COVERED) - writable)
    assert not missing, f"writable endpoints without a mass-assignment test: {missing}"
    assert not stale, f"tests registered for endpoints the resolver does not have: {stale}"


# --- Helpers --------------------------------------------------------------------------------------


def ok(response, status_code: int = 200):
    """A success envelope with `status_code`; returns `data`."""
    assert response.status_code == status_code, response.content
    body = response.json()
    assert body["success"] is True
    return body["data"]


def refused(response, status_code: int) -> dict:
    """An error envelope with `status_code`; returns `errors`."""
    assert response.status_code == status_code, response.content
    body = response.json()
    assert body["success"] is False
    return body["errors"]


def recent(value) -> bool:
    """Set by the server during this test, not the forged 2001 timestamp of the body."""
    return value is not None and value > timezone.now() - timedelta(minutes=5)


def state(obj, *fields: str) -> dict:
    """The row's current values of `fields` (attnames: `client_id`, not `client`)."""
    obj.refresh_from_db()
    return {field: getattr(obj, field) for field in fields}


def iso_in(days: float) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


@pytest.fixture
def privileges(db) -> dict:
    """A group and a permission that exist, so that sending their ids would really grant them."""
    group = Group.objects.create(name="moderators")
    permission = Permission.objects.get(codename="delete_user")
    return {"groups": [group.pk], "user_permissions": [permission.pk]}


def account_flags(privileges: dict) -> dict:
    """What nobody may set on their own account (and an admin may not set on anyone)."""
    return {
        "id": FORGED_ID,
        "email": "forged@example.com",
        "role": Role.ADMIN,
        "is_staff": True,
        "is_superuser": True,
        "is_active": False,
        "email_verified": True,
        "last_seen": FORGED_TIME,
        "date_joined": FORGED_TIME,
        "last_login": FORGED_TIME,
        "password": "pwned-by-mass-assignment",
        **privileges,
    }


def assert_no_privileges(user: User) -> None:
    assert user.check_password(TEST_PASSWORD)
    assert not user.groups.exists()
    assert not user.user_permissions.exists()


ACCOUNT_STATE = ("id", "email", "role", "is_staff", "is_superuser", "is_active", "email_verified", "date_joined")


# --- accounts -------------------------------------------------------------------------------------


@covers(("api/auth/register/", "POST"))
def test_register_ignores_account_flags(as_user, privileges):
    body = {"email": "eve@example.com", "username": "eve", "password": "Sturdy-passphrase-9", "role": Role.CLIENT}
    forged = {key: value for key, value in account_flags(privileges).items() if key not in {"email", "password"}}
    forged["role"] = Role.CLIENT  # ADMIN is refused outright: next test

    data = ok(as_user(None).post("/api/auth/register/", {**body, **forged}, format="json"), 201)

    user = User.objects.get(email="eve@example.com")
    assert str(user.pk) != FORGED_ID and data["user"]["id"] == str(user.pk)
    assert user.role == Role.CLIENT
    assert (user.is_staff, user.is_superuser, user.is_active, user.email_verified) == (False, False, True, False)
    assert user.last_seen is None
    assert recent(user.date_joined) and recent(user.last_login)
    assert not user.groups.exists() and not user.user_permissions.exists()


@covers(("api/auth/register/", "POST"))
def test_register_refuses_the_admin_role(as_user):
    body = {"email": "mallory@example.com", "username": "mallory", "password": "Sturdy-passphrase-9"}

    errors = refused(as_user(None).post("/api/auth/register/", {**body, "role": Role.ADMIN}, format="json"), 400)

    assert set(errors) == {"role"}
    assert not User.objects.filter(email="mallory@example.com").exists()


@covers(("api/auth/login/", "POST"))
def test_login_ignores_account_flags_and_other_user_ids(as_user, freelancer, other_freelancer, privileges):
    before = state(freelancer, *ACCOUNT_STATE)
    body = {**account_flags(privileges), "email": freelancer.email, "password": TEST_PASSWORD}
    body.update(user=str(other_freelancer.pk), user_id=str(other_freelancer.pk))

    data = ok(as_user(None).post("/api/auth/login/", body, format="json"))

    assert data["user"]["id"] == str(freelancer.pk) and data["user"]["role"] == Role.FREELANCER
    assert AccessToken(data["access"])[jwt_settings.USER_ID_CLAIM] == str(freelancer.pk)
    assert state(freelancer, *ACCOUNT_STATE) == before
    assert recent(freelancer.last_login)
    assert_no_privileges(freelancer)
    assert not OutstandingToken.objects.filter(user=other_freelancer).exists()


@covers(("api/auth/token/refresh/", "POST"))
def test_token_refresh_keeps_the_tokens_user(as_user, freelancer, other_freelancer):
    refresh = issue_tokens(freelancer)["refresh"]
    body = {"refresh": refresh, "user_id": str(other_freelancer.pk), "user": str(other_freelancer.pk), "role": "ADMIN"}

    data = ok(as_user(None).post("/api/auth/token/refresh/", body, format="json"))

    assert AccessToken(data["access"])[jwt_settings.USER_ID_CLAIM] == str(freelancer.pk)
    assert OutstandingToken.objects.get(token=data["refresh"]).user == freelancer
    assert not OutstandingToken.objects.filter(user=other_freelancer).exists()
    freelancer.refresh_from_db()
    assert freelancer.role == Role.FREELANCER


@covers(("api/auth/logout/", "POST"))
def test_logout_blacklists_only_the_callers_token(as_user, freelancer, other_freelancer):
    own = issue_tokens(freelancer)["refresh"]
    issue_tokens(other_freelancer)
    body = {"refresh": own, "user": str(other_freelancer.pk), "user_id": str(other_freelancer.pk)}

    assert ok(as_user(freelancer).post("/api/auth/logout/", body, format="json")) is None

    assert BlacklistedToken.objects.filter(token__token=own, token__user=freelancer).count() == 1
    assert not BlacklistedToken.objects.filter(token__user=other_freelancer).exists()


@covers(("api/auth/profile/", "PUT"), ("api/auth/profile/", "PATCH"))
@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize("content", ["json", "multipart"])
def test_profile_update_ignores_identity_role_and_account_state(as_user, freelancer, privileges, method, content):
    before = state(freelancer, *ACCOUNT_STATE, "last_login")
    body = {**account_flags(privileges), "username": "charlie2", "bio": "Now with more Django."}

    data = ok(getattr(as_user(freelancer), method)("/api/auth/profile/", body, format=content))

    assert data["username"] == "charlie2" and data["role"] == Role.FREELANCER and data["email"] == freelancer.email
    assert state(freelancer, "username", "bio") == {"username": "charlie2", "bio": "Now with more Django."}
    assert state(freelancer, *ACCOUNT_STATE, "last_login") == before
    assert freelancer.last_seen is None or recent(freelancer.last_seen)  # the middleware's own stamp
    assert_no_privileges(freelancer)


@covers(("api/auth/change-password/", "POST"))
def test_change_password_changes_only_the_callers_password(as_user, freelancer, other_freelancer):
    before = state(freelancer, *ACCOUNT_STATE)
    body = {
        "old_password": TEST_PASSWORD,
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
        "user": str(other_freelancer.pk),
        "id": str(other_freelancer.pk),
        "email": "forged@example.com",
        "role": Role.ADMIN,
        "is_staff": True,
    }

    assert ok(as_user(freelancer).post("/api/auth/change-password/", body, format="json")) is None

    assert state(freelancer, *ACCOUNT_STATE) == before
    assert freelancer.check_password(NEW_PASSWORD)
    other_freelancer.refresh_from_db()
    assert other_freelancer.check_password(TEST_PASSWORD)


def token_of(message) -> str:
    return next(line for line in message.body.splitlines() if line.startswith("Token: ")).removeprefix("Token: ")


@covers(("api/auth/verify-email/request/", "POST"))
def test_verify_request_mails_only_the_callers_own_address(
    as_user, freelancer, other_freelancer, privileges, committed, mailoutbox
):
    before = state(freelancer, *ACCOUNT_STATE)
    body = {**account_flags(privileges), "user": str(other_freelancer.pk), "to": "forged@example.com"}

    assert ok(committed(lambda: as_user(freelancer).post("/api/auth/verify-email/request/", body))) is None

    assert [message.to for message in mailoutbox] == [[freelancer.email]]
    assert state(freelancer, *ACCOUNT_STATE) == before
    assert_no_privileges(freelancer)


@covers(("api/auth/verify-email/confirm/", "POST"))
def test_verify_confirm_verifies_only_the_tokens_address(as_user, freelancer, other_freelancer, privileges, committed):
    from accounts.lifecycle import make_verification_token

    before = state(freelancer, *ACCOUNT_STATE)
    body = {**account_flags(privileges), "token": make_verification_token(freelancer), "user": str(other_freelancer.pk)}

    assert ok(committed(lambda: as_user(other_freelancer).post("/api/auth/verify-email/confirm/", body))) is None

    assert state(freelancer, *ACCOUNT_STATE) == {**before, "email_verified": True}
    assert state(other_freelancer, "email", "email_verified") == {"email": "dana@example.com", "email_verified": False}
    assert_no_privileges(freelancer)


@covers(("api/auth/password-reset/", "POST"))
def test_reset_request_mails_only_the_named_accounts_address(
    as_user, freelancer, other_freelancer, committed, mailoutbox
):
    body = {"email": freelancer.email, "user": str(other_freelancer.pk), "uid": "forged", "to": "forged@example.com"}

    assert ok(committed(lambda: as_user(None).post("/api/auth/password-reset/", body))) is None

    assert [message.to for message in mailoutbox] == [[freelancer.email]]


@covers(("api/auth/password-reset/confirm/", "POST"))
def test_reset_confirm_sets_only_the_password(as_user, freelancer, other_freelancer, privileges, committed, mailoutbox):
    committed(lambda: as_user(None).post("/api/auth/password-reset/", {"email": freelancer.email}))
    link = next(word for word in mailoutbox[0].body.split() if "/reset-password?" in word)
    query = dict(pair.split("=", 1) for pair in link.split("?", 1)[1].split("&"))
    before = state(freelancer, *ACCOUNT_STATE)
    body = {
        **account_flags(privileges),
        **query,
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
        "user": str(other_freelancer.pk),
    }

    assert ok(committed(lambda: as_user(None).post("/api/auth/password-reset/confirm/", body, format="json"))) is None

    # The link proved the address: verified is the one flag the reset itself sets.
    assert state(freelancer, *ACCOUNT_STATE) == {**before, "email_verified": True}
    assert freelancer.check_password(NEW_PASSWORD)
    assert not freelancer.groups.exists() and not freelancer.user_permissions.exists()
    other_freelancer.refresh_from_db()
    assert other_freelancer.check_password(TEST_PASSWORD)


@covers(("api/auth/change-email/", "POST"))
def test_change_email_changes_nothing_until_confirmed_and_mails_only_the_new_address(
    as_user, freelancer, other_freelancer, privileges, committed, mailoutbox
):
    before = state(freelancer, *ACCOUNT_STATE)
    body = {
        **account_flags(privileges),
        "new_email": "charlie.next@example.com",
        "password": TEST_PASSWORD,
        "user": str(other_freelancer.pk),
    }

    assert ok(committed(lambda: as_user(freelancer).post("/api/auth/change-email/", body, format="json"))) is None

    assert [message.to for message in mailoutbox] == [["charlie.next@example.com"]]
    assert state(freelancer, *ACCOUNT_STATE) == before
    assert_no_privileges(freelancer)
    assert state(other_freelancer, "email")["email"] == "dana@example.com"
    assert token_of(mailoutbox[0])


@covers(("api/auth/users/<uuid:pk>/", "PUT"), ("api/auth/users/<uuid:pk>/", "PATCH"))
@pytest.mark.parametrize("method", ["put", "patch"])
def test_admin_user_edit_ignores_superuser_dates_and_password(as_user, admin_user, freelancer, privileges, method):
    """Role, is_staff and is_active are the admin's to set; is_superuser, the dates, the password,
    groups and permissions are not (the contract's AdminUser read-only list)."""
    freelancer.last_login = timezone.now() - timedelta(days=3)
    freelancer.save(update_fields=["last_login"])
    before = state(freelancer, "id", "is_superuser", "date_joined", "last_seen", "last_login")
    forged = {
        key: value
        for key, value in account_flags(privileges).items()
        if key in {"id", "is_superuser", "date_joined", "last_seen", "last_login", "password", *privileges}
    }
    body = {**forged, "email": freelancer.email, "username": freelancer.username, "first_name": "Charles"}

    data = ok(getattr(as_user(admin_user), method)(f"/api/auth/users/{freelancer.pk}/", body, format="json"))

    assert data["first_name"] == "Charles" and data["is_superuser"] is False
    assert state(freelancer, "first_name")["first_name"] == "Charles"
    assert state(freelancer, "id", "is_superuser", "date_joined", "last_seen", "last_login") == before
    assert_no_privileges(freelancer)


# --- competitions ---------------------------------------------------------------------------------


@pytest.fixture
def open_competition(client_owner):
    return CompetitionFactory(client=client_owner, title="Open contest")


@pytest.fixture
def elsewhere(other_client, other_freelancer):
    """Another client's competition with another freelancer's proposal: targets of forged ids."""
    competition = CompetitionFactory(client=other_client, title="Elsewhere")
    return ProposalFactory(competition=competition, freelancer=other_freelancer)


def competition_body(**overrides) -> dict:
    body = {
        "title": "Rewritten title",
        "description": "A one-page site.",
        "requirements": "Responsive.",
        "budget": "2000.00",
        "deadline": iso_in(30),
        "submission_deadline": iso_in(20),
        "category": "web",
    }
    body.update(overrides)
    return body


def competition_forgeries(elsewhere: Proposal, winner: User) -> dict:
    return {
        "id": FORGED_ID,
        "status": CompetitionStatus.CLOSED,
        "client": str(elsewhere.competition.client_id),
        "winner": str(winner.pk),
        "winning_proposal": str(elsewhere.pk),
        "published_at": FORGED_TIME,
        "created_at": FORGED_TIME,
        "updated_at": FORGED_TIME,
        "proposal_count": 99,
    }


@covers(("api/competitions/", "POST"))
def test_competition_create_starts_as_the_callers_unpublished_draft(as_user, client_owner, freelancer, elsewhere):
    body = {**competition_body(title="Brand new"), **competition_forgeries(elsewhere, freelancer)}

    data = ok(as_user(client_owner).post("/api/competitions/", body, format="json"), 201)

    competition = Competition.objects.get(pk=data["id"])
    assert str(competition.pk) != FORGED_ID and competition.title == "Brand new"
    assert competition.status == CompetitionStatus.DRAFT
    assert competition.client_id == client_owner.pk
    assert (competition.winner_id, competition.winning_proposal_id, competition.published_at) == (None, None, None)
    assert recent(competition.created_at) and recent(competition.updated_at)


@covers(("api/competitions/<uuid:pk>/", "PUT"), ("api/competitions/<uuid:pk>/", "PATCH"))
@pytest.mark.parametrize("method", ["put", "patch"])
def test_competition_update_ignores_status_currency_owner_and_winner(
    as_user, client_owner, freelancer, elsewhere, method
):
    # Not funded: a funded prize's budget and currency are a 400 (payments/tests/test_escrow_flow.py).
    open_competition = CompetitionFactory(client=client_owner, funded=False)
    fields = ("id", "status", "currency", "client_id", "winner_id", "winning_proposal_id", "published_at", "created_at")
    before = state(open_competition, *fields)
    body = {**competition_body(), **competition_forgeries(elsewhere, freelancer), "currency": "EUR"}

    url = f"/api/competitions/{open_competition.pk}/"
    data = ok(getattr(as_user(client_owner), method)(url, body, format="json"))

    assert data["title"] == "Rewritten title" and data["status"] == CompetitionStatus.OPEN
    assert state(open_competition, "title", "budget") == {"title": "Rewritten title", "budget": Decimal("2000.00")}
    assert state(open_competition, *fields) == before
    assert recent(open_competition.updated_at)


@covers(("api/competitions/<uuid:pk>/status/", "POST"))
def test_competition_status_change_sets_only_the_status(as_user, client_owner, freelancer, elsewhere):
    draft = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT, funded=True)
    fields = ("id", "title", "budget", "currency", "client_id", "winner_id", "winning_proposal_id", "created_at")
    before = state(draft, *fields)
    forged = {**competition_forgeries(elsewhere, freelancer), "title": "Sneaky", "budget": "1.00", "currency": "EUR"}

    url = f"/api/competitions/{draft.pk}/status/"
    data = ok(as_user(client_owner).post(url, {**forged, "status": CompetitionStatus.OPEN}, format="json"))

    assert data["status"] == CompetitionStatus.OPEN
    assert state(draft, *fields) == before
    assert draft.status == CompetitionStatus.OPEN
    assert recent(draft.published_at)  # stamped by the transition, not the body's 2001


@covers(("api/competitions/<uuid:pk>/questions/", "POST"))
def test_question_is_asked_by_the_caller_on_the_urls_competition(
    as_user, client_owner, freelancer, other_freelancer, open_competition, elsewhere
):
    body = {
        "question": "Which browsers?",
        "id": FORGED_ID,
        "competition": str(elsewhere.competition_id),
        "asked_by": str(other_freelancer.pk),
        "asked_by_username": other_freelancer.username,
        "answer": "Forged answer",
        "answered_at": FORGED_TIME,
        "answered_by": str(client_owner.pk),
        "created_at": FORGED_TIME,
    }

    url = f"/api/competitions/{open_competition.pk}/questions/"
    data = ok(as_user(freelancer).post(url, body, format="json"), 201)

    question = CompetitionQuestion.objects.get(pk=data["id"])
    assert str(question.pk) != FORGED_ID and question.question == "Which browsers?"
    assert question.competition_id == open_competition.pk
    assert question.asked_by_id == freelancer.pk
    assert (question.answer, question.answered_at, question.answered_by_id) == (None, None, None)
    assert recent(question.created_at)
    assert not CompetitionQuestion.objects.filter(competition=elsewhere.competition).exists()


@covers(("api/competitions/<uuid:pk>/questions/<uuid:question_id>/answer/", "POST"))
def test_answer_sets_only_the_answer_and_visibility(as_user, client_owner, other_client, freelancer, open_competition):
    question = CompetitionQuestionFactory(competition=open_competition, asked_by=freelancer)
    before = state(question, "question", "asked_by_id", "competition_id", "created_at")
    other = CompetitionFactory(client=other_client)
    body = {
        "answer": "Evergreen browsers.",
        "is_public": False,
        "question": "Rewritten question",
        "asked_by": str(other_client.pk),
        "answered_by": str(other_client.pk),
        "answered_at": FORGED_TIME,
        "competition": str(other.pk),
        "created_at": FORGED_TIME,
    }

    url = f"/api/competitions/{open_competition.pk}/questions/{question.pk}/answer/"
    ok(as_user(client_owner).post(url, body, format="json"))

    assert state(question, "answer", "is_public", "answered_by_id") == {
        "answer": "Evergreen browsers.",
        "is_public": False,
        "answered_by_id": client_owner.pk,
    }
    assert state(question, "question", "asked_by_id", "competition_id", "created_at") == before
    assert recent(question.answered_at)


@covers(("api/competitions/<uuid:pk>/bookmark/", "POST"))
def test_bookmark_is_the_callers_on_the_urls_competition(
    as_user, freelancer, other_freelancer, open_competition, elsewhere
):
    body = {"user": str(other_freelancer.pk), "competition": str(elsewhere.competition_id), "created_at": FORGED_TIME}

    data = ok(as_user(freelancer).post(f"/api/competitions/{open_competition.pk}/bookmark/", body, format="json"))

    assert data == {"bookmarked": True}
    bookmarks = list(CompetitionBookmark.objects.values_list("competition_id", "user_id"))
    assert bookmarks == [(open_competition.pk, freelancer.pk)]
    assert recent(CompetitionBookmark.objects.get().created_at)


@covers(("api/competitions/<uuid:pk>/select-winner/", "POST"))
def test_select_winner_derives_winner_and_payment_from_the_proposal(
    as_user, client_owner, other_client, freelancer, other_freelancer
):
    competition = CompetitionFactory(client=client_owner, status=CompetitionStatus.REVIEW, currency="USD")
    chosen = ProposalFactory(competition=competition, freelancer=freelancer, proposed_budget=Decimal("1500.00"))
    other = ProposalFactory(competition=competition, freelancer=other_freelancer)
    body = {
        "proposal_id": str(chosen.pk),
        "winner": str(other_freelancer.pk),
        "winning_proposal": str(other.pk),
        "status": CompetitionStatus.CANCELLED,
        "amount": "1.00",
        "platform_fee": "0.00",
        "net_amount": "1.00",
        "currency": "EUR",
        "freelancer": str(other_freelancer.pk),
        "client": str(other_client.pk),
        "completed_at": FORGED_TIME,
    }

    ok(as_user(client_owner).post(f"/api/competitions/{competition.pk}/select-winner/", body, format="json"))

    assert state(competition, "status", "winner_id", "winning_proposal_id") == {
        "status": CompetitionStatus.CLOSED,
        "winner_id": freelancer.pk,
        "winning_proposal_id": chosen.pk,
    }
    assert state(chosen, "status", "is_winner") == {"status": ProposalStatus.ACCEPTED, "is_winner": True}
    assert state(other, "status", "is_winner") == {"status": ProposalStatus.REJECTED, "is_winner": False}
    payment = PaymentRecord.objects.get(competition=competition)
    assert (payment.client_id, payment.freelancer_id) == (client_owner.pk, freelancer.pk)
    assert (payment.amount, payment.platform_fee, payment.net_amount) == (
        Decimal("1500.00"),
        Decimal("150.00"),
        Decimal("1350.00"),
    )
    assert (payment.currency, payment.status, payment.completed_at) == ("USD", PaymentStatus.PENDING, None)


# --- proposals ------------------------------------------------------------------------------------


@pytest.fixture
def proposal(open_competition, freelancer):
    return ProposalFactory(competition=open_competition, freelancer=freelancer, title="My approach")


def proposal_forgeries(other: User) -> dict:
    """What a freelancer may never set on a proposal (scores, status, winner, owner, history)."""
    return {
        "id": FORGED_ID,
        "status": ProposalStatus.ACCEPTED,
        "is_winner": True,
        "client_score": 5,
        "client_note": "Self-awarded",
        "freelancer": str(other.pk),
        "created_at": FORGED_TIME,
        "updated_at": FORGED_TIME,
        "revision_number": 42,
    }


@covers(("api/proposals/", "POST"))
@pytest.mark.parametrize("content", ["json", "multipart"])
def test_proposal_submit_ignores_status_scores_owner_and_file_metadata(
    as_user, freelancer, other_freelancer, open_competition, elsewhere, content
):
    body = {
        "competition": str(open_competition.pk),
        "title": "My entry",
        "description": "A plan.",
        "proposed_budget": "1200.00",
        "estimated_duration": 10,
        **proposal_forgeries(other_freelancer),
    }
    if content == "multipart":
        body.update(attachments=[upload("brief.pdf", PDF)], file_size=1, file_type="exe", original_filename="x.exe")

    data = ok(as_user(freelancer).post("/api/proposals/", body, format=content), 201)

    proposal = Proposal.objects.get(pk=data["id"])
    assert str(proposal.pk) != FORGED_ID and proposal.competition_id == open_competition.pk
    assert proposal.freelancer_id == freelancer.pk
    assert proposal.status == ProposalStatus.SUBMITTED and proposal.is_winner is False
    assert (proposal.client_score, proposal.client_note) == (None, None)
    assert recent(proposal.created_at) and recent(proposal.updated_at)
    assert not ProposalRevision.objects.filter(proposal=proposal).exists()
    files = list(proposal.attachments.values_list("original_filename", "file_size", "file_type"))
    assert files == ([("brief.pdf", len(PDF), "pdf")] if content == "multipart" else [])
    assert not Proposal.objects.filter(freelancer=other_freelancer).exclude(pk=elsewhere.pk).exists()


@covers(("api/proposals/<uuid:pk>/", "PUT"), ("api/proposals/<uuid:pk>/", "PATCH"))
@pytest.mark.parametrize("method", ["put", "patch"])
def test_proposal_edit_ignores_status_scores_owner_and_revision_number(
    as_user, freelancer, other_freelancer, proposal, elsewhere, method
):
    fields = (
        "id",
        "competition_id",
        "freelancer_id",
        "status",
        "is_winner",
        "client_score",
        "client_note",
        "created_at",
    )
    before = state(proposal, *fields)
    body = {
        "title": "Better approach",
        "description": "A better plan.",
        "proposed_budget": "1100.00",
        "estimated_duration": 9,
        "competition": str(elsewhere.competition_id),
        "revisions": [{"revision_number": 7, "description": "forged"}],
        **proposal_forgeries(other_freelancer),
    }

    ok(getattr(as_user(freelancer), method)(f"/api/proposals/{proposal.pk}/", body, format="json"))

    assert state(proposal, "title", "proposed_budget") == {
        "title": "Better approach",
        "proposed_budget": Decimal("1100"),
    }
    assert state(proposal, *fields) == before
    assert list(proposal.revisions.values_list("revision_number", "revised_by_id")) == [(1, freelancer.pk)]


@covers(("api/proposals/<uuid:pk>/withdraw/", "POST"))
def test_withdraw_sets_withdrawn_whatever_the_body_says(as_user, freelancer, other_freelancer, proposal, elsewhere):
    body = proposal_forgeries(other_freelancer)

    data = ok(as_user(freelancer).post(f"/api/proposals/{proposal.pk}/withdraw/", body, format="json"))

    assert data["status"] == ProposalStatus.WITHDRAWN
    assert state(proposal, "status", "is_winner", "client_score", "client_note", "freelancer_id") == {
        "status": ProposalStatus.WITHDRAWN,
        "is_winner": False,
        "client_score": None,
        "client_note": None,
        "freelancer_id": freelancer.pk,
    }


@covers(("api/proposals/<uuid:pk>/attachments/", "POST"))
def test_attachment_metadata_comes_from_the_upload(as_user, freelancer, proposal, elsewhere):
    body = {
        "file": upload("brief.pdf", PDF),
        "description": "The brief",
        "id": FORGED_ID,
        "proposal": str(elsewhere.pk),
        "original_filename": "../../evil.exe",
        "file_size": 1,
        "file_type": "exe",
        "uploaded_at": FORGED_TIME,
        "url": "https://evil.example.com/x",
    }

    data = ok(as_user(freelancer).post(f"/api/proposals/{proposal.pk}/attachments/", body, format="multipart"), 201)

    attachment = ProposalAttachment.objects.get(pk=data["id"])
    assert str(attachment.pk) != FORGED_ID and attachment.proposal_id == proposal.pk
    assert (attachment.original_filename, attachment.file_size, attachment.file_type) == ("brief.pdf", len(PDF), "pdf")
    assert attachment.description == "The brief" and recent(attachment.uploaded_at)
    assert not ProposalAttachment.objects.filter(proposal=elsewhere).exists()


@covers(("api/proposals/<uuid:pk>/score/", "POST"))
def test_score_sets_only_score_note_and_the_review_status(as_user, client_owner, other_freelancer, proposal, elsewhere):
    fields = ("title", "proposed_budget", "freelancer_id", "competition_id", "is_winner", "created_at")
    before = state(proposal, *fields)
    body = {
        "client_score": 4,
        "client_note": "Solid.",
        "status": ProposalStatus.ACCEPTED,
        "is_winner": True,
        "title": "Renamed by the client",
        "proposed_budget": "1.00",
        "freelancer": str(other_freelancer.pk),
        "competition": str(elsewhere.competition_id),
        "created_at": FORGED_TIME,
    }

    ok(as_user(client_owner).post(f"/api/proposals/{proposal.pk}/score/", body, format="json"))

    assert state(proposal, "client_score", "client_note", "status") == {
        "client_score": 4,
        "client_note": "Solid.",
        "status": ProposalStatus.UNDER_REVIEW,  # the scoring transition, not the body's ACCEPTED
    }
    assert state(proposal, *fields) == before


@covers(("api/proposals/<uuid:pk>/score/", "POST"))
@pytest.mark.parametrize(("who", "status_code"), [("freelancer", 403), ("other_freelancer", 404)])
def test_a_freelancer_cannot_set_client_score(as_user, freelancer, other_freelancer, proposal, who, status_code):
    caller = freelancer if who == "freelancer" else other_freelancer
    body = {"client_score": 5, "client_note": "Self-awarded"}

    refused(as_user(caller).post(f"/api/proposals/{proposal.pk}/score/", body, format="json"), status_code)

    assert state(proposal, "client_score", "client_note", "status") == {
        "client_score": None,
        "client_note": None,
        "status": ProposalStatus.SUBMITTED,
    }


# --- feedback -------------------------------------------------------------------------------------


@pytest.fixture
def closed_competition(client_owner, freelancer, other_freelancer):
    competition = CompetitionFactory(client=client_owner, status=CompetitionStatus.CLOSED)
    winning = ProposalFactory(
        competition=competition, freelancer=freelancer, status=ProposalStatus.ACCEPTED, is_winner=True
    )
    ProposalFactory(competition=competition, freelancer=other_freelancer, status=ProposalStatus.REJECTED)
    competition.winner = freelancer
    competition.winning_proposal = winning
    competition.save(update_fields=["winner", "winning_proposal"])
    return competition


@covers(("api/feedback/reviews/", "POST"))
@pytest.mark.parametrize(
    ("reviewer", "reviewee", "review_type"),
    [
        ("client_owner", "freelancer", ReviewType.CLIENT_TO_FREELANCER),
        ("other_freelancer", "client_owner", ReviewType.FREELANCER_TO_CLIENT),
    ],
)
def test_review_reviewer_reviewee_and_type_are_derived(
    request, as_user, other_client, closed_competition, reviewer, reviewee, review_type
):
    reviewer, reviewee = request.getfixturevalue(reviewer), request.getfixturevalue(reviewee)
    wrong_type = next(choice for choice in ReviewType.values if choice != review_type)
    body = {
        "competition": str(closed_competition.pk),
        "rating": 4,
        "comment": "Fine work.",
        "id": FORGED_ID,
        "reviewer": str(other_client.pk),
        "reviewee": str(other_client.pk),
        "review_type": wrong_type,
        "created_at": FORGED_TIME,
    }

    data = ok(as_user(reviewer).post("/api/feedback/reviews/", body, format="json"), 201)

    review = Review.objects.get(pk=data["id"])
    assert str(review.pk) != FORGED_ID
    assert (review.reviewer_id, review.reviewee_id, review.review_type) == (reviewer.pk, reviewee.pk, review_type)
    assert recent(review.created_at)
    assert not Review.objects.filter(reviewee=other_client).exists()


# --- notifications --------------------------------------------------------------------------------


@covers(("api/notifications/mark-read/", "POST"))
def test_mark_read_touches_only_the_callers_notifications(as_user, freelancer, other_freelancer):
    own = NotificationFactory(recipient=freelancer)
    theirs = NotificationFactory(recipient=other_freelancer)
    body = {
        "ids": [str(own.pk), str(theirs.pk)],
        "recipient": str(other_freelancer.pk),
        "is_read": False,
        "read_at": FORGED_TIME,
    }

    data = ok(as_user(freelancer).post("/api/notifications/mark-read/", body, format="json"))

    assert data == {"updated": 1}
    assert state(own, "is_read", "recipient_id") == {"is_read": True, "recipient_id": freelancer.pk}
    assert recent(own.read_at)
    assert state(theirs, "is_read", "read_at", "recipient_id") == {
        "is_read": False,
        "read_at": None,
        "recipient_id": other_freelancer.pk,
    }


@covers(("api/notifications/mark-all-read/", "POST"))
def test_mark_all_read_touches_only_the_callers_notifications(as_user, freelancer, other_freelancer):
    own = [NotificationFactory(recipient=freelancer) for _ in range(2)]
    theirs = NotificationFactory(recipient=other_freelancer)
    body = {"recipient": str(other_freelancer.pk), "ids": [str(theirs.pk)], "read_at": FORGED_TIME}

    data = ok(as_user(freelancer).post("/api/notifications/mark-all-read/", body, format="json"))

    assert data == {"updated": 2}
    for notification in own:
        assert state(notification, "is_read")["is_read"] is True and recent(notification.read_at)
    assert state(theirs, "is_read", "read_at") == {"is_read": False, "read_at": None}


@covers(("api/notifications/preferences/", "PATCH"))
def test_preferences_patch_writes_only_the_callers_own_choices(as_user, freelancer, other_freelancer):
    from notifications.models import NotificationPreference

    body = {
        "email": {"COMPETITION_OPENED": True},
        "user": str(other_freelancer.pk),
        "user_id": str(other_freelancer.pk),
        "updated_at": FORGED_TIME,
    }

    data = ok(as_user(freelancer).patch("/api/notifications/preferences/", body, format="json"))

    assert data["email"]["COMPETITION_OPENED"] is True
    preference = NotificationPreference.objects.get()
    assert (preference.user_id, preference.email) == (freelancer.pk, {"COMPETITION_OPENED": True})
    assert recent(preference.updated_at)


# --- payments -------------------------------------------------------------------------------------


@covers(("api/payments/<uuid:pk>/status/", "POST"))
@pytest.mark.parametrize(
    ("start", "target"),
    [(PaymentStatus.PENDING, PaymentStatus.PROCESSING), (PaymentStatus.PROCESSING, PaymentStatus.COMPLETED)],
)
def test_payment_status_update_ignores_money_parties_and_dates(
    as_user, admin_user, client_owner, other_client, freelancer, other_freelancer, start, target
):
    competition = CompetitionFactory(client=client_owner, status=CompetitionStatus.CLOSED)
    payment = PaymentRecordFactory(
        competition=competition, freelancer=freelancer, amount=Decimal("1000.00"), status=start
    )
    fields = ("amount", "platform_fee", "net_amount", "currency", "client_id", "freelancer_id", "competition_id")
    before = state(payment, *fields, "created_at")
    other = CompetitionFactory(client=other_client, status=CompetitionStatus.CLOSED)
    body = {
        "status": target,
        "notes": "Wire sent.",
        "id": FORGED_ID,
        "amount": "1.00",
        "platform_fee": "0.00",
        "net_amount": "1.00",
        "currency": "EUR",
        "client": str(other_client.pk),
        "freelancer": str(other_freelancer.pk),
        "competition": str(other.pk),
        "created_at": FORGED_TIME,
        "completed_at": FORGED_TIME,
    }

    data = ok(as_user(admin_user).post(f"/api/payments/{payment.pk}/status/", body, format="json"))

    assert data["status"] == target and data["amount"] == "1000.00"
    assert state(payment, "status", "notes") == {"status": target, "notes": "Wire sent."}
    assert state(payment, *fields, "created_at") == before
    assert (payment.amount, payment.platform_fee, payment.net_amount) == (
        Decimal("1000.00"),
        Decimal("100.00"),
        Decimal("900.00"),
    )
    if target == PaymentStatus.COMPLETED:
        assert recent(payment.completed_at)  # stamped by the transition, not the body's 2001
    else:
        assert payment.completed_at is None


# --- Money (Part 2) -------------------------------------------------------------------------------


@covers(("api/competitions/<uuid:pk>/fund/", "POST"))
def test_fund_takes_amount_currency_and_status_from_the_competition_not_the_body(as_user, client_owner, elsewhere):
    from payments.models import Funding, FundingStatus

    client_owner.email_verified = True
    client_owner.save(update_fields=["email_verified"])
    draft = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT)
    body = {
        "id": FORGED_ID,
        "amount": "1.00",
        "currency": "EUR",
        "status": "SUCCEEDED",
        "provider": "stripe",
        "provider_ref": "pi_forged",
        "competition": str(elsewhere.competition_id),
        "client": str(elsewhere.freelancer_id),
    }
    data = ok(as_user(client_owner).post(f"/api/competitions/{draft.pk}/fund/", body, format="json"), 201)

    funding = Funding.objects.get(competition=draft)
    assert str(funding.pk) == data["id"] != FORGED_ID
    assert (funding.amount, funding.currency, funding.status) == (draft.budget, "USD", FundingStatus.PENDING)
    assert (funding.provider, funding.competition_id, funding.client_id) == ("dummy", draft.pk, client_owner.pk)
    assert funding.provider_ref != "pi_forged"


@covers(("api/payments/fundings/<uuid:pk>/confirm/", "POST"))
def test_confirm_reads_only_the_outcome(as_user, client_owner):
    from payments.models import Funding, FundingStatus
    from payments.tests.money import assert_ledger_ok

    draft = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT)
    funding = Funding.objects.create(
        competition=draft,
        client=client_owner,
        provider="dummy",
        provider_ref="dummy_pi_x",
        amount="1500.00",
        currency="USD",
    )
    body = {"outcome": "succeeded", "amount": "1.00", "status": "REFUNDED", "succeeded_at": "2001-01-01T00:00:00Z"}
    data = ok(as_user(client_owner).post(f"/api/payments/fundings/{funding.pk}/confirm/", body, format="json"))

    funding.refresh_from_db()
    assert (data["status"], funding.status, funding.amount) == (
        "SUCCEEDED",
        FundingStatus.SUCCEEDED,
        Decimal("1500.00"),
    )
    assert recent(funding.succeeded_at)
    assert_ledger_ok()


@covers(("api/payments/payout-account/", "POST"))
def test_payout_account_is_the_callers_with_the_configured_provider(as_user, freelancer, other_freelancer):
    from payments.models import PayoutAccount

    freelancer.email_verified = True
    freelancer.save(update_fields=["email_verified"])
    body = {"user": str(other_freelancer.pk), "provider": "stripe", "status": "PENDING", "onboarding_url": "https://x"}
    data = ok(as_user(freelancer).post("/api/payments/payout-account/", body, format="json"), 201)

    account = PayoutAccount.objects.get()
    assert (account.user_id, account.provider, account.status) == (freelancer.pk, "dummy", "ACTIVE")
    assert data["onboarding_url"] == ""


@covers(("api/payments/webhooks/stripe/", "POST"))
def test_an_unsigned_webhook_body_changes_nothing(api_client, client_owner):
    from payments.models import ProviderEvent

    draft = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT)
    body = {"id": "evt_forged", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_x"}}}
    response = api_client.post("/api/payments/webhooks/stripe/", body, format="json")

    assert response.status_code == 400
    assert not ProviderEvent.objects.exists()
    draft.refresh_from_db()
    assert draft.funded_at is None


# --- Originality reports (issue 16) ---------------------------------------------------------------


def report_forgeries(other: User) -> dict:
    """What no party may set on a report: its status, decision, dates, parties."""
    return {
        "id": FORGED_ID,
        "status": "DISQUALIFIED",
        "note": "Forged decision",
        "decided_at": FORGED_TIME,
        "responded_at": FORGED_TIME,
        "created_at": FORGED_TIME,
        "reported_by": str(other.pk),
        "decided_by": str(other.pk),
        "proposal": FORGED_ID,
    }


@pytest.fixture
def open_report(client_owner, proposal):
    from originality.models import Report

    return Report.objects.create(proposal=proposal, reported_by=client_owner, reason="Copied.")


@covers(("api/proposals/<uuid:pk>/report/", "POST"))
def test_report_is_the_owners_open_report_on_the_urls_proposal(as_user, client_owner, other_client, proposal):
    from originality.models import Report, ReportStatus

    body = {"reason": "Copied.", **report_forgeries(other_client)}

    data = ok(as_user(client_owner).post(f"/api/proposals/{proposal.pk}/report/", body, format="json"), 201)

    report = Report.objects.get(pk=data["id"])
    assert str(report.pk) != FORGED_ID
    assert (report.proposal_id, report.reported_by_id, report.status) == (proposal.pk, client_owner.pk, "OPEN")
    assert report.status == ReportStatus.OPEN and report.note == "" and report.decided_by_id is None
    assert report.decided_at is None and report.responded_at is None and recent(report.created_at)
    assert state(proposal, "status") == {"status": ProposalStatus.SUBMITTED}


@covers(("api/proposals/<uuid:pk>/report-response/", "POST"))
def test_report_response_sets_only_the_response(as_user, freelancer, other_client, proposal, open_report):
    body = {"response": "Mine.", **report_forgeries(other_client)}

    ok(as_user(freelancer).post(f"/api/proposals/{proposal.pk}/report-response/", body, format="json"))

    assert state(open_report, "response", "status", "note", "decided_by_id", "proposal_id") == {
        "response": "Mine.",
        "status": "OPEN",
        "note": "",
        "decided_by_id": None,
        "proposal_id": proposal.pk,
    }
    assert recent(open_report.responded_at) and open_report.decided_at is None


@covers(("api/proposals/reports/<uuid:pk>/decide/", "POST"))
def test_decide_sets_the_decision_of_the_caller(as_user, admin_user, other_client, proposal, open_report):
    body = {**report_forgeries(other_client), "decision": "DISMISS", "note": "Fine."}

    ok(as_user(admin_user).post(f"/api/proposals/reports/{open_report.pk}/decide/", body, format="json"))

    assert state(open_report, "status", "note", "decided_by_id", "proposal_id", "response") == {
        "status": "DISMISSED",
        "note": "Fine.",
        "decided_by_id": admin_user.pk,
        "proposal_id": proposal.pk,
        "response": "",
    }
    assert recent(open_report.decided_at) and open_report.responded_at is None
    assert state(proposal, "status") == {"status": ProposalStatus.SUBMITTED}
