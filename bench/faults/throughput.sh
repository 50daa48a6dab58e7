#!/usr/bin/env bash
# Throughput cost of durable vs buffered (issue 14): single-row predict on the credit-risk model, one server, two
# endpoints on the same model (one per durability), wrk at 1 and 16 connections for SECONDS each, alternated.
# Loopback only; about 4 x SECONDS plus warm-up. Needs wrk.
#   bench/faults/throughput.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
command -v wrk >/dev/null || { echo "missing wrk" >&2; exit 1; }
./ferry --help >/dev/null
work=$(mktemp -d /tmp/ferry-bench-durability.XXXXXX)
port=$((20000 + RANDOM % 10000))
url="http://127.0.0.1:$port"
export TOKEN="fry_bench$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
FERRY_ADMIN_TOKEN="$TOKEN" ./ferry server --port "$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 150); do curl -sf "$url/readyz" >/dev/null && break; sleep 0.2; done
export FERRY_URL="$url" FERRY_TOKEN="$TOKEN"
./ferry models register tests/testdata/credit_gbm.onnx --name credit-gbm >/dev/null
./ferry deploy buffered --model credit-gbm --version 1 --durability buffered >/dev/null
./ferry deploy durable --model credit-gbm --version 1 --durability durable >/dev/null
echo '{"records":[{"age":41,"income":52000,"employment_years":6.5,"debt_to_income":0.61,"credit_utilisation":0.4,"open_accounts":5,"delinquencies":1,"loan_amount":12000}]}' >"$work/record.json"

run() { # ENDPOINT CONNECTIONS SECONDS
  local out
  out=$(BODY_FILE="$work/record.json" wrk -t1 -c"$2" -d"${3}s" --latency -s bench/serving/post.lua "$url/api/v1/endpoints/$1/predict")
  if grep -q "Non-2xx" <<<"$out"; then echo "$out" >&2; exit 1; fi
  echo "RESULT endpoint=$1 connections=$2 rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out") p50=$(awk '$1=="50%" {print $2}' <<<"$out") p99=$(awk '$1=="99%" {print $2}' <<<"$out") seconds=$3"
}
run buffered 16 3 >/dev/null
run durable 16 3 >/dev/null
for c in 1 16; do
  run buffered "$c" "$secs"
  run durable "$c" "$secs"
done
