"""Account lifecycle by e-mail: verification, change of address, password reset.

Tokens:
- Verification and change of address: a `TimestampSigner` token over the user id, the address
  to verify, and a digest of the account's current address and verified flag. Confirming changes
  one of the two, so a token works once; `EMAIL_VERIFICATION_HOURS` bounds its age.
- Password reset: Django's `PasswordResetTokenGenerator` (uid + token), whose hash covers the
  password and last login, so a token works once; `PASSWORD_RESET_TIMEOUT` bounds its age.

The reset request does no work in the request: it queues `accounts.tasks.send_password_reset`
whether or not the address has an account, so its answer and timing say nothing about that.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from freelance_arena.mail import frontend_link, queue_email
from freelance_arena.tasks import enqueue

from . import services
from .models import User, normalize_email_address

VERIFY_SALT = "accounts.lifecycle.verify-email"


class InvalidLink(Exception):
    """The token is malformed, tampered with, used, expired, or its account is gone."""

    def __init__(self, message: str = "This link is invalid or has already been used.") -> None:
        super().__init__(message)
        self.message = message


class AlreadyVerified(Exception):
    pass


class EmailTaken(Exception):
    pass


# --- Verification and change of address -----------------------------------------------------------


def _state(user: User) -> str:
    """Changes whenever the account's address or its verified flag does."""
    return salted_hmac(VERIFY_SALT, f"{user.email}\n{int(user.email_verified)}").hexdigest()[:20]


def make_verification_token(user: User, email: str | None = None) -> str:
    """A token that confirms `email` (default: the current address) for `user`, once."""
    payload = {"u": str(user.pk), "e": email or user.email, "s": _state(user)}
    return signing.TimestampSigner(salt=VERIFY_SALT).sign_object(payload)


def _read_verification_token(token: str) -> dict[str, str]:
    max_age = settings.EMAIL_VERIFICATION_HOURS * 3600
    try:
        payload = signing.TimestampSigner(salt=VERIFY_SALT).unsign_object(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise InvalidLink("This link has expired. Ask for a new one.") from exc
    except (signing.BadSignature, ValueError) as exc:
        raise InvalidLink from exc
    if not isinstance(payload, dict) or not all(isinstance(payload.get(key), str) for key in ("u", "e", "s")):
        raise InvalidLink
    return payload


def _verification_context(user: User, email: str) -> dict[str, Any]:
    token = make_verification_token(user, email)
    return {
        "user": user,
        "token": token,
        "link": frontend_link("/verify-email", token=token),
        "hours": settings.EMAIL_VERIFICATION_HOURS,
        "new_email": email,
    }


def send_verification_email(user: User) -> None:
    """Queues the verification e-mail to the account's current address."""
    context = _verification_context(user, user.email)
    queue_email(to=user.email, name="verify_email", subject="Confirm your email address", context=context)


def request_verification(*, user: User) -> None:
    if user.email_verified:
        raise AlreadyVerified
    send_verification_email(user)


def request_email_change(*, user: User, new_email: str) -> None:
    """Sends a confirmation to `new_email`; the account keeps its address until it is confirmed."""
    new_email = normalize_email_address(new_email)
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise EmailTaken
    context = _verification_context(user, new_email)
    queue_email(to=new_email, name="change_email", subject="Confirm your new email address", context=context)


@transaction.atomic
def confirm_email(*, token: str) -> User:
    """Marks the token's address verified, switching the account to it first when it is a new
    one (the old address is told). Raises InvalidLink or EmailTaken."""
    payload = _read_verification_token(token)
    try:
        user = User.objects.select_for_update().filter(pk=payload["u"], is_active=True).first()
    except (DjangoValidationError, ValueError) as exc:  # not a UUID: not a token of ours
        raise InvalidLink from exc
    # Under the row lock: of two confirmations with one token, the second sees the new state.
    if user is None or not constant_time_compare(payload["s"], _state(user)):
        raise InvalidLink
    email = normalize_email_address(payload["e"])
    old_email = user.email
    if email == old_email:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
        return user
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise EmailTaken
    user.email, user.email_verified = email, True
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "email_verified"])
    except IntegrityError as exc:  # taken by a registration that committed meanwhile
        raise EmailTaken from exc
    queue_email(
        to=old_email,
        name="email_changed",
        subject="Your email address was changed",
        context={"user": user, "old_email": old_email, "new_email": email},
    )
    return user


# --- Password reset -------------------------------------------------------------------------------


def request_password_reset(*, email: str) -> None:
    """Queues the reset e-mail's task; the task finds out whether the account exists."""
    from .tasks import send_password_reset

    enqueue(send_password_reset, email=normalize_email_address(email))


def send_password_reset_email(user: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    context = {
        "user": user,
        "uid": uid,
        "token": token,
        "link": frontend_link("/reset-password", uid=uid, token=token),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    queue_email(to=user.email, name="password_reset", subject="Reset your password", context=context)


def user_for_reset(*, uid: str, token: str) -> User:
    """The active account the uid + token pair was issued for; InvalidLink otherwise."""
    try:
        pk = force_str(urlsafe_base64_decode(uid))
        user = User.objects.filter(pk=pk, is_active=True).first()
    except (ValueError, TypeError, OverflowError, DjangoValidationError) as exc:
        raise InvalidLink from exc
    if user is None or not default_token_generator.check_token(user, token):
        raise InvalidLink
    return user


@transaction.atomic
def reset_password(*, user: User, token: str, new_password: str) -> None:
    """Sets the password and signs every session out; receiving the link proved the address.

    The token is checked again under the row lock: of two requests with one token, the second
    finds the password changed and the token dead (InvalidLink)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not default_token_generator.check_token(user, token):
        raise InvalidLink
    user.set_password(new_password)
    user.email_verified = True
    user.save(update_fields=["password", "email_verified"])
    services.blacklist_refresh_tokens(user=user)
