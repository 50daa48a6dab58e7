#!/usr/bin/env bash
# Reference build time over loopback against a real `ferry server` (Release build, SQLite): from the PUT to the job's
# success, for the shared gbc_pipeline (skl2onnx: median imputer + one-hot encoders + GradientBoostingClassifier, 20 raw
# columns; exact path-dependent TreeSHAP) with ROWS labelled rows, then for the same pipeline with its Imputer swapped
# for Abs (untraceable: KernelSHAP importance). The server log's "built:" lines give each phase's time.
# Usage: bench/reference/run.sh [ROWS] [KERNEL_ROWS]   (defaults 5000 and 5000; files in $DATA_DIR, default /tmp/ferry-reference-bench)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rows="${1:-5000}"
kernel_rows="${2:-5000}"
data="${DATA_DIR:-/tmp/ferry-reference-bench}"
python=/usr/bin/python3
rm -rf "$data/server" && mkdir -p "$data"
dotnet publish "$root/src/Ferry.Cli" -c Release -o "$data/ferry" -v quiet -nologo >&2
ferry="$data/ferry/ferry"
"$python" "$root/bench/reference/kernel_variant.py" "$data/gbc_abs.onnx"
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
FERRY_DATA_DIR="$data/server" "$ferry" server --port "$port" > "$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/readyz" > /dev/null 2>&1 && break; sleep 0.1; done
url="http://127.0.0.1:$port"
token=$(cat "$data/server/admin.token")
"$ferry" models register "$root/../shared/models/gbc_pipeline.onnx" --name bench-tree --server "$url" --token "$token" > /dev/null
"$ferry" models register "$data/gbc_abs.onnx" --name bench-kernel --server "$url" --token "$token" > /dev/null
"$python" "$root/bench/reference/put_reference.py" "$url" "$token" bench-tree 1 "$rows"
"$python" "$root/bench/reference/put_reference.py" "$url" "$token" bench-tree 1 "$rows"
"$python" "$root/bench/reference/put_reference.py" "$url" "$token" bench-kernel 1 "$kernel_rows"
grep -o 'Reference job .* built: .*' "$data/server.log" || true
