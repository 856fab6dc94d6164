"""Validly signed tokens with claims no token of this API has (issue 19, point 7): a 401
envelope on every authenticated endpoint and on refresh, never a 500 or a 400."""

import math
import uuid
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from freelance_arena.tests import test_permission_matrix as matrix
from freelance_arena.tests.test_hostile_bodies import database_state
from freelance_arena.tests.test_permission_matrix import MATRIX, ROLES, Row, World

pytestmark = pytest.mark.django_db

world = matrix.world
clients = matrix.clients

LATER = int((timezone.now() + timedelta(minutes=30)).timestamp())

# name -> claims laid over a well-formed payload
ODD_CLAIMS = {
    "exp 10**12": {"exp": 10**12},
    "exp 10**20": {"exp": 10**20},
    "exp 1e300": {"exp": 1e300},
    "exp NaN": {"exp": math.nan},
    "exp Infinity": {"exp": math.inf},
    "exp true": {"exp": True},
    "exp a year on": {"exp": int((timezone.now() + timedelta(days=365)).timestamp())},
    "user_id not a UUID": {"user_id": "zzz"},
    "user_id a number": {"user_id": 5},
    "user_id null": {"user_id": None},
    "user_id a list": {"user_id": ["a"]},
    "user_id an object": {"user_id": {"id": 1}},
    "user_id empty": {"user_id": ""},
    "user_id huge": {"user_id": "9" * 5000},
    "user_id unknown UUID": {"user_id": str(uuid.uuid4())},
    "jti a list": {"jti": ["x"]},
    "jti an object": {"jti": {"a": 1}},
    "jti empty": {"jti": ""},
    "jti too long": {"jti": "j" * 300},
    "token_type a list": {"token_type": ["access", "refresh"]},
}


def signed(user, token_type: str, **claims) -> str:
    """A token signed with the API's key: well formed, then `claims` laid over it."""
    now = int(timezone.now().timestamp())
    payload = {"token_type": token_type, "exp": LATER, "iat": now, "jti": uuid.uuid4().hex, "user_id": str(user.pk)}
    payload.update(claims)
    return jwt.encode(payload, settings.SECRET_KEY, algorithm="HS256")


def assert_401(response) -> None:
    assert response.status_code == 401, response.content[:300]
    body = response.json()
    assert body["success"] is False and body["message"] and set(body["errors"]) == {"detail"}


def test_a_well_formed_token_of_ours_works(api_client, freelancer):
    # the control: the same builder with no odd claim signs a token the API accepts
    response = api_client.get("/api/auth/profile/", HTTP_AUTHORIZATION=f"Bearer {signed(freelancer, 'access')}")
    assert response.status_code == 200, response.content
    refresh = signed(freelancer, "refresh", exp=int((timezone.now() + timedelta(days=6)).timestamp()))
    assert api_client.post("/api/auth/token/refresh/", {"refresh": refresh}, format="json").status_code == 200


@pytest.mark.parametrize("name", ODD_CLAIMS)
def test_an_access_token_with_odd_claims_is_a_401(api_client, freelancer, name):
    token = signed(freelancer, **{"token_type": "access", **ODD_CLAIMS[name]})
    assert_401(api_client.get("/api/auth/profile/", HTTP_AUTHORIZATION=f"Bearer {token}"))


@pytest.mark.parametrize("name", ODD_CLAIMS)
def test_a_refresh_token_with_odd_claims_is_a_401_and_rotates_nothing(api_client, freelancer, name):
    token = signed(freelancer, **{"token_type": "refresh", **ODD_CLAIMS[name]})
    outstanding = OutstandingToken.objects.count()

    assert_401(api_client.post("/api/auth/token/refresh/", {"refresh": token}, format="json"))
    assert OutstandingToken.objects.count() == outstanding
    assert BlacklistedToken.objects.count() == 0


@pytest.mark.parametrize("name", ODD_CLAIMS)
def test_logging_out_with_an_odd_refresh_token_is_refused_and_blacklists_nothing(as_user, freelancer, name):
    # the body's token is an input like any other: the contract's 400 (not the bearer's 401)
    api = as_user(freelancer)
    token = signed(freelancer, **{"token_type": "refresh", **ODD_CLAIMS[name]})
    response = api.post("/api/auth/logout/", {"refresh": token}, format="json")
    assert response.status_code == 400, response.content[:300]
    assert "refresh" in response.json()["errors"]
    assert BlacklistedToken.objects.count() == 0


AUTHENTICATED_ROWS = [row for row in MATRIX if row.expect[ROLES.index("anonymous")] == 401]


@pytest.mark.parametrize("row", AUTHENTICATED_ROWS, ids=[row.id for row in AUTHENTICATED_ROWS])
def test_exp_of_10_to_the_12_is_a_401_on_every_authenticated_endpoint(row: Row, world: World, api_client):
    owner = world.users["owning_client"]
    tokens = [signed(owner, "access", exp=10**12), signed(owner, "access", user_id="not-a-uuid")]
    url = world.fill(row.url)
    body = world.body(row, "owning_client")
    before = database_state()
    for token in tokens:
        kwargs = {} if body is None else {"data": body, "format": row.fmt}
        response = getattr(api_client, row.method.lower())(url, HTTP_AUTHORIZATION=f"Bearer {token}", **kwargs)
        assert_401(response)
    assert database_state() == before
