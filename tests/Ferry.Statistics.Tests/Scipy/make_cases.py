"""Writes exact_drift_cases.json: inputs and scipy 1.10's outputs for ExactDrift (ferry drift's statistics).

Run with Debian's /usr/bin/python3 (scipy 1.10.1, numpy 1.24):
    /usr/bin/python3 tests/Ferry.Statistics.Tests/Scipy/make_cases.py
The C# tests (ExactDriftScipyTests) read the JSON only; they never run Python.
Missing values are null in the JSON (NaN for numbers) and are dropped before every statistic, as ferry drift does.
"""
import json
import os

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon

rng = np.random.default_rng(20261206)
cases = []


def present_numbers(values):
    a = np.array([np.nan if v is None else v for v in values], dtype=float)
    return a[~np.isnan(a)]


def decile_edges(r):
    return np.unique(np.quantile(r, np.arange(1, 10) / 10))


def bins(x, edges):
    return np.bincount(np.searchsorted(edges, x, side="left"), minlength=len(edges) + 1)


def psi(ref_counts, cur_counts):
    rp = ref_counts / ref_counts.sum()
    cp = cur_counts / cur_counts.sum()
    rp = np.where(rp == 0, 0.0001, rp)
    cp = np.where(cp == 0, 0.0001, cp)
    return float(np.sum((rp - cp) * np.log(rp / cp)))


def chi_square(ref_counts, cur_counts):
    table = np.array([ref_counts, cur_counts])
    table = table[:, table.sum(axis=0) > 0]
    res = stats.chi2_contingency(table, correction=True)
    return float(res[0]), float(res[1])


def z_test(ref_counts, cur_counts):
    # The pooled two-proportion z-test Ferry documents; "success" is the first (smallest) category.
    n1, n2 = ref_counts.sum(), cur_counts.sum()
    if len(ref_counts) < 2:
        return 0.0, 1.0
    p1, p2 = ref_counts[0] / n1, cur_counts[0] / n2
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    if pooled <= 0 or pooled >= 1:
        return 0.0, 1.0
    z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return float(z), float(2 * stats.norm.sf(abs(z)))


def value_counts(r, c):
    keys = np.union1d(r, c)
    return (np.array([np.sum(r == k) for k in keys]), np.array([np.sum(c == k) for k in keys]))


def numeric(name, reference, current, methods=("ks", "wasserstein", "psi", "jensenshannon")):
    """reference/current: lists with None for missing."""
    r, c = present_numbers(reference), present_numbers(current)
    expected = {}
    for method in methods:
        if method == "ks":
            res = stats.ks_2samp(r, c)
            expected[method] = [float(res.statistic), float(res.pvalue)]
        elif method == "wasserstein":
            expected[method] = [float(stats.wasserstein_distance(r, c) / max(np.std(r), 0.001)), None]
        elif method == "psi":
            e = decile_edges(r)
            expected[method] = [psi(bins(r, e), bins(c, e)), None]
        elif method == "jensenshannon":
            e = decile_edges(r)
            expected[method] = [float(jensenshannon(bins(r, e), bins(c, e))), None]
        elif method == "chisquare":
            expected[method] = list(chi_square(*value_counts(r, c)))
        elif method == "ztest":
            expected[method] = list(z_test(*value_counts(r, c)))
    cases.append({"name": name, "kind": "numeric", "reference": reference, "current": current,
                  "distinct": int(len(np.union1d(r, c))), "expected": expected})


def categorical(name, reference, current, methods=("chisquare", "psi", "jensenshannon")):
    r = [v for v in reference if v is not None]
    c = [v for v in current if v is not None]
    keys = sorted(set(r) | set(c))  # ordinal order of Python str == C#'s ordinal for these ASCII names
    rc = np.array([r.count(k) for k in keys])
    cc = np.array([c.count(k) for k in keys])
    expected = {}
    for method in methods:
        if method == "chisquare":
            expected[method] = list(chi_square(rc, cc))
        elif method == "ztest":
            expected[method] = list(z_test(rc, cc))
        elif method == "psi":
            expected[method] = [psi(rc, cc), None]
        elif method == "jensenshannon":
            expected[method] = [float(jensenshannon(rc, cc)), None]
    cases.append({"name": name, "kind": "categorical", "reference": reference, "current": current,
                  "distinct": len(keys), "expected": expected})


def floats(a):
    return [float(v) for v in a]


