#!/usr/bin/env bash
# Restarts MariaDB under a running API and shows the API serving again by itself.
#
# Starts the API under gunicorn (production settings, one worker, persistent health-checked
# connections) on a free loopback port, checks /api/health/ and /api/competitions/, restarts the
# local MariaDB (start-stop-daemon), shows the API answering a JSON 503 during the outage and
# 200 again within seconds after it, from the same gunicorn master and worker processes.
#
# NOT for CI: it stops the machine's shared MariaDB server for a few seconds (every other
# client loses its connections). Needs root (or the right to signal mariadbd) and a local
# MariaDB started as /usr/sbin/mariadbd. Usage: scripts/db_restart_check.sh
# DB_NAME (default fa_restart_check) is created and migrated if needed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

MARIADBD="${MARIADBD:-/usr/sbin/mariadbd}"
DB_HOST_PORT="${DB_PORT:-3306}"
export DB_NAME="${DB_NAME:-fa_restart_check}"
export DJANGO_DEBUG=False
export DJANGO_SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECURE_SSL_REDIRECT=False
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DB_CONN_MAX_AGE=600
export LOG_LEVEL=WARNING

stamp() { date -u +%H:%M:%S.%3N; }
say() { echo "[$(stamp)] $*"; }
port_open() { (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# status code and body of a GET, e.g. "200 {...}"
get() { curl -s -m 5 -o /tmp/db_restart_check.body -w '%{http_code}' "http://127.0.0.1:$PORT$1" || true; }
show() { local code; code=$(get "$1"); say "GET $1 -> $code $(head -c 160 /tmp/db_restart_check.body)"; }

say "database $DB_NAME: create if missing, migrate"
.venv/bin/python scripts/create_database.py
.venv/bin/python manage.py migrate --noinput -v 0

PORT="$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
PIDFILE="$(mktemp)"
.venv/bin/gunicorn freelance_arena.wsgi:application --bind "127.0.0.1:$PORT" --workers 1 --timeout 30 \
  --pid "$PIDFILE" --log-level warning &
GUNICORN=$!
cleanup() { kill "$GUNICORN" 2>/dev/null || true; wait "$GUNICORN" 2>/dev/null || true; rm -f "$PIDFILE"; }
trap cleanup EXIT

for _ in $(seq 1 100); do [ "$(get /api/health/)" = "200" ] && break; sleep 0.1; done
WORKER_BEFORE="$(pgrep -P "$GUNICORN" | head -1)"
say "gunicorn master $GUNICORN, worker $WORKER_BEFORE, on 127.0.0.1:$PORT (DEBUG off, CONN_MAX_AGE=$DB_CONN_MAX_AGE)"
show /api/health/
show /api/competitions/

# DRY_RUN=1 runs everything but the restart itself (to try the script without an outage).
if [ "${DRY_RUN:-0}" = "1" ]; then
  say "DRY_RUN: MariaDB is not restarted"
  start_stop() { :; }
else
  start_stop() { start-stop-daemon "$@"; }
fi
say "stopping MariaDB ($MARIADBD)"
start_stop --stop --exec "$MARIADBD" --retry 30 >/dev/null
say "MariaDB stopped"
show /api/health/
show /api/competitions/

say "starting MariaDB"
start_stop --start --oknodo --background --exec "$MARIADBD"
for _ in $(seq 1 300); do port_open "$DB_HOST_PORT" && break; sleep 0.1; done
say "MariaDB accepts connections on $DB_HOST_PORT"
UP=$EPOCHREALTIME

code=""
for _ in $(seq 1 100); do
  code=$(get /api/health/)
  [ "$code" = "200" ] && break
  sleep 0.1
done
ELAPSED=$(awk -v a="$UP" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
say "GET /api/health/ -> $code $(head -c 160 /tmp/db_restart_check.body) (${ELAPSED}s after the port opened)"
show /api/competitions/
competitions_code=$(get /api/competitions/)

WORKER_AFTER="$(pgrep -P "$GUNICORN" | head -1)"
say "gunicorn master $GUNICORN alive: $(kill -0 "$GUNICORN" 2>/dev/null && echo yes || echo no), worker now $WORKER_AFTER"

if [ "$code" = "200" ] && [ "$competitions_code" = "200" ] && [ "$WORKER_BEFORE" = "$WORKER_AFTER" ]; then
  say "OK: the same gunicorn process serves again without a restart of its own"
else
  say "FAILED: health=$code competitions=$competitions_code worker $WORKER_BEFORE -> $WORKER_AFTER"
  exit 1
fi
