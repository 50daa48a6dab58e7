#!/usr/bin/env bash
# The serving benchmark (issue 4), loopback only and bounded in time (about 3 minutes with the default 10 s runs):
#   1. single-row predict on the shared 20-input credit pipeline (../shared/models/gbc_pipeline.onnx: imputer, one-hot,
#      gradient boosting; prediction log on) vs the same server's no-op JSON route (POST /api/v1/echo) with the same
#      body, at full load (wrk), then p50/p99 at half of the predict maximum (hey -q);
#   2. the same model behind the Python peer (FastAPI/uvicorn + scikit-learn + pandas, bench/serving/python_peer.py),
#      against Ferry's /invocations with the same dataframe_split body;
#   3. a larger MLP (bench/serving/make_bench_mlp.py) with adaptive batching, vs raw in-process batched ONNX Runtime
#      (bench/Ferry.Bench.Serving) at the same batch size, one scoring thread per core (as Ferry scores batches).
# Needs: wrk, hey, python3-fastapi python3-uvicorn python3-pandas python3-sklearn python3-torch python3-onnx (Debian).
#   bench/serving/run.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
conns=${2:-32}
batch=32
for tool in wrk hey /usr/bin/python3; do command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install wrk hey python3-...)" >&2; exit 1; }; done

work=$(mktemp -d /tmp/ferry-bench-serving.XXXXXX)
port=$((20000 + RANDOM % 10000))
peer_port=$((port + 1))
export TOKEN="fry_bench$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
url="http://127.0.0.1:$port"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo "# building (Release, ReadyToRun) and generating the MLP" >&2
./ferry --help >/dev/null
dotnet build -c Release bench/Ferry.Bench.Serving -v q -nologo >/dev/null
/usr/bin/python3 bench/serving/make_bench_mlp.py "$work/big_mlp.onnx" 2>/dev/null

# A low governance tier, as a data scientist's own server: deploys need no promotion request.
Ferry__Governance__DefaultTier=Low FERRY_ADMIN_TOKEN="$TOKEN" ./ferry server --port "$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
pids+=($!)
server_pid=$!
for _ in $(seq 1 100); do curl -sf "$url/readyz" >/dev/null && break; sleep 0.2; done
export FERRY_URL="$url" FERRY_TOKEN="$TOKEN"
./ferry models register tests/testdata/credit_gbm.onnx --name credit-gbm >/dev/null
./ferry deploy credit --model credit-gbm --version 1 >/dev/null
shared=$(cd ../shared 2>/dev/null && pwd || echo /work/shared)
./ferry models register "$shared/models/gbc_pipeline.onnx" --name credit-pipeline >/dev/null
./ferry deploy pipeline --model credit-pipeline --version 1 >/dev/null
/usr/bin/python3 bench/serving/make_bodies.py "$shared/models/test.csv" "$work" 1
./ferry models register "$work/big_mlp.onnx" --name big-mlp >/dev/null
./ferry deploy mlp --model big-mlp --version 1 >/dev/null
curl -sf -X PUT "$url/api/v1/endpoints/mlp/batching" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d "{\"maxBatchSize\": $batch, \"maxDelayMicros\": 2000}" >/dev/null

columns='["age","income","employment_years","debt_to_income","credit_utilisation","open_accounts","delinquencies","loan_amount"]'
row='[41,52000,6.5,0.61,0.4,5,1,12000]'
echo '{"records":[{"age":41,"income":52000,"employment_years":6.5,"debt_to_income":0.61,"credit_utilisation":0.4,"open_accounts":5,"delinquencies":1,"loan_amount":12000}]}' >"$work/record.json"
echo "{\"dataframe_split\":{\"columns\":$columns,\"data\":[$row]}}" >"$work/split.json"

# wrk_rps NAME URL BODY [CONNECTIONS]: full load for $secs seconds; prints RESULT and echoes requests/s.
wrk_rps() {
  local name=$1 target=$2 body=$3 c=${4:-$conns} out
  out=$(BODY_FILE="$body" wrk -t1 -c"$c" -d"${secs}s" --latency -s bench/serving/post.lua "$target")
  if grep -q "Non-2xx" <<<"$out"; then echo "$name: non-2xx answers" >&2; echo "$out" >&2; exit 1; fi
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  echo "RESULT $name rps=$rps p50=$p50 p99=$p99 connections=$c seconds=$secs" >&2
  echo "$rps"
}
# warm URL BODY [SECONDS=3]: load before measuring. The server's tiered JIT keeps compiling for ~20 s of full load
# (counted with DOTNET_JitStdOutFile + DOTNET_JitDisasmSummary): the predict route gets 20 s so its figure is steady.
warm() { BODY_FILE="$2" wrk -t1 -c32 -d"${3:-3}s" -s bench/serving/post.lua "$1" >/dev/null; }

