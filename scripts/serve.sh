#!/usr/bin/env bash
# One command from a fresh clone to a running API on :8000:
# system packages, virtualenv, dependencies, database (created if missing), migrations, server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/bootstrap.sh

.venv/bin/python scripts/create_database.py
.venv/bin/python manage.py migrate --noinput
exec .venv/bin/python manage.py runserver "${HOST:-0.0.0.0}:${PORT:-8000}"
