#!/usr/bin/env bash
# Serving against MLflow 3.11's own scoring server (issue 16), loopback only, bounded (about 5 minutes at 15 s a case):
# the shared credit pipeline (../shared/models: 17 float + 3 string inputs, imputer + one-hot + gradient boosting)
# behind Ferry as ONNX (gbc_pipeline.onnx, prediction log on, default settings) and behind MLflow's scoring server as
# the identical scikit-learn pipeline (bench/serving/make_mlflow_peer_model.py refits it from train.csv, checks it
# against gbc_pipeline_expected.json and saves it with the real mlflow client; predict_proba).
# Cases: single row at 1 and 16 connections, 100-row batches at 16 connections; each with MLflow's dataframe_split on
# /invocations for both servers, and Ferry's native /predict ({"records": [...]}) as well. The other server is
# paused (SIGSTOP) while one is measured. Refusals = non-2xx answers (Ferry's 503 "prediction log full"; any other
# status is printed). Prints a table with rows/s and the Ferry ÷ MLflow ratios.
# The peer's uvicorn workers share one listening socket and each accepts every pending connection when it wakes, so
# wrk's connections (opened at once) often all land on one worker and the other idles: that halves the peer or worse.
# Each peer case is therefore measured up to PEER_TRIES times (default 4; it stops early once the busier worker holds at
# most 60 % of the connections), printing each try's split, and the table keeps the peer's best try.
#   bench/serving/mlflow-peer.sh [SECONDS=15] [MLFLOW_WORKERS=2]
# Needs: wrk; the Debian packages of ../shared/python/install-debian-packages.sh plus python3-anyio.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-15}
peer_workers=${2:-2}
peer_tries=${PEER_TRIES:-4}
shared=$(cd ../shared 2>/dev/null && pwd || echo /work/shared)
models="$shared/models"
command -v wrk >/dev/null || { echo "missing wrk (apt-get install wrk)" >&2; exit 1; }
/usr/bin/python3 -c 'import anyio' 2>/dev/null || { echo "missing python3-anyio (apt-get install python3-anyio)" >&2; exit 1; }

work=$(mktemp -d /tmp/ferry-bench-mlflow.XXXXXX)
port=$((20000 + RANDOM % 10000))
peer_port=$((port + 1))
export TOKEN="fry_bench$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
url="http://127.0.0.1:$port"
peer="http://127.0.0.1:$peer_port"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -CONT -- "-$p" 2>/dev/null || true; kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "# building ferry (Release, ReadyToRun), fitting the MLflow model, writing bodies" >&2
./ferry --help >/dev/null
(. "$shared/python/env.sh" && "$FERRY_PY" bench/serving/make_mlflow_peer_model.py "$models" "$work/mlflow-model" 2>&1 | grep -v WARNING >&2)
/usr/bin/python3 bench/serving/make_bodies.py "$models/test.csv" "$work" 1 100

# Each server in its own process group, so pausing and stopping reach its workers too.
# Low risk tier: the benchmark deploys without a promotion request.
Ferry__Governance__DefaultTier=Low FERRY_ADMIN_TOKEN="$TOKEN" setsid ./ferry server --port "$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
ferry_pid=$!
pids+=("$ferry_pid")
# MLflow's scoring server creates its default tracking store (mlflow.db) in its working directory: run it in $work.
(cd "$work" && exec setsid "$shared/python/run-mlflow-models-serve.sh" "$work/mlflow-model" "$peer_port" "$peer_workers" >"$work/peer.log" 2>&1) &
peer_pid=$!
pids+=("$peer_pid")
for _ in $(seq 1 300); do curl -sf "$url/readyz" >/dev/null && break; sleep 0.2; done
for _ in $(seq 1 600); do curl -sf "$peer/ping" >/dev/null && break; sleep 0.2; done
curl -sf "$peer/ping" >/dev/null || { cat "$work/peer.log" >&2; exit 1; }
export FERRY_URL="$url" FERRY_TOKEN="$TOKEN"
./ferry models register "$models/gbc_pipeline.onnx" --name credit-pipeline >/dev/null
./ferry deploy credit --model credit-pipeline --version 1 --invocations-output predict_proba >/dev/null

