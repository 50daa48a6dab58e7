#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL for Ferry's tests: Debian's packages, an unprivileged user,
# 127.0.0.1 only, a free port and a data dir under /tmp.
#   eng/postgres.sh start   -> prints `export FERRY_TEST_POSTGRES=...` (eval it)
#   eng/postgres.sh stop
#   eng/postgres.sh pause   -> stops the server of $FERRY_PG_STATE (fast shutdown), keeping its data (a database outage)
#   eng/postgres.sh resume  -> starts it again on the same port
# Outage tests give each cluster its own FERRY_PG_STATE, so pausing one never touches the shared test server.
set -euo pipefail

state_dir=${FERRY_PG_STATE:-/tmp/ferry-pg}
run_user=${FERRY_PG_USER:-ferrypg}

find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

as_user() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u "$run_user" -- "$@"
  else
    "$@"
  fi
}

install_if_missing() {
  if find_bin >/dev/null; then return 0; fi
  echo "installing PostgreSQL from Debian's packages..." >&2
  if [ "$(id -u)" != "0" ]; then echo "PostgreSQL is missing and this user cannot apt-get install it" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

start() {
  install_if_missing
  local bin; bin=$(find_bin)
  if [ "$(id -u)" = "0" ] && ! id "$run_user" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$run_user"
  fi
  stop_quiet
  rm -rf "$state_dir"; mkdir -p "$state_dir"
  [ "$(id -u)" = "0" ] && chown "$run_user" "$state_dir"
  local port; port=$(free_port)
  as_user "$bin/initdb" -D "$state_dir/data" -U ferry --auth=trust -E UTF8 --locale=C.UTF-8 >"$state_dir/initdb.log" 2>&1 \
    || as_user "$bin/initdb" -D "$state_dir/data" -U ferry --auth=trust -E UTF8 --locale=C >"$state_dir/initdb.log" 2>&1
  echo "$port" >"$state_dir/port"
  run_server "$bin" "$port"
  echo "export FERRY_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=ferry;Database=postgres;Include Error Detail=true'"
}

run_server() {
  as_user "$1/pg_ctl" -D "$state_dir/data" -l "$state_dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $2 -k $state_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >&2
}

pause() {
  local bin; bin=$(find_bin)
  [ -d "$state_dir/data" ] || { echo "no cluster at $state_dir" >&2; exit 1; }
  as_user "$bin/pg_ctl" -D "$state_dir/data" -m fast -w stop >&2
}

resume() {
  local bin; bin=$(find_bin)
  [ -f "$state_dir/port" ] || { echo "no cluster at $state_dir" >&2; exit 1; }
  run_server "$bin" "$(cat "$state_dir/port")"
}

stop_quiet() {
  local bin; bin=$(find_bin) || return 0
  if [ -d "$state_dir/data" ]; then
    as_user "$bin/pg_ctl" -D "$state_dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop_quiet ;;
  pause) pause ;;
  resume) resume ;;
  *) echo "usage: $0 start|stop|pause|resume" >&2; exit 2 ;;
esac
