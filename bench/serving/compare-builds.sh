#!/usr/bin/env bash
# Echo against single-row predict (the shared 20-input pipeline, log on) for two or more published builds of ferry,
# alternating them, at steady state: each server gets 20 s of predict load first (the tiered JIT settles in ~20 s),
# 5 s of echo, then 10 s of each measured with wrk -c32. Loopback only; about 50 s per build and round.
#   bench/serving/compare-builds.sh ROUNDS DIR...   (a DIR holds ferry.dll, e.g. a `dotnet publish` output under artifacts/)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=$1; shift
shared=$(cd ../shared 2>/dev/null && pwd || echo /work/shared)
for round in $(seq "$rounds"); do
  for dir in "$@"; do
    work=$(mktemp -d /tmp/ferry-compare.XXXXXX)
    port=$((20000 + RANDOM % 10000))
    token="fry_bench$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    url="http://127.0.0.1:$port"
    Ferry__Governance__DefaultTier=Low FERRY_ADMIN_TOKEN="$token" dotnet "$dir/ferry.dll" server --port "$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do curl -sf "$url/readyz" >/dev/null && break; sleep 0.2; done
    FERRY_URL="$url" FERRY_TOKEN="$token" ./ferry models register "$shared/models/gbc_pipeline.onnx" --name credit-pipeline >/dev/null
    FERRY_URL="$url" FERRY_TOKEN="$token" ./ferry deploy pipeline --model credit-pipeline --version 1 >/dev/null
    /usr/bin/python3 bench/serving/make_bodies.py "$shared/models/test.csv" "$work" 1
    load() { TOKEN="$token" BODY_FILE="$work/records_1.json" wrk -t1 -c32 -d"$2s" -s bench/serving/post.lua "$url$1" | awk '/Requests\/sec/ {print $2}'; }
    load /api/v1/endpoints/pipeline/predict 20 >/dev/null
    load /api/v1/echo 5 >/dev/null
    echo_rps=$(load /api/v1/echo 10)
    predict_rps=$(load /api/v1/endpoints/pipeline/predict 10)
    echo "round $round $dir: echo $echo_rps predict $predict_rps predict/echo $(awk -v p="$predict_rps" -v e="$echo_rps" 'BEGIN {printf "%.0f%%", 100 * p / e}')"
    kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$work"
  done
done