# Both answer the same probabilities for the same 100 rows (checked once, before measuring).
curl -sf -X POST "$peer/invocations" -H 'Content-Type: application/json' -d @"$work/split_100.json" >"$work/peer_100.json"
curl -sf -X POST "$url/api/v1/endpoints/credit/invocations" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d @"$work/split_100.json" >"$work/ferry_100.json"
/usr/bin/python3 - "$work/peer_100.json" "$work/ferry_100.json" <<'PY' >&2
import json, sys
peer = json.load(open(sys.argv[1]))["predictions"]
ferry = json.load(open(sys.argv[2]))["predictions"]
def p1(row):
    return row[1]  # predict_proba on both: [P(0), P(1)] per row
worst = max(abs(p1(a) - p1(b)) for a, b in zip(peer, ferry))
print(f"# same model: max |P(default) difference| over 100 rows = {worst:.2e}")
if worst > 1e-5:
    sys.exit("the two servers disagree")
PY

pause() { kill -STOP -- "-$1"; }
resume() { kill -CONT -- "-$1"; }
# run NAME TARGET BODY CONNECTIONS ROWS TOKEN: a warm-up, then $secs s of wrk; prints one table row.
run() {
  local name=$1 target=$2 body=$3 c=$4 rows=$5 token=$6 out
  TOKEN="$token" BODY_FILE="$body" wrk -t1 -c"$c" -d3s -s bench/serving/post.lua "$target" >/dev/null
  sleep 1
  out=$(TOKEN="$token" BODY_FILE="$body" wrk -t1 -c"$c" -d"${secs}s" --latency -s bench/serving/post.lua "$target")
  row "$name" "$c" "$rows" "$out"
}

# split PORT: the established connections to PORT per server process, largest first (e.g. "10/6").
split() {
  ss -tnpH state established "( sport = :$1 )" | grep -o 'pid=[0-9]*' | sort | uniq -c | sort -rn | awk '{print $1}' | paste -sd/
}

