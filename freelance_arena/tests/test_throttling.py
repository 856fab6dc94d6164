"""The API throttle (freelance_arena/throttling.py): THROTTLE_USER per signed-in user, THROTTLE_ANON
per client address, DRF's sliding window, one cache round trip per request on Redis.

Every behaviour is checked twice: on the test suite's LocMemCache (DRF's own list in the cache)
and on the machine's Redis (the sorted-set log of the Lua script; skipped if Redis is down).
"""

import math

import pytest

from freelance_arena.throttling import ApiRateThrottle, SlidingWindowThrottle

pytestmark = pytest.mark.django_db

AUTHED_URL = "/api/notifications/unread-count/"
ANON_URL = "/api/competitions/"


class Clock:
    """Stands in for time.time in the throttles."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(SlidingWindowThrottle, "timer", staticmethod(clock))
    return clock


@pytest.fixture
def rates(monkeypatch):
    def set_rates(**rates: str) -> None:
        monkeypatch.setattr(ApiRateThrottle, "THROTTLE_RATES", {**ApiRateThrottle.THROTTLE_RATES, **rates})

    return set_rates


class CountingRedis:
    """Counts the commands the cache's Redis client sends."""

    def __init__(self, client) -> None:
        self.commands: list[str] = []
        original = client.execute_command

        def execute_command(*args, **kwargs):
            self.commands.append(str(args[0]))
            return original(*args, **kwargs)

        client.execute_command = execute_command


@pytest.fixture
def redis_backend(private_redis_cache, monkeypatch):
    """The throttles on a Redis cache of their own prefix (see the root conftest)."""
    cache, _ = private_redis_cache
    monkeypatch.setattr(SlidingWindowThrottle, "cache", cache)
    return CountingRedis(cache._cache.get_client(write=True))


@pytest.fixture(params=["locmem", "redis"])
def backend(request):
    """The cache the throttles use: the suite's LocMemCache, or Redis."""
    return request.getfixturevalue("redis_backend") if request.param == "redis" else None


def statuses(api, url: str, n: int, **extra) -> list[int]:
    return [api.get(url, **extra).status_code for _ in range(n)]


def test_a_signed_in_user_gets_the_user_rate(backend, rates, clock, as_user, freelancer, other_freelancer):
    rates(user="3/minute", anon="1/minute")

    assert statuses(as_user(freelancer), AUTHED_URL, 4) == [200, 200, 200, 429]
    # Counted per user, not per address: another user from the same address is not refused.
    assert statuses(as_user(other_freelancer), AUTHED_URL, 1) == [200]


def test_an_anonymous_client_gets_the_anon_rate_per_address(backend, rates, clock, api_client):
    rates(anon="2/minute", user="1/minute")  # anonymous requests do not count against the user rate

    assert statuses(api_client, ANON_URL, 3, REMOTE_ADDR="192.0.2.1") == [200, 200, 429]
    assert statuses(api_client, ANON_URL, 1, REMOTE_ADDR="192.0.2.2") == [200]


def test_the_window_slides_and_refused_requests_are_not_counted(backend, rates, clock, as_user, freelancer):
    rates(user="2/minute")
    api = as_user(freelancer)
    assert statuses(api, AUTHED_URL, 1) == [200]
    clock.now += 40
    assert statuses(api, AUTHED_URL, 2) == [200, 429]

    refused = api.get(AUTHED_URL)
    # DRF's wait: until the oldest request leaves the window (20 s), for the one slot it frees.
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(math.ceil(60 - 40))
    body = refused.json()
    assert body["success"] is False and "throttled" in body["message"].lower()

    clock.now += 20  # the first request leaves the window; the refused ones were never logged
    assert statuses(api, AUTHED_URL, 2) == [200, 429]
    clock.now += 40
    assert statuses(api, AUTHED_URL, 2) == [200, 429]


def test_no_rate_means_no_throttle(backend, rates, clock, api_client):
    rates(anon=None)

    assert statuses(api_client, ANON_URL, 5) == [200] * 5


def test_one_round_trip_per_request_on_redis(redis_backend, rates, clock, as_user, freelancer, api_client):
    rates(user="100/minute", anon="100/minute")
    api = as_user(freelancer)
    api.get(AUTHED_URL)  # loads the script

    for client, url in ((api, AUTHED_URL), (api_client, ANON_URL)):
        redis_backend.commands.clear()
        assert client.get(url).status_code == 200
        assert redis_backend.commands == ["EVALSHA"], url


def test_the_login_views_count_the_anon_rate_with_every_other_anonymous_request(
    backend, rates, clock, api_client, monkeypatch
):
    from accounts.throttling import LoginRateThrottle

    monkeypatch.setattr(LoginRateThrottle, "rate", "100/minute", raising=False)
    rates(anon="2/minute")

    assert api_client.get(ANON_URL, REMOTE_ADDR="192.0.2.9").status_code == 200
    assert api_client.post("/api/auth/login/", {}, format="json", REMOTE_ADDR="192.0.2.9").status_code == 400
    assert api_client.get(ANON_URL, REMOTE_ADDR="192.0.2.9").status_code == 429
