"""Account tasks (Celery)."""

from celery import shared_task
from django.db import DEFAULT_DB_ALIAS

from .models import User


@shared_task(name="accounts.send_password_reset")
def send_password_reset(*, email: str) -> None:
    """The reset e-mail, if `email` belongs to an active account; nothing otherwise."""
    from .lifecycle import send_password_reset_email

    # The primary: an account created a moment ago may not have reached a read replica yet.
    user = User.objects.using(DEFAULT_DB_ALIAS).filter(email=email, is_active=True).first()
    if user is not None:
        send_password_reset_email(user)
