"""The scipy/pandas recomputation of ferry drift's statistics for one method on every column; prints JSON."""
import json
import sys

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

reference_path, current_path, method = sys.argv[1:4]
reference = pd.read_csv(reference_path)
current = pd.read_csv(current_path)
out = {}
for column in reference.columns:
    r = reference[column].dropna().to_numpy(dtype=float)
    c = current[column].dropna().to_numpy(dtype=float)
    if method == "ks":
        res = stats.ks_2samp(r, c)
        out[column] = [float(res.statistic), float(res.pvalue)]
    elif method == "wasserstein":
        out[column] = [float(stats.wasserstein_distance(r, c) / max(np.std(r), 0.001))]
    else:
        edges = np.unique(np.quantile(r, np.arange(1, 10) / 10))
        rb = np.bincount(np.searchsorted(edges, r, side="left"), minlength=len(edges) + 1)
        cb = np.bincount(np.searchsorted(edges, c, side="left"), minlength=len(edges) + 1)
        if method == "jensenshannon":
            out[column] = [float(jensenshannon(rb, cb))]
        else:
            rp, cp = rb / rb.sum(), cb / cb.sum()
            rp, cp = np.where(rp == 0, 0.0001, rp), np.where(cp == 0, 0.0001, cp)
            out[column] = [float(np.sum((rp - cp) * np.log(rp / cp)))]
print(json.dumps(out))
