#!/usr/bin/env bash
# One command for the whole benchmark: bench/run.sh [--size large|small] [--skip-seed] [--duration 10]
# Installs wrk when missing (Debian/Ubuntu apt-get), makes sure the virtualenv exists, then runs
# bench/run.py (seed, gunicorn with production settings, wrk per endpoint, RESULTS.md).
# Database: $BENCH_DB_NAME (default freelance_arena_bench), never $DB_NAME: the seed TRUNCATEs it.
# The large run also uses ${BENCH_DB_NAME}_small.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v wrk >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo ">> installing wrk (apt-get)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk
  else
    echo "!! wrk is missing and apt-get is not available: install wrk (https://github.com/wg/wrk)" >&2
    exit 1
  fi
fi

if [ ! -x .venv/bin/gunicorn ]; then
  source scripts/bootstrap.sh
fi

exec .venv/bin/python bench/run.py "$@"
