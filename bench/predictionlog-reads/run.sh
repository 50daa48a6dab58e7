#!/usr/bin/env bash
# Prediction-log reads at volume (issue 16): one command, loopback only, bounded (about 10-20 minutes on 2 cores).
#   bench/predictionlog-reads/run.sh [ROWS] [DB]     (default 1000000 rows, sqlite; DB=postgres uses $FERRY_TEST_POSTGRES)
# Seeds an endpoint serving ../shared/models/gbc_pipeline.onnx (the 20-input credit pipeline) with ROWS logged rows BY
# SERVING them (POST /predict, 1,000-row requests of test.csv's rows, so every row goes through the router and the
# real prediction log), posts feedback for 10 % of them, then measures on a Release server:
#   1. lookup by prediction id: GET /predictions/{id}, p50/p99 over 1,000 random ids (HTTP, one connection);
#   2. explanation of a logged prediction: GET /predictions/{id}/explanation, p50/p99 over 200 random ids;
#   3. monitoring window with feedback (IWindowPredictionStore: the performance join of the newest 200,000 rows and
#      the exact-drift stream of the window): POST /api/v1/monitors/{name}/run over a 1-day window, 3 runs;
#   4. export of the day (every seeded row): GET /predictions/export, rows/s, MB/s and the server's peak RSS (VmHWM).
# Prints a table. Needs curl and Debian's /usr/bin/python3 (standard library only).
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-1000000}
db=${2:-sqlite}
work=$(mktemp -d /tmp/ferry-bench-plreads.XXXXXX)
port=$((20000 + RANDOM % 10000))
export TOKEN="fry_bench$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
url="http://127.0.0.1:$port"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo "# building ferry (Release, ReadyToRun: ./ferry)" >&2
./ferry --help >/dev/null
args=(--port "$port" --data-dir "$work/data")
if [ "$db" = postgres ]; then
  : "${FERRY_TEST_POSTGRES:?set it: export FERRY_PG_STATE=/tmp/ferry-pg-NAME; eval \"\$(eng/postgres.sh start)\"}"
  args+=(--database "$FERRY_TEST_POSTGRES")
fi
FERRY_ADMIN_TOKEN="$TOKEN" ./ferry server "${args[@]}" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 150); do curl -sf "$url/readyz" >/dev/null && break; sleep 0.2; done
curl -sf "$url/readyz" >/dev/null || { cat "$work/server.log" >&2; exit 1; }
export FERRY_URL="$url" FERRY_TOKEN="$TOKEN"
models=../shared/models
./ferry models register "$models/gbc_pipeline.onnx" --name credit-gbc >/dev/null
./ferry deploy credit --model credit-gbc --version 1 >/dev/null
./ferry models reference credit-gbc 1 "$models/train.csv" --ignore default --ignore grade --ignore loss >/dev/null
./ferry monitor create bench-reads --endpoint credit --window 1d --metric accuracy --min 0.5 >/dev/null
/usr/bin/python3 bench/predictionlog-reads/reads.py "$url" "$TOKEN" credit "$rows" "$models/test.csv" "$pid" "$work"
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
