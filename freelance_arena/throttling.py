"""API throttles: DRF's rates and sliding window, one cache round trip per request.

DRF's SimpleRateThrottle keeps each client's request log as a pickled list in the cache: a GET
and a SET per throttle class and request, and the whole list (up to N timestamps for a rate of
N/period) travels both ways each time. With the two default classes (AnonRateThrottle and
UserRateThrottle), an anonymous request paid that twice.

- `SlidingWindowThrottle` keeps the same log (N requests in any window of the period; refused
  requests are not logged; the same Retry-After) in a Redis sorted set, trimmed, counted and
  appended by one Lua script: one round trip, and only the answer comes back. On any other cache
  (LocMemCache without REDIS_URL, the test suite) it is DRF's own algorithm.
- `ApiRateThrottle` is the default class: THROTTLE_USER per signed-in user, THROTTLE_ANON per
  client address (REMOTE_ADDR, or X-Forwarded-For behind NUM_PROXIES) for everyone else, one
  counter per request.
"""

import secrets

from rest_framework.throttling import SimpleRateThrottle

# KEYS[1]: the client's log. ARGV: now, now - period (both in seconds, as Python wrote them: Lua
# would print a number with 14 digits), the period, the limit, a unique member.
# Returns {1, count} when the request is logged, {0, count, oldest} when it is refused.
SLIDING_WINDOW = """
local key = KEYS[1]
redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[2])
local count = redis.call('ZCARD', key)
if count >= tonumber(ARGV[4]) then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    return {0, count, oldest[2]}
end
redis.call('ZADD', key, ARGV[1], ARGV[5])
redis.call('EXPIRE', key, ARGV[3])
return {1, count + 1}
"""


class SlidingWindowThrottle(SimpleRateThrottle):
    """SimpleRateThrottle whose log lives in a Redis sorted set when the cache can run scripts."""

    # Not DRF's key: a sorted set where DRF left a pickled list would be a WRONGTYPE error.
    log_format = "throttle-log:%(key)s"
    _refused: tuple[int, float] | None = None

    def allow_request(self, request, view) -> bool:
        run_script = getattr(self.cache, "run_script", None)
        if run_script is None:
            return super().allow_request(request, view)
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        reply = run_script(
            SLIDING_WINDOW,
            [self.log_format % {"key": self.key}],
            [
                repr(self.now),
                repr(self.now - self.duration),
                self.duration,
                self.num_requests,
                f"{self.now!r}:{secrets.token_hex(4)}",
            ],
        )
        if reply[0] == 1:
            return True
        self._refused = (int(reply[1]), float(reply[2]))
        return self.throttle_failure()

    def wait(self) -> float | None:
        if self._refused is None:
            return super().wait()
        # DRF's formula over the Redis log.
        count, oldest = self._refused
        remaining = self.duration - (self.now - oldest)
        available = self.num_requests - count + 1
        if available <= 0:
            return None
        return remaining / float(available)


class ApiRateThrottle(SlidingWindowThrottle):
    """THROTTLE_USER per signed-in user, THROTTLE_ANON per client address otherwise.

    It replaces DRF's AnonRateThrottle + UserRateThrottle pair with the same keys' meaning
    (scope "anon" by address, scope "user" by user id) and one counter per request: an anonymous
    request is no longer also counted against the user rate under its address.
    """

    def __init__(self) -> None:
        # The scope, and so the rate, is known only once the request's user is.
        self.rate = None

    def allow_request(self, request, view) -> bool:
        user = getattr(request, "user", None)
        self.scope = "user" if user is not None and user.is_authenticated else "anon"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str:
        ident = request.user.pk if self.scope == "user" else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
