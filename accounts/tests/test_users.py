"""ADMIN user management (/api/auth/users/) and the public freelancer directory."""

from decimal import Decimal

import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.models import Role, User
from accounts.services import issue_tokens
from accounts.tests.factories import AdminFactory, ClientFactory, FreelancerFactory
from feedback.models import UserRating

USERS = "/api/auth/users/"
FREELANCERS = "/api/auth/freelancers/"

pytestmark = pytest.mark.django_db


def detail(user) -> str:
    return f"{USERS}{user.pk}/"


def error_body(response, status_code):
    assert response.status_code == status_code, response.content
    body = response.json()
    assert body["success"] is False and body["message"]
    assert isinstance(body["errors"], dict)
    return body


# --- permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_user_detail_is_admin_only(as_user, client_owner, freelancer, method):
    for caller in (client_owner, freelancer):
        error_body(getattr(as_user(caller), method)(detail(freelancer), {}), 403)
    error_body(getattr(as_user(None), method)(detail(freelancer), {}), 401)
    freelancer.refresh_from_db()
    assert freelancer.is_active


def test_user_list_is_admin_only(as_user, client_owner, freelancer):
    error_body(as_user(client_owner).get(USERS), 403)
    error_body(as_user(freelancer).get(USERS), 403)
    error_body(as_user(None).get(USERS), 401)


def test_a_staff_flag_without_the_admin_role_is_not_enough(as_user):
    staff_client = ClientFactory(is_staff=True)
    error_body(as_user(staff_client).get(USERS), 403)


# --- list ---------------------------------------------------------------------------------------


def test_admin_lists_users_paginated_without_passwords(as_user, admin_user, client_owner, freelancer):
    response = as_user(admin_user).get(USERS)

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    page = body["data"]
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == 3
    first = page["results"][0]
    assert "password" not in first
    assert {"email", "role", "is_active", "is_staff", "is_superuser", "last_seen", "email_verified"} <= set(first)


def test_admin_filters_users_by_role_and_active(as_user, admin_user, client_owner, other_client, freelancer):
    User.objects.filter(pk=other_client.pk).update(is_active=False)
    client = as_user(admin_user)

    clients = client.get(USERS, {"role": "CLIENT"}).json()["data"]["results"]
    assert {row["username"] for row in clients} == {"alice", "bob"}
    active_clients = client.get(USERS, {"role": "CLIENT", "is_active": "false"}).json()["data"]["results"]
    assert [row["username"] for row in active_clients] == ["bob"]
    error_body(client.get(USERS, {"role": "KING"}), 400)


@pytest.mark.parametrize("term", ["mailbox7@exa", "ZORGLUB", "Zebulon", "Quartz"])
def test_admin_searches_email_username_and_names(as_user, admin_user, term):
    ClientFactory(username="zorglub", email="mailbox7@example.com", first_name="Zebulon", last_name="Quartz")
    ClientFactory(username="bob", email="bob@example.com", first_name="Bob", last_name="Smith")
    results = as_user(admin_user).get(USERS, {"search": term}).json()["data"]["results"]
    assert [row["username"] for row in results] == ["zorglub"]


def test_page_past_the_end_is_a_404_envelope(as_user, admin_user):
    error_body(as_user(admin_user).get(USERS, {"page": 99}), 404)


def test_user_list_query_count_does_not_grow_with_page_size(as_user, admin_user, django_assert_max_num_queries):
    ClientFactory.create_batch(60)
    client = as_user(admin_user)
    with django_assert_max_num_queries(4):  # auth user, count, page (+ last_seen touch)
        assert len(client.get(USERS, {"page_size": 10}).json()["data"]["results"]) == 10
    with django_assert_max_num_queries(4):
        assert len(client.get(USERS, {"page_size": 100}).json()["data"]["results"]) == 61


# --- detail / update / deactivate ---------------------------------------------------------------


def test_admin_reads_a_user(as_user, admin_user, freelancer):
    response = as_user(admin_user).get(detail(freelancer))
    assert response.status_code == 200
    assert response.json()["data"]["email"] == "charlie@example.com"


def test_unknown_user_is_404(as_user, admin_user):
    error_body(as_user(admin_user).get(f"{USERS}00000000-0000-0000-0000-000000000000/"), 404)
    error_body(as_user(admin_user).get(f"{USERS}not-a-uuid/"), 404)


def test_admin_changes_role_staff_and_verification(as_user, admin_user, freelancer):
    payload = {"role": Role.CLIENT, "is_staff": True, "email_verified": True, "email": "Charlie.New@Example.com"}

    response = as_user(admin_user).patch(detail(freelancer), payload)

    assert response.status_code == 200, response.content
    freelancer.refresh_from_db()
    assert (freelancer.role, freelancer.is_staff, freelancer.email_verified) == (Role.CLIENT, True, True)
    assert freelancer.email == "charlie.new@example.com"


def test_admin_cannot_grant_superuser_or_set_password_through_the_api(as_user, admin_user, freelancer):
    response = as_user(admin_user).patch(detail(freelancer), {"is_superuser": True, "password": "x-new-password"})
    assert response.status_code == 200
    freelancer.refresh_from_db()
    assert freelancer.is_superuser is False
    assert not freelancer.check_password("x-new-password")


def test_admin_email_change_to_a_taken_address_is_refused(as_user, admin_user, freelancer, other_freelancer):
    body = error_body(as_user(admin_user).patch(detail(freelancer), {"email": "DANA@example.com"}), 400)
    assert "email" in body["errors"]


