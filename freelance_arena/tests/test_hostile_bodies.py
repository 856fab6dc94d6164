"""Bodies built to break the parsers (issue 19, points 1 and 4): nesting deep enough to blow
the JSON decoder's recursion, and charsets Django accepts but cannot decode with.

Each endpoint of the permission matrix that takes a body gets them, sent by a role that the
matrix says succeeds there: a 400 (deep JSON) or 415 (charset) envelope, and not one row of the
database changed.
"""

from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from accounts.tests.factories import TEST_PASSWORD
from freelance_arena.parsers import JSON_MAX_DEPTH, JSONParser
from freelance_arena.tests import test_permission_matrix as matrix
from freelance_arena.tests.test_permission_matrix import MATRIX, ROLES, Row, World, api_routes

pytestmark = pytest.mark.django_db

# The permission matrix's world (rows in every state) and its per-role clients.
world = matrix.world
clients = matrix.clients

DEEP_ARRAYS = "[" * 2000  # the 4 KB body (unclosed: the decoder recurses before it can tell)
DEEP_OBJECTS = '{"a":' * 2000 + "1" + "}" * 2000
JUST_TOO_DEEP = "[" * (JSON_MAX_DEPTH + 1) + "]" * (JSON_MAX_DEPTH + 1)  # valid JSON, one level too many
DEEP_BODIES = {"arrays": DEEP_ARRAYS, "objects": DEEP_OBJECTS, "just too deep": JUST_TOO_DEEP}

BAD_CHARSETS = ("idna", "punycode", "unicode_escape", "raw-unicode-escape", "undefined", "rot13", "bz2_codec", "nope")

APPS = ("accounts", "competitions", "proposals", "feedback", "notifications", "payments", "token_blacklist")


def database_state() -> dict[str, list[dict]]:
    """Every row of every model of the project (and the token blacklist), in primary-key order;
    `last_seen` aside (any authenticated request may refresh it, UpdateLastSeenMiddleware)."""
    state = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_seen"]
            state[model._meta.label] = list(model._default_manager.order_by("pk").values(*fields))
    return state


def success_role(row: Row) -> str:
    return next(role for role, code in zip(ROLES, row.expect, strict=True) if 200 <= code < 300)


BODY_ROWS = [
    row for row in MATRIX if row.body is not None and row.fmt == "json" and any(200 <= c < 300 for c in row.expect)
]


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["success"] is False and body["message"] and body["errors"] == {"detail": body["message"]}
    return body


# --- deep JSON ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DEEP_BODIES)
def test_deeply_nested_json_to_login_is_a_400_not_a_500(api_client, name):
    before = database_state()
    response = api_client.generic("POST", "/api/auth/login/", DEEP_BODIES[name], content_type="application/json")

    body = assert_error(response, 400)
    assert "nested deeper" in body["message"]
    assert database_state() == before


def test_json_at_the_depth_limit_is_parsed(api_client, freelancer):
    # the limit is not a blanket refusal: a body nested exactly JSON_MAX_DEPTH deep is read
    nested = "[" * (JSON_MAX_DEPTH - 1) + "]" * (JSON_MAX_DEPTH - 1)
    body = f'{{"email": "{freelancer.email}", "password": "{TEST_PASSWORD}", "extra": {nested}}}'
    response = api_client.generic("POST", "/api/auth/login/", body, content_type="application/json")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("row", BODY_ROWS, ids=[row.id for row in BODY_ROWS])
def test_deeply_nested_json_is_a_400_on_every_endpoint_that_takes_a_body(row: Row, world: World, clients):
    client = clients[success_role(row)]
    url = world.fill(row.url)
    before = database_state()
    for name, body in DEEP_BODIES.items():
        response = client.generic(row.method, url, body, content_type="application/json")
        assert response.status_code == 400, (name, response.content[:300])
        assert_error(response, 400)
    assert database_state() == before


# --- charsets -----------------------------------------------------------------------------------


def test_patch_profile_multipart_with_charset_idna_is_a_415(as_user, client_owner):
    api = as_user(client_owner)
    before = database_state()
    body = encode_multipart(BOUNDARY, {"bio": "Written in idna?"})
    response = api.generic(
        "PATCH", "/api/auth/profile/", body, content_type=f"multipart/form-data; boundary={BOUNDARY}; charset=idna"
    )

    body = assert_error(response, 415)
    assert "idna" in body["message"]
    assert database_state() == before


