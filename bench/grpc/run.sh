#!/usr/bin/env bash
# The gRPC benchmark (issue 17), loopback only and bounded in time (8 cases x SECONDS, default 5 s: under a minute):
# OIP ModelInfer over gRPC (Ferry:Grpc:Port, HTTP/2 h2c) against REST POST /v2/models/{name}/infer (JSON, HTTP/1.1) on
# one `ferry server`, the shared gbc_pipeline ONNX model (20 inputs, one per column) and the first rows of its test set,
# single row and 100-row batches, with 1 and 16 concurrent callers (bench/Ferry.Bench.Grpc). The prediction log is on.
#   bench/grpc/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-5}
models=$(cd .. && pwd)/shared/models
[ -f "$models/gbc_pipeline.onnx" ] || { echo "missing $models/gbc_pipeline.onnx (the shared models)" >&2; exit 1; }

work=$(mktemp -d /tmp/ferry-bench-grpc.XXXXXX)
port=$((20000 + RANDOM % 10000))
grpc_port=$((port + 1))
export TOKEN="fry_bench$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
url="http://127.0.0.1:$port"
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo "# building ferry and the load client (Release)" >&2
./ferry --help >/dev/null
dotnet build -c Release bench/Ferry.Bench.Grpc -v q -nologo -o "$work/client" >/dev/null

Ferry__Grpc__Port=$grpc_port FERRY_ADMIN_TOKEN="$TOKEN" ./ferry server --port "$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do curl -sf "$url/readyz" >/dev/null && break; sleep 0.2; done
export FERRY_URL="$url" FERRY_TOKEN="$TOKEN"
./ferry models register "$models/gbc_pipeline.onnx" --name gbc >/dev/null
./ferry deploy gbc --model gbc --version 1 >/dev/null

echo "# ModelInfer (gRPC, :$grpc_port) vs /v2 infer (REST, :$port), ${secs} s per case" >&2
dotnet "$work/client/Ferry.Bench.Grpc.dll" "$url" "http://127.0.0.1:$grpc_port" "$TOKEN" gbc "$models/test.csv" "$secs"
logged=$(curl -sf "$url/metrics" | awk '/^ferry_prediction_log_written_total/ {s += $2} END {print s + 0}')
echo "prediction log rows written: $logged" >&2
