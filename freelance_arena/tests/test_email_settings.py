"""E-mail and task-queue settings come from the environment (README, Configuration): SMTP only
with EMAIL_HOST, the console otherwise; the broker is CELERY_BROKER_URL, else REDIS_URL, else
none, and then tasks run eagerly in the web process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAMES = (
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "DEFAULT_FROM_EMAIL",
    "FRONTEND_URL",
    "EMAIL_VERIFICATION_HOURS",
    "PASSWORD_RESET_TIMEOUT",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
)
PRINT = (
    "import json; from django.conf import settings; "
    f"print(json.dumps({{name: getattr(settings, name, None) for name in {NAMES!r}}}))"
)
OURS = ("EMAIL_", "DEFAULT_FROM_EMAIL", "FRONTEND_URL", "PASSWORD_RESET_HOURS", "CELERY_", "REDIS_URL")


def settings_of(**environment: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(OURS)}
    env.update(DJANGO_SETTINGS_MODULE="freelance_arena.settings", **environment)
    done = subprocess.run([sys.executable, "-c", PRINT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_defaults_print_mail_on_the_console_and_run_tasks_eagerly():
    values = settings_of()
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert values["FRONTEND_URL"] == "http://localhost:3000"
    assert values["EMAIL_VERIFICATION_HOURS"] == 72
    assert values["PASSWORD_RESET_TIMEOUT"] == 24 * 3600
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True


def test_email_host_turns_on_smtp_with_the_given_settings():
    values = settings_of(
        EMAIL_HOST="smtp.example.com",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="mailer",
        EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="false",
        DEFAULT_FROM_EMAIL="Arena <no-reply@example.com>",
        FRONTEND_URL="https://app.example.com/",
        EMAIL_VERIFICATION_HOURS="24",
    )
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"]) == ("smtp.example.com", 2525)
    assert (values["EMAIL_HOST_USER"], values["EMAIL_HOST_PASSWORD"], values["EMAIL_USE_TLS"]) == (
        "mailer",
        "secret",
        False,
    )
    assert values["DEFAULT_FROM_EMAIL"] == "Arena <no-reply@example.com>"
    assert values["FRONTEND_URL"] == "https://app.example.com"  # no trailing slash: links add theirs
    assert values["EMAIL_VERIFICATION_HOURS"] == 24


@pytest.mark.parametrize(
    ("environment", "broker"),
    [
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "redis://127.0.0.1:6379/0"),
        (
            {"REDIS_URL": "redis://127.0.0.1:6379/0", "CELERY_BROKER_URL": "redis://127.0.0.1:6380/1"},
            "redis://127.0.0.1:6380/1",
        ),
    ],
    ids=["redis-url", "celery-broker-url"],
)
def test_a_broker_turns_off_eager_tasks(environment, broker):
    values = settings_of(**environment)
    assert (values["CELERY_BROKER_URL"], values["CELERY_TASK_ALWAYS_EAGER"]) == (broker, False)
