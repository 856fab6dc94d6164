"""Values the parsers accept but the database cannot hold (issue 19, points 2 and 3): datetimes
that do not exist in UTC in list filters, and integers wider than their column in bodies.

Each is sent to every list (filters) or every endpoint of the permission matrix (bodies) that
takes one: a 400 envelope naming the field, and not one row of the database changed.
"""

import importlib
import inspect
import json

import django_filters
import pytest
from django.db import connection
from rest_framework import serializers

from freelance_arena.filters import UTCDateTimeFilter
from freelance_arena.tests import test_permission_matrix as matrix
from freelance_arena.tests.test_hostile_bodies import BODY_ROWS, database_state, success_role
from freelance_arena.tests.test_permission_matrix import Row, World, api_routes

pytestmark = pytest.mark.django_db

world = matrix.world
clients = matrix.clients

# The issue's values and their neighbours: each parses, none exists in UTC.
OUT_OF_UTC = (
    "9999-12-31T23:59:59-05:00",
    "9999-12-31T20:00:00-23:59",
    "0001-01-01T00:00:00+05:00",
    "0001-01-01T04:59:59.999999+05:00",
)
# The extremes that do exist in UTC: still filters, not errors.
IN_UTC = ("9999-12-31T23:59:59Z", "9999-12-31T23:59:59", "0001-01-01T00:00:00Z", "0001-01-01T05:00:00+05:00")

APP_MODULES = ("accounts", "competitions", "proposals", "feedback", "notifications", "payments")
# Shapes of responses only (the schema's), never given to is_valid().
RESPONSE_ONLY = {"UnreadCountSerializer", "UpdatedCountSerializer"}


def list_filters() -> list[tuple[str, str, object]]:
    """(route, parameter, filter) of every filter of every list view under /api/."""
    found = []
    for route, view in api_routes().items():
        filterset = getattr(view, "filterset_class", None)
        if filterset is None:
            continue
        for name, filter_ in filterset.base_filters.items():
            found.append((route, name, filter_))
    return found


def datetime_filters() -> list[tuple[str, str]]:
    return [(route, name) for route, name, f in list_filters() if isinstance(f, django_filters.DateTimeFilter)]


def date_filters() -> list[tuple[str, str]]:
    return [
        (route, name)
        for route, name, f in list_filters()
        if isinstance(f, django_filters.DateFilter) and not isinstance(f, django_filters.DateTimeFilter)
    ]


def test_every_datetime_filter_refuses_what_utc_cannot_hold():
    assert datetime_filters(), "no datetime filter found: the discovery broke"
    loose = [
        f"/{route} {name}"
        for route, name, f in list_filters()
        if isinstance(f, django_filters.DateTimeFilter) and not isinstance(f, UTCDateTimeFilter)
    ]
    assert not loose, f"use freelance_arena.filters.UTCDateTimeFilter: {loose}"


def lister(clients, route: str):
    """A client that may read the list (the first role of the matrix that gets a 200)."""
    url = "/" + route
    for role in ("admin", "owning_client", "participant", "anonymous"):
        if clients[role].get(url).status_code == 200:
            return clients[role]
    raise AssertionError(f"nobody may read {url}")


@pytest.mark.parametrize(("route", "name"), datetime_filters())
def test_a_datetime_outside_utc_is_a_400_in_every_list_filter(route, name, world, clients):
    client = lister(clients, route)
    before = database_state()
    for value in OUT_OF_UTC:
        response = client.get("/" + route, {name: value})
        assert response.status_code == 400, (value, response.content[:300])
        body = response.json()
        assert body["success"] is False and name in body["errors"], body
    for value in IN_UTC:
        response = client.get("/" + route, {name: value})
        assert response.status_code == 200, (value, response.content[:300])
        assert response.json()["success"] is True
    assert database_state() == before


