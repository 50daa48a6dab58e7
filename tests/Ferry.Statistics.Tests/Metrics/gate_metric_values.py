#!/usr/bin/python3
"""Reference values for RocPointsTests / DeLongTests / PairedBootstrapTests, from Debian's scikit-learn 1.2.

Run with /usr/bin/python3. Data (reproduced in the C# tests):
  y[i]  = (i * 7) % 3 == 0                 for i in range(60)
  a[i]  = ((i * 13) % 17) / 16             (ties: 17 distinct values)
  b[i]  = ((i * 5) % 11) / 10              (ties: 11 distinct values)
"""
import numpy as np
import sklearn
from sklearn import metrics

assert sklearn.__version__.startswith("1.2"), sklearn.__version__
n = 60
y = np.array([(i * 7) % 3 == 0 for i in range(n)])
a = np.array([((i * 13) % 17) / 16 for i in range(n)])
b = np.array([((i * 5) % 11) / 10 for i in range(n)])
for name, s in [("a", a), ("b", b)]:
    fpr, tpr, thr = metrics.roc_curve(y, s)
    print(f"{name} fpr = [{', '.join(repr(float(v)) for v in fpr)}]")
    print(f"{name} tpr = [{', '.join(repr(float(v)) for v in tpr)}]")
    print(f"{name} thresholds = [{', '.join(repr(float(v)) for v in thr)}]")
    print(f"{name} roc_auc_score = {metrics.roc_auc_score(y, s)!r}")
    fpr, tpr, thr = metrics.roc_curve(y, s, drop_intermediate=False)
    print(f"{name} fpr (all) = [{', '.join(repr(float(v)) for v in fpr)}]")
    print(f"{name} log_loss = {metrics.log_loss(y, s)!r}")
    print(f"{name} brier = {metrics.brier_score_loss(y, s)!r}")
    print(f"{name} accuracy = {metrics.accuracy_score(y, s >= 0.5)!r}")
print(f"mae(a, b) = {metrics.mean_absolute_error(a, b)!r}")
print(f"rmse(a, b) = {np.sqrt(metrics.mean_squared_error(a, b))!r}")
