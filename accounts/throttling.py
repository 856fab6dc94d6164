"""The login throttle: per client IP, rate THROTTLE_LOGIN (scope "login")."""

from freelance_arena.throttling import SlidingWindowThrottle


class LoginRateThrottle(SlidingWindowThrottle):
    """Counts credential attempts per client IP, signed in or not.

    Keyed by IP rather than by account so one address cannot spray passwords across many
    e-mails; used by login, register and token refresh.
    """

    scope = "login"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
