#!/usr/bin/python3
"""Times one reference build over HTTP: PUT .../reference (202 with the job), then long polls of .../reference/job?wait=
until the job ends. Rows are the shared train.csv's, cycled to ROWS, with their `default` labels; an empty numeric cell
is sent as the median the graph's Imputer puts in its place (the API refuses NaN for these inputs).

    put_reference.py URL TOKEN MODEL VERSION ROWS
"""
import csv
import json
import os
import sys
import time
import urllib.request

import onnx

url, token, model, version, rows = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
shared = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "models")
categorical = {"home_ownership", "loan_purpose", "employment_type"}
graph = onnx.load(os.path.join(shared, "gbc_pipeline.onnx")).graph
imputer = next(n for n in graph.node if n.op_type == "Imputer")
medians = next(a for a in imputer.attribute if a.name == "imputed_value_floats").floats
with open(os.path.join(shared, "train.csv")) as f:
    reader = csv.reader(f)
    header = next(reader)
    table = list(reader)
features = header[:20]
numeric = [c for c in features if c not in categorical]
records, labels = [], []
for i in range(rows):
    cells = table[i % len(table)]
    record = {}
    for j, name in enumerate(features):
        if name in categorical:
            record[name] = cells[j]
        else:
            record[name] = float(cells[j]) if cells[j] else float(medians[numeric.index(name)])
    records.append(record)
    labels.append(cells[header.index("default")])
body = json.dumps({"records": records, "labels": labels, "source": "bench"}).encode()
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
path = f"{url}/api/v1/models/{model}/versions/{version}/reference"

start = time.perf_counter()
with urllib.request.urlopen(urllib.request.Request(path, data=body, headers=headers, method="PUT")) as response:
    assert response.status == 202, response.status
    job = json.load(response)
accepted = time.perf_counter() - start
while job["state"] in ("queued", "running"):
    with urllib.request.urlopen(urllib.request.Request(path + "/job?wait=30", headers=headers)) as response:
        job = json.load(response)
elapsed = time.perf_counter() - start
assert job["state"] == "succeeded", job
print(json.dumps({"model": model, "rows": rows, "accepted_s": round(accepted, 3), "succeeded_s": round(elapsed, 3)}))
