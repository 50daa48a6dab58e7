"""Writes reference.csv and current.csv: ROWS rows x 12 numeric columns each (4 decimals), half the columns shifted."""
import sys

import numpy as np
import pandas as pd

folder, rows = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = np.random.default_rng(15)
for name, shift in (("reference", 0.0), ("current", 1.0)):
    columns = {}
    for k in range(12):
        moved = shift * (0.05 * k if k % 2 else 0.0)
        if k % 3 == 0:
            values = rng.normal(50 + moved, 10, rows)
        elif k % 3 == 1:
            values = rng.lognormal(1 + moved / 10, 0.6, rows)
        else:
            values = rng.integers(0, 1000, rows) + moved
        columns[f"f{k:02d}"] = np.round(values, 4)
    pd.DataFrame(columns).to_csv(f"{folder}/{name}.csv", index=False)
