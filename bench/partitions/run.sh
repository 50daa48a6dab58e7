#!/usr/bin/env bash
# Lookups by prediction id on the day-partitioned prediction log (issue 21 item 4), loopback only, bounded in time:
# a throw-away PostgreSQL holds the same rows twice, in a plain table (the log before partitioning) and in a table
# partitioned by day on "timestamp" like Ferry's migration makes it (primary key (id, "timestamp")), and pgbench runs
# one lookup per transaction through the extended protocol (parameters, a plan per query, as Npgsql sends EF's
# queries) for three shapes:
#   plain    : WHERE id = $1                        (the old table)
#   id only  : WHERE id = $1                        (partitioned: every partition's primary-key index is probed)
#   id + time: WHERE id = $1 AND "timestamp" = $2   (partitioned: the time a version-7 id embeds names one partition)
# Prints average latency and transactions/s per shape and the ratios to the plain table. Needs PostgreSQL
# (eng/postgres.sh installs it) and pgbench (Debian's postgresql-client/postgresql package).
#   bench/partitions/run.sh [ROWS] [DAYS] [SECONDS] [CLIENTS]     (defaults 1000000 35 10 1)
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-1000000}
days=${2:-35}
secs=${3:-10}
clients=${4:-1}
bin=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
export FERRY_PG_STATE="/tmp/ferry-pg-bench-partitions-$$"
eval "$(eng/postgres.sh start)"
work=$(mktemp -d /tmp/ferry-bench-partitions.XXXXXX)
cleanup() { eng/postgres.sh stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
pgport=$(sed 's/.*Port=\([0-9]*\).*/\1/' <<<"$FERRY_TEST_POSTGRES")
pguser=$(sed 's/.*Username=\([^;]*\).*/\1/' <<<"$FERRY_TEST_POSTGRES")
conn="host=127.0.0.1 port=$pgport user=$pguser dbname=postgres"
psql() { "$bin/psql" "$conn" -qAt -v ON_ERROR_STOP=1 "$@"; }

# Rows spread evenly over DAYS days ending today; ids are version-7 GUIDs built from each row's millisecond, as the
# router makes them (48-bit ms, version 7, variant, random rest).
psql <<SQL >/dev/null
CREATE TABLE src AS
SELECT ts,
       (lpad(to_hex(ts), 12, '0') || '7' || substr(md5(n::text), 1, 3) || '8' || substr(md5(n::text), 4, 15))::uuid AS id,
       'ep-' || (n % 8) AS endpoint_name, 'credit' AS model_name, 1 AS model_version,
       '{"age":35,"income":' || (n % 100000) || '}' AS inputs_json, '{"label":"0","probabilities":[0.8,0.2]}' AS outputs_json
FROM (SELECT n, (extract(epoch FROM date_trunc('day', now()))::bigint * 1000 - ($days - 1) * 86400000::bigint
             + (n::bigint * ($days::bigint * 86400000) / $rows)) AS ts
      FROM generate_series(0, $rows - 1) n) g;
CREATE TABLE plain (LIKE src);
INSERT INTO plain SELECT * FROM src;
ALTER TABLE plain ADD PRIMARY KEY (id);
CREATE INDEX ON plain (endpoint_name, ts);
CREATE TABLE parted (LIKE src) PARTITION BY RANGE (ts);
DO \$\$
DECLARE d bigint; first bigint := extract(epoch FROM date_trunc('day', now()))::bigint * 1000 - ($days - 1) * 86400000::bigint;
BEGIN
  FOR i IN 0..$days + 7 LOOP
    d := first + i * 86400000::bigint;
    EXECUTE format('CREATE TABLE parted_%s PARTITION OF parted FOR VALUES FROM (%s) TO (%s)', i, d, d + 86400000);
  END LOOP;
  CREATE TABLE parted_default PARTITION OF parted DEFAULT;
END \$\$;
INSERT INTO parted SELECT * FROM src;
ALTER TABLE parted ADD PRIMARY KEY (id, ts);
CREATE INDEX ON parted (endpoint_name, ts);
CREATE TABLE probe AS SELECT row_number() OVER () AS k, id, ts FROM (SELECT id, ts FROM src ORDER BY md5(id::text) LIMIT 10000) s;
ALTER TABLE probe ADD PRIMARY KEY (k);
VACUUM ANALYZE plain; VACUUM ANALYZE parted; VACUUM ANALYZE probe;
SQL
partitions=$(psql -c "SELECT count(*) FROM pg_inherits WHERE inhparent = 'parted'::regclass")

cat >"$work/plain.sql" <<'SQL'
\set k random(1, 10000)
SELECT id, ts FROM probe WHERE k = :k \gset
SELECT * FROM plain WHERE id = :id::uuid;
SQL
cat >"$work/idonly.sql" <<'SQL'
\set k random(1, 10000)
SELECT id, ts FROM probe WHERE k = :k \gset
SELECT * FROM parted WHERE id = :id::uuid;
SQL
cat >"$work/idtime.sql" <<'SQL'
\set k random(1, 10000)
SELECT id, ts FROM probe WHERE k = :k \gset
SELECT * FROM parted WHERE id = :id::uuid AND ts = :ts;
SQL
cat >"$work/probe.sql" <<'SQL'
\set k random(1, 10000)
SELECT id, ts FROM probe WHERE k = :k \gset
SQL

run() { "$bin/pgbench" -n -M extended -c "$clients" -T "$secs" -f "$work/$1.sql" "$conn" 2>&1; }
lat() { sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$1"; }
tps() { sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$1"; }
declare -A L T
for shape in probe plain idonly idtime; do
  out=$(run "$shape"); L[$shape]=$(lat "$out"); T[$shape]=$(tps "$out")
done
echo "rows=$rows days=$days partitions=$partitions (incl. 7 ahead + DEFAULT) seconds=$secs clients=$clients load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| lookup | avg latency (ms, incl. probe fetch) | lookup alone (ms) | tps | lookup vs plain table |"
echo "| --- | --- | --- | --- | --- |"
for shape in plain idonly idtime; do
  python3 - "$shape" "${L[$shape]}" "${L[probe]}" "${T[$shape]}" "${L[plain]}" <<'PY'
import sys
shape, lat, probe, tps, plain = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
names = {"plain": "plain table, id", "idonly": "partitioned, id only", "idtime": "partitioned, id + embedded time"}
alone, plain_alone = lat - probe, plain - probe
print(f"| {names[shape]} | {lat:.3f} | {alone:.3f} | {tps:.0f} | {alone / plain_alone:.2f}x |")
PY
done
echo
echo "plans:"
id=$(psql -c "SELECT id FROM probe WHERE k = 1"); ts=$(psql -c "SELECT ts FROM probe WHERE k = 1")
psql -c "EXPLAIN (COSTS OFF) SELECT * FROM parted WHERE id = '$id'" | head -3; echo "  ... ($(psql -c "EXPLAIN (COSTS OFF) SELECT * FROM parted WHERE id = '$id'" | grep -c 'Index Scan') index scans)"
psql -c "EXPLAIN (COSTS OFF) SELECT * FROM parted WHERE id = '$id' AND ts = $ts"
