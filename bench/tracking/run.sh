#!/usr/bin/env bash
# Tracking benchmark (issue 16, items 3 and 5): Ferry against MLflow 3.11.1's own tracking server (SQLite backend),
# same machine, loopback only, bounded (about 5 minutes). Each server is paused (kill -STOP) while the other is measured.
#   (a) the real `mlflow` client (bench/tracking/client_bench.py): log_metric, log_batch of 1,000 metrics, get_run,
#       search_runs (metric filter + order), get_metric_history at 1,000 and 1,000,000 points (the client pages it
#       by 25,000), then a client-side cProfile of each call's wait for the server;
#   (b) wrk on POST runs/log-metric and GET runs/get (the servers themselves, without the Python client).
# Ferry runs on SQLite, and again on PostgreSQL when FERRY_TEST_POSTGRES is set (eval "$(eng/postgres.sh start)").
#   [HISTORY_POINTS=1000000] [SEARCH_RUNS=300] bench/tracking/run.sh [WRK_SECONDS=10] [WRK_CONNECTIONS=8]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
conns=${2:-8}
for tool in wrk curl psql /usr/bin/python3; do command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
. /work/shared/python/env.sh 2>/dev/null || . ../shared/python/env.sh
peer_script=$(dirname "$("$FERRY_PY" -c 'import os,sys; print(os.path.realpath(sys.argv[1]))' "$FERRY_PY_DIR/run-mlflow-server.sh")")/run-mlflow-server.sh

work=$(mktemp -d /tmp/ferry-bench-tracking.XXXXXX)
port=$((20000 + RANDOM % 10000))
peer_port=$((port + 1))
token="fry_bench$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
pids=()
pg_db=""
cleanup() {
  for p in "${pids[@]}"; do kill -CONT -- "-$p" 2>/dev/null || true; kill -- "-$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$pg_db" ] && psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $pg_db" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "# building Ferry (Release, ReadyToRun) via ./ferry" >&2
./ferry --help >/dev/null

start_ferry() { # start_ferry NAME [DATABASE]: starts Ferry in its own process group on $port, waits for /readyz
  local name=$1 db=${2:-}
  local args=(server --port "$port" --data-dir "$work/$name")
  [ -n "$db" ] && args+=(--database "$db")
  FERRY_ADMIN_TOKEN="$token" setsid ./ferry "${args[@]}" >"$work/$name.log" 2>&1 &
  ferry_pid=$!
  pids+=("$ferry_pid")
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && return 0; sleep 0.2; done
  echo "Ferry did not start" >&2; cat "$work/$name.log" >&2; exit 1
}

stop_ferry() { kill -- "-$ferry_pid"; wait "$ferry_pid" 2>/dev/null || true; }

echo "# starting MLflow 3.11.1's tracking server on 127.0.0.1:$peer_port" >&2
setsid "$peer_script" "$peer_port" "$work/mlflow" 1 >"$work/mlflow.log" 2>&1 &
peer_pid=$!
pids+=("$peer_pid")
for _ in $(seq 1 900); do curl -sf "http://127.0.0.1:$peer_port/health" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$peer_port/health" >/dev/null || { echo "MLflow did not start" >&2; cat "$work/mlflow.log" >&2; exit 1; }

# wrk_pair LABEL URL TOKEN: wrk on log-metric (POST) and runs/get (GET) of a fresh run; appends RESULT lines to $out
wrk_pair() {
  local label=$1 url=$2 tok=$3 exp run body rps
  local auth=()
  [ -n "$tok" ] && auth=(-H "Authorization: Bearer $tok")
  exp=$(curl -sf "${auth[@]}" -H 'Content-Type: application/json' -d "{\"name\":\"wrk-$RANDOM$RANDOM\"}" "$url/api/2.0/mlflow/experiments/create" | "$FERRY_PY" -c 'import json,sys; print(json.load(sys.stdin)["experiment_id"])')
  run=$(curl -sf "${auth[@]}" -H 'Content-Type: application/json' -d "{\"experiment_id\":\"$exp\",\"start_time\":1700000000000}" "$url/api/2.0/mlflow/runs/create" | "$FERRY_PY" -c 'import json,sys; print(json.load(sys.stdin)["run"]["info"]["run_id"])')
  curl -sf "${auth[@]}" -H 'Content-Type: application/json' -d "{\"run_id\":\"$run\",\"params\":[{\"key\":\"model\",\"value\":\"gbm\"}],\"metrics\":[{\"key\":\"auc\",\"value\":0.9,\"timestamp\":1700000000000,\"step\":0}]}" "$url/api/2.0/mlflow/runs/log-batch" >/dev/null
  body="{\"run_id\":\"$run\",\"key\":\"loss\",\"value\":0.25,\"timestamp\":1700000000000,\"step\":1}"
  for route in log_metric runs_get; do
    local target method
    if [ "$route" = log_metric ]; then target="$url/api/2.0/mlflow/runs/log-metric"; method=POST; else target="$url/api/2.0/mlflow/runs/get?run_id=$run"; method=GET; fi
    METHOD=$method BODY="$body" TOKEN="$tok" wrk -t1 -c"$conns" -d2s -s bench/tracking/request.lua "$target" >/dev/null
    local res
    res=$(METHOD=$method BODY="$body" TOKEN="$tok" wrk -t1 -c"$conns" -d"${secs}s" --latency -s bench/tracking/request.lua "$target")
    if grep -q "Non-2xx" <<<"$res"; then echo "$label $route: non-2xx answers" >&2; echo "$res" >&2; exit 1; fi
    echo "RESULT wrk_$route rps=$(awk '/Requests\/sec/ {print $2}' <<<"$res") p50=$(awk '$1=="50%" {print $2}' <<<"$res") p99=$(awk '$1=="99%" {print $2}' <<<"$res")"
  done
}