# Small and medium continuous samples (exact KS p-value), equal and unequal sizes.
numeric("small_unequal", floats(rng.normal(0, 1, 40)), floats(rng.normal(0.3, 1, 55)))
numeric("equal_sizes", floats(rng.normal(0, 1, 200)), floats(rng.normal(0.1, 1.2, 200)))
numeric("tiny", [1.0, 2.0, 3.0], [2.5, 4.0])
numeric("identical", floats(np.arange(50) / 7), floats(np.arange(50) / 7))
numeric("one_sided_shift", floats(rng.normal(0, 1, 300)), floats(rng.normal(1.0, 1, 250)))
numeric("disjoint", floats(rng.uniform(0, 1, 30)), floats(rng.uniform(2, 3, 45)))
# Ties: values rounded to one decimal and small integers.
numeric("ties_rounded", floats(np.round(rng.normal(5, 1, 800), 1)), floats(np.round(rng.normal(5.1, 1, 700), 1)))
numeric("ties_integers", floats(rng.integers(0, 12, 500)), floats(rng.integers(0, 13, 450)),
        methods=("ks", "wasserstein", "psi", "jensenshannon", "chisquare"))
# Discrete: few distinct values (chi-square with Yates at one degree of freedom, z-test).
numeric("binary_01", floats(rng.integers(0, 2, 400)), floats((rng.uniform(size=350) < 0.58).astype(float)),
        methods=("ks", "chisquare", "ztest", "psi", "jensenshannon"))
numeric("three_values", floats(rng.integers(0, 3, 120)), floats(rng.integers(0, 3, 90)),
        methods=("ks", "chisquare", "psi", "jensenshannon"))
# Largest exact sizes, and just above (asymptotic p-value).
numeric("exact_limit", floats(np.round(rng.normal(0, 1, 10_000), 4)), floats(np.round(rng.normal(0.02, 1, 9_000), 4)))
numeric("asymptotic", floats(np.round(rng.normal(0, 1, 12_000), 3)), floats(np.round(rng.normal(0.03, 1.02, 10_500), 3)))
numeric("asymptotic_drifted", floats(np.round(rng.lognormal(0, 0.5, 11_000), 3)), floats(np.round(rng.lognormal(0.1, 0.5, 4_000), 3)))
# Missing values (null = NaN) are dropped.
with_nan = floats(rng.normal(10, 2, 150))
with_nan_cur = floats(rng.normal(10.5, 2, 140))
for i in range(0, 150, 9):
    with_nan[i] = None
for i in range(3, 140, 11):
    with_nan_cur[i] = None
numeric("missing_values", with_nan, with_nan_cur)
# Constant reference (std floored at 0.001).
numeric("constant_reference", [3.0] * 40, floats(3.0 + rng.normal(0, 0.01, 30)), methods=("ks", "wasserstein", "psi", "jensenshannon"))

# Categorical: rare and new categories, missing values.
letters = list("ABCDE")
ref_cat = list(rng.choice(letters, 600, p=[0.4, 0.3, 0.2, 0.09, 0.01]))
cur_cat = list(rng.choice(letters + ["F"], 500, p=[0.35, 0.3, 0.2, 0.1, 0.0, 0.05]))
categorical("rare_and_new", [str(v) for v in ref_cat], [str(v) for v in cur_cat])
ref_miss = [str(v) for v in rng.choice(["red", "green", "blue"], 200)]
cur_miss = [str(v) for v in rng.choice(["red", "green", "blue"], 180, p=[0.5, 0.3, 0.2])]
for i in range(0, 200, 7):
    ref_miss[i] = None
for i in range(0, 180, 5):
    cur_miss[i] = None
categorical("missing_categories", ref_miss, cur_miss)
categorical("two_categories_yates", [str(v) for v in rng.choice(["no", "yes"], 300, p=[0.7, 0.3])],
            [str(v) for v in rng.choice(["no", "yes"], 250, p=[0.62, 0.38])], methods=("chisquare", "ztest", "psi", "jensenshannon"))
categorical("two_categories_small", ["a"] * 9 + ["b"] * 3, ["a"] * 4 + ["b"] * 6, methods=("chisquare", "ztest", "psi", "jensenshannon"))
categorical("identical_categories", ["x", "y", "y", "z"] * 25, ["x", "y", "y", "z"] * 20)
categorical("large_categorical", [str(v) for v in rng.choice([f"c{i:02d}" for i in range(30)], 20_000)],
            [str(v) for v in rng.choice([f"c{i:02d}" for i in range(32)], 15_000)])

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "exact_drift_cases.json")
with open(path, "w") as f:
    json.dump({"generator": "make_cases.py", "scipy": __import__("scipy").__version__, "numpy": np.__version__,
               "cases": cases}, f, separators=(",", ":"))
    f.write("\n")
print(f"{len(cases)} cases -> {path} ({os.path.getsize(path):,} bytes)")
