#!/usr/bin/env bash
# ferry drift (exact statistics) against the scipy/pandas recomputation on ROWS rows x 12 numeric columns per side,
# one run per method (ks, wasserstein, psi, jensenshannon): wall time and peak RSS from /usr/bin/time -v, and the
# largest relative difference between the two sides' statistics.
# Usage: bench/drift/run.sh [ROWS]   (default 1000000; data in $DATA_DIR, default /tmp/ferry-drift-bench)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rows="${1:-1000000}"
data="${DATA_DIR:-/tmp/ferry-drift-bench}"
python=/usr/bin/python3
mkdir -p "$data/out"
if [ ! -f "$data/reference-$rows.csv" ]; then
  echo "generating $rows rows per side" >&2
  mkdir -p "$data/gen" && "$python" "$root/bench/drift/generate.py" "$data/gen" "$rows"
  mv "$data/gen/reference.csv" "$data/reference-$rows.csv" && mv "$data/gen/current.csv" "$data/current-$rows.csv"
fi
# The binary users run: ./ferry's Release publish (ReadyToRun where the machine has a runtime identifier), built now so
# the build is not timed, then run as `dotnet artifacts/ferry/ferry.dll` so the launcher's source-staleness check (a
# `find` over src/, ~50 ms) is not timed either.
"$root/ferry" --version > /dev/null
ferry_dll="$root/artifacts/ferry/ferry.dll"
measure() { # name, command...: prints "wall_s peak_kib"
  local name="$1"; shift
  /usr/bin/time -v "$@" > "$data/out/$name.json" 2> "$data/out/$name.time" || true
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$data/out/$name.time" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$data/out/$name.time" | awk '{print $NF}')
  echo "$wall $rss"
}
printf "%-14s %10s %10s %8s %12s %12s %12s\n" method ferry_s scipy_s speedup ferry_MiB scipy_MiB max_rel_diff
for method in ks wasserstein psi jensenshannon; do
  read -r fw fr < <(measure "ferry-$method" dotnet "$ferry_dll" drift "$data/reference-$rows.csv" "$data/current-$rows.csv" --method "$method" --output json)
  read -r sw sr < <(measure "scipy-$method" "$python" "$root/bench/drift/scipy_drift.py" "$data/reference-$rows.csv" "$data/current-$rows.csv" "$method")
  diff=$("$python" - "$data/out/ferry-$method.json" "$data/out/scipy-$method.json" <<'PY'
import json, sys
ferry = {c["column"]: c for c in json.load(open(sys.argv[1]))["drift"]["features"]["columns"]}
scipy = json.load(open(sys.argv[2]))
worst = 0.0
for name, values in scipy.items():
    got = [ferry[name]["score"]] + ([ferry[name]["pValue"]] if len(values) > 1 else [])
    assert ferry[name]["exact"], name
    for e, g in zip(values, got):
        worst = max(worst, abs(g - e) / max(abs(e), 1e-300) if abs(e) > 1e-14 else abs(g - e))
print(f"{worst:.1e}")
PY
)
  printf "%-14s %10.2f %10.2f %7.1fx %12.0f %12.0f %12s\n" "$method" "$fw" "$sw" "$(echo "$sw / $fw" | bc -l)" "$(echo "$fr / 1024" | bc -l)" "$(echo "$sr / 1024" | bc -l)" "$diff"
done
