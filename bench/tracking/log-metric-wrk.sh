#!/usr/bin/env bash
# wrk on POST runs/log-metric against a fresh `ferry server` (SQLite) started from a given build, so two builds can be
# compared back to back (the group-commit A/B in docs/benchmarks.md). Loopback only, bounded (3 s warm-up, then
# SECONDS per listed connection count). Prints requests/s, p50 and p99 per run, then the stored point count.
#   bench/tracking/log-metric-wrk.sh FERRY_DLL SECONDS CONNECTIONS...
#   e.g. bench/tracking/log-metric-wrk.sh artifacts/ferry/ferry.dll 8 8 8 8 16
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dll=$(realpath "$1"); secs=$2; shift 2
command -v wrk >/dev/null || { echo "missing wrk" >&2; exit 1; }
work=$(mktemp -d); port=$((30000 + RANDOM % 5000)); url=http://127.0.0.1:$port
token="fry_bench$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
FERRY_ADMIN_TOKEN="$token" setsid dotnet "$dll" server --port $port --data-dir "$work/data" > "$work/log" 2>&1 &
pid=$!
trap 'kill -- -$pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 150); do curl -sf "$url/readyz" >/dev/null && break; sleep 0.2; done
auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')
exp=$(curl -sf "${auth[@]}" -d '{"name":"wrk"}' "$url/api/2.0/mlflow/experiments/create" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["experiment_id"])')
run=$(curl -sf "${auth[@]}" -d "{\"experiment_id\":\"$exp\",\"start_time\":1700000000000}" "$url/api/2.0/mlflow/runs/create" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["run"]["info"]["run_id"])')
body="{\"run_id\":\"$run\",\"key\":\"loss\",\"value\":0.25,\"timestamp\":1700000000000,\"step\":1}"
lua="$root/bench/tracking/request.lua"
METHOD=POST BODY="$body" TOKEN="$token" wrk -t1 -c8 -d3s -s "$lua" "$url/api/2.0/mlflow/runs/log-metric" > /dev/null
for c in "$@"; do
  res=$(METHOD=POST BODY="$body" TOKEN="$token" wrk -t1 -c"$c" -d"${secs}s" --latency -s "$lua" "$url/api/2.0/mlflow/runs/log-metric")
  if grep -q "Non-2xx" <<<"$res"; then echo "non-2xx answers" >&2; echo "$res" >&2; exit 1; fi
  echo "c$c rps=$(awk '/Requests\/sec/ {print $2}' <<<"$res") p50=$(awk '$1=="50%" {print $2}' <<<"$res") p99=$(awk '$1=="99%" {print $2}' <<<"$res")"
done
curl -sf -H "Authorization: Bearer $token" "$url/api/2.0/mlflow/metrics/get-history?run_id=$run&metric_key=loss&max_results=25000" \
  | /usr/bin/python3 -c 'import json,sys; print("stored points (first page of 25,000):", len(json.load(sys.stdin).get("metrics", [])))'
