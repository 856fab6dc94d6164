"""The Redis channel layer with a connection pool that waits instead of failing.

redis-py 8 caps a pool at 100 connections and raises "Too many connections" beyond; a burst of
sockets authenticating at once (a deploy, a network blip: every client reconnects) makes that
many group_add calls at the same moment, and the sockets died with 1011. A blocking pool makes
the burst queue for a connection instead (REDIS_POOL_TIMEOUT seconds at most).
"""

from channels_redis.core import RedisChannelLayer as BaseRedisChannelLayer
from redis.asyncio import BlockingConnectionPool


class RedisChannelLayer(BaseRedisChannelLayer):
    def create_pool(self, index):
        host = dict(self.hosts[index])
        return BlockingConnectionPool.from_url(host.pop("address"), **host)
