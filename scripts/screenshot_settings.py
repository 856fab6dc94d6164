"""Settings for scripts/admin_screenshots.py only: the project's, plus an automatic admin login
for requests from 127.0.0.1 while DEBUG is on (Chromium's --screenshot cannot fill a form)."""

from freelance_arena.settings import *  # noqa: F403
from freelance_arena.settings import DEBUG, MIDDLEWARE

if not DEBUG:
    raise RuntimeError("screenshot settings are for a local DEBUG server only")

MIDDLEWARE = [*MIDDLEWARE]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "scripts.screenshot_login.SignInFirstSuperuser",
)
