"""Django's Redis cache backend, keeping one `redis.Redis` client per connection pool, with
single-round-trip `incr` and Lua scripts.

The stock RedisCacheClient builds a new `redis.Redis` object for every cache call; building one
sets up its table of ~200 response callbacks, which costs more than the round trip to a local
Redis. Every API request makes at least one cache call (throttle counters) and the public list
two, so the client is kept and reused. `redis.Redis` is thread-safe (each command takes a
connection from the pool), and the pools stay Django's, per server.

Django's `incr` asks EXISTS, then INCRBY: two round trips, and a key that expires in between is
created anew. Here it is one script, atomic, with the same contract (ValueError for a missing
key). `run_script` runs any Lua script on the cache's keys in one round trip (EVALSHA; the
script is loaded on first use): the API throttles keep their request log with it
(freelance_arena/throttling.py).
"""

from collections.abc import Sequence

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}
        self._scripts: dict[str, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_pool(index))
        return client

    def _get_pool(self, index: int):
        if index not in self._pools:
            self._pools[index] = self._pool_class.from_url(self._servers[index], **self._pool_options)
        return self._pools[index]

    def run_script(self, script: str, keys: Sequence[str], args: Sequence) -> object:
        client = self.get_client(keys[0] if keys else None, write=True)
        runner = self._scripts.get(script)
        if runner is None:
            runner = self._scripts[script] = client.register_script(script)
        return runner(keys=list(keys), args=list(args), client=client)

    def incr(self, key, delta):
        value = self.run_script(INCR_EXISTING, [key], [delta])
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def run_script(self, script: str, keys: Sequence[str], args: Sequence = (), version=None) -> object:
        """Runs the Lua `script` with `keys` (given the cache's prefix and version, as every
        other call does) and `args`, in one round trip; returns Redis's reply."""
        made = [self.make_and_validate_key(key, version=version) for key in keys]
        return self._cache.run_script(script, made, args)
