#!/usr/bin/env bash
# One command from a fresh clone to the whole test suite, on MySQL/MariaDB, fresh test database.
# Extra arguments go to pytest (e.g. scripts/test.sh accounts -k login).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/bootstrap.sh

exec .venv/bin/python -m pytest --create-db "$@"
