"""Django's Redis cache backend, keeping one `redis.Redis` client per connection pool.

The stock RedisCacheClient builds a new `redis.Redis` object for every cache call; building one
sets up its table of ~200 response callbacks, which costs more than the round trip to a local
Redis. Every API request makes at least one cache call (throttle counters) and the public list
two, so the client is kept and reused. `redis.Redis` is thread-safe (each command takes a
connection from the pool), and the pools stay Django's, per server.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

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


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
