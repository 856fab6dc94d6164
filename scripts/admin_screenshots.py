# ruff: noqa: S603, S607  (a developer tool that runs manage.py and chromium, with fixed arguments)
"""Screenshots of the Django admin at 1400 px in headless Chromium (docs/screenshots/).

Usage: DB_NAME=<a scratch database> .venv/bin/python scripts/admin_screenshots.py
Migrates and seeds that database (seed_demo --size small --flush: it empties it first), then serves the
admin on 127.0.0.1 with a settings module that signs the first superuser in (Chromium's
--screenshot cannot log in) and photographs the dashboard and the main changelists. Needs
`apt-get install chromium`. Never point it at a database whose data you want to keep.
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = os.environ.get("SCREENSHOT_PORT", "8717")
PAGES = {
    "admin-dashboard": "/admin/",
    "admin-competitions": "/admin/competitions/competition/",
    "admin-payments": "/admin/payments/paymentrecord/",
    "admin-users": "/admin/accounts/user/",
    "admin-proposals": "/admin/proposals/proposal/",
}

if os.environ.get("DB_NAME", "freelance_arena_db") == "freelance_arena_db":
    sys.exit("Set DB_NAME to a scratch database: seeding empties it.")


def manage(*args: str, settings: str = "freelance_arena.settings") -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings}
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


subprocess.run([sys.executable, "scripts/create_database.py"], cwd=ROOT, check=True)
manage("migrate", "--noinput")
manage("seed_demo", "--size", "small", "--flush")
subprocess.run(
    [
        sys.executable,
        "-c",
        "import django; django.setup(); from accounts.models import User;"
        "User.objects.filter(email='screens@example.com').exists() or "
        "User.objects.create_superuser(email='screens@example.com', username='screens', password='screens-pass-1')",
    ],
    cwd=ROOT,
    env={**os.environ, "DJANGO_SETTINGS_MODULE": "freelance_arena.settings"},
    check=True,
)
env = {**os.environ, "DJANGO_SETTINGS_MODULE": "scripts.screenshot_settings", "PYTHONPATH": str(ROOT)}
server = subprocess.Popen(
    [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{PORT}"], cwd=ROOT, env=env
)
try:
    for _ in range(60):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/health/", timeout=2)
            break
        except OSError:
            time.sleep(1)
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES.items():
        subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--window-size=1400,900",
                f"--screenshot={out / (name + '.png')}",
                f"http://127.0.0.1:{PORT}{path}",
            ],
            check=True,
            capture_output=True,
        )
        print(f"docs/screenshots/{name}.png  <- {path}")
finally:
    server.terminate()
    server.wait()
