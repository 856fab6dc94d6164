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


class PasswordCheckRateThrottle(SlidingWindowThrottle):
    """The login rate (THROTTLE_LOGIN) for endpoints that check the signed-in user's password
    (change-password, deleting one's account), counted per account: a stolen access token must
    not become a password-guessing oracle, from however many addresses it is used."""

    scope = "login"
    cache_format = "throttle_password_%(scope)s_%(ident)s"

    def get_cache_key(self, request, view) -> str | None:
        if not request.user.is_authenticated:
            return None  # refused by the permission check anyway
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
