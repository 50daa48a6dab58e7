"""Reference values for the challenger evaluation's paired tests (Ferry.Statistics: DeLong, McNemar).

Run with Debian's /usr/bin/python3 (numpy, scipy 1.10, scikit-learn 1.2):
    /usr/bin/python3 challenger_reference.py > challenger_cases.json

DeLong follows Sun & Xu (2014), "Fast implementation of DeLong's algorithm for comparing the areas under correlated
receiver operating characteristic curves" (mid-ranks give the placement values), written here from the paper with
numpy/scipy only; the AUCs are checked against sklearn.metrics.roc_auc_score. McNemar: scipy.stats.binomtest (exact,
two-sided) and scipy.stats.chi2 with the continuity correction.
"""
import json

import numpy as np
from scipy import stats
from sklearn.metrics import roc_auc_score


def fast_delong(labels, scores_a, scores_b):
    order = np.argsort(-labels, kind="stable")  # positives first
    labels = labels[order]
    preds = np.vstack([scores_a[order], scores_b[order]])
    m = int(labels.sum())
    n = labels.size - m
    pos, neg = preds[:, :m], preds[:, m:]
    k = preds.shape[0]
    tx = np.array([stats.rankdata(pos[r]) for r in range(k)])
    ty = np.array([stats.rankdata(neg[r]) for r in range(k)])
    tz = np.array([stats.rankdata(preds[r]) for r in range(k)])
    aucs = tz[:, :m].sum(axis=1) / m / n - (m + 1.0) / 2.0 / n
    v01 = (tz[:, :m] - tx) / n
    v10 = 1.0 - (tz[:, m:] - ty) / m
    sx = np.cov(v01)
    sy = np.cov(v10)
    cov = sx / m + sy / n
    diff = aucs[0] - aucs[1]
    var = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
    z = diff / np.sqrt(var)
    p = 2 * stats.norm.sf(abs(z))
    return aucs, cov, p


def case(name, labels, a, b):
    aucs, cov, p = fast_delong(labels.astype(float), a, b)
    sk_a = roc_auc_score(labels, a)
    sk_b = roc_auc_score(labels, b)
    assert abs(sk_a - aucs[0]) < 1e-12 and abs(sk_b - aucs[1]) < 1e-12
    return {
        "name": name,
        "labels": [bool(v) for v in labels],
        "a": [float(v) for v in a],
        "b": [float(v) for v in b],
        "auc_a": float(sk_a),
        "auc_b": float(sk_b),
        "var_a": float(cov[0, 0]),
        "var_b": float(cov[1, 1]),
        "cov": float(cov[0, 1]),
        "p_two_sided": float(p),
    }


rng = np.random.default_rng(20)
cases = []
# Correlated continuous scores, a stronger than b.
n = 300
y = rng.random(n) < 0.35
latent = rng.normal(size=n)
a = 1 / (1 + np.exp(-(1.2 * y + latent * 0.8 + rng.normal(size=n) * 0.5)))
b = 1 / (1 + np.exp(-(0.8 * y + latent * 0.8 + rng.normal(size=n) * 0.7)))
cases.append(case("correlated", y, a, b))
# Heavily tied scores (two decimals), small sample.
n = 80
y = rng.random(n) < 0.5
a = np.round(np.clip(0.5 + 0.2 * (y - 0.5) + rng.normal(size=n) * 0.2, 0, 1), 1)
b = np.round(np.clip(0.5 + 0.1 * (y - 0.5) + rng.normal(size=n) * 0.2, 0, 1), 1)
cases.append(case("ties", y, a, b))
# Nearly equal models: a p-value well above 0.05.
n = 500
y = rng.random(n) < 0.2
base = 0.9 * y + rng.normal(size=n)
a = base + rng.normal(size=n) * 0.1
b = base + rng.normal(size=n) * 0.1
cases.append(case("close", y, a, b))

mcnemar = []
for b_count, c_count in [(0, 0), (3, 0), (5, 9), (12, 12), (10, 14), (30, 12), (100, 130), (7, 40)]:
    n_disc = b_count + c_count
    exact = n_disc < 25
    stat = 0.0 if n_disc == 0 else max(0.0, abs(b_count - c_count) - 1.0) ** 2 / n_disc
    if n_disc == 0:
        p = 1.0
    elif exact:
        p = stats.binomtest(b_count, n_disc, 0.5).pvalue
    else:
        p = stats.chi2.sf(stat, 1)
    mcnemar.append({"b": b_count, "c": c_count, "exact": exact, "statistic": stat, "p": float(p)})

print(json.dumps({"delong": cases, "mcnemar": mcnemar}, indent=1))