@pytest.mark.parametrize(("route", "name"), date_filters())
def test_the_extreme_days_are_answers_in_every_date_filter(route, name, world, clients):
    client = lister(clients, route)
    for value in ("9999-12-31", "0001-01-01", "1000-01-01"):
        response = client.get("/" + route, {name: value})
        assert response.status_code == 200, (value, response.content[:300])
        assert response.json()["success"] is True
    response = client.get("/" + route, {name: "10000-01-01"})
    assert response.status_code == 400 and name in response.json()["errors"]


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"])
@pytest.mark.parametrize("name", ["deadline_before", "deadline_after"])
def test_the_issues_public_list_request_is_a_400(api_client, name, value):
    response = api_client.get("/api/competitions/", {name: value})
    assert response.status_code == 400
    body = response.json()
    assert body == {
        "success": False,
        "message": f"{name}: {body['errors'][name][0]}",
        "code": "validation_error",
        "errors": body["errors"],
        "error_codes": {name: ["out_of_range"]},
    }


# --- integers -----------------------------------------------------------------------------------

TOO_WIDE = (2**31, 2**32, 2**63, 10**30)
INT_ROWS = [row for row in BODY_ROWS if not callable(row.body) and any(type(v) is int for v in row.body.values())]


@pytest.mark.parametrize("row", INT_ROWS, ids=[row.id for row in INT_ROWS])
def test_an_integer_wider_than_its_column_is_a_400_on_every_endpoint(row: Row, world: World, clients):
    role = success_role(row)
    body = world.body(row, role)
    url = world.fill(row.url)
    before = database_state()
    for key in [key for key, value in body.items() if type(value) is int]:
        for value in TOO_WIDE:
            response = clients[role].generic(
                row.method, url, json.dumps({**body, key: value}), content_type="application/json"
            )
            assert response.status_code == 400, (key, value, response.content[:300])
            answer = response.json()
            assert answer["success"] is False and key in answer["errors"], answer
    assert database_state() == before


def test_the_issues_max_proposals_request_is_a_400(world, clients):
    row = next(r for r in BODY_ROWS if r.method == "POST" and r.url == "/api/competitions/")
    body = {**world.body(row, "owning_client"), "max_proposals": 4294967296}
    before = database_state()
    response = clients["owning_client"].post("/api/competitions/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"max_proposals": ["Ensure this value is less than or equal to 2147483647."]}
    assert database_state() == before
    draft = world.fill("/api/competitions/{draft}/")
    response = clients["owning_client"].patch(draft, {"max_proposals": 4294967296}, format="json")
    assert response.status_code == 400 and "max_proposals" in response.json()["errors"]
    assert database_state() == before


@pytest.mark.parametrize("value", ["4294967296", str(10**30), "-1", "0"])
def test_page_and_page_size_never_reach_the_database_out_of_range(api_client, value):
    page = api_client.get("/api/competitions/", {"page": value})
    assert page.status_code == 404 and page.json()["success"] is False
    size = api_client.get("/api/competitions/", {"page_size": value})
    assert size.status_code == 200 and size.json()["success"] is True


@pytest.mark.parametrize("value", ["1e49", "99999999999999999999999.99", "-1e49", "1e-40"])
@pytest.mark.parametrize("name", ["budget_min", "budget_max"])
def test_a_huge_or_tiny_budget_filter_is_an_answer(api_client, name, value):
    response = api_client.get("/api/competitions/", {name: value})
    assert response.status_code in (200, 400), response.content[:300]
    assert response.json()["success"] is (response.status_code == 200)


def writable_integer_fields():
    """(serializer, field name, field, column max) of every writable integer input of the apps."""
    found = []
    for app in APP_MODULES:
        module = importlib.import_module(f"{app}.serializers")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, serializers.BaseSerializer) or cls.__module__ != module.__name__:
                continue
            if cls.__name__ in RESPONSE_ONLY:
                continue
            for name, field in cls().fields.items():
                if field.read_only or not isinstance(field, serializers.IntegerField):
                    continue
                column_max = 2**31 - 1
                model = getattr(getattr(cls, "Meta", None), "model", None)
                if model is not None:
                    model_field = model._meta.get_field(field.source)
                    column_max = connection.ops.integer_field_range(model_field.get_internal_type())[1]
                found.append((cls.__name__, name, field, column_max))
    return found


def test_every_integer_input_is_bounded_by_its_column():
    fields = writable_integer_fields()
    assert {name for _, name, _, _ in fields} >= {"max_proposals", "estimated_duration", "client_score", "rating"}
    unbounded = [
        f"{cls}.{name}: max_value={field.max_value} (column max {column_max})"
        for cls, name, field, column_max in fields
        if field.max_value is None or field.max_value > column_max
    ]
    assert not unbounded, unbounded
