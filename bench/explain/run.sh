#!/usr/bin/env bash
# Path-dependent TreeSHAP per row: Ferry (C#, one thread) against XGBoost's own C++ pred_contribs on the same model
# and rows (1 thread and all cores), with the largest difference between the two sets of contributions.
#
#   bench/explain/run.sh [ROWS]        # from anywhere; default 10,000 rows
#
# Needs Debian's python3-xgboost (installed here with apt-get when missing) and the .NET SDK.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! /usr/bin/python3 -c "import xgboost" 2>/dev/null; then
  apt-get install -y python3-xgboost
fi
out="${FERRY_BENCH_OUT:-$(mktemp -d /tmp/ferry-explain-bench.XXXXXX)}"
/usr/bin/python3 bench/explain/xgboost_contribs.py "$out" "${1:-10000}"
dotnet run -c Release --project bench/Ferry.Bench.Explain -- xgboost "$out"