measure() { # measure LABEL URL TOKEN SEED_KIND SEED_TARGET: client then wrk; writes $work/LABEL.txt
  local label=$1 url=$2 tok=$3
  echo "# measuring $label" >&2
  MLFLOW_TRACKING_TOKEN="$tok" timeout 400 "$FERRY_PY" bench/tracking/client_bench.py "$url" "$4" "$5" --profile --history-points "${HISTORY_POINTS:-1000000}" --runs "${SEARCH_RUNS:-300}" | tee "$work/$label.txt" >&2
  wrk_pair "$label" "$url" "$tok" | tee -a "$work/$label.txt" >&2
}

start_ferry sqlite
kill -STOP -- "-$peer_pid"
measure ferry_sqlite "http://127.0.0.1:$port" "$token" ferry-sqlite "$work/sqlite/ferry.db"
kill -STOP -- "-$ferry_pid"
kill -CONT -- "-$peer_pid"
measure mlflow "http://127.0.0.1:$peer_port" "" mlflow-sqlite "$work/mlflow/mlflow.db"
kill -CONT -- "-$ferry_pid"
stop_ferry

labels=(ferry_sqlite)
if [ -n "${FERRY_TEST_POSTGRES:-}" ]; then
  pg_admin=$("$FERRY_PY" -c 'import sys
parts = dict(p.split("=", 1) for p in sys.argv[1].split(";") if "=" in p)
names = {"Host": "host", "Port": "port", "Username": "user", "Password": "password", "Database": "dbname"}
print(" ".join(f"{names[k]}={v}" for k, v in parts.items() if k in names))' "$FERRY_TEST_POSTGRES")
  pg_db="ferry_bench_tracking_$RANDOM"
  psql -q "$pg_admin" -c "CREATE DATABASE $pg_db"
  kill -STOP -- "-$peer_pid"
  start_ferry pg "$(sed "s/Database=[^;]*/Database=$pg_db/" <<<"$FERRY_TEST_POSTGRES")"
  measure ferry_pg "http://127.0.0.1:$port" "$token" ferry-pg "$(sed "s/dbname=[^ ]*/dbname=$pg_db/" <<<"$pg_admin")"
  stop_ferry
  labels+=(ferry_pg)
fi

echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"
"$FERRY_PY" - "$work" "${labels[@]}" <<'PY'
import sys
work, labels = sys.argv[1], sys.argv[2:]
def read(label):
    rows = {}
    for line in open(f"{work}/{label}.txt"):
        parts = line.split()
        if parts and parts[0] in ("RESULT", "PROFILE"):
            rows[(parts[0], parts[1])] = dict(p.split("=", 1) for p in parts[2:])
    return rows
peer = read("mlflow")
ferry = {l: read(l) for l in labels}
head = "| figure | MLflow 3.11 | " + " | ".join(f"{l} | ratio" for l in labels) + " |"
print(head)
print("|" + " --- |" * (2 + 2 * len(labels)))
for (kind, name), values in peer.items():
    if kind != "RESULT":
        continue
    unit, better = ("rps", "higher") if "rps" in values else ("ms", "lower")
    cells = []
    for l in labels:
        v = ferry[l].get((kind, name), {}).get(unit)
        if v is None:
            cells += ["n/a", ""]
            continue
        ratio = float(v) / float(values[unit]) if unit == "rps" else float(values[unit]) / float(v)
        cells += [v, f"{ratio:.1f}x"]
    print(f"| {name} ({unit}, {better} is better) | {values[unit]} | " + " | ".join(cells) + " |")
print()
print("client-side profile (share of each call's wall time spent waiting for the server):")
for label, rows in [("mlflow", peer)] + list(ferry.items()):
    for (kind, name), v in rows.items():
        if kind == "PROFILE":
            print(f"  {label:13} {name:22} client {v['client_wall_ms']} ms/call, waiting {v['waiting_for_server_ms']} ms ({float(v['server_share']) * 100:.0f}%)")
PY
