"""The Django admin for users: add form, filters, deactivation instead of deletion."""

import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.models import Role, User
from accounts.services import issue_tokens
from accounts.tests.factories import FreelancerFactory

CHANGELIST = "/admin/accounts/user/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(client, admin_user):
    client.force_login(admin_user)
    return client


def test_changelist_search_and_filters_render(admin_browser, freelancer):
    assert admin_browser.get(CHANGELIST).status_code == 200
    response = admin_browser.get(CHANGELIST, {"q": "charlie", "role__exact": "FREELANCER", "is_active__exact": "1"})
    assert response.status_code == 200
    assert b"charlie@example.com" in response.content


def test_change_form_renders_with_read_only_dates(admin_browser, freelancer):
    response = admin_browser.get(f"{CHANGELIST}{freelancer.pk}/change/")
    assert response.status_code == 200
    assert b'name="date_joined"' not in response.content  # read-only, not an input
    assert b'name="email"' in response.content


def test_add_form_creates_a_user_with_a_hashed_password(admin_browser):
    assert admin_browser.get(f"{CHANGELIST}add/").status_code == 200
    payload = {
        "email": "Added@Example.com",
        "username": "added",
        "role": Role.CLIENT,
        "password1": "a-strong-pass-99",
        "password2": "a-strong-pass-99",
    }

    response = admin_browser.post(f"{CHANGELIST}add/", payload)

    assert response.status_code == 302, response.content[:2000]
    user = User.objects.get(username="added")
    assert user.email == "added@example.com"
    assert user.role == Role.CLIENT
    assert user.check_password("a-strong-pass-99")


def test_add_form_refuses_an_email_taken_case_insensitively(admin_browser, freelancer):
    payload = {
        "email": "CHARLIE@example.com",
        "username": "someone",
        "role": Role.CLIENT,
        "password1": "a-strong-pass-99",
        "password2": "a-strong-pass-99",
    }
    response = admin_browser.post(f"{CHANGELIST}add/", payload)
    assert response.status_code == 200  # form re-rendered with the error
    assert not User.objects.filter(username="someone").exists()


def test_users_cannot_be_deleted_in_the_admin(admin_browser, freelancer):
    assert admin_browser.get(f"{CHANGELIST}{freelancer.pk}/delete/").status_code == 403
    assert b"delete_selected" not in admin_browser.get(CHANGELIST).content
    assert User.objects.filter(pk=freelancer.pk).exists()


def test_deactivate_selected_action_deactivates_and_signs_out(admin_browser, admin_user):
    users = FreelancerFactory.create_batch(2)
    for user in users:
        issue_tokens(user)

    response = admin_browser.post(
        CHANGELIST,
        {"action": "deactivate_selected", "_selected_action": [str(u.pk) for u in users] + [str(admin_user.pk)]},
    )

    assert response.status_code == 302
    assert User.objects.filter(pk__in=[u.pk for u in users], is_active=False).count() == 2
    assert BlacklistedToken.objects.filter(token__user__in=users).count() == 2
    admin_user.refresh_from_db()
    assert admin_user.is_active  # the acting admin is never deactivated by their own action
