#!/usr/bin/env bash
# Fault figures (issue 14): acknowledged predictions lost when `ferry server` is killed (SIGKILL) or stopped (SIGTERM)
# under load, for a buffered and a durable endpoint, RUNS times each (default 3). 16 clients post 2-row predictions on
# the credit-risk model; once 3,000 ids were acknowledged the signal goes to the server; after it is gone every
# acknowledged id is looked up in the SQLite file. Loopback only; bounded (each run stops at the server's exit).
#   bench/faults/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
command -v /usr/bin/python3 >/dev/null || { echo "missing python3" >&2; exit 1; }
./ferry --help >/dev/null
work=$(mktemp -d /tmp/ferry-bench-faults.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
export TOKEN="fry_bench$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"

for mode in buffered durable; do
  for sig in SIGKILL SIGTERM; do
    for run in $(seq 1 "$runs"); do
      data="$work/$mode-$sig-$run"
      port=$((20000 + RANDOM % 10000))
      url="http://127.0.0.1:$port"
      FERRY_ADMIN_TOKEN="$TOKEN" ./ferry server --port "$port" --data-dir "$data" >"$data.log" 2>&1 &
      pid=$!
      pids+=("$pid")
      for _ in $(seq 1 150); do curl -sf "$url/readyz" >/dev/null && break; sleep 0.2; done
      FERRY_URL="$url" FERRY_TOKEN="$TOKEN" ./ferry models register tests/testdata/credit_gbm.onnx --name credit-gbm >/dev/null
      FERRY_URL="$url" FERRY_TOKEN="$TOKEN" ./ferry deploy credit --model credit-gbm --version 1 --durability "$mode" >/dev/null
      result=$(/usr/bin/python3 bench/faults/load.py "$url" "$TOKEN" credit "$pid" "$sig" "$data/ferry.db")
      wait "$pid" 2>/dev/null || true
      echo "RESULT mode=$mode signal=$sig run=$run $result"
    done
  done
done
