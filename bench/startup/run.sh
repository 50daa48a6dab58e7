#!/usr/bin/env bash
# Start-up to the first 200 on an empty data directory, Ferry against MLflow 3.11's tracking server, in one run.
#   bench/startup/run.sh [RUNS=5]
# For each run, one after the other (never at once): an empty .NET program (the runtime's own start), `ferry server`
# on a fresh data dir until /readyz answers 200 (with FERRY_STARTUP_TIMINGS set, so it also prints when each start-up
# phase ended), and MLflow's server (run-mlflow-server.sh: SQLite, fresh work dir) until /health answers 200. Each is
# polled every 10 ms with curl on 127.0.0.1 and stopped with SIGTERM. Prints each run, the medians, the ratio, and the
# median of each Ferry phase (milliseconds since launch).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs=${1:-5}
mlflow_server="${MLFLOW_SERVER:-$root/../shared/python/run-mlflow-server.sh}"
[ -x "$mlflow_server" ] || mlflow_server=/work/shared/python/run-mlflow-server.sh
"$root/ferry" --version >/dev/null   # builds once if needed (ReadyToRun publish)
ferry_dll="$root/artifacts/ferry/ferry.dll"
empty_dir="$root/artifacts/bench-startup-empty"
if [ ! -f "$empty_dir/Empty.dll" ] || [ "$root/bench/startup/Empty/Program.cs" -nt "$empty_dir/Empty.dll" ]; then
  dotnet publish "$root/bench/startup/Empty/Empty.csproj" -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o "$empty_dir" -v quiet -nologo >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now_ns() { date +%s%N; }

# wait_ready URL PID START_NS: prints milliseconds from START_NS to the first 200, or fails after 60 s.
wait_ready() {
  local url=$1 pid=$2 start=$3
  until curl -fs "$url" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null || [ "$(now_ns)" -gt $((start + 60000000000)) ]; then
      echo "not ready: $url" >&2; return 1
    fi
    sleep 0.01
  done
  echo $(( ($(now_ns) - start) / 1000000 ))
}

empty_ms=(); ferry_ms=(); mlflow_ms=()
for i in $(seq "$runs"); do
  start=$(now_ns); dotnet "$empty_dir/Empty.dll"; empty_ms+=($(( ($(now_ns) - start) / 1000000 )))

  data="$work/ferry-$i"; port=$(free_port); start=$(now_ns)
  FERRY_STARTUP_TIMINGS=$start setsid dotnet "$ferry_dll" server --port "$port" --data-dir "$data" >"$work/ferry-$i.out" 2>"$work/ferry-$i.err" &
  pid=$!
  ms=$(wait_ready "http://127.0.0.1:$port/readyz" "$pid" "$start") || { cat "$work/ferry-$i.err" >&2; exit 1; }
  ferry_ms+=("$ms")
  kill -TERM -- "-$pid"; wait "$pid" 2>/dev/null || true

  port=$(free_port); start=$(now_ns)
  setsid "$mlflow_server" "$port" "$work/mlflow-$i" >"$work/mlflow-$i.log" 2>&1 &
  pid=$!
  ms=$(wait_ready "http://127.0.0.1:$port/health" "$pid" "$start") || { tail -20 "$work/mlflow-$i.log" >&2; exit 1; }
  mlflow_ms+=("$ms")
  kill -TERM -- "-$pid"; wait "$pid" 2>/dev/null || true

  echo "run $i: empty .NET ${empty_ms[-1]} ms, ferry /readyz ${ferry_ms[-1]} ms, mlflow /health ${mlflow_ms[-1]} ms"
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
e=$(median "${empty_ms[@]}"); f=$(median "${ferry_ms[@]}"); m=$(median "${mlflow_ms[@]}")
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-28s %10s   %s\n' "start-up to first 200" "median ms" "runs (ms)"
printf '%-28s %10s   %s\n' "empty .NET program (exit)" "$e" "${empty_ms[*]}"
printf '%-28s %10s   %s\n' "ferry server /readyz" "$f" "${ferry_ms[*]}"
printf '%-28s %10s   %s\n' "mlflow 3.11 server /health" "$m" "${mlflow_ms[*]}"
echo "mlflow / ferry: $(awk -v m="$m" -v f="$f" 'BEGIN {printf "%.2f", m / f}')x"
echo
echo "ferry phases (median ms since launch over $runs runs):"
cat "$work"/ferry-*.err | awk '$1 == "startup-timing" {print $2, $3}' \
  | awk '{ v[$1] = v[$1] " " $2; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
         END { for (i = 1; i <= n; i++) print order[i], v[order[i]] }' \
  | while read -r phase values; do
      printf '  %-22s %8s\n' "$phase" "$(median $values)"
    done
