#!/usr/bin/env bash
# Prediction-log throughput and size: builds the benchmark in Release and feeds a real in-process server's log with
# the shared credit pipeline's rows (1,000,000 by default) on SQLite, and on PostgreSQL when FERRY_TEST_POSTGRES is set
# (e.g. after `eval "$(eng/postgres.sh start)"`). Loopback/in-process only; bounded by the row count.
# On PostgreSQL the reads are timed after ANALYZE (what autovacuum does by itself); BENCH_ANALYZE=0 times them before.
# Usage: bench/predictionlog/run.sh [rows=1000000] [rows-per-request=100]
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build -c Release bench/Ferry.Bench.PredictionLog -v q -nologo >/dev/null
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet bench/Ferry.Bench.PredictionLog/bin/Release/net10.0/Ferry.Bench.PredictionLog.dll "$@" | grep RESULT | sort -u \
  | awk '{ printf "| %s |", $2; for (i = 3; i <= NF; i++) printf " %s |", $i; printf "\n" }'
