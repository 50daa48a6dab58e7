"""Writes the serving benchmark's request bodies from the shared credit data's test.csv: the first N rows as MLflow's
dataframe_split (for MLflow's /invocations and Ferry's) and as Ferry's native {"records": [...]}. Empty CSV fields
(missing values) become JSON null in both; numbers are written as read, strings as strings.
    python3 make_bodies.py TEST_CSV OUT_DIR ROWS...
"""
import csv
import json
import sys

TEXT = {"home_ownership", "loan_purpose", "employment_type"}
path, out, counts = sys.argv[1], sys.argv[2], [int(n) for n in sys.argv[3:]]
with open(path, newline="") as f:
    reader = csv.reader(f)
    columns = next(reader)
    rows = [
        [value if name in TEXT else (None if value == "" else float(value)) for name, value in zip(columns, line)]
        for _, line in zip(range(max(counts)), reader)
    ]
for n in counts:
    with open(f"{out}/split_{n}.json", "w") as f:
        json.dump({"dataframe_split": {"columns": columns, "data": rows[:n]}}, f, separators=(",", ":"))
    with open(f"{out}/records_{n}.json", "w") as f:
        json.dump({"records": [dict(zip(columns, row)) for row in rows[:n]]}, f, separators=(",", ":"))
