#!/usr/bin/python3
"""The raw-recompute side of bench/monitoring/run.sh: the same drift report computed from raw rows with pandas and
scipy, the way Evidently does it (its get_default_stattest choice and its stat tests on raw arrays). Prints one JSON
object with the CSV load time (not counted) and the median report time over REPEATS.

usage: raw_report.py REFERENCE.csv CURRENT.csv [REPEATS]
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import distance


def is_numeric(series):
    return pd.api.types.is_numeric_dtype(series)


def default_method(reference, current, numeric):
    # Evidently's get_default_stattest (evidently/calculations/stattests/registry.py).
    n_values = pd.concat([reference, current]).nunique()
    if reference.shape[0] <= 1000:
        if numeric:
            return "ks" if n_values > 5 else ("chisquare" if n_values > 2 else "z")
        return "chisquare" if n_values > 2 else "z"
    if numeric:
        return "wasserstein" if n_values > 5 else "jensenshannon"
    return "jensenshannon"


def binned(reference, current, numeric, n_bins=30):
    # Evidently's get_binned_data (feel_zeroes=False), as used by its jensenshannon stat test.
    if numeric:
        bins = np.histogram_bin_edges(pd.concat([reference, current]), bins=n_bins)
        return np.histogram(reference, bins)[0] / len(reference), np.histogram(current, bins)[0] / len(current)
    keys = list((set(reference) | set(current)) - {np.nan})
    ref_counts = reference.value_counts()
    cur_counts = current.value_counts()
    return (np.array([ref_counts.get(k, 0) / len(reference) for k in keys]),
            np.array([cur_counts.get(k, 0) / len(current) for k in keys]))


def chisquare(reference, current):
    # Evidently's chi_stat_test.
    keys = list((set(reference) | set(current)) - {np.nan})
    ref_feature_dict = {**dict.fromkeys(keys, 0), **dict(reference.value_counts())}
    current_feature_dict = {**dict.fromkeys(keys, 0), **dict(current.value_counts())}
    k_norm = current.shape[0] / reference.shape[0]
    f_exp = [ref_feature_dict[key] * k_norm for key in keys]
    f_obs = [current_feature_dict[key] for key in keys]
    return stats.chisquare(f_obs, f_exp)


def column_result(reference, current, numeric, method):
    reference = reference.replace([-np.inf, np.inf], np.nan).dropna()
    current = current.replace([-np.inf, np.inf], np.nan).dropna()
    if method == "wasserstein":
        return {"method": "Wasserstein",
                "score": float(stats.wasserstein_distance(reference, current) / max(np.std(reference), 0.001))}
    if method == "jensenshannon":
        r, c = binned(reference, current, numeric)
        return {"method": "JensenShannon", "score": float(distance.jensenshannon(r, c))}
    if method == "ks":
        result = stats.ks_2samp(reference, current)
        return {"method": "KolmogorovSmirnov", "score": float(result.statistic), "p": float(result.pvalue)}
    if method == "chisquare":
        result = chisquare(reference, current)
        return {"method": "ChiSquare", "score": float(result.statistic), "p": float(result.pvalue)}
    raise ValueError(method)


def report(reference, current, forced):
    results = {}
    for name in reference.columns:
        numeric = is_numeric(reference[name])
        if forced:
            method = "ks" if numeric else "chisquare"
        else:
            method = default_method(reference[name].dropna(), current[name].dropna(), numeric)
        results[name] = column_result(reference[name], current[name], numeric, method)
    return results


def timed(reference, current, forced, repeats):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = report(reference, current, forced)
        times.append(time.perf_counter() - start)
    return float(np.median(times)), result


def main():
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    start = time.perf_counter()
    reference = pd.read_csv(sys.argv[1])
    current = pd.read_csv(sys.argv[2])
    load = time.perf_counter() - start
    auto_s, auto = timed(reference, current, False, repeats)
    forced_s, forced = timed(reference, current, True, repeats)
    print(json.dumps({"load_s": load, "report_auto_s": auto_s, "report_ks_chi_s": forced_s,
                      "scores_auto": auto, "scores_ks_chi": forced}))


if __name__ == "__main__":
    main()
