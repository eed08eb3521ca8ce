#!/usr/bin/env bash
# Serve the site and run the task worker together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=marketplace.settings.dev
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

$PY manage.py db_worker --interval 1 --no-reload &
worker=$!
$PY manage.py runserver --noreload "$HOST:$PORT" &
server=$!

stop() {
  trap - INT TERM EXIT
  kill "$server" "$worker" 2>/dev/null || true
  wait "$server" "$worker" 2>/dev/null || true
}
trap stop INT TERM EXIT
echo "Marketplace on http://$HOST:$PORT/ (task worker pid $worker). Ctrl-C stops both."
wait -n "$server" "$worker"
