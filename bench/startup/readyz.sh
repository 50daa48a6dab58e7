#!/usr/bin/env bash
# Time from launching `ferry server` on an empty data dir to its first 200 from /readyz (loopback only).
# Usage: bench/startup/readyz.sh [runs]   (prints each run and the median, in milliseconds)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs=${1:-5}
"$root/ferry" --help >/dev/null   # builds once if needed
dll="$root/artifacts/ferry/ferry.dll"
results=()
for i in $(seq "$runs"); do
  data=$(mktemp -d)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  start=$(date +%s%N)
  dotnet "$dll" server --port "$port" --data-dir "$data" >/dev/null 2>&1 &
  pid=$!
  deadline=$((start + 30000000000))
  until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    [ "$(date +%s%N)" -gt "$deadline" ] && { echo "run $i: not ready after 30 s" >&2; kill "$pid"; exit 1; }
    sleep 0.01
  done
  end=$(date +%s%N)
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$data"
  ms=$(( (end - start) / 1000000 ))
  echo "run $i: ${ms} ms"
  results+=("$ms")
done
printf '%s\n' "${results[@]}" | sort -n | awk '{a[NR]=$1} END {print "median: " a[int((NR+1)/2)] " ms over " NR " runs"}'
