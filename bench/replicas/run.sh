#!/usr/bin/env bash
# Sizing figures for replicas (issue 21 item 5), loopback only and bounded in time (about 1 minute with the default
# 10 s runs): single-row predictions of the credit-risk gradient-boosted ONNX model through Debian's HAProxy, in front
# of one and then two `ferry server` processes sharing a throw-away PostgreSQL database and a file:// artifact store
# (the harness of tests/Ferry.Cli.Tests/Cluster/MultiReplicaTests). wrk at full load gives requests/s (= rows/s: one
# row a request) and p50/p99. Every replica on one machine shares its cores, so two replicas here measure the
# coordination cost, not the scale-out gain of two machines; say the machine's load beside the figures.
# Needs: wrk, haproxy (eng/haproxy.sh), PostgreSQL (eng/postgres.sh installs it).
#   bench/replicas/run.sh [SECONDS] [CONNECTIONS]
# FERRY_BENCH_DLL=path/to/ferry.dll runs that build instead of ./ferry (which builds Release first when sources changed).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
conns=${2:-32}
for tool in wrk curl /usr/sbin/haproxy; do command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install wrk curl; eng/haproxy.sh)" >&2; exit 1; }; done

work=$(mktemp -d /tmp/ferry-bench-replicas.XXXXXX)
export FERRY_PG_STATE="/tmp/ferry-pg-bench-replicas-$$"
eval "$(eng/postgres.sh start)"
export TOKEN="fry_bench$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  eng/postgres.sh stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

ferry() { if [ -n "${FERRY_BENCH_DLL:-}" ]; then dotnet "$FERRY_BENCH_DLL" "$@"; else ./ferry "$@"; fi; }
ferry --help >/dev/null
db="ferry_bench_$$"
pgport=$(sed 's/.*Port=\([0-9]*\).*/\1/' <<<"$FERRY_TEST_POSTGRES")
pguser=$(sed 's/.*Username=\([^;]*\).*/\1/' <<<"$FERRY_TEST_POSTGRES")
psql "host=127.0.0.1 port=$pgport user=$pguser dbname=postgres" -qc "CREATE DATABASE $db" >/dev/null
database="${FERRY_TEST_POSTGRES/Database=postgres/Database=$db}"
artifacts="file://$work/artifacts"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# start_replica NAME: starts a replica on a free port, waits for /readyz, echoes its port.
start_replica() {
  local name=$1 p
  p=$(port)
  # A benchmark model is deployed directly: the installation default tier is low (no approval).
  FERRY_ADMIN_TOKEN="$TOKEN" Ferry__Cluster__ReplicaId="$name" Ferry__Governance__DefaultTier=low ferry server --port "$p" --data-dir "$work/$name" \
    --database "$database" --artifact-root "$artifacts" >"$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$p/readyz" >/dev/null && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:$p/readyz" >/dev/null || { echo "replica $name did not start" >&2; cat "$work/$name.log" >&2; exit 1; }
  echo "$p"
}

# balance PORT SERVER_PORT...: HAProxy on PORT in front of the given replicas (as the test configures it).
balance() {
  local lb=$1; shift
  {
    printf 'global\n  maxconn 4000\ndefaults\n  mode http\n  timeout connect 2s\n  timeout client 30s\n  timeout server 30s\n  retries 3\n  option redispatch\n'
    printf 'frontend ferry\n  bind 127.0.0.1:%s\n  default_backend replicas\nbackend replicas\n  balance roundrobin\n' "$lb"
    printf '  option httpchk GET /readyz\n  http-check expect status 200\n  default-server inter 200ms fall 2 rise 1\n'
    local i=0
    for p in "$@"; do i=$((i + 1)); printf '  server r%s 127.0.0.1:%s check\n' "$i" "$p"; done
  } >"$work/haproxy-$lb.cfg"
  /usr/sbin/haproxy -W -db -f "$work/haproxy-$lb.cfg" >"$work/haproxy-$lb.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do grep -q "Loading success" "$work/haproxy-$lb.log" && break; sleep 0.1; done
}

echo '{"records":[{"age":41,"income":52000,"employment_years":6.5,"debt_to_income":0.61,"credit_utilisation":0.4,"open_accounts":5,"delinquencies":1,"loan_amount":12000}]}' >"$work/record.json"

# measure NAME URL: full load for $secs s through the balancer; prints RESULT.
measure() {
  local name=$1 url=$2 out
  BODY_FILE="$work/record.json" wrk -t1 -c8 -d3s -s bench/serving/post.lua "$url/api/v1/endpoints/credit/predict" >/dev/null
  out=$(BODY_FILE="$work/record.json" wrk -t2 -c"$conns" -d"${secs}s" --latency -s bench/serving/post.lua "$url/api/v1/endpoints/credit/predict")
  if grep -q "Non-2xx" <<<"$out"; then echo "$name: non-2xx answers" >&2; echo "$out" >&2; exit 1; fi
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  echo "RESULT $name rows_per_s=$rps p50=$p50 p99=$p99 connections=$conns seconds=$secs load_before=$(cut -d' ' -f1 /proc/loadavg)"
}

a=$(start_replica a)
export FERRY_URL="http://127.0.0.1:$a" FERRY_TOKEN="$TOKEN"
ferry models register tests/testdata/credit_gbm.onnx --name credit-gbm >/dev/null
ferry deploy credit --model credit-gbm --version 1 >/dev/null

one=$(port)
balance "$one" "$a"
measure one_replica "http://127.0.0.1:$one"

b=$(start_replica b)
two=$(port)
balance "$two" "$a" "$b"
measure two_replicas "http://127.0.0.1:$two"
rows=$(psql "host=127.0.0.1 port=$pgport user=$pguser dbname=$db" -Atc "SELECT count(*) FROM predictions")
echo "RESULT stored_rows=$rows cores=$(nproc)"
