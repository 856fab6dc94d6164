"""The signed-in user's profile, password change and account deactivation."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.models import Role, User
from accounts.serializers import IMAGE_MAX_PIXELS
from accounts.tests.conftest import png_bytes
from accounts.tests.factories import TEST_PASSWORD
from accounts.throttling import PasswordCheckRateThrottle

PROFILE = "/api/auth/profile/"
CHANGE_PASSWORD = "/api/auth/change-password/"
LOGIN = "/api/auth/login/"
REFRESH = "/api/auth/token/refresh/"

pytestmark = pytest.mark.django_db

PROFILE_FIELDS = {
    "id",
    "email",
    "username",
    "first_name",
    "last_name",
    "role",
    "bio",
    "profile_picture",
    "skills",
    "hourly_rate",
    "date_joined",
    "last_seen",
    "email_verified",
}


def error_body(response, status_code):
    assert response.status_code == status_code, response.content
    body = response.json()
    assert body["success"] is False and body["message"]
    assert isinstance(body["errors"], dict)
    return body


# --- read ---------------------------------------------------------------------------------------


def test_profile_returns_the_contract_fields(as_user, freelancer):
    response = as_user(freelancer).get(PROFILE)

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert set(body["data"]) == PROFILE_FIELDS
    assert body["data"]["id"] == str(freelancer.pk)
    assert body["data"]["email"] == "charlie@example.com"
    assert body["data"]["date_joined"].endswith("Z") or "+00:00" in body["data"]["date_joined"]


def test_profile_requires_authentication(api_client):
    error_body(api_client.get(PROFILE), 401)


def test_profile_with_a_broken_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer garbage")
    error_body(api_client.get(PROFILE), 401)


# --- update -------------------------------------------------------------------------------------


def test_profile_patch_updates_own_fields(as_user, freelancer):
    payload = {"first_name": "Charles", "bio": "Django dev 🚀", "hourly_rate": "45.50", "username": "charles"}

    response = as_user(freelancer).patch(PROFILE, payload)

    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert data["first_name"] == "Charles"
    assert data["hourly_rate"] == "45.50"
    freelancer.refresh_from_db()
    assert freelancer.bio == "Django dev 🚀"  # utf8mb4 round-trip
    assert freelancer.username == "charles"


def test_profile_put_updates_the_profile(as_user, client_owner):
    payload = {"username": "alice2", "first_name": "A", "last_name": "B", "bio": "", "skills": "", "hourly_rate": None}
    response = as_user(client_owner).put(PROFILE, payload)
    assert response.status_code == 200, response.content
    client_owner.refresh_from_db()
    assert (client_owner.username, client_owner.first_name, client_owner.last_name) == ("alice2", "A", "B")


def test_profile_update_ignores_read_only_and_account_fields(as_user, freelancer):
    payload = {
        "role": Role.ADMIN,
        "email": "evil@example.com",
        "is_staff": True,
        "is_superuser": True,
        "is_active": False,
        "email_verified": True,
        "last_seen": "2020-01-01T00:00:00Z",
        "date_joined": "2020-01-01T00:00:00Z",
        "id": "00000000-0000-0000-0000-000000000000",
        "bio": "changed",
    }

    response = as_user(freelancer).patch(PROFILE, payload)

    assert response.status_code == 200, response.content
    assert response.json()["data"]["role"] == Role.FREELANCER
    old_pk = freelancer.pk
    freelancer.refresh_from_db()
    assert freelancer.pk == old_pk
    assert freelancer.role == Role.FREELANCER
    assert freelancer.email == "charlie@example.com"
    assert (freelancer.is_staff, freelancer.is_superuser, freelancer.is_active) == (False, False, True)
    assert freelancer.email_verified is False
    assert freelancer.last_seen is None or freelancer.last_seen.year > 2020
    assert freelancer.bio == "changed"


def test_profile_username_taken_by_someone_else_is_refused(as_user, freelancer, other_freelancer):
    body = error_body(as_user(freelancer).patch(PROFILE, {"username": "DANA"}), 400)
    assert "username" in body["errors"]


def test_profile_keeping_own_username_is_fine(as_user, freelancer):
    assert as_user(freelancer).patch(PROFILE, {"username": "charlie"}).status_code == 200


def test_negative_hourly_rate_is_refused(as_user, freelancer):
    body = error_body(as_user(freelancer).patch(PROFILE, {"hourly_rate": "-1.00"}), 400)
    assert "hourly_rate" in body["errors"]


# --- skills -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("python,django", "python, django"),
        ("  Python ,  Django REST  ,", "Python, Django REST"),
        ("a,, ,b", "a, b"),
        ("", ""),
    ],
)
def test_skills_are_trimmed_and_stored_comma_space_separated(as_user, freelancer, raw, stored):
    response = as_user(freelancer).patch(PROFILE, {"skills": raw})

    assert response.status_code == 200, response.content
    assert response.json()["data"]["skills"] == stored
    freelancer.refresh_from_db()
    assert freelancer.skills == stored


def test_duplicate_skills_are_refused_case_insensitively(as_user, freelancer):
    body = error_body(as_user(freelancer).patch(PROFILE, {"skills": "Python, django, PYTHON"}), 400)
    assert "skills" in body["errors"]
    freelancer.refresh_from_db()
    assert freelancer.skills == "python, django"


def test_a_skill_longer_than_50_characters_is_refused(as_user, freelancer):
    error_body(as_user(freelancer).patch(PROFILE, {"skills": "ok, " + "x" * 51}), 400)
    assert as_user(freelancer).patch(PROFILE, {"skills": "ok, " + "x" * 50}).status_code == 200


# --- profile picture ----------------------------------------------------------------------------


def test_a_real_small_png_is_accepted_and_returned_as_a_url(as_user, freelancer, small_png):
    response = as_user(freelancer).patch(PROFILE, {"profile_picture": small_png}, format="multipart")

    assert response.status_code == 200, response.content
    url = response.json()["data"]["profile_picture"]
    assert url.startswith("http://testserver/media/profile_pictures/") and url.endswith(".png")
    freelancer.refresh_from_db()
    assert freelancer.profile_picture.name.startswith("profile_pictures/")
    with freelancer.profile_picture.open("rb") as stored:
        assert stored.read() == png_bytes()


def test_a_picture_is_stored_with_the_extension_of_its_real_format(as_user, freelancer):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="JPEG")
    upload = SimpleUploadedFile("avatar.png", buffer.getvalue(), content_type="image/png")
    response = as_user(freelancer).patch(PROFILE, {"profile_picture": upload}, format="multipart")
    assert response.status_code == 200, response.content
    freelancer.refresh_from_db()
    assert freelancer.profile_picture.name.endswith(".jpg")


def test_a_real_image_with_a_non_image_extension_is_refused(as_user, freelancer):
    upload = SimpleUploadedFile("avatar.html", png_bytes(), content_type="text/html")
    body = error_body(as_user(freelancer).patch(PROFILE, {"profile_picture": upload}, format="multipart"), 400)
    assert "profile_picture" in body["errors"]


def test_a_text_file_named_png_is_refused(as_user, freelancer):
    upload = SimpleUploadedFile("avatar.png", b"this is not an image at all", content_type="image/png")

    body = error_body(as_user(freelancer).patch(PROFILE, {"profile_picture": upload}, format="multipart"), 400)

    assert "profile_picture" in body["errors"]
    freelancer.refresh_from_db()
    assert not freelancer.profile_picture


def test_an_image_over_2_mb_is_refused(as_user, freelancer):
    buffer = io.BytesIO()
    # Random pixels do not compress: a 1000x1000 RGB PNG of noise is ~3 MB.
    Image.frombytes("RGB", (1000, 1000), __import__("os").urandom(3_000_000)).save(buffer, format="PNG")
    assert buffer.tell() > 2 * 1024 * 1024
    upload = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")

    body = error_body(as_user(freelancer).patch(PROFILE, {"profile_picture": upload}, format="multipart"), 400)

    assert "profile_picture" in body["errors"]
    assert "2 MB" in body["message"]
    freelancer.refresh_from_db()
    assert not freelancer.profile_picture


def test_an_image_with_huge_dimensions_is_refused_before_decoding(as_user, freelancer):
    # A tiny 1-bit PNG declaring 6000x6000 pixels (36 MP): a decompression-bomb shape.
    buffer = io.BytesIO()
    Image.new("1", (6000, 6000)).save(buffer, format="PNG")
    assert IMAGE_MAX_PIXELS < 6000 * 6000 and buffer.tell() < 100_000
    upload = SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")

    body = error_body(as_user(freelancer).patch(PROFILE, {"profile_picture": upload}, format="multipart"), 400)

    assert "profile_picture" in body["errors"]


def test_replacing_the_picture_removes_the_old_file(as_user, freelancer, django_capture_on_commit_callbacks):
    client = as_user(freelancer)
    first = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    client.patch(PROFILE, {"profile_picture": first}, format="multipart")
    freelancer.refresh_from_db()
    old_name = freelancer.profile_picture.name
    storage = freelancer.profile_picture.storage

    with django_capture_on_commit_callbacks(execute=True):
        second = SimpleUploadedFile("b.png", png_bytes(4, 4), content_type="image/png")
        response = client.patch(PROFILE, {"profile_picture": second}, format="multipart")

    assert response.status_code == 200
    assert not storage.exists(old_name)


def test_the_picture_can_be_removed_with_null(as_user, freelancer, small_png):
    client = as_user(freelancer)
    client.patch(PROFILE, {"profile_picture": small_png}, format="multipart")
    response = client.patch(PROFILE, {"profile_picture": None}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["data"]["profile_picture"] is None


# --- deactivation -------------------------------------------------------------------------------


def test_profile_delete_deactivates_the_account_and_keeps_its_data(api_client, as_user, freelancer):
    tokens = api_client.post(LOGIN, {"email": freelancer.email, "password": TEST_PASSWORD}).json()["data"]
    client = as_user(freelancer)

    response = client.delete(PROFILE, {"password": TEST_PASSWORD}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body == {"success": True, "message": body["message"], "data": None}
    freelancer.refresh_from_db()
    assert freelancer.is_active is False
    assert User.objects.filter(pk=freelancer.pk).exists()
    # tokens stop working: the access token is refused, the refresh token is blacklisted
    assert client.get(PROFILE).status_code == 401
    assert BlacklistedToken.objects.filter(token__user=freelancer).exists()
    assert api_client.post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 401
    # and the login says why
    login = api_client.post(LOGIN, {"email": freelancer.email, "password": TEST_PASSWORD})
    assert login.status_code == 400
    assert login.json()["message"] == "Account is deactivated"


@pytest.mark.parametrize("body", [None, {}, {"password": ""}, {"password": "wrong-password-1"}])
def test_deleting_ones_account_asks_for_the_password(as_user, freelancer, body):
    # a stolen access token alone cannot deactivate the account
    client = as_user(freelancer)
    response = client.delete(PROFILE, body, format="json") if body is not None else client.delete(PROFILE)

    assert response.status_code == 400
    answer = response.json()
    assert answer["success"] is False and "password" in answer["errors"]
    freelancer.refresh_from_db()
    assert freelancer.is_active is True
    assert not BlacklistedToken.objects.filter(token__user=freelancer).exists()
    assert client.get(PROFILE).status_code == 200


NEW = "N3w-pass-123"


@pytest.mark.parametrize(
    ("method", "url", "guess"),
    [
        ("delete", PROFILE, lambda i: {"password": f"guess-{i}-xyz"}),
        (
            "post",
            "/api/auth/change-password/",
            lambda i: {
                "old_password": f"guess-{i}-xyz",
                "new_password": "N3w-pass-123",
                "confirm_password": "N3w-pass-123",
            },
        ),
    ],
    ids=["delete account", "change password"],
)
def test_password_checks_are_throttled_at_the_login_rate_per_account(
    as_user, freelancer, monkeypatch, method, url, guess
):
    # DRF reads the rates into the throttle class at import time, so the class is patched.
    monkeypatch.setattr(PasswordCheckRateThrottle, "rate", "3/minute", raising=False)
    password_before = User.objects.get(pk=freelancer.pk).password
    # from a new address each time: the count is the account's, not the address's
    codes = [
        getattr(as_user(freelancer), method)(url, guess(i), format="json", REMOTE_ADDR=f"10.0.0.{i}").status_code
        for i in range(5)
    ]
    assert codes == [400, 400, 400, 429, 429]
    # the right password is refused too while throttled: the guesser learns nothing
    right = {"password": TEST_PASSWORD} if method == "delete" else {**guess(0), "old_password": TEST_PASSWORD}
    late = getattr(as_user(freelancer), method)(url, right, format="json")
    assert late.status_code == 429
    assert late.json()["success"] is False and "Retry-After" in late
    freelancer.refresh_from_db()
    assert freelancer.is_active is True and freelancer.password == password_before
    # reading and editing the profile are not counted
    assert as_user(freelancer).get(PROFILE).status_code == 200
    assert as_user(freelancer).patch(PROFILE, {"bio": "still here"}, format="json").status_code == 200


def test_existing_access_token_of_a_deactivated_user_is_401(as_user, freelancer):
    client = as_user(freelancer)
    User.objects.filter(pk=freelancer.pk).update(is_active=False)
    error_body(client.get(PROFILE), 401)


# --- change password ----------------------------------------------------------------------------


def test_change_password_sets_the_new_password_and_signs_sessions_out(api_client, as_user, freelancer):
    tokens = api_client.post(LOGIN, {"email": freelancer.email, "password": TEST_PASSWORD}).json()["data"]
    payload = {
        "old_password": TEST_PASSWORD,
        "new_password": "brand-new-secret-42",
        "confirm_password": "brand-new-secret-42",
    }

    response = as_user(freelancer).post(CHANGE_PASSWORD, payload)

    assert response.status_code == 200, response.content
    assert response.json()["data"] is None
    freelancer.refresh_from_db()
    assert freelancer.check_password("brand-new-secret-42")
    assert api_client.post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 401
    assert api_client.post(LOGIN, {"email": freelancer.email, "password": "brand-new-secret-42"}).status_code == 200


def test_change_password_with_wrong_old_password_is_refused(as_user, freelancer):
    payload = {
        "old_password": "not-it-at-all",
        "new_password": "brand-new-secret-42",
        "confirm_password": "brand-new-secret-42",
    }
    body = error_body(as_user(freelancer).post(CHANGE_PASSWORD, payload), 400)
    assert "old_password" in body["errors"]
    freelancer.refresh_from_db()
    assert freelancer.check_password(TEST_PASSWORD)


def test_change_password_mismatch_is_refused(as_user, freelancer):
    payload = {
        "old_password": TEST_PASSWORD,
        "new_password": "brand-new-secret-42",
        "confirm_password": "other-secret-42",
    }
    body = error_body(as_user(freelancer).post(CHANGE_PASSWORD, payload), 400)
    assert "confirm_password" in body["errors"]


@pytest.mark.parametrize("new", ["short", "87654321", "password123"])
def test_change_password_refuses_weak_new_passwords(as_user, freelancer, new):
    payload = {"old_password": TEST_PASSWORD, "new_password": new, "confirm_password": new}
    body = error_body(as_user(freelancer).post(CHANGE_PASSWORD, payload), 400)
    assert "new_password" in body["errors"]
    freelancer.refresh_from_db()
    assert freelancer.check_password(TEST_PASSWORD)


def test_change_password_requires_authentication(api_client):
    error_body(api_client.post(CHANGE_PASSWORD, {}), 401)
