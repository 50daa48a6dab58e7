#!/usr/bin/env bash
# The database-outage fault (issue 14, item 2), loopback only and bounded (about 1.5 minutes with the defaults):
# a real `ferry server` on a PostgreSQL cluster of its own (eng/postgres.sh under a temp FERRY_PG_STATE, never the
# shared test server) serves an endpoint under constant load (hey); the cluster is stopped for OUTAGE seconds and
# started again; meanwhile an MLflow call is made every half second. Prints the counts:
#   predictions answered by status, rows acknowledged vs rows in the table after recovery, MLflow answers by status
#   and how many carried Retry-After, the server's "unavailable" / "available again" lines and stack-trace lines.
#   bench/faults/db-outage.sh [OUTAGE_SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
outage=${1:-40}
conns=${2:-16}
before=10
after=10
for tool in hey curl psql; do command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }; done

work=$(mktemp -d /tmp/ferry-fault-db.XXXXXX)
chmod 755 "$work"
export FERRY_PG_STATE="$work/pg"
port=$((20000 + RANDOM % 10000))
token="fry_fault$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
url="http://127.0.0.1:$port"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  eng/postgres.sh stop || true
  rm -rf "$work"
}
trap cleanup EXIT

./ferry --help >/dev/null
eval "$(eng/postgres.sh start)"
database=$FERRY_TEST_POSTGRES
pg_port=$(cat "$FERRY_PG_STATE/port")
FERRY_ADMIN_TOKEN="$token" ./ferry server --port "$port" --data-dir "$work/data" --database "$database" >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 150); do curl -sf "$url/readyz" >/dev/null && break; sleep 0.2; done
export FERRY_URL="$url" FERRY_TOKEN="$token"
./ferry models register tests/testdata/credit_gbm.onnx --name credit-gbm >/dev/null
./ferry deploy credit --model credit-gbm --version 1 >/dev/null
echo '{"records":[{"age":41,"income":52000,"employment_years":6.5,"debt_to_income":0.61,"credit_utilisation":0.4,"open_accounts":5,"delinquencies":1,"loan_amount":12000}]}' >"$work/record.json"
curl -sf -X POST "$url/api/v1/endpoints/credit/predict" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d @"$work/record.json" >/dev/null

total=$((before + outage + after))
hey -z "${total}s" -c "$conns" -m POST -H "Authorization: Bearer $token" -T application/json -D "$work/record.json" \
  "$url/api/v1/endpoints/credit/predict" >"$work/hey.txt" &
load=$!
pids+=($load)
sleep "$before"
eng/postgres.sh pause
end=$((SECONDS + outage))
while [ "$SECONDS" -lt "$end" ]; do
  curl -s -o /dev/null -D - -X POST "$url/api/2.0/mlflow/experiments/search" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d '{"max_results": 1}' | tr -d '\r' >>"$work/mlflow.txt" || true
  sleep 0.5
done
eng/postgres.sh resume
wait "$load"

# Every acknowledged prediction is written before the server is asked to stop (bounded wait on the metric).
ok=$(awk '/\[200\]/ {print $2}' "$work/hey.txt"); ok=${ok:-0}
acknowledged=$((ok + 1))
for _ in $(seq 1 120); do
  written=$(curl -sf "$url/metrics" | awk '/^ferry_prediction_log_written_total/ {s += $2} END {print s + 0}')
  [ "$written" -ge "$acknowledged" ] && break
  sleep 0.5
done
rows=$(psql "host=127.0.0.1 port=$pg_port user=ferry dbname=postgres" -tAc "SELECT count(*) FROM predictions")
unavailable=$(curl -sf "$url/metrics" | awk '/^ferry_database_unavailable_responses_total/ {s += $2} END {print s + 0}')

echo "outage: ${outage} s with $conns connections of load (${before} s before, ${after} s after)"
echo "predictions by status:"
grep -A10 "Status code distribution" "$work/hey.txt" | grep "\[" | sed 's/^/  /'
echo "errors reported by hey: $(grep -c "Get\|Post\|dial" <(sed -n '/Error distribution/,$p' "$work/hey.txt") || true)"
echo "rows acknowledged: $acknowledged; rows in the predictions table after recovery: $rows"
echo "MLflow calls during the outage by status: $(awk '/^HTTP/ {print $2}' "$work/mlflow.txt" | sort | uniq -c | awk '{printf "%s x%s  ", $2, $1}')"
echo "  of them with Retry-After: $(grep -ci '^retry-after:' "$work/mlflow.txt" || true)"
echo "ferry_database_unavailable_responses_total: $unavailable"
echo "server log: $(grep -c 'Database unavailable since' "$work/server.log" || true) 'unavailable' line(s), $(grep -c 'Database available again' "$work/server.log" || true) 'available again' line(s), $(grep -cE 'Exception(:| )|^\s+at ' "$work/server.log" || true) line(s) with an exception or stack trace, $(grep -cE '(fail|crit):' "$work/server.log" || true) error entries"
grep -E 'Database (unavailable|available)' "$work/server.log" | sed 's/^/  /'
grep -E '(fail|crit):' "$work/server.log" | cut -c1-240 | sed 's/^/  /' || true
