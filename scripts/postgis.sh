#!/usr/bin/env bash
# Throwaway PostgreSQL + PostGIS cluster on loopback, for the storage tests.
#
#   URL=$(bash scripts/postgis.sh start)   # prints postgresql://qpa:...@127.0.0.1:PORT/qpa_test
#   bash scripts/postgis.sh stop            # stops it and deletes its directory
#   bash scripts/postgis.sh url             # prints the URL of the running cluster
#
# The cluster lives in a fresh temp dir (state file: $QPA_PG_STATE, default
# /tmp/qpa-postgis.state), listens on 127.0.0.1 only, on a free port, with a
# random password (scram-sha-256). As root the server runs as the `postgres`
# user (runuser); otherwise as the calling user. The Debian packages
# postgresql and postgresql-15-postgis-3 are installed if missing.
# Only the URL goes to stdout; progress goes to stderr.
set -euo pipefail

STATE="${QPA_PG_STATE:-/tmp/qpa-postgis.state}"
PGVER="${QPA_PG_VERSION:-15}"
BIN="/usr/lib/postgresql/$PGVER/bin"
say() { echo "postgis.sh: $*" >&2; }

as_owner() {  # run a command as the cluster owner
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_packages() {
  if [ -x "$BIN/initdb" ] && [ -f "/usr/share/postgresql/$PGVER/extension/postgis.control" ]; then
    return 0
  fi
  say "installing postgresql and postgresql-$PGVER-postgis-3"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y postgresql "postgresql-$PGVER-postgis-3" >&2
}

free_port() {
  python3 - <<'PY'
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

start() {
  if [ -f "$STATE" ]; then
    # shellcheck disable=SC1090
    . "$STATE"
    if as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
      say "already running"; echo "$URL"; return 0
    fi
    rm -rf "$DIR" "$STATE"
  fi
  install_packages
  local dir port pw
  dir="$(mktemp -d /tmp/qpa-pg.XXXXXX)"
  port="$(free_port)"
  pw="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  printf '%s\n' "$pw" > "$dir/pw"
  chmod 700 "$dir"; chmod 600 "$dir/pw"
  [ "$(id -u)" -ne 0 ] || chown -R postgres:postgres "$dir"
  as_owner "$BIN/initdb" -D "$dir/data" -U qpa --pwfile="$dir/pw" -A scram-sha-256 \
    -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=100 -c fsync=off" >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }
  export PGPASSWORD="$pw"
  psql -h 127.0.0.1 -p "$port" -U qpa -d postgres -qAt -c "CREATE DATABASE qpa_test" >&2
  psql -h 127.0.0.1 -p "$port" -U qpa -d qpa_test -qAt -c "CREATE EXTENSION IF NOT EXISTS postgis" >&2
  URL="postgresql://qpa:$pw@127.0.0.1:$port/qpa_test"
  printf 'DIR=%q\nURL=%q\n' "$dir" "$URL" > "$STATE"
  chmod 600 "$STATE"
  say "PostgreSQL $PGVER + PostGIS on 127.0.0.1:$port ($dir)"
  echo "$URL"
}

stop() {
  [ -f "$STATE" ] || { say "not running"; return 0; }
  # shellcheck disable=SC1090
  . "$STATE"
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >&2 || true
  rm -rf "$DIR" "$STATE"
  say "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) [ -f "$STATE" ] && { . "$STATE"; echo "$URL"; } ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
