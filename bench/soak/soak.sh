#!/usr/bin/env bash
# The soak (issue 14): a real `ferry server` on 127.0.0.1 serving the 20-column credit pipeline
# (../shared/models/gbc_pipeline.onnx) at a steady rate for a bounded time, then idle; samples the process's RSS and
# the managed heap every few seconds and counts error answers. Loopback only; stops by itself.
#   bench/soak/soak.sh [SECONDS=600] [RATE=200] [IDLE_SECONDS=60]  -> CSV and a summary on stdout
# Needs: hey, curl (Debian).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-600}
rate=${2:-200}
idle=${3:-60}
every=5
models=${FERRY_SHARED_MODELS:-../shared/models}
ferry=${FERRY_CMD:-./ferry} # FERRY_CMD=/other/checkout/ferry measures another build
command -v hey >/dev/null || { echo "missing hey (apt-get install hey)" >&2; exit 1; }

work=$(mktemp -d /tmp/ferry-soak.XXXXXX)
port=$((20000 + RANDOM % 10000))
url="http://127.0.0.1:$port"
export TOKEN="fry_soak$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$ferry" --help >/dev/null
FERRY_ADMIN_TOKEN="$TOKEN" "$ferry" server --port "$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
pids+=($!)
server=$!
for _ in $(seq 1 150); do curl -sf "$url/readyz" >/dev/null && break; sleep 0.2; done
export FERRY_URL="$url" FERRY_TOKEN="$TOKEN"
"$ferry" models register "$models/gbc_pipeline.onnx" --name credit-pipeline >/dev/null
"$ferry" deploy credit --model credit-pipeline --version 1 >/dev/null

# Two rows of ../shared/models/test.csv (one with a missing value), as records and as MLflow's dataframe_split.
cat >"$work/record.json" <<'JSON'
{"records":[{"income":33200,"age":47,"debt_ratio":0.528,"credit_utilization":0.04,"num_open_accounts":5,"num_late_payments_30d":0,"num_late_payments_90d":0,"months_employed":146,"loan_amount":31800,"loan_term_months":48,"interest_rate":4.72,"savings_balance":5200,"num_credit_inquiries":3,"credit_history_years":13.8,"monthly_expenses":1929,"dependents":2,"revolving_balance":164,"home_ownership":"RENT","loan_purpose":"car","employment_type":"salaried"}]}
JSON
cat >"$work/split.json" <<'JSON'
{"dataframe_split":{"columns":["income","age","debt_ratio","credit_utilization","num_open_accounts","num_late_payments_30d","num_late_payments_90d","months_employed","loan_amount","loan_term_months","interest_rate","savings_balance","num_credit_inquiries","credit_history_years","monthly_expenses","dependents","revolving_balance","home_ownership","loan_purpose","employment_type"],"data":[[25100,67,0.554,0.314,5,0,1,240,31500,72,6.26,22012,1,42.9,833,2,4211,"MORTGAGE","small_business","self_employed"]]}}
JSON

# 100-row batches: the first complete rows of test.csv.
awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) h[i] = $i; next}
  $0 !~ /,,/ && $0 !~ /,$/ && n < 100 {
    r = ""; for (i = 1; i <= NF; i++) { v = (i >= NF - 2) ? "\"" $i "\"" : $i; r = r (i > 1 ? "," : "") "\"" h[i] "\":" v }
    rows = rows (n++ ? "," : "") "{" r "}" }
  END {print "{\"records\":[" rows "]}"}' "$models/test.csv" >"$work/batch.json"

rss_mb() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$server/status"; }
metrics() { curl -sf "$url/metrics"; }
# Managed heap after the last GC (every generation) and the memory the GC has committed.
heap_mb() { metrics | awk '/^system_runtime_dotnet_gc_last_collection_heap_size[{ ]/ {h += $NF} /^system_runtime_dotnet_gc_last_collection_memory_committed_size / {c = $NF} END {printf "%.1f,%.1f", h / 1048576, c / 1048576}'; }
echo "seconds,phase,rss_mb,managed_heap_mb,gc_committed_mb"
start=$(date +%s)
sample() { echo "$(( $(date +%s) - start )),$1,$(rss_mb),$(heap_mb)"; }
sample start

# 80 % single-row predict (records), 10 % 100-row batches, 10 % /invocations (dataframe_split); hey paces each
# worker (-q per worker).
workers=8
predict_q=$(awk -v r="$rate" -v w="$workers" 'BEGIN {printf "%.2f", r * 0.8 / w}')
invoke_q=$(awk -v r="$rate" 'BEGIN {printf "%.2f", r * 0.1 / 2}')
hey -z "${secs}s" -c "$workers" -q "$predict_q" -m POST -H "Authorization: Bearer $TOKEN" -T application/json \
  -D "$work/record.json" "$url/api/v1/endpoints/credit/predict" >"$work/predict.txt" &
pids+=($!)
hey -z "${secs}s" -c 2 -q "$invoke_q" -m POST -H "Authorization: Bearer $TOKEN" -T application/json \
  -D "$work/split.json" "$url/api/v1/endpoints/credit/invocations" >"$work/invoke.txt" &
pids+=($!)
hey -z "${secs}s" -c 2 -q "$invoke_q" -m POST -H "Authorization: Bearer $TOKEN" -T application/json \
  -D "$work/batch.json" "$url/api/v1/endpoints/credit/predict" >"$work/batch.txt" &
pids+=($!)
load_end=$((start + secs))
while [ "$(date +%s)" -lt "$load_end" ]; do sleep "$every"; sample load; done
wait "${pids[1]}" "${pids[2]}" "${pids[3]}" 2>/dev/null || true
idle_end=$(( $(date +%s) + idle ))
while [ "$(date +%s)" -lt "$idle_end" ]; do sleep "$every"; sample idle; done

answers() { awk '/Status code distribution/ {on = 1; next} on && /\[[0-9]+\]/ {gsub(/[\[\]]/, "", $1); print $1 ":" $2} on && /^$/ {on = 0}' "$1" | paste -sd' '; }
echo "# predict answers: $(answers "$work/predict.txt")" >&2
echo "# invocations answers: $(answers "$work/invoke.txt")" >&2
echo "# 100-row batch answers: $(answers "$work/batch.txt")" >&2
errors=$(cat "$work/predict.txt" "$work/invoke.txt" "$work/batch.txt" | awk '/Status code distribution/ {on = 1; next} on && /\[[0-9]+\]/ {gsub(/[\[\]]/, "", $1); if ($1 != 200) s += $2} END {print s + 0}')
echo "# error answers (non-200): $errors; server log errors: $(grep -c 'fail:\|crit:' "$work/server.log" || true)" >&2
logged=$(curl -sf "$url/metrics" | awk '/^ferry_prediction_log_written_total/ {s += $2} END {print s + 0}')
echo "# prediction log rows written: $logged" >&2
