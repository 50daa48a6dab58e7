#!/usr/bin/python3
"""Deterministic credit-like data for bench/monitoring/run.sh: a reference and a current CSV with 12 features
(8 numeric, 4 categorical). The current data has an economic shock (income down, debt-to-income and utilisation up,
more delinquencies, more 60-month loans) and a new loan purpose; other features are unchanged.

usage: generate.py OUT_DIR [REFERENCE_ROWS] [CURRENT_ROWS]
"""
import os
import sys

import numpy as np
import pandas as pd


def frame(rng, rows, shocked):
    age = np.clip(np.round(rng.normal(40, 12, rows)), 18, 90)
    income = np.round(np.exp(rng.normal(np.log(50_000), 0.5, rows)) * (0.9 if shocked else 1.0), 2)
    employment = np.round(rng.exponential(6, rows), 3)
    employment[rng.random(rows) < 0.02] = np.nan
    dti = np.round(np.clip(rng.normal(0.35 if shocked else 0.30, 0.1, rows), 0, 1), 4)
    utilisation = np.round(rng.beta(2.5 if shocked else 2.0, 5, rows), 4)
    open_accounts = rng.poisson(6, rows).astype(float)
    delinquencies = rng.poisson(0.6 if shocked else 0.4, rows).astype(float)
    loan = np.round(np.exp(rng.normal(np.log(12_000), 0.6, rows)), 2)
    term = np.where(rng.random(rows) < (0.6 if shocked else 0.7), "36 months", "60 months")
    purposes = ["car", "home", "education", "debt_consolidation", "business"]
    weights = [0.2, 0.15, 0.1, 0.45, 0.1]
    if shocked:
        purposes = purposes + ["crypto"]
        weights = [0.19, 0.15, 0.1, 0.43, 0.1, 0.03]
    purpose = rng.choice(purposes, rows, p=weights)
    ownership = rng.choice(["rent", "own", "mortgage"], rows, p=[0.4, 0.2, 0.4])
    region = rng.choice([f"region_{i}" for i in range(10)], rows).astype(object)
    region[rng.random(rows) < 0.01] = None
    return pd.DataFrame({
        "age": age, "income": income, "employment_years": employment, "debt_to_income": dti,
        "credit_utilisation": utilisation, "open_accounts": open_accounts, "delinquencies": delinquencies,
        "loan_amount": loan, "term": term, "purpose": purpose, "home_ownership": ownership, "region": region,
    })


def main():
    out = sys.argv[1]
    reference_rows = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    current_rows = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20261122)
    frame(rng, reference_rows, shocked=False).to_csv(os.path.join(out, "reference.csv"), index=False)
    frame(rng, current_rows, shocked=True).to_csv(os.path.join(out, "current.csv"), index=False)


if __name__ == "__main__":
    main()
