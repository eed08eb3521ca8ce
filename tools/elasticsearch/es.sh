#!/usr/bin/env bash
# Local Elasticsearch 8 node on 127.0.0.1 for development and tests.
#
#   bash tools/elasticsearch/es.sh start    # resolve (first time), start, wait for health, print ELASTICSEARCH_URL=...
#   bash tools/elasticsearch/es.sh stop     # TERM, wait, then KILL; fine to run when nothing is running
#   bash tools/elasticsearch/es.sh status   # exit 0 when the node answers, 3 when it is not running
#
# Everything lives in tools/elasticsearch/target/ (ignored by git). See docs/DEVELOPMENT.md.
# Environment knobs: ES_HTTP_PORT (9201), ES_TRANSPORT_PORT (9301), ES_HEAP_OPTS ("-Xms512m -Xmx1g"),
# ES_START_TIMEOUT (180 seconds), ES_RUN_AS (user to run the node as when started by root; nobody).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TARGET="$HERE/target"
HTTP_PORT="${ES_HTTP_PORT:-9201}"
TRANSPORT_PORT="${ES_TRANSPORT_PORT:-9301}"
HEAP_OPTS="${ES_HEAP_OPTS:--Xms512m -Xmx1g}"
START_TIMEOUT="${ES_START_TIMEOUT:-180}"
RUN_AS="${ES_RUN_AS:-nobody}"
URL="http://127.0.0.1:${HTTP_PORT}"

ES_VERSION="$(sed -n 's:.*<es.version>\(.*\)</es.version>.*:\1:p' "$HERE/pom.xml" | head -n1)"
ES_HOME="$TARGET/elasticsearch-$ES_VERSION"
PLUGIN_DIR="$ES_HOME/plugins/loopback-modules"
RUN="$TARGET/run"                  # conf, data, logs, tmp of the running node (fresh each start)
PGID_FILE="$TARGET/es.pgid"        # process group of everything started (launcher + node)
PID_FILE="$RUN/es.pid"             # the node's JVM, written by Elasticsearch once it runs
CONSOLE_LOG="$RUN/logs/console.log"
STAMP="$TARGET/.resolved-$ES_VERSION"

log() { echo "es.sh: $*" >&2; }
die() { log "$*"; exit 1; }

java_home() {
  if [ -n "${ES_JAVA_HOME:-}" ]; then echo "$ES_JAVA_HOME"; return; fi
  if [ -n "${JAVA_HOME:-}" ]; then echo "$JAVA_HOME"; return; fi
  local java
  java="$(command -v java)" || die "java not found: install a JDK 17+ (Debian: openjdk-17-jdk-headless)"
  dirname "$(dirname "$(readlink -f "$java")")"
}

health() { curl -fsS -m 5 "$URL/_cluster/health" 2>/dev/null; }

