"""S3-compatible storage is chosen by configuration alone (README, Scaling out).

These check the settings a process builds from its environment, without starting Django's app
registry: django-storages[s3] is an optional install (README), not in requirements.txt, and no S3
endpoint runs on this machine, so the S3 backend itself is not exercised here."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT_STORAGES = (
    "import json; from django.conf import settings; "
    "print(json.dumps({k: settings.STORAGES[k] for k in ('default', 'private')}))"
)


def settings_process(**extra: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("S3_")}
    env.update(DJANGO_SETTINGS_MODULE="freelance_arena.settings", **extra)
    return subprocess.run(
        [sys.executable, "-c", PRINT_STORAGES], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_without_buckets_uploads_stay_on_the_local_disk():
    done = settings_process()
    assert done.returncode == 0, done.stderr
    storages = json.loads(done.stdout)
    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storages["private"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storages["private"]["OPTIONS"]["base_url"] is None


def test_buckets_move_pictures_and_attachments_to_s3_and_keep_attachments_private():
    done = settings_process(
        S3_BUCKET="fa-public", S3_PRIVATE_BUCKET="fa-private", S3_ENDPOINT_URL="http://127.0.0.1:9000"
    )
    assert done.returncode == 0, done.stderr
    storages = json.loads(done.stdout)
    public, private = storages["default"], storages["private"]
    assert public["BACKEND"] == private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert public["OPTIONS"]["bucket_name"] == "fa-public"
    assert private["OPTIONS"]["bucket_name"] == "fa-private"
    assert private["OPTIONS"]["default_acl"] == "private"
    assert public["OPTIONS"]["endpoint_url"] == private["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"
    assert public["OPTIONS"]["file_overwrite"] is private["OPTIONS"]["file_overwrite"] is False


def test_one_bucket_alone_is_refused_at_start():
    # Attachments must never land in the bucket the web reads pictures from.
    done = settings_process(S3_BUCKET="fa-public")
    assert done.returncode != 0
    assert "S3_PRIVATE_BUCKET" in done.stderr
