#!/usr/bin/env bash
# Serves Pishkhan: gunicorn on $HOST:$PORT and the background worker. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WORKERS=${WEB_WORKERS:-2}
$BIN/python manage.py demo_logins || true
echo
echo "  Pishkhan is at http://$HOST:$PORT/   (back office: http://$HOST:$PORT/office/)"
echo "  Press Ctrl-C to stop the web server and the worker."
echo
$BIN/python manage.py worker &
worker=$!
$BIN/gunicorn pishkhan.wsgi:application --bind "$HOST:$PORT" --workers "$WORKERS" \
  --no-control-socket --access-logfile - --graceful-timeout 5 &
web=$!
stop() { trap - INT TERM; kill -INT "$worker" 2>/dev/null; kill -TERM "$web" 2>/dev/null; wait; exit 0; }
trap stop INT TERM
wait -n "$worker" "$web" || true
stop
