"""The task queue and SMTP for real: a Celery worker over the machine's Redis, a real SMTP server
on loopback (aiosmtpd), a refused SMTP port, a broker that is down.

The worker test is transactional (the worker thread reads committed rows over its own database
connection) and uses a queue of its own on Redis database 2, so other runs sharing that Redis
never take its tasks; it is skipped when Redis is down.
"""

import email
import logging
import secrets
import socket
import threading
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller
from celery import Celery, signals
from celery.contrib.testing.worker import start_worker
from django.core import mail

from accounts.models import User
from accounts.tests.factories import FreelancerFactory
from freelance_arena import tasks
from freelance_arena.celery import app as celery_app

pytestmark = pytest.mark.usefixtures("run_tasks")

BROKER_URL = "redis://127.0.0.1:6379/2"
REGISTER = "/api/auth/register/"
NEWCOMER = {"email": "newcomer@example.com", "username": "newcomer", "password": "a-Strong-pass-42", "role": "CLIENT"}


def free_port() -> int:
    """A loopback port nothing listens on (bound and released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout: float = 15.0) -> None:
    """Polls `condition` while another thread works (a worker, a server); fails after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the worker")
        time.sleep(0.05)


def token_of(body: str) -> str:
    return next(line for line in body.splitlines() if line.startswith("Token: ")).removeprefix("Token: ")


@pytest.fixture
def smtp_settings(settings):
    """Point Django's SMTP backend at 127.0.0.1:`port`."""

    def use(port: int) -> None:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
        settings.EMAIL_TIMEOUT = 5

    return use


# --- a real worker ----------------------------------------------------------------------------------


@pytest.fixture
def worker_app():
    """A Celery app with the project's settings on the real Redis broker, a private queue, made
    the current app (the project's tasks are shared tasks: they bind to it) while the test runs."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {BROKER_URL} ({exc})")
    queue = f"test-email-{secrets.token_hex(6)}"
    app = Celery("freelance_arena_test")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=BROKER_URL,
        task_always_eager=False,
        task_default_queue=queue,
        worker_hijack_root_logger=False,
        worker_enable_remote_control=False,
        worker_send_task_events=False,
    )
    app.set_current()
    yield app
    celery_app.set_current()
    celery_app.set_default()
    raw = redis.Redis.from_url(BROKER_URL)
    for key in raw.scan_iter(f"*{queue}*"):
        raw.delete(key)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_reset_tasks_and_sends_the_email(worker_app, api_client, mailoutbox):
    user = FreelancerFactory(email="charlie@example.com")
    ran_in: list[str] = []

    def record(sender=None, **kwargs) -> None:
        ran_in.append(f"{sender.name}@{threading.current_thread().name}")

    signals.task_prerun.connect(record, weak=False)
    try:
        with start_worker(worker_app, perform_ping_check=False, shutdown_timeout=10):
            response = api_client.post("/api/auth/password-reset/", {"email": user.email})
            assert response.status_code == 200, response.content
            wait_for(lambda: len(mail.outbox) == 1)
    finally:
        signals.task_prerun.disconnect(record)

    (message,) = mail.outbox
    assert message.to == ["charlie@example.com"] and token_of(message.body)
    # Both tasks (the account lookup, then the send it queued) ran in the worker's thread.
    main = threading.main_thread().name
    assert [entry.split("@")[0] for entry in ran_in] == ["accounts.send_password_reset", "freelance_arena.send_email"]
    assert all(not entry.endswith(f"@{main}") for entry in ran_in)


# --- a real SMTP server -----------------------------------------------------------------------------


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


@pytest.mark.django_db
def test_the_verification_email_goes_through_a_real_smtp_server(
    api_client, smtp_server, smtp_settings, django_capture_on_commit_callbacks, settings
):
    port, inbox = smtp_server
    smtp_settings(port)
    settings.DEFAULT_FROM_EMAIL = "FreelanceArena <no-reply@arena.example>"

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(REGISTER, NEWCOMER)

    assert response.status_code == 201, response.content
    (envelope,) = inbox.envelopes
    assert envelope.mail_from == "no-reply@arena.example"
    assert envelope.rcpt_tos == ["newcomer@example.com"]
    message = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert message["To"] == "newcomer@example.com"
    assert message["Subject"] == "Confirm your email address"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    token = token_of(text)
    assert f"http://localhost:3000/verify-email?token={token.replace(':', '%3A')}" in text
    assert token.replace(":", "%3A") in html
    # and the token works
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.post("/api/auth/verify-email/confirm/", {"token": token}).status_code == 200
    assert User.objects.get(email="newcomer@example.com").email_verified is True


# --- failures -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_refused_smtp_port_leaves_the_request_and_the_database_intact_and_is_retried(
    api_client, smtp_settings, django_capture_on_commit_callbacks, caplog
):
    smtp_settings(free_port())  # nothing listens there: connection refused
    retries: list[float] = []

    def record(sender=None, reason=None, **kwargs) -> None:
        if sender.name == "freelance_arena.send_email":
            retries.append(reason.when)

    signals.task_retry.connect(record, weak=False)
    try:
        with (
            caplog.at_level(logging.WARNING, logger="freelance_arena.tasks"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = api_client.post(REGISTER, NEWCOMER)
    finally:
        signals.task_retry.disconnect(record)

    assert response.status_code == 201, response.content
    assert response.json()["data"]["user"]["email"] == "newcomer@example.com"
    assert User.objects.filter(email="newcomer@example.com", is_active=True).exists()
    login = api_client.post("/api/auth/login/", {"email": NEWCOMER["email"], "password": NEWCOMER["password"]})
    assert login.status_code == 200
    # Retried max_retries times with exponential backoff (full jitter: up to 30 s, 60 s, 120 s, …).
    assert len(retries) == tasks.EMAIL_MAX_RETRIES
    for attempt, countdown in enumerate(retries):
        assert 0 <= countdown <= tasks.EMAIL_RETRY_BACKOFF * 2**attempt
    ours = [record for record in caplog.records if record.name == "freelance_arena.tasks"]
    failures = [record.getMessage() for record in ours if record.levelno == logging.ERROR]
    assert failures == [
        f"E-mail to n***@example.com not sent after {tasks.EMAIL_MAX_RETRIES} retries: [Errno 111] Connection refused"
    ]


@pytest.mark.django_db
def test_a_broker_that_is_down_is_logged_and_the_request_still_answers(
    api_client, django_capture_on_commit_callbacks, caplog
):
    app = Celery("freelance_arena_down")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=f"redis://127.0.0.1:{free_port()}/0", task_always_eager=False)
    user = FreelancerFactory()
    app.set_current()
    try:
        with (
            caplog.at_level(logging.ERROR, logger="freelance_arena.tasks"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = api_client.post("/api/auth/password-reset/", {"email": user.email})
    finally:
        celery_app.set_current()

    assert response.status_code == 200, response.content
    ours = [record.getMessage() for record in caplog.records if record.name == "freelance_arena.tasks"]
    assert ours == ["Could not queue task accounts.send_password_reset"]
