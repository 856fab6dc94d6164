"""SimpleJWT's token classes with every claim the API reads checked before it is used.

A token signed with our key can still carry claims no token of ours has: `exp` of 10**12 (year
33658) made `datetime.fromtimestamp` raise inside SimpleJWT (a 500 on every authenticated
endpoint), a `user_id` that is not a UUID raised Django's ValidationError in the user lookup (a
400). Here each is a TokenError, which the views answer as a 401 like any other bad token.
"""

import math
from datetime import UTC, datetime, timedelta
from uuid import UUID

from rest_framework_simplejwt import tokens
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings

# Clock skew tolerated on top of a token's lifetime when its `exp` is judged.
EXP_SLACK = timedelta(minutes=1)
JTI_MAX_LENGTH = 255  # OutstandingToken.jti


class CheckedClaimsMixin:
    """Refuses (TokenError) a token whose claims no token issued by this API could have."""

    def verify(self) -> None:
        self.check_claims()
        super().verify()

    def check_claims(self) -> None:
        payload = self.payload
        exp = payload.get("exp")
        if type(exp) not in (int, float) or not math.isfinite(exp):
            raise TokenError("Token is invalid")
        try:
            expires = datetime.fromtimestamp(exp, tz=UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise TokenError("Token is invalid") from exc
        # Nothing issued here outlives its class's lifetime: a later `exp` was not ours.
        if expires > self.current_time + self.lifetime + EXP_SLACK:
            raise TokenError("Token is invalid")
        jti = payload.get(api_settings.JTI_CLAIM)
        if not isinstance(jti, str) or not 0 < len(jti) <= JTI_MAX_LENGTH:
            raise TokenError("Token is invalid")
        user_id = payload.get(api_settings.USER_ID_CLAIM)
        if not isinstance(user_id, str):
            raise TokenError("Token is invalid")
        try:
            UUID(user_id)  # User.id is a UUID
        except ValueError as exc:
            raise TokenError("Token is invalid") from exc


class AccessToken(CheckedClaimsMixin, tokens.AccessToken):
    pass


class RefreshToken(CheckedClaimsMixin, tokens.RefreshToken):
    access_token_class = AccessToken
