#!/usr/bin/env bash
# Starts or stops a throw-away S3-compatible server for Ferry's tests: s3rver (npm, pinned with its lockfile in
# eng/s3/), 127.0.0.1 only, a free port, its data under ${FERRY_S3_STATE:-/tmp/ferry-s3}, one bucket created.
#   eng/s3.sh start   -> prints the `export` lines to eval: FERRY_TEST_S3_ENDPOINT, FERRY_TEST_S3_BUCKET,
#                        AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION
#   eng/s3.sh stop
# Tests give each test its own key prefix (or bucket) in that server.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
state_dir=${FERRY_S3_STATE:-/tmp/ferry-s3}
bucket=${FERRY_S3_BUCKET:-ferry-tests}
server_dir="$here/s3"
# s3rver's fixed credentials (it accepts these and no others).
access_key=S3RVER
secret_key=S3RVER

install_if_missing() {
  if [ -x "$server_dir/node_modules/.bin/s3rver" ]; then return 0; fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "installing Node.js and npm from Debian's packages..." >&2
    if [ "$(id -u)" != "0" ]; then echo "npm is missing and this user cannot apt-get install it" >&2; exit 1; fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends nodejs npm >&2
  fi
  echo "installing s3rver from npm (eng/s3/package-lock.json)..." >&2
  (cd "$server_dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

start() {
  install_if_missing
  stop_quiet
  rm -rf "$state_dir"; mkdir -p "$state_dir/data"
  local port; port=$(free_port)
  # setsid: its own session, so that stopping it (by its pid) ends nothing else.
  setsid "$server_dir/node_modules/.bin/s3rver" --directory "$state_dir/data" --address 127.0.0.1 --port "$port" \
    --configure-bucket "$bucket" --no-vhost-buckets >"$state_dir/server.log" 2>&1 </dev/null &
  echo $! >"$state_dir/pid"
  echo "$port" >"$state_dir/port"
  # Ready once it accepts connections on its port (bash's /dev/tcp: no client tool needed).
  local i
  for i in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    if ! kill -0 "$(cat "$state_dir/pid")" 2>/dev/null; then
      echo "s3rver exited; its log:" >&2; cat "$state_dir/server.log" >&2; exit 1
    fi
    sleep 0.2
  done
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "s3rver did not answer on port $port; its log:" >&2; cat "$state_dir/server.log" >&2; exit 1
  fi
  echo "export FERRY_TEST_S3_ENDPOINT='http://127.0.0.1:$port'"
  echo "export FERRY_TEST_S3_BUCKET='$bucket'"
  echo "export AWS_ACCESS_KEY_ID='$access_key'"
  echo "export AWS_SECRET_ACCESS_KEY='$secret_key'"
  echo "export AWS_REGION='us-east-1'"
}

stop_quiet() {
  if [ -f "$state_dir/pid" ]; then
    local pid; pid=$(cat "$state_dir/pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$state_dir/pid"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop_quiet ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
