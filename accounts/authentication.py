"""JWT authentication whose 401 says whether the access token expired or is broken.

SimpleJWT answers both with the same text and the code `token_not_valid`; a client must know
which one it got: an expired token is refreshed, a broken one means signing in again.
"""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import ExpiredTokenError, InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings

from freelance_arena import error_codes

TOKEN_EXPIRED_MESSAGE = "The access token has expired. Refresh it and retry."
TOKEN_INVALID_MESSAGE = "The access token is invalid. Sign in again."


class JWTAuthentication(authentication.JWTAuthentication):
    def get_validated_token(self, raw_token: bytes):
        expired = False
        for token_class in api_settings.AUTH_TOKEN_CLASSES:
            try:
                return token_class(raw_token)
            except ExpiredTokenError:
                expired = True
            except TokenError:
                pass
        if expired:
            raise InvalidToken(TOKEN_EXPIRED_MESSAGE, code=error_codes.TOKEN_EXPIRED)
        raise InvalidToken(TOKEN_INVALID_MESSAGE, code=error_codes.TOKEN_INVALID)


class JWTScheme(SimpleJWTScheme):
    """The schema's `jwtAuth` bearer scheme, for this subclass too."""

    target_class = "accounts.authentication.JWTAuthentication"
