#!/usr/bin/env bash
# Shared set-up: system packages for mysqlclient, the virtualenv, Python dependencies.
# Sourced by scripts/serve.sh and scripts/test.sh; safe to run again (it skips what is done).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

# mysqlclient compiles against the MySQL/MariaDB client headers.
if ! pkg-config --exists mysqlclient 2>/dev/null && ! pkg-config --exists libmariadb 2>/dev/null; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo ">> installing MySQL client headers (default-libmysqlclient-dev pkg-config build-essential)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq default-libmysqlclient-dev pkg-config build-essential
  else
    echo "!! MySQL client headers missing: install libmysqlclient-dev (or mariadb-connector-c) and pkg-config" >&2
    exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo ">> creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi

# Reinstall only when requirements.txt changed since the last install.
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo ">> installing requirements.txt"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements.txt
  echo "$want" > "$stamp"
fi
