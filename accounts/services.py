"""Account writes that touch more than one row: tokens, deactivation, password changes."""

from typing import Any

from django.contrib.auth.models import update_last_login
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from .models import User
from .tokens import RefreshToken


class InactiveAccount(Exception):
    """The refresh token belongs to a deactivated (or vanished) account."""


class NotTokenOwner(Exception):
    """The refresh token was issued to another user."""


def issue_tokens(user: User) -> dict[str, str]:
    """A fresh refresh/access pair; the refresh token is recorded as outstanding."""
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def record_login(user: User) -> dict[str, str]:
    update_last_login(None, user)
    return issue_tokens(user)


def blacklist_refresh_tokens(*, user: User) -> int:
    """Blacklists every outstanding, unexpired refresh token of `user`; returns how many."""
    pending = OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True)
    created = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in pending], ignore_conflicts=True
    )
    return len(created)


@transaction.atomic
def deactivate_user(*, user: User) -> User:
    """Deactivates the account (data kept) and kills its refresh tokens.

    Access tokens stop working at once too: JWTAuthentication refuses inactive users.
    """
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    blacklist_refresh_tokens(user=user)
    return user


@transaction.atomic
def change_password(*, user: User, new_password: str) -> None:
    """Sets the new password and signs every session out (all refresh tokens blacklisted)."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    blacklist_refresh_tokens(user=user)


def _lock_live_token(token: RefreshToken) -> None:
    """Locks the token's outstanding row (created first if missing), then refuses it
    (TokenError) if it was blacklisted meanwhile.

    Rotation and logout both start here, so of two requests with one token the second waits for
    the first and then sees what it did: never a logout that answers 200 while a rotation of the
    same token hands out a live successor.
    """
    jti = token[jwt_settings.JTI_CLAIM]
    locked = OutstandingToken.objects.select_for_update().filter(jti=jti)
    if not list(locked.values_list("pk", flat=True)):
        token.outstand()  # get_or_create: a concurrent creator's row is found, not duplicated
        list(locked.values_list("pk", flat=True))
    if BlacklistedToken.objects.filter(token__jti=jti).exists():
        raise TokenError("Token is blacklisted")


def rotate_refresh_token(*, raw_token: str) -> dict[str, str]:
    """Exchanges a refresh token for a new pair and blacklists the old one.

    The outstanding row of the old token is locked, so two requests racing with the same token
    (or a rotation racing a logout) cannot both succeed: the second one waits, then finds it
    blacklisted. Raises TokenError (bad, expired, blacklisted) or InactiveAccount.
    """
    with transaction.atomic():
        refresh = RefreshToken(raw_token)  # signature, claims, expiry, blacklist
        _lock_live_token(refresh)

        user_id = refresh.payload.get(jwt_settings.USER_ID_CLAIM)
        user = User.objects.filter(pk=user_id).first() if user_id else None
        if user is None or not jwt_settings.USER_AUTHENTICATION_RULE(user):
            raise InactiveAccount

        refresh.blacklist()
        refresh.set_jti()
        refresh.set_exp()
        refresh.set_iat()
        refresh.outstand()
        return {"access": str(refresh.access_token), "refresh": str(refresh)}


def read_refresh_token(raw_token: Any) -> RefreshToken:
    """Parses a refresh token (raises TokenError when it is bad, expired or blacklisted)."""
    if not isinstance(raw_token, str) or not raw_token:
        raise TokenError("Token is invalid")
    return RefreshToken(raw_token)


@transaction.atomic
def logout(*, user: User, token: RefreshToken) -> None:
    """Blacklists the given refresh token; refuses (NotTokenOwner) one issued to another user,
    and (TokenError) one that a concurrent rotation or logout blacklisted first."""
    if str(token.payload.get(jwt_settings.USER_ID_CLAIM)) != str(user.pk):
        raise NotTokenOwner
    _lock_live_token(token)
    token.blacklist()
