#!/usr/bin/env bash
# A throw-away PostgreSQL cluster on loopback for tests and benchmarks.
#   tools/postgres.sh start   installs Debian's postgresql if missing, starts a cluster, prints DATABASE_URL
#   tools/postgres.sh stop    stops it (idempotent)
# The cluster lives in $PEF_PG_DIR (default /tmp/pef-postgres) and listens on 127.0.0.1:$PEF_PG_PORT.
set -euo pipefail
PGDIR=${PEF_PG_DIR:-/tmp/pef-postgres}
PORT=${PEF_PG_PORT:-55432}
URL="postgres://marketplace:marketplace@127.0.0.1:$PORT/marketplace"

find_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  BIN=$(find_bin)
  if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
    echo "Installing PostgreSQL from Debian packages…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q postgresql postgresql-contrib >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q postgresql postgresql-contrib >/dev/null; }
    BIN=$(find_bin)
  fi
  if [ -f "$PGDIR/postmaster.pid" ] && as_postgres "$BIN/pg_ctl" -D "$PGDIR" status >/dev/null 2>&1; then
    echo "DATABASE_URL=$URL"
    return 0
  fi
  rm -rf "$PGDIR"
  mkdir -p "$PGDIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDIR"
  as_postgres "$BIN/initdb" -D "$PGDIR" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_postgres "$BIN/pg_ctl" -D "$PGDIR" -l "$PGDIR/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $PORT -k $PGDIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
  as_postgres "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q -v ON_ERROR_STOP=1 <<SQL
CREATE ROLE marketplace LOGIN SUPERUSER PASSWORD 'marketplace';
CREATE DATABASE marketplace OWNER marketplace;
SQL
  echo "DATABASE_URL=$URL"
}

stop() {
  BIN=$(find_bin)
  if [ -n "$BIN" ] && [ -f "$PGDIR/postmaster.pid" ]; then
    as_postgres "$BIN/pg_ctl" -D "$PGDIR" -m fast -w stop >/dev/null || true
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
