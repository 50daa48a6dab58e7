"""Drives one MLflow-compatible tracking server with the real `mlflow` 3.11 client and prints RESULT lines.

    client_bench.py URL SEED_KIND SEED_TARGET [--runs N] [--log-metric N] [--history-points N] [--profile]

SEED_KIND/SEED_TARGET name the server's own database, used only to seed the long metric history (1,000,000 points)
with one SQL statement instead of 1,000 log_batch calls: `ferry-sqlite PATH`, `ferry-pg CONNINFO` or `mlflow-sqlite
PATH`. Everything measured goes through the client and the server's REST API. The bearer token, when the server needs
one, comes from MLFLOW_TRACKING_TOKEN as the client reads it.
"""
import argparse
import cProfile
import io
import pstats
import sqlite3
import statistics
import subprocess
import sys
import time

from mlflow.entities import Metric, Param
from mlflow.tracking import MlflowClient


def timed(fn, repeat, warmup=2):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def result(name, ms, **extra):
    rest = " ".join(f"{k}={v}" for k, v in extra.items())
    print(f"RESULT {name} ms={ms:.3f} {rest}".rstrip(), flush=True)


def seed_history(kind, target, run_id, key, points):
    if kind == "ferry-pg":
        sql = (f"INSERT INTO metric_points (run_id, key, value, is_na_n, timestamp, step) "
               f"SELECT '{run_id}', '{key}', g * 0.5, false, 1700000000000 + g, g FROM generate_series(0, {points - 1}) g;")
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", target, "-c", sql], check=True)
        return
    if kind == "ferry-sqlite":
        table, columns = "metric_points", "run_id, key, value, is_na_n, timestamp, step"
    else:
        table, columns = "metrics", "run_uuid, key, value, is_nan, timestamp, step"
    db = sqlite3.connect(target, timeout=60)
    db.execute(f"WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g WHERE n < {points - 1}) "
               f"INSERT INTO {table} ({columns}) SELECT ?, ?, n * 0.5, 0, 1700000000000 + n, n FROM g", (run_id, key))
    db.commit()
    db.close()


def profile_share(fn, calls):
    """Client-side profile of `calls` invocations: the share of wall time spent waiting for the server's answer."""
    profiler = cProfile.Profile()
    profiler.enable()
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    total = time.perf_counter() - start
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    waiting = sum(row[3] for func, row in stats.stats.items() if func[2] in ("<method 'recv_into' of '_socket.socket' objects>", "<method 'recv' of '_socket.socket' objects>"))
    return total, waiting


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("seed_kind")
    parser.add_argument("seed_target")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--log-metric", type=int, default=200)
    parser.add_argument("--history-points", type=int, default=1_000_000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    client = MlflowClient(tracking_uri=args.url)
    experiment = client.create_experiment(f"bench-{time.time_ns()}")
    run_id = client.create_run(experiment).info.run_id
    now = int(time.time() * 1000)

    step = iter(range(10**9))
    log_metric = lambda: client.log_metric(run_id, "loss", 0.5, timestamp=now, step=next(step))
    result("log_metric", timed(log_metric, args.log_metric, warmup=5), calls=args.log_metric)

    batch_no = iter(range(10**6))

    def log_batch():
        b = next(batch_no)
        client.log_batch(run_id, metrics=[Metric(f"m{i % 10}", i * 0.001, now, b * 100 + i // 10) for i in range(1000)])
    result("log_batch_1000", timed(log_batch, 10), metrics=1000)

    client.log_batch(run_id, params=[Param(f"p{i}", str(i)) for i in range(20)])
    result("get_run", timed(lambda: client.get_run(run_id), 100, warmup=5))

    for i in range(args.runs):
        r = client.create_run(experiment).info.run_id
        client.log_batch(r, metrics=[Metric("auc", 0.5 + (i * 7919 % 1000) / 2000, now, 0)],
                         params=[Param("model", ["gbm", "rf", "lr", "mlp"][i % 4])])
    search = lambda: client.search_runs([experiment], "metrics.auc > 0.9 and params.model = 'gbm'", order_by=["metrics.auc DESC"], max_results=100)
    found = search()
    assert all(r.data.params["model"] == "gbm" and r.data.metrics["auc"] > 0.9 for r in found), "wrong search answer"
    result("search_runs", timed(search, 20), runs=args.runs, matched=len(found))

    history_1k = client.create_run(experiment).info.run_id
    for b in range(10):
        client.log_batch(history_1k, metrics=[Metric("h", i * 0.5, now, b * 100 + i) for i in range(100)])
    points = client.get_metric_history(history_1k, "h")
    assert len(points) == 1000 and [p.step for p in points] == list(range(1000)), "wrong history"
    result("get_metric_history_1k", timed(lambda: client.get_metric_history(history_1k, "h"), 20))

    history_1m = client.create_run(experiment).info.run_id
    seed_history(args.seed_kind, args.seed_target, history_1m, "h", args.history_points)
    start = time.perf_counter()
    points = client.get_metric_history(history_1m, "h")
    elapsed = (time.perf_counter() - start) * 1000
    assert len(points) == args.history_points and points[-1].step == args.history_points - 1, f"wrong long history: {len(points)}"
    result("get_metric_history_1m", elapsed, points=len(points), pages=-(-args.history_points // 25000))

    if args.profile:
        for name, fn, calls in (("log_metric", log_metric, 100), ("get_run", lambda: client.get_run(run_id), 100),
                                ("search_runs", search, 10), ("get_metric_history_1k", lambda: client.get_metric_history(history_1k, "h"), 10)):
            total, waiting = profile_share(fn, calls)
            print(f"PROFILE {name} calls={calls} client_wall_ms={total * 1000 / calls:.3f} "
                  f"waiting_for_server_ms={waiting * 1000 / calls:.3f} server_share={waiting / total:.2f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