def test_login_form_with_charset_punycode_is_a_415(api_client, freelancer):
    before = database_state()
    body = urlencode({"email": freelancer.email, "password": TEST_PASSWORD})
    response = api_client.generic(
        "POST", "/api/auth/login/", body, content_type="application/x-www-form-urlencoded; charset=punycode"
    )

    assert_error(response, 415)
    assert database_state() == before


@pytest.fixture
def wsgi_app():
    """The served WSGI application, called in process (as the fuzz test does). Not Django's test
    client: it builds Django's own WSGIRequest, not the entry point's request class."""
    from werkzeug.test import Client

    from freelance_arena.wsgi import application

    # The WSGI handler closes "old" connections at each request's start and end, which inside
    # the test's transaction would break it (test_fuzz.py does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield Client(application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("charset", BAD_CHARSETS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_query_string_is_not_decoded_with_a_bad_charset_either(wsgi_app, method, charset):
    # Django decoded request.GET with the Content-Type's charset in the request's constructor,
    # before any middleware: the server's own HTML 500
    headers = {"Content-Type": f"text/plain; charset={charset}"}
    response = wsgi_app.open("/api/competitions/?search=%C3%A9t%C3%A9", method=method, headers=headers)
    assert response.status_code == 415, response.data[:300]
    body = response.json
    assert body["success"] is False and charset in body["message"]


def test_the_served_application_still_reads_a_real_charset(wsgi_app, freelancer):
    response = wsgi_app.post(
        "/api/auth/login/",
        data=urlencode({"email": freelancer.email, "password": TEST_PASSWORD}).encode("latin-1"),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=latin-1"},
    )
    assert response.status_code == 200, response.data[:300]


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "latin-1", "iso-8859-15", "windows-1252", "ascii"])
def test_real_charsets_are_still_accepted(api_client, freelancer, charset):
    body = urlencode({"email": freelancer.email, "password": TEST_PASSWORD}).encode(charset)
    response = api_client.generic(
        "POST", "/api/auth/login/", body, content_type=f"application/x-www-form-urlencoded; charset={charset}"
    )
    assert response.status_code == 200, response.content
    response = api_client.generic(
        "POST",
        "/api/auth/login/",
        f'{{"email": "{freelancer.email}", "password": "{TEST_PASSWORD}"}}'.encode(charset),
        content_type=f"application/json; charset={charset}",
    )
    assert response.status_code == 200, response.content


def _encodings(body: dict) -> list[tuple[str, bytes]]:
    flat = {key: str(value) for key, value in body.items()}
    return [
        ("application/json", b"{}"),
        ("application/x-www-form-urlencoded", urlencode(flat).encode()),
        (MULTIPART_CONTENT, encode_multipart(BOUNDARY, flat)),
    ]


@pytest.mark.parametrize("row", BODY_ROWS, ids=[row.id for row in BODY_ROWS])
def test_an_undecodable_charset_is_a_415_on_every_endpoint_that_takes_a_body(row: Row, world: World, clients):
    role = success_role(row)
    client = clients[role]
    url = world.fill(row.url)
    body = world.body(row, role)
    before = database_state()
    for content_type, payload in _encodings(body):
        for charset in ("idna", "punycode", "nope"):
            response = client.generic(row.method, url, payload, content_type=f"{content_type}; charset={charset}")
            assert response.status_code == 415, (content_type, charset, response.content[:300])
            assert_error(response, 415)
    assert database_state() == before


def test_every_api_view_parses_json_with_the_depth_limit():
    # A view that lists DRF's own JSONParser again would reopen point 1.
    offenders = []
    for route, view in api_routes().items():
        for parser in getattr(view, "parser_classes", ()):
            if parser.media_type == "application/json" and not issubclass(parser, JSONParser):
                offenders.append(f"/{route}: {parser.__module__}.{parser.__name__}")
    assert not offenders, offenders
    assert any(JSONParser in getattr(view, "parser_classes", ()) for view in api_routes().values())
