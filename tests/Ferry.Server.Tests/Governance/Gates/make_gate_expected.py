#!/usr/bin/python3
"""Expected values for QualityGateTests, computed outside Ferry from the training libraries' own outputs.

Run with Debian's /usr/bin/python3 (scikit-learn 1.2, numpy) from the repository root:
    /usr/bin/python3 tests/Ferry.Server.Tests/Governance/Gates/make_gate_expected.py > tests/Ferry.Server.Tests/Governance/Gates/gate_expected.json
Inputs: ../shared/models (NAME_expected.json's predict_proba / predict on test.csv, test_labels.csv).
- metrics: scikit-learn's roc_auc_score, log_loss, brier_score_loss, accuracy_score (score >= 0.5),
  sqrt(mean_squared_error), mean_absolute_error.
- DeLong: AUC variances and covariance from placement values counted pair by pair (O(n^2), ties 1/2), then the
  one-sided p-value Phi((auc_a - auc_b + margin) / se) of H0 "a is not worse than b by more than margin".
- fairness: selection rate (score >= 0.5) and true-positive rate per group, numpy.
"""
import csv
import json
import math
import os
import sys

import numpy as np
import sklearn
from scipy import stats
from sklearn import metrics

assert sklearn.__version__.startswith("1.2"), sklearn.__version__
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "..", "shared", "models")
labels = list(csv.DictReader(open(os.path.join(root, "test_labels.csv"))))
rows = list(csv.DictReader(open(os.path.join(root, "test.csv"))))
y = np.array([int(r["default"]) for r in labels])
loss = np.array([float(r["loss"]) for r in labels])
out = {"rows": len(y), "models": {}, "delong": {}, "fairness": {}}


def proba(model):
    return np.array(json.load(open(os.path.join(root, model + "_expected.json")))["predict_proba"])[:, 1]


for model in ["lr_pipeline", "rf_pipeline", "gbc_pipeline"]:
    p = proba(model)
    out["models"][model] = {
        "auc": metrics.roc_auc_score(y, p),
        "log_loss": metrics.log_loss(y, p),
        "brier": metrics.brier_score_loss(y, p),
        "accuracy": metrics.accuracy_score(y, p >= 0.5),
    }

predicted = np.array(json.load(open(os.path.join(root, "loss_regressor_expected.json")))["predict"], dtype=float)
out["models"]["loss_regressor"] = {
    "rmse": math.sqrt(metrics.mean_squared_error(loss, predicted)),
    "mae": metrics.mean_absolute_error(loss, predicted),
}


def placements(s):
    pos, neg = s[y == 1], s[y == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    return psi.mean(axis=1), psi.mean(axis=0)


for a, b in [("lr_pipeline", "rf_pipeline"), ("rf_pipeline", "lr_pipeline"), ("gbc_pipeline", "lr_pipeline")]:
    va10, va01 = placements(proba(a))
    vb10, vb01 = placements(proba(b))
    m, n = len(va10), len(va01)
    var_a = np.var(va10, ddof=1) / m + np.var(va01, ddof=1) / n
    var_b = np.var(vb10, ddof=1) / m + np.var(vb01, ddof=1) / n
    cov = np.cov(va10, vb10)[0, 1] / m + np.cov(va01, vb01)[0, 1] / n
    diff = va10.mean() - vb10.mean()
    se = math.sqrt(var_a + var_b - 2 * cov)
    out["delong"][f"{a} vs {b}"] = {
        "auc_a": va10.mean(), "auc_b": vb10.mean(), "difference": diff, "se": se,
        "p_margin_0.01": stats.norm.cdf((diff + 0.01) / se),
    }

p = proba("lr_pipeline")
for attribute in ["employment_type", "loan_purpose"]:
    g = np.array([r[attribute] for r in rows])
    groups = {}
    for k in sorted(set(g)):
        mask = g == k
        positives = mask & (y == 1)
        groups[k] = {"rows": int(mask.sum()), "selection_rate": float((p[mask] >= 0.5).mean()),
                     "tpr": float((p[positives] >= 0.5).mean()) if positives.any() else None}
    rates = [v["selection_rate"] for v in groups.values()]
    tprs = [v["tpr"] for v in groups.values() if v["tpr"] is not None]
    out["fairness"][attribute] = {"groups": groups, "ratio": min(rates) / max(rates), "eod": max(tprs) - min(tprs)}

json.dump(out, sys.stdout, indent=1, sort_keys=True)
print()
