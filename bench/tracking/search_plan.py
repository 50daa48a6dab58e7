"""The run-search query shapes at 100,000 runs on SQLite, outside Ferry: today's (EXISTS filter + two correlated
subqueries per sort key) against the join driven by latest_metrics(key, value), on Ferry's own schema.sql.
    python3 bench/tracking/search_plan.py [RUNS=100000]
Prints the median of 10 executions of each and SQLite's plan. (Ferry's end-to-end figure: bench/Ferry.Bench.Tracking.)
"""
import random, sqlite3, statistics, sys, time, uuid

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
db = sqlite3.connect(":memory:")
db.executescript(open("src/Ferry.Storage.Sqlite/Schema/schema.sql").read())
db.execute("PRAGMA foreign_keys = OFF")
rng = random.Random(7)
rows = [(uuid.UUID(int=rng.getrandbits(128)).hex, 1700000000000 + i) for i in range(runs)]
db.executemany("INSERT INTO runs (id, experiment_id, name, user_id, status, start_time, artifact_uri, lifecycle_stage) VALUES (?, 1, 'r', 'u', 'FINISHED', ?, 'a', 'active')", rows)
db.executemany("INSERT INTO latest_metrics (run_id, key, value, is_na_n, timestamp, step) VALUES (?, 'auc', ?, 0, 0, 0)", [(r, 0.5 + rng.random() / 2) for r, _ in rows])
db.executemany("INSERT INTO run_params (run_id, key, value) VALUES (?, 'model', ?)", [(r, ["gbm", "rf", "lr", "mlp"][i % 4]) for i, (r, _) in enumerate(rows)])
db.execute("ANALYZE")
old = """SELECT r.id FROM runs r WHERE r.experiment_id IN (1) AND r.lifecycle_stage = 'active'
 AND EXISTS (SELECT 1 FROM latest_metrics m WHERE m.key = 'auc' AND NOT m.is_na_n AND m.value > 0.9 AND m.run_id = r.id)
 AND EXISTS (SELECT 1 FROM run_params p WHERE p.key = 'model' AND p.value = 'gbm' AND p.run_id = r.id)
 ORDER BY NOT EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_id = r.id AND m.key = 'auc' AND NOT m.is_na_n),
  (SELECT m.value FROM latest_metrics m WHERE m.run_id = r.id AND m.key = 'auc' AND NOT m.is_na_n LIMIT 1) DESC,
  r.start_time DESC, r.id LIMIT 101"""
new = """SELECT r.id FROM runs r JOIN latest_metrics m ON r.id = m.run_id
 WHERE r.experiment_id IN (1) AND r.lifecycle_stage = 'active'
 AND EXISTS (SELECT 1 FROM run_params p WHERE p.key = 'model' AND p.value = 'gbm' AND p.run_id = r.id)
 AND m.key = 'auc' AND NOT m.is_na_n AND m.value > 0.9
 ORDER BY m.value DESC, r.start_time DESC, r.id LIMIT 101"""
answers = []
for name, sql in (("today (EXISTS + 2 subqueries)", old), ("join on latest_metrics(key, value)", new)):
    samples = []
    for _ in range(12):
        t = time.perf_counter(); ids = [row[0] for row in db.execute(sql)]; samples.append((time.perf_counter() - t) * 1000)
    answers.append(ids)
    print(f"{name:40} median {statistics.median(samples[2:]):8.2f} ms")
    for row in db.execute("EXPLAIN QUERY PLAN " + sql):
        print("   ", row[3])
assert answers[0] == answers[1] and len(answers[0]) == 101, "the two shapes disagree"
print("same 101 ids from both shapes")
