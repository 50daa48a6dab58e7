#!/usr/bin/python3
"""XGBoost side of the TreeSHAP benchmark (bench/explain/run.sh runs it; needs python3-xgboost).

    /usr/bin/python3 bench/explain/xgboost_contribs.py OUT_DIR [ROWS]

Trains a seeded binary:logistic model (100 trees, max depth 6) on 20,000 synthetic rows with 12 features (5% of
two features missing), saves it as OUT_DIR/model.json, and times XGBoost's own predict(DMatrix, pred_contribs=True)
over ROWS fresh rows (default 10,000) with nthread=1 and with every core, median of 3 runs each. Writes the rows
(rows.f64) and XGBoost's contributions (contribs.f64, bias last), float64 little-endian row-major, and meta.json.
"""
import json
import os
import sys
import time

import numpy as np
import xgboost as xgb

FEATURES = 12


def data(n, rng):
    x = rng.normal(size=(n, FEATURES)).astype(np.float32)
    logit = (1.0 * x[:, 0] - 0.8 * x[:, 1] * (x[:, 2] > 0) + 0.5 * x[:, 3] ** 2 + 0.3 * x[:, 4] * x[:, 5]
             - 0.6 * np.abs(x[:, 6]) + 0.2 * x[:, 7:].sum(axis=1) - 0.3)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    x[rng.uniform(size=n) < 0.05, 1] = np.nan
    x[rng.uniform(size=n) < 0.05, 8] = np.nan
    return x, y


def median_seconds(run, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def main():
    out = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    os.makedirs(out, exist_ok=True)
    rng = np.random.RandomState(2024)
    x, y = data(20000, rng)
    params = {"objective": "binary:logistic", "max_depth": 6, "eta": 0.1, "seed": 0, "tree_method": "hist",
              "nthread": 1}
    booster = xgb.train(params, xgb.DMatrix(x, label=y, missing=np.nan), num_boost_round=100)
    booster.save_model(os.path.join(out, "model.json"))

    test, _ = data(rows, rng)
    dtest = xgb.DMatrix(test, missing=np.nan)
    booster.set_param({"nthread": 1})
    contribs = booster.predict(dtest, pred_contribs=True)
    one_thread = median_seconds(lambda: booster.predict(dtest, pred_contribs=True))
    cores = os.cpu_count() or 1
    booster.set_param({"nthread": cores})
    all_threads = median_seconds(lambda: booster.predict(dtest, pred_contribs=True))

    test.astype("<f8").tofile(os.path.join(out, "rows.f64"))
    contribs.astype("<f8").tofile(os.path.join(out, "contribs.f64"))
    leaves = sum(1 for tree in booster.get_dump() for line in tree.splitlines() if "leaf=" in line)
    meta = {"rows": rows, "features": FEATURES, "trees": 100, "max_depth": 6, "leaves": leaves,
            "xgboost_version": xgb.__version__, "cores": cores,
            "xgboost_us_per_row_1_thread": one_thread / rows * 1e6,
            "xgboost_us_per_row_all_threads": all_threads / rows * 1e6}
    with open(os.path.join(out, "meta.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=1)
    print(f"XGBoost {xgb.__version__}: {rows} rows, 100 trees, max depth 6, {leaves} leaves in all")
    print(f"XGBoost pred_contribs, 1 thread:        {meta['xgboost_us_per_row_1_thread']:8.1f} us/row")
    print(f"XGBoost pred_contribs, {cores} threads:      {meta['xgboost_us_per_row_all_threads']:8.1f} us/row")


if __name__ == "__main__":
    main()