# run_peer NAME TARGET BODY CONNECTIONS ROWS: as run, up to $peer_tries tries (see the header); keeps the best. Even
# tries open the connections in two halves a second apart (two wrk processes): the second half then reaches the
# worker the first half left idle. Their requests add up; p50 and p99 are the second half's.
run_peer() {
  local name=$1 target=$2 body=$3 c=$4 rows=$5 best="" best_rps=-1 try out rps split_now half
  for try in $(seq 1 "$peer_tries"); do
    if [ "$c" -gt 1 ] && [ $((try % 2)) -eq 0 ]; then
      half=$((c / 2))
      TOKEN="" BODY_FILE="$body" wrk -t1 -c"$half" -d"$((secs + 2))s" --latency -s bench/serving/post.lua "$target" >"$work/peer_try_a.txt" &
      local first=$!
      sleep 1
      TOKEN="" BODY_FILE="$body" wrk -t1 -c"$((c - half))" -d"${secs}s" --latency -s bench/serving/post.lua "$target" >"$work/peer_try.txt" &
      local second=$!
      sleep 2
      split_now=$(split "$peer_port")
      wait "$second" "$first"
      # The first half's rate over its run, added to the second's (requests as if in $secs s), and its non-2xx answers.
      local first_rps first_non2xx
      first_rps=$(awk '/Requests\/sec/ {print $2}' "$work/peer_try_a.txt")
      first_non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/peer_try_a.txt")
      out=$(awk -v a="$first_rps" -v s="$secs" -v x="${first_non2xx:-0}" '
        /requests in/ { $1 = $1 + int(a * s) }
        /Requests\/sec/ { printf "Requests/sec: %.2f\n", $2 + a; next }
        /Non-2xx/ { $NF = $NF + x; seen = 1 }
        { print }
        END { if (!seen && x > 0) print "  Non-2xx or 3xx responses: " x }' "$work/peer_try.txt")
    else
      TOKEN="" BODY_FILE="$body" wrk -t1 -c"$c" -d"${secs}s" --latency -s bench/serving/post.lua "$target" >"$work/peer_try.txt" &
      local wrk_pid=$!
      sleep 2
      split_now=$(split "$peer_port")
      wait "$wrk_pid"
      out=$(cat "$work/peer_try.txt")
    fi
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    echo "#   $name ${rows} rows c$c try $try: $rps requests/s, connections per worker $split_now" >&2
    if awk -v a="$rps" -v b="$best_rps" 'BEGIN { exit !(a > b) }'; then best="$out"; best_rps=$rps; fi
    [ "$c" -le 1 ] && break
    # Balanced enough (the busier worker holds at most 60 %): later tries would measure the same.
    if awk -v s="$split_now" -v c="$c" 'BEGIN { split(s, n, "/"); exit !(n[1] <= 0.6 * c && n[2] > 0) }'; then break; fi
  done
  row "$name" "$c" "$rows" "$best"
}

# row NAME CONNECTIONS ROWS WRK_OUTPUT: one table row.
row() {
  local name=$1 c=$2 rows=$3 out=$4
  local rps p50 p99 non2xx total
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  total=$(awk '/requests in/ {print $1}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=${non2xx:-0}
  # rows/s counts answered rows only (refused requests carried none).
  awk -v n="$name" -v c="$c" -v r="$rows" -v rps="$rps" -v t="$total" -v x="$non2xx" -v p50="$p50" -v p99="$p99" -v s="$secs" 'BEGIN {
    ok = (t - x) / s; printf "ROW|%s|%d|%d|%.0f|%.0f|%s|%s|%d|%d\n", n, r, c, rps, ok * r, p50, p99, x, t }'
}

cases=("1 1" "1 16" "100 16")
results=()
echo "# Ferry (MLflow paused)" >&2
pause "$peer_pid"
for k in "${cases[@]}"; do
  set -- $k
  results+=("$(run ferry_invocations "$url/api/v1/endpoints/credit/invocations" "$work/split_$1.json" "$2" "$1" "$TOKEN")")
  results+=("$(run ferry_predict "$url/api/v1/endpoints/credit/predict" "$work/records_$1.json" "$2" "$1" "$TOKEN")")
done
refused=$(curl -sf "$url/metrics" | awk '/^ferry_predict_requests_total\{.*outcome="unavailable"/ {s += $2} END {print s + 0}')
logged=$(curl -sf "$url/metrics" | awk '/^ferry_prediction_log_written_total/ {s += $2} END {print s + 0}')
resume "$peer_pid"
echo "# MLflow scoring server, $peer_workers workers (Ferry paused)" >&2
pause "$ferry_pid"
for k in "${cases[@]}"; do
  set -- $k
  TOKEN="" BODY_FILE="$work/split_$1.json" wrk -t1 -c"$2" -d3s -s bench/serving/post.lua "$peer/invocations" >/dev/null
  sleep 1
  results+=("$(run_peer mlflow_invocations "$peer/invocations" "$work/split_$1.json" "$2" "$1")")
done
resume "$ferry_pid"

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ); $secs s per case; ferry 503s (unavailable) in metrics: $refused; prediction-log rows written: $logged"
printf '| case | server, route | requests/s | rows/s | p50 | p99 | refused (non-2xx) / requests | rows/s ÷ MLflow |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n'
printf '%s\n' "${results[@]}" | awk -F'|' '
  { key = $3 " rows, c" $4; rowsps[$2, key] = $6; line[NR] = $0; k[NR] = key }
  END {
    for (i = 1; i <= NR; i++) {
      split(line[i], f, "|"); peer = rowsps["mlflow_invocations", k[i]]
      ratio = (f[2] != "mlflow_invocations" && peer > 0) ? sprintf("%.1f×", f[6] / peer) : ""
      printf "| %s | %s | %s | %s | %s | %s | %s / %s | %s |\n", k[i], f[2], f[5], f[6], f[7], f[8], f[9], f[10], ratio
    }
  }'