echo "# 1. predict on the 20-input pipeline vs no-op (Ferry on 127.0.0.1:$port)" >&2
warm "$url/api/v1/endpoints/pipeline/predict" "$work/records_1.json" 20
warm "$url/api/v1/echo" "$work/records_1.json" 5
echo_rps=$(wrk_rps echo "$url/api/v1/echo" "$work/records_1.json")
predict_rps=$(wrk_rps predict "$url/api/v1/endpoints/pipeline/predict" "$work/records_1.json")
half=$(awk -v r="$predict_rps" 'BEGIN {printf "%d", r / 2}')
workers=16
hey_out=$(hey -z "${secs}s" -c "$workers" -q "$(awk -v h="$half" -v w="$workers" 'BEGIN {printf "%d", h / w}')" -m POST \
  -H "Authorization: Bearer $TOKEN" -T application/json -D "$work/records_1.json" "$url/api/v1/endpoints/pipeline/predict")
if grep -A5 "Status code distribution" <<<"$hey_out" | grep -v "\[200\]" | grep -q "\["; then echo "$hey_out" >&2; exit 1; fi
half_rps=$(awk '/Requests\/sec/ {print $2}' <<<"$hey_out")
half_p50=$(awk '$1=="50%" {printf "%.2f", $3 * 1000}' <<<"$hey_out")
half_p99=$(awk '$1=="99%" {printf "%.2f", $3 * 1000}' <<<"$hey_out")
echo "RESULT predict_half_load target_rps=$half rps=$half_rps p50_ms=$half_p50 p99_ms=$half_p99" >&2
logged=$(curl -sf "$url/metrics" | awk '/^ferry_prediction_log_written_total/ {s += $2} END {print s + 0}')
echo "RESULT prediction_log written=$logged" >&2

echo "# 2. Python peer (uvicorn, 2 workers) vs Ferry /invocations" >&2
warm "$url/api/v1/endpoints/credit/invocations" "$work/split.json"
invocations_rps=$(wrk_rps ferry_invocations "$url/api/v1/endpoints/credit/invocations" "$work/split.json")
kill -STOP "$server_pid"
/usr/bin/python3 -m uvicorn --app-dir bench/serving python_peer:app --port "$peer_port" --workers 2 --log-level warning >"$work/peer.log" 2>&1 &
pids+=($!)
peer_pid=$!
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$peer_port/ping" >/dev/null && break; sleep 0.2; done
warm "http://127.0.0.1:$peer_port/invocations" "$work/split.json"
peer_rps=$(TOKEN="" wrk_rps python_peer "http://127.0.0.1:$peer_port/invocations" "$work/split.json")
kill "$peer_pid"; wait "$peer_pid" 2>/dev/null || true
kill -CONT "$server_pid"

echo "# 3. adaptive batching (max $batch rows, 2 ms) on the larger MLP vs raw batched ONNX Runtime" >&2
warm "$url/api/v1/endpoints/mlp/predict" "$work/record.json"
mlp_rps=$(wrk_rps mlp_batched "$url/api/v1/endpoints/mlp/predict" "$work/record.json" 64)
rows=$(curl -sf "$url/metrics" | awk '/^ferry_predict_coalesced_rows_(sum|count)\{.*endpoint="mlp"/ {split($0, a, " "); if ($0 ~ /_sum/) s += a[2]; else c += a[2]} END {if (c > 0) printf "%.1f", s / c; else print "n/a"}')
echo "RESULT mlp_mean_batch rows=$rows" >&2
kill -STOP "$server_pid"
raw=$(dotnet bench/Ferry.Bench.Serving/bin/Release/net10.0/Ferry.Bench.Serving.dll "$work/big_mlp.onnx" "$batch" "$secs" "$(nproc)")
echo "$raw" >&2
raw_rps=$(sed -n 's/.*rows_per_s=\([0-9]*\).*/\1/p' <<<"$raw")
kill -CONT "$server_pid"

awk -v e="$echo_rps" -v p="$predict_rps" -v i="$invocations_rps" -v y="$peer_rps" -v m="$mlp_rps" -v r="$raw_rps" 'BEGIN {
  printf "SUMMARY predict/no-op = %.0f%% (goal >= 80%%)\n", 100 * p / e
  printf "SUMMARY ferry/python = %.1fx on /invocations, %.1fx predict (goal >= 20x)\n", i / y, p / y
  printf "SUMMARY batched/raw = %.0f%% (goal >= 80%%)\n", 100 * m / r
}' >&2
