"""Writes monitor_exact_case.json: a reference and a window of logged rows, and scipy 1.10's drift statistics.

Run with Debian's /usr/bin/python3 (scipy 1.10.1, numpy 1.24):
    /usr/bin/python3 tests/Ferry.Server.Tests/Monitoring/Scipy/make_monitor_case.py
The C# tests (MonitorExactDriftTests) log the window's rows, run a monitor and compare its report with these values;
they never run Python. Missing values are null and are left out of every statistic. Methods per column:
x auto (Kolmogorov-Smirnov: reference <= 1000 rows), w wasserstein, p psi, j jensenshannon (numeric, reference
deciles), c chisquare (two categories: Yates's correction), s auto (chi-square, four categories), z auto (z-test,
two categories), prediction.score auto (Kolmogorov-Smirnov).
"""
import json
import os

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon

rng = np.random.default_rng(15)
N_REF, N_CUR = 800, 600


def floats(a):
    return [float(v) for v in a]


def with_missing(values, every):
    return [None if i % every == 3 else v for i, v in enumerate(values)]


def present(values):
    return np.array([v for v in values if v is not None], dtype=float)


def decile_edges(r):
    return np.unique(np.quantile(r, np.arange(1, 10) / 10))


def bins(x, edges):
    return np.bincount(np.searchsorted(edges, x, side="left"), minlength=len(edges) + 1)


def psi(rc, cc):
    rp, cp = rc / rc.sum(), cc / cc.sum()
    rp = np.where(rp == 0, 0.0001, rp)
    cp = np.where(cp == 0, 0.0001, cp)
    return float(np.sum((rp - cp) * np.log(rp / cp)))


def counts(r, c):
    keys = sorted(set(v for v in r if v is not None) | set(v for v in c if v is not None))
    return (np.array([sum(1 for v in r if v == k) for k in keys]), np.array([sum(1 for v in c if v == k) for k in keys]))


reference = {
    "x": with_missing(floats(np.round(rng.normal(50, 10, N_REF), 2)), 97),
    "w": floats(rng.gamma(2.0, 3.0, N_REF)),
    "p": floats(rng.normal(700, 50, N_REF)),
    "j": floats(rng.uniform(-5, 5, N_REF)),
    "c": [str(v) for v in rng.choice(["a", "b"], N_REF, p=[0.6, 0.4])],
    "s": with_missing([str(v) for v in rng.choice(["north", "south", "east", "west"], N_REF, p=[0.4, 0.3, 0.2, 0.1])], 89),
    "z": [str(v) for v in rng.choice(["no", "yes"], N_REF, p=[0.7, 0.3])],
    "prediction.score": floats(rng.beta(2, 5, N_REF)),
}
current = {
    "x": with_missing(floats(np.round(rng.normal(52, 11, N_CUR), 2)), 53),
    "w": floats(rng.gamma(2.2, 3.0, N_CUR)),
    "p": floats(rng.normal(705, 50, N_CUR)),
    "j": floats(rng.uniform(-4.5, 5.5, N_CUR)),
    "c": [str(v) for v in rng.choice(["a", "b"], N_CUR, p=[0.55, 0.45])],
    "s": [str(v) for v in rng.choice(["north", "south", "east", "west"], N_CUR, p=[0.35, 0.3, 0.2, 0.15])],
    "z": [str(v) for v in rng.choice(["no", "yes"], N_CUR, p=[0.66, 0.34])],
    "prediction.score": floats(rng.beta(2.2, 5, N_CUR)),
}

expected = {}
r, c = present(reference["x"]), present(current["x"])
res = stats.ks_2samp(r, c)
expected["x"] = {"method": "KolmogorovSmirnov", "score": float(res.statistic), "pValue": float(res.pvalue)}
r, c = present(reference["w"]), present(current["w"])
expected["w"] = {"method": "Wasserstein", "score": float(stats.wasserstein_distance(r, c) / max(np.std(r), 0.001)), "pValue": None}
r, c = present(reference["p"]), present(current["p"])
e = decile_edges(r)
expected["p"] = {"method": "Psi", "score": psi(bins(r, e), bins(c, e)), "pValue": None}
r, c = present(reference["j"]), present(current["j"])
e = decile_edges(r)
expected["j"] = {"method": "JensenShannon", "score": float(jensenshannon(bins(r, e), bins(c, e))), "pValue": None}
for name in ("c", "s"):
    rc, cc = counts(reference[name], current[name])
    chi = stats.chi2_contingency(np.array([rc, cc]), correction=True)
    expected[name] = {"method": "ChiSquare", "score": float(chi[0]), "pValue": float(chi[1])}
rc, cc = counts(reference["z"], current["z"])
n1, n2 = rc.sum(), cc.sum()
p1, p2 = rc[0] / n1, cc[0] / n2
pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
expected["z"] = {"method": "ZTest", "score": float(z), "pValue": float(2 * stats.norm.sf(abs(z)))}
r, c = present(reference["prediction.score"]), present(current["prediction.score"])
res = stats.ks_2samp(r, c)
expected["prediction.score"] = {"method": "KolmogorovSmirnov", "score": float(res.statistic), "pValue": float(res.pvalue)}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "monitor_exact_case.json")
with open(out, "w") as f:
    json.dump({"scipy": stats.__name__ and __import__("scipy").__version__, "reference": reference, "current": current, "expected": expected}, f)
print("wrote", out)
