#!/usr/bin/env bash
# Serves Pishkhan: gunicorn on $HOST:$PORT and the background worker. Ctrl-C stops both.
# The worker is restarted if it stops (after WORKER_RESTART_SECONDS): without it no SMS goes
# out, and /healthz reports the stale heartbeat until it is back. If the web server stops,
# everything stops.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${PISHKHAN_BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WORKERS=${WEB_WORKERS:-2}
RESTART=${WORKER_RESTART_SECONDS:-5}
"$BIN/python" manage.py demo_logins || true
echo
echo "  Pishkhan is at http://$HOST:$PORT/   (back office: http://$HOST:$PORT/office/)"
if [ -n "${SMS_INBOUND_SECRET:-}" ]; then
  echo "  SMS replies (31/33) accepted at POST http://$HOST:$PORT/sms/inbound/ with header X-Pishkhan-Secret: $SMS_INBOUND_SECRET"
fi
echo "  Press Ctrl-C to stop the web server and the worker."
echo

supervise_worker() {
  # A background subshell: SIGINT is ignored here, so the script stops it with SIGTERM.
  local child=""
  trap 'if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; wait "$child"; fi; exit 0' TERM
  while true; do
    "$BIN/python" manage.py worker &
    child=$!
    rc=0
    wait "$child" || rc=$?
    child=""
    echo "  The worker stopped (exit $rc); restarting it in ${RESTART}s." >&2
    sleep "$RESTART" &
    wait $! || true
  done
}

supervise_worker &
worker=$!
# The access log leaves out query strings and referrers: look-ups carry mobiles and names.
"$BIN/gunicorn" pishkhan.wsgi:application --config deploy/gunicorn.conf.py \
  --bind "$HOST:$PORT" --workers "$WORKERS" --no-control-socket --access-logfile - \
  --graceful-timeout 5 &
web=$!
stop() {
  trap - INT TERM
  kill -TERM "$worker" 2>/dev/null || true
  kill -TERM "$web" 2>/dev/null || true
  wait || true
  exit "${1:-0}"
}
trap stop INT TERM
wait -n "$worker" "$web" || true
echo "  The web server stopped; stopping the worker too." >&2
stop 1
