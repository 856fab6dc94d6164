"""freelance_arena.cache.RedisCache against the machine's Redis: one client, Django's semantics."""

import pytest

from competitions import list_cache


@pytest.fixture
def redis_cache(private_redis_cache):
    return private_redis_cache


def test_one_client_serves_every_call(redis_cache):
    backend, _ = redis_cache
    client = backend._cache.get_client()
    assert backend._cache.get_client() is client
    assert backend._cache.get_client(write=True) is client  # one server: reads and writes share it


def test_the_cache_api_behaves_as_djangos(redis_cache):
    backend, _ = redis_cache
    assert backend.get("missing") is None
    backend.set("page", {"results": [1, 2]}, timeout=30)
    assert backend.get("page") == {"results": [1, 2]}
    assert backend.add("page", "other") is False
    assert backend.add("counter", 5, timeout=None) is True
    assert backend.incr("counter") == 6
    with pytest.raises(ValueError):
        backend.incr("never-set")
    assert backend.get_many(["counter", "page", "missing"]) == {"counter": 6, "page": {"results": [1, 2]}}
    backend.delete("page")
    assert backend.get("page") is None


@pytest.mark.django_db
def test_the_list_cache_invalidates_through_redis(redis_cache, settings, monkeypatch):
    backend, _ = redis_cache
    settings.PUBLIC_LIST_CACHE_SECONDS = 30
    # The list cache talks to this backend only: overriding CACHES would make the suite's
    # cache.clear() after the test flush the whole Redis database other runs may share.
    monkeypatch.setattr(list_cache, "cache", backend)
    url = "http://testserver/api/competitions/"
    first = list_cache.lookup(url)
    assert first.data is None
    list_cache.store(first, {"results": ["cached"]})
    assert list_cache.lookup(url).data == {"results": ["cached"]}
    list_cache.invalidate()  # INCR on the generation kept in Redis
    assert list_cache.lookup(url).data is None


def test_incr_is_one_round_trip_and_never_creates_a_key(redis_cache):
    backend, _ = redis_cache
    client = backend._cache.get_client(write=True)
    backend.add("counter", 10, timeout=None)
    backend.incr("counter")  # loads the script
    sent = []
    original = client.execute_command
    client.execute_command = lambda *args, **kwargs: sent.append(args[0]) or original(*args, **kwargs)
    try:
        assert backend.incr("counter", 5) == 16
        assert backend.decr("counter", 2) == 14
        with pytest.raises(ValueError):
            backend.incr("never-set")
    finally:
        del client.execute_command
    assert sent == ["EVALSHA", "EVALSHA", "EVALSHA"]
    assert backend.get("never-set") is None
    assert backend.get("counter") == 14


def test_run_script_works_on_the_cache_keys(redis_cache):
    backend, prefix = redis_cache
    backend.set("greeting", 41, timeout=30)

    reply = backend.run_script("return {KEYS[1], redis.call('INCRBY', KEYS[1], ARGV[1])}", ["greeting"], [1])

    assert reply[0].decode() == f"{prefix}:1:greeting"  # the cache's prefix and version
    assert reply[1] == 42
    assert backend.get("greeting") == 42
