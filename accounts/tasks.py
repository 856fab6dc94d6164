"""Account tasks (Celery)."""

import hashlib

from celery import shared_task
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS

from .models import User

# One reset e-mail per address per this many seconds: the request throttle counts per client
# address, so many clients could otherwise flood one inbox. Decided here, in the task, so the
# request's answer stays the same for every address.
RESET_EMAIL_INTERVAL = 60


@shared_task(name="accounts.send_password_reset")
def send_password_reset(*, email: str) -> bool:
    """The reset e-mail, if `email` belongs to an active account and got none in the last
    minute; nothing otherwise. Returns whether one was queued."""
    from .lifecycle import send_password_reset_email

    # The primary: an account created a moment ago may not have reached a read replica yet.
    user = User.objects.using(DEFAULT_DB_ALIAS).filter(email=email, is_active=True).first()
    if user is None:
        return False
    key = f"password-reset-sent:{hashlib.sha256(user.email.encode()).hexdigest()}"
    if not cache.add(key, 1, timeout=RESET_EMAIL_INTERVAL):
        return False
    send_password_reset_email(user)
    return True
