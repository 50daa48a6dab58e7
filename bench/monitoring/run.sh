#!/usr/bin/env bash
# Monitoring statistics: drift report from profiles (Ferry) against the same report recomputed from raw rows with
# pandas + scipy the way Evidently does it (Debian's /usr/bin/python3 with python3-pandas and python3-scipy).
#   bench/monitoring/run.sh [RUNS]      (default 3; prints each run and the medians)
# Data: 100,000 reference rows and 1,000,000 current rows x 12 features, generated once into $DATA_DIR.
set -euo pipefail
runs="${1:-3}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="${DATA_DIR:-/tmp/ferry-monitoring}"
python=/usr/bin/python3

if [[ ! -s "$data/current.csv" ]]; then
  echo "generating data into $data" >&2
  "$python" "$root/bench/monitoring/generate.py" "$data"
fi

dotnet build "$root/bench/Ferry.Bench.Statistics" -c Release -v quiet -nologo >&2
bench="$root/bench/Ferry.Bench.Statistics/bin/Release/net10.0/Ferry.Bench.Statistics.dll"

results="$(mktemp -d)"
for run in $(seq 1 "$runs"); do
  echo "run $run/$runs: ferry" >&2
  dotnet "$bench" report "$data/reference.csv" "$data/current.csv" 20 > "$results/ferry-$run.json"
  echo "run $run/$runs: raw pandas + scipy" >&2
  "$python" "$root/bench/monitoring/raw_report.py" "$data/reference.csv" "$data/current.csv" 1 > "$results/raw-$run.json"
done

"$python" - "$results" "$runs" <<'PY'
import json, statistics, sys
folder, runs = sys.argv[1], int(sys.argv[2])
rows = []
for run in range(1, runs + 1):
    ferry = json.load(open(f"{folder}/ferry-{run}.json"))
    raw = json.load(open(f"{folder}/raw-{run}.json"))
    rows.append((ferry, raw))
    print(f"run {run}: ferry build_reference={ferry['build_reference_s']*1e3:.1f} ms fold={ferry['fold_s']*1e3:.1f} ms "
          f"({ferry['ns_per_value']:.1f} ns/value) report_auto={ferry['report_auto_s']*1e3:.3f} ms "
          f"report_ks_chi={ferry['report_ks_chi_s']*1e3:.3f} ms | raw load={raw['load_s']:.2f} s "
          f"report_auto={raw['report_auto_s']:.3f} s report_ks_chi={raw['report_ks_chi_s']:.3f} s | "
          f"ratio auto={raw['report_auto_s']/ferry['report_auto_s']:.0f}x ks_chi={raw['report_ks_chi_s']/ferry['report_ks_chi_s']:.0f}x")
med = statistics.median
print()
print(f"median ns per value ingested: {med(f['ns_per_value'] for f, _ in rows):.1f}")
print(f"median report ratio (raw / profiles), automatic methods: {med(r['report_auto_s']/f['report_auto_s'] for f, r in rows):.0f}x")
print(f"median report ratio (raw / profiles), KS + chi-square:   {med(r['report_ks_chi_s']/f['report_ks_chi_s'] for f, r in rows):.0f}x")
ferry, raw = rows[-1]
print()
print("per-column scores of the last run (Ferry from profiles | raw):")
for variant in ("auto", "ks_chi"):
    for name, f in ferry[f"scores_{variant}"].items():
        r = raw[f"scores_{variant}"][name]
        p = f" p={f.get('p', float('nan')):.3g}|{r.get('p', float('nan')):.3g}" if "p" in r else ""
        print(f"  {variant:6} {name:20} {f['method']:17} {r['method']:17} score={f['score']:.4f}|{r['score']:.4f}{p} drifted={f['drifted']}")
PY
rm -rf "$results"
