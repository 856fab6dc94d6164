"""The provider settings: dummy only by default while DEBUG; stripe needs both keys."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PAYMENT_VARS = ("PAYMENT_PROVIDER", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE")


def setup(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in PAYMENT_VARS and k != "DJANGO_DEBUG"}
    environment.update({"DJANGO_SETTINGS_MODULE": "freelance_arena.settings", "DJANGO_SECRET_KEY": "k" * 50, **env})
    code = "import django; django.setup(); from django.conf import settings; print(settings.PAYMENT_PROVIDER)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=60
    )


def test_dummy_is_the_default_while_debug_is_on():
    started = setup(DJANGO_DEBUG="True")
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "dummy"


def test_with_debug_off_the_provider_must_be_named():
    refused = setup(DJANGO_DEBUG="False")
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr and "PAYMENT_PROVIDER" in refused.stderr
    named = setup(DJANGO_DEBUG="False", PAYMENT_PROVIDER="dummy")
    assert named.returncode == 0, named.stderr


@pytest.mark.parametrize(
    "keys",
    [{}, {"STRIPE_SECRET_KEY": "sk_test_1"}, {"STRIPE_WEBHOOK_SECRET": "whsec_1"}],
)
def test_stripe_without_both_keys_refuses_to_start(keys):
    refused = setup(DJANGO_DEBUG="False", PAYMENT_PROVIDER="stripe", **keys)
    assert refused.returncode != 0
    assert "STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET" in refused.stderr


def test_stripe_with_both_keys_starts():
    started = setup(
        DJANGO_DEBUG="False", PAYMENT_PROVIDER="stripe", STRIPE_SECRET_KEY="sk_test_1", STRIPE_WEBHOOK_SECRET="whsec_1"
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "stripe"


@pytest.mark.parametrize("value", ["bank", "x"])
def test_an_unknown_provider_refuses_to_start(value):
    assert setup(PAYMENT_PROVIDER=value).returncode != 0


@pytest.mark.parametrize("value", ["abc", "100", "-1", "NaN"])
def test_a_bad_fee_percent_refuses_to_start(value):
    refused = setup(PLATFORM_FEE_PERCENT=value)
    assert refused.returncode != 0
    assert "PLATFORM_FEE_PERCENT" in refused.stderr
