#!/usr/bin/env bash
# Runs the tracking benchmark N times (default 3) on a Release build and prints each run's RESULT lines.
# PostgreSQL is included when FERRY_TEST_POSTGRES is set (e.g. after `eval "$(eng/postgres.sh start)"`).
set -euo pipefail
cd "$(dirname "$0")/../.."
times=${1:-3}
shift || true
dotnet build -c Release bench/Ferry.Bench.Tracking -v q -nologo >/dev/null
for i in $(seq 1 "$times"); do
  echo "# run $i"
  dotnet bench/Ferry.Bench.Tracking/bin/Release/net10.0/Ferry.Bench.Tracking.dll "$@"
done