group_alive() {
  [ -f "$PGID_FILE" ] || return 1
  local pgid; pgid="$(cat "$PGID_FILE")"
  [ -n "$pgid" ] && kill -0 -- "-$pgid" 2>/dev/null
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

resolve() {
  # Skip when the distribution is unpacked and the plugin is newer than its sources.
  if [ -f "$STAMP" ] && [ -x "$ES_HOME/bin/elasticsearch" ] && [ -f "$PLUGIN_DIR/loopback-modules.jar" ] \
     && [ -z "$(find "$HERE/pom.xml" "$HERE/src" -newer "$STAMP" -print -quit)" ]; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (Debian: apt-get install maven)"
  command -v unzip >/dev/null || die "unzip not found (Debian: apt-get install unzip)"
  log "resolving Elasticsearch $ES_VERSION from Maven Central and building the loopback-modules plugin"
  (cd "$HERE" && mvn -q -B -Dstyle.color=never package dependency:copy-dependencies -DoutputDirectory="$TARGET/dist") 2>&1 \
    | sed 's/\x1b\[[0-9;]*m//g' >&2 || die "maven failed"
  rm -rf "$ES_HOME"
  unzip -q -o "$TARGET/dist/elasticsearch-$ES_VERSION.zip" -d "$TARGET"
  mkdir -p "$PLUGIN_DIR"
  cp "$TARGET/loopback-modules.jar" "$PLUGIN_DIR/"
  cat > "$PLUGIN_DIR/plugin-descriptor.properties" <<EOF
description=Local stand-ins for modules Elastic does not publish to Maven Central (rest-root, analysis, percolator)
version=1.0.0
name=loopback-modules
classname=dev.marketplace.esloopback.LoopbackModulesPlugin
java.version=17
elasticsearch.version=$ES_VERSION
EOF
  touch "$STAMP"
}

write_config() {
  rm -rf "$RUN"
  mkdir -p "$RUN/data" "$RUN/logs" "$RUN/tmp"
  cp -r "$ES_HOME/config" "$RUN/conf"
  cat > "$RUN/conf/elasticsearch.yml" <<EOF
cluster.name: marketplace-loopback
node.name: loopback-1
path.data: $RUN/data
path.logs: $RUN/logs
network.host: 127.0.0.1
http.port: $HTTP_PORT
transport.port: $TRANSPORT_PORT
discovery.type: single-node
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
EOF
}

start() {
  if group_alive && health >/dev/null; then
    log "already running"
    echo "ELASTICSEARCH_URL=$URL"
    return 0
  fi
  group_alive && stop
  port_in_use "$HTTP_PORT" && die "port $HTTP_PORT on 127.0.0.1 is taken by another process (set ES_HTTP_PORT)"
  port_in_use "$TRANSPORT_PORT" && die "port $TRANSPORT_PORT on 127.0.0.1 is taken by another process (set ES_TRANSPORT_PORT)"
  command -v curl >/dev/null || die "curl not found"

  local t0; t0=$(date +%s)
  resolve
  write_config

  local jhome; jhome="$(java_home)"
  local -a as_user=()
  if [ "$(id -u)" = 0 ]; then
    # Elasticsearch refuses to run as root.
    id "$RUN_AS" >/dev/null 2>&1 || die "user $RUN_AS does not exist (set ES_RUN_AS)"
    chown -R "$RUN_AS" "$RUN"
    as_user=(runuser -u "$RUN_AS" --)
  fi

  # setsid: the launcher and the node get their own process group, which stop() signals.
  setsid "${as_user[@]}" env \
      ES_JAVA_HOME="$jhome" ES_PATH_CONF="$RUN/conf" ES_TMPDIR="$RUN/tmp" ES_JAVA_OPTS="$HEAP_OPTS" \
      CLI_JAVA_OPTS="-Djava.io.tmpdir=$RUN/tmp" \
      "$ES_HOME/bin/elasticsearch" -p "$PID_FILE" \
      >"$CONSOLE_LOG" 2>&1 </dev/null &
  echo $! > "$PGID_FILE"

  local deadline=$((t0 + START_TIMEOUT)) body=""
  while :; do
    body="$(curl -fsS -m 5 "$URL/_cluster/health?wait_for_status=yellow&timeout=2s" 2>/dev/null || true)"
    case "$body" in *'"status":"green"'*|*'"status":"yellow"'*) break ;; esac
    if ! group_alive; then
      log "Elasticsearch exited during start-up; last lines of its logs:"
      tail -n 60 "$CONSOLE_LOG" >&2 || true
      rm -f "$PGID_FILE"
      exit 1
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "not healthy after ${START_TIMEOUT}s; last lines of its logs:"
      tail -n 60 "$CONSOLE_LOG" >&2 || true
      stop
      exit 1
    fi
    sleep 1
  done
  log "Elasticsearch $ES_VERSION up in $(( $(date +%s) - t0 ))s (pid $(cat "$PID_FILE" 2>/dev/null || echo '?'), logs in $RUN/logs)"
  echo "ELASTICSEARCH_URL=$URL"
}

stop() {
  if ! group_alive; then
    rm -f "$PGID_FILE"
    log "not running"
    return 0
  fi
  local pgid; pgid="$(cat "$PGID_FILE")"
  # Graceful: TERM to the node (and its launcher), up to 30 s, then KILL what is left.
  kill -TERM -- "-$pgid" 2>/dev/null || true
  local i
  for i in $(seq 1 30); do
    group_alive || break
    sleep 1
  done
  if group_alive; then
    log "still running after 30s, sending KILL"
    kill -KILL -- "-$pgid" 2>/dev/null || true
    sleep 1
  fi
  rm -f "$PGID_FILE" "$PID_FILE"
  log "stopped"
}

status() {
  if group_alive && health; then
    echo
    echo "ELASTICSEARCH_URL=$URL"
    return 0
  fi
  log "not running"
  return 3
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
