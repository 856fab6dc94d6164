#!/usr/bin/env bash
# One command from a fresh clone to the whole test suite, on MySQL/MariaDB, fresh test database.
# Extra arguments go to pytest (e.g. scripts/test.sh accounts -k login).
# Runs in parallel (pytest-xdist): PYTEST_WORKERS processes (default: one per CPU), each with a
# test database of its own (test_<DB_NAME>_gw0, _gw1, ...); PYTEST_WORKERS=0 runs in one process.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/bootstrap.sh

exec .venv/bin/python -m pytest --create-db -n "${PYTEST_WORKERS:-auto}" "$@"
