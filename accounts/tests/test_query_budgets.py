"""Query budgets of the user lists: a pinned number of SQL queries per request, the same for a
full page of 10 and a full page of 100 (what is counted: freelance_arena/testing/budgets.py)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from freelance_arena.testing.budgets import ROWS, full_page, ids, warm_up
from freelance_arena.testing.bulk import make_ratings, make_users

pytestmark = pytest.mark.django_db


# accounts:user-list (ADMIN) --------------------------------------------------------------------


@pytest.mark.query_budget("accounts:user-list")
def test_users_as_admin(cast, as_user, django_assert_num_queries):
    made = make_users(ROWS, hourly_rate=Decimal("40.00"), profile_picture=lambda i: f"profile_pictures/u{i}.png")
    make_users(20, Role.CLIENT, is_active=False)
    client, url = as_user(cast.admin), reverse("accounts:user-list")
    warm_up(client, url)

    with django_assert_num_queries(3):
        ten = client.get(url, {"page_size": 10})
    with django_assert_num_queries(3):
        hundred = client.get(url, {"page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == ROWS + 20 + 5  # and the cast
    assert "email" in page["results"][0] and "is_active" in page["results"][0]
    assert len(ids(page["results"]) & {str(u.pk) for u in made}) >= 75


@pytest.mark.query_budget("accounts:user-list")
def test_users_as_admin_every_filter(cast, as_user, django_assert_num_queries):
    made = make_users(ROWS)
    make_users(20, is_active=False)
    make_users(20, Role.CLIENT)
    client, url = as_user(cast.admin), reverse("accounts:user-list")
    params = {"role": Role.FREELANCER, "is_active": "true", "search": "budget", "ordering": "username"}
    warm_up(client, url, params)

    with django_assert_num_queries(3):
        ten = client.get(url, {**params, "page_size": 10})
    with django_assert_num_queries(3):
        hundred = client.get(url, {**params, "page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == ROWS
    assert ids(page["results"]) <= {str(u.pk) for u in made}
    usernames = [row["username"] for row in page["results"]]
    assert usernames == sorted(usernames)


# accounts:freelancer-search (public directory) -------------------------------------------------


def directory() -> set[str]:
    """ROWS active freelancers with ratings and pictures; inactive ones and clients are noise."""
    freelancers = make_users(
        ROWS,
        skills=lambda i: "Python, Django, REST" if i % 2 else "Python, Django",
        hourly_rate=lambda i: Decimal(20 + i),
        bio="Backend developer.",
        profile_picture=lambda i: f"profile_pictures/d{i}.png",
    )
    make_ratings(freelancers)
    make_ratings(make_users(20, is_active=False, skills="Python, Django"))
    make_users(20, Role.CLIENT, skills="Python, Django")
    return {str(u.pk) for u in freelancers}


@pytest.mark.query_budget("accounts:freelancer-search")
@pytest.mark.parametrize(("viewer", "queries"), [("anonymous", 2), ("alice", 3)])  # anonymous, a client
def test_freelancer_directory(viewer, queries, cast, as_user, django_assert_num_queries):
    listed = directory()
    client, url = as_user(cast[viewer]), reverse("accounts:freelancer-search")
    warm_up(client, url)

    with django_assert_num_queries(queries):
        ten = client.get(url, {"page_size": 10})
    with django_assert_num_queries(queries):
        hundred = client.get(url, {"page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == ROWS + 2  # and charlie and dana from the cast
    assert len(ids(page["results"]) & listed) >= 98
    assert all("email" not in row for row in page["results"])
    assert all(row["total_reviews"] >= 0 for row in page["results"])


@pytest.mark.query_budget("accounts:freelancer-search")
def test_freelancer_directory_every_filter(cast, as_user, django_assert_num_queries):
    listed = directory()
    client, url = as_user(None), reverse("accounts:freelancer-search")
    params = {"skills": "python, django", "search": "budget", "ordering": "-hourly_rate"}
    warm_up(client, url, params)

    with django_assert_num_queries(2):
        ten = client.get(url, {**params, "page_size": 10})
    with django_assert_num_queries(2):
        hundred = client.get(url, {**params, "page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == ROWS
    assert ids(page["results"]) <= listed
    assert all(row["average_rating"] is not None for row in page["results"])
    rates = [Decimal(row["hourly_rate"]) for row in page["results"]]
    assert rates == sorted(rates, reverse=True)
