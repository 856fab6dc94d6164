"""The task queue's two shared pieces: queueing after commit, and sending one e-mail.

Every task is queued through `enqueue`, i.e. `transaction.on_commit`: a worker never picks up a
task about rows it cannot see yet, and a rolled-back request queues nothing. Without a broker
(CELERY_TASK_ALWAYS_EAGER) the same call runs the task in this process right after the commit.
A broker or task failure is logged and never becomes the error of the request that queued it.
"""

import logging
import smtplib
from functools import partial
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

logger = logging.getLogger(__name__)

# Backoff of a failed send: about 30 s, 1, 2, 4, 8 min (full jitter: a random delay up to that),
# then the message is given up and logged.
EMAIL_MAX_RETRIES = 5
EMAIL_RETRY_BACKOFF = 30


def enqueue(task: Task, /, **kwargs: Any) -> None:
    """Queues `task(**kwargs)` once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(_publish, task, kwargs), robust=True)


def _publish(task: Task, kwargs: dict[str, Any]) -> None:
    try:
        task.apply_async(kwargs=kwargs)
    except Exception:
        # The broker is down or refused the message: the request that queued it has committed
        # and must still answer; the lost task is in the log.
        logger.exception("Could not queue task %s", task.name)


def masked(address: str) -> str:
    """`c***@example.com`: enough to trace a delivery in the logs without logging addresses."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


class EmailTask(Task):
    """Retried with exponential backoff on SMTP and network errors; the final failure is logged."""

    autoretry_for = (smtplib.SMTPException, OSError)
    retry_backoff = EMAIL_RETRY_BACKOFF
    retry_backoff_max = 15 * 60
    retry_jitter = True
    max_retries = EMAIL_MAX_RETRIES

    def on_retry(self, exc, task_id, args, kwargs, einfo) -> None:
        logger.warning(
            "E-mail to %s failed (%s), retry %d of %d",
            masked(kwargs.get("to", "")),
            exc,
            self.request.retries + 1,
            self.max_retries,
        )

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        logger.error(
            "E-mail to %s not sent after %d retries: %s", masked(kwargs.get("to", "")), self.request.retries, exc
        )


@shared_task(base=EmailTask, name="freelance_arena.send_email")
def send_email(*, to: str, subject: str, text: str, html: str) -> None:
    """Sends one e-mail, plain text with an HTML alternative, to one address."""
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()