def test_admin_put_replaces_the_editable_fields(as_user, admin_user, freelancer):
    payload = {
        "email": "charlie@example.com",
        "username": "charlie",
        "first_name": "C",
        "last_name": "D",
        "role": Role.FREELANCER,
        "bio": "bio",
        "skills": "go, rust",
        "hourly_rate": "10.00",
        "is_active": True,
        "is_staff": False,
        "email_verified": True,
    }
    response = as_user(admin_user).put(detail(freelancer), payload)
    assert response.status_code == 200, response.content
    freelancer.refresh_from_db()
    assert (freelancer.first_name, freelancer.skills, freelancer.hourly_rate) == ("C", "go, rust", Decimal("10.00"))


def test_admin_delete_deactivates_and_never_deletes(as_user, admin_user, freelancer):
    tokens = issue_tokens(freelancer)

    response = as_user(admin_user).delete(detail(freelancer))

    assert response.status_code == 200
    assert response.json() == {"success": True, "message": response.json()["message"], "data": None}
    freelancer.refresh_from_db()
    assert freelancer.is_active is False
    assert BlacklistedToken.objects.filter(token__user=freelancer).count() == 1
    assert as_user(None).post("/api/auth/token/refresh/", {"refresh": tokens["refresh"]}).status_code == 401


def test_admin_patch_is_active_false_also_signs_the_user_out(as_user, admin_user, freelancer):
    issue_tokens(freelancer)
    assert as_user(admin_user).patch(detail(freelancer), {"is_active": False}).status_code == 200
    freelancer.refresh_from_db()
    assert freelancer.is_active is False
    assert BlacklistedToken.objects.filter(token__user=freelancer).exists()


def test_admin_can_reactivate_a_user(as_user, admin_user):
    user = FreelancerFactory(is_active=False)
    assert as_user(admin_user).patch(detail(user), {"is_active": True}).status_code == 200
    user.refresh_from_db()
    assert user.is_active


def test_admin_cannot_deactivate_or_demote_themselves(as_user, admin_user):
    client = as_user(admin_user)
    error_body(client.delete(detail(admin_user)), 400)
    error_body(client.patch(detail(admin_user), {"is_active": False}), 400)
    error_body(client.patch(detail(admin_user), {"role": Role.CLIENT}), 400)
    admin_user.refresh_from_db()
    assert admin_user.is_active and admin_user.role == Role.ADMIN


def test_another_admin_can_be_deactivated(as_user, admin_user):
    other_admin = AdminFactory()
    assert as_user(admin_user).delete(detail(other_admin)).status_code == 200


# --- freelancer directory -----------------------------------------------------------------------

CARD_FIELDS = {
    "id",
    "username",
    "first_name",
    "last_name",
    "bio",
    "skills",
    "hourly_rate",
    "profile_picture",
    "average_rating",
    "total_reviews",
}


def test_freelancer_search_is_public_and_lists_only_active_freelancers(api_client, client_owner, admin_user):
    active = FreelancerFactory(username="active")
    FreelancerFactory(username="gone", is_active=False)

    response = api_client.get(FREELANCERS)

    assert response.status_code == 200
    results = response.json()["data"]["results"]
    assert [row["username"] for row in results] == [active.username]
    assert set(results[0]) == CARD_FIELDS
    assert "email" not in response.content.decode()


def test_freelancer_cards_carry_rating_or_zero(api_client):
    rated = FreelancerFactory(username="rated")
    FreelancerFactory(username="unrated")
    UserRating.objects.create(user=rated, average_rating=Decimal("4.50"), total_reviews=2)

    results = api_client.get(FREELANCERS).json()["data"]["results"]

    assert [(r["username"], r["average_rating"], r["total_reviews"]) for r in results] == [
        ("rated", "4.50", 2),
        ("unrated", "0.00", 0),
    ]


def test_freelancer_search_matches_username_and_skills(api_client):
    FreelancerFactory(username="pythonista", skills="go")
    FreelancerFactory(username="zed", skills="Python, Django")
    FreelancerFactory(username="other", skills="rust")

    results = api_client.get(FREELANCERS, {"search": "python"}).json()["data"]["results"]

    assert sorted(r["username"] for r in results) == ["pythonista", "zed"]


def test_freelancer_skills_filter_requires_every_term(api_client):
    FreelancerFactory(username="both", skills="Python, Django, React")
    FreelancerFactory(username="one", skills="Python, Flask")

    both = api_client.get(FREELANCERS, {"skills": "python, django"}).json()["data"]["results"]
    one_term = api_client.get(FREELANCERS, {"skills": "python"}).json()["data"]["results"]

    assert [r["username"] for r in both] == ["both"]
    assert sorted(r["username"] for r in one_term) == ["both", "one"]


def test_freelancer_ordering_by_hourly_rate_and_unknown_ordering_is_ignored(api_client):
    FreelancerFactory(username="cheap", hourly_rate=Decimal("10"))
    FreelancerFactory(username="dear", hourly_rate=Decimal("90"))

    ordered = api_client.get(FREELANCERS, {"ordering": "-hourly_rate"}).json()["data"]["results"]
    assert [r["username"] for r in ordered] == ["dear", "cheap"]
    assert api_client.get(FREELANCERS, {"ordering": "email"}).status_code == 200
    assert api_client.get(FREELANCERS, {"ordering": "nonsense"}).status_code == 200


def test_freelancer_search_query_count_does_not_grow_with_page_size(api_client, django_assert_max_num_queries):
    for freelancer in FreelancerFactory.create_batch(60):
        UserRating.objects.create(user=freelancer, average_rating=Decimal("3.00"), total_reviews=1)
    with django_assert_max_num_queries(2):
        assert len(api_client.get(FREELANCERS, {"page_size": 10}).json()["data"]["results"]) == 10
    with django_assert_max_num_queries(2):
        assert len(api_client.get(FREELANCERS, {"page_size": 100}).json()["data"]["results"]) == 60
