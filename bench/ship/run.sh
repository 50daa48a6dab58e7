#!/usr/bin/env bash
# Time from `ferry ship` to a served, explained, monitored endpoint on the shared credit pipeline (loopback only).
# Starts `ferry server` on an empty data dir, waits for /readyz, then times one `ferry ship` of gbc_pipeline.onnx with
# its 4,000-row train.csv cut to the 20 features and `default`, then a second, idempotent one.
# Usage: bench/ship/run.sh [ferry.dll]   (default: the ./ferry build, artifacts/ferry/ferry.dll)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
models="$root/../shared/models"
dll=${1:-}
if [ -z "$dll" ]; then
  "$root/ferry" --help >/dev/null   # builds once if needed
  dll="$root/artifacts/ferry/ferry.dll"
fi
data=$(mktemp -d)
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$data"' EXIT
cut -d, -f1-21 "$models/train.csv" > "$data/train.csv"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
dotnet "$dll" server --port "$port" --data-dir "$data/ferry" >"$data/server.log" 2>&1 &
pid=$!
for _ in $(seq 600); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
ship() {
  dotnet "$dll" ship "$models/gbc_pipeline.onnx" --name credit --reference "$data/train.csv" --label default --tier low \
    --server "http://127.0.0.1:$port" --data-dir "$data/ferry" "$@"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s%N); ship; end=$(date +%s%N)
echo "first ship: $(( (end - start) / 1000000 )) ms"
start=$(date +%s%N); ship >/dev/null; end=$(date +%s%N)
echo "second ship (nothing changed): $(( (end - start) / 1000000 )) ms"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
