"""Seeds an endpoint's prediction log by serving, then times the log's read paths (see run.sh). Standard library only.

usage: reads.py URL TOKEN ENDPOINT ROWS TEST_CSV SERVER_PID WORKDIR
"""
import csv
import http.client
import json
import random
import statistics
import sys
import threading
import time
import urllib.parse

url, token, endpoint, total, test_csv, server_pid, work = sys.argv[1:8]
total = int(total)
parsed = urllib.parse.urlparse(url)
conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=600)
auth = {"Authorization": f"Bearer {token}"}
CATEGORICAL = {"home_ownership", "loan_purpose", "employment_type"}


def request(method, path, body=None):
    headers = dict(auth)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def load_records():
    with open(test_csv, newline="") as f:
        reader = csv.DictReader(f)
        out = []
        for row in reader:
            out.append({k: (v if k in CATEGORICAL else (float(v) if v != "" else None)) for k, v in row.items()})
    labels_path = test_csv.replace("test.csv", "test_labels.csv")
    with open(labels_path, newline="") as f:
        labels = [r["default"] for r in csv.DictReader(f)]
    return out, labels


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def rss_kib(field):
    with open(f"/proc/{server_pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


records, truth = load_records()
results = []

# 1. Seed by serving: 1,000-row requests; a 503 (log full) is retried after a pause and counted.
base = f"/api/v1/endpoints/{endpoint}"
sampled = []  # every 10th id with its true label: feedback and lookups use these
refusals = 0
sent = 0
started = time.perf_counter()
while sent < total:
    n = min(1000, total - sent)
    offset = sent % len(records)
    batch = [records[(offset + i) % len(records)] for i in range(n)]
    status, body = request("POST", base + "/predict", {"records": batch})
    if status == 503:
        refusals += 1
        time.sleep(0.2)
        continue
    if status != 200:
        sys.exit(f"predict answered {status}: {body[:300]!r}")
    predictions = json.loads(body)["predictions"]
    for i in range(0, n, 10):
        sampled.append((predictions[i]["id"], truth[(offset + i) % len(records)]))
    sent += n
seed_s = time.perf_counter() - started
print(f"# seeded {sent:,} rows by serving in {seed_s:.1f} s ({sent / seed_s:,.0f} rows/s incl. the Python client), "
      f"{refusals} refused requests retried", file=sys.stderr)

# Wait until the log holds the last row (the lookup waits for queued rows), then post feedback for 10 %.
for _ in range(600):
    status, _ = request("GET", f"{base}/predictions/{sampled[-1][0]}")
    if status == 200:
        break
    time.sleep(0.5)
started = time.perf_counter()
for i in range(0, len(sampled), 1000):
    chunk = sampled[i:i + 1000]
    status, body = request("POST", base + "/feedback", {"feedback": [{"predictionId": p, "label": l} for p, l in chunk]})
    if status != 200:
        sys.exit(f"feedback answered {status}: {body[:300]!r}")
print(f"# feedback for {len(sampled):,} rows in {time.perf_counter() - started:.1f} s", file=sys.stderr)

rng = random.Random(16)

# 2. Lookup by prediction id.
ids = [p for p, _ in rng.sample(sampled, min(1000, len(sampled)))]
request("GET", f"{base}/predictions/{ids[0]}")
latencies = []
for p in ids:
    t = time.perf_counter()
    status, _ = request("GET", f"{base}/predictions/{p}")
    latencies.append((time.perf_counter() - t) * 1e3)
    assert status == 200, status
results.append(("lookup by id (GET /predictions/{id}, 1,000 random)", f"p50 {pct(latencies, .5):.2f} ms", f"p99 {pct(latencies, .99):.2f} ms"))

# 3. Explanation of a logged prediction.
ids = [p for p, _ in rng.sample(sampled, min(200, len(sampled)))]
request("GET", f"{base}/predictions/{ids[0]}/explanation")
latencies = []
for p in ids:
    t = time.perf_counter()
    status, body = request("GET", f"{base}/predictions/{p}/explanation")
    latencies.append((time.perf_counter() - t) * 1e3)
    assert status == 200, (status, body[:200])
results.append(("explanation of a logged prediction (200 random)", f"p50 {pct(latencies, .5):.2f} ms", f"p99 {pct(latencies, .99):.2f} ms"))

# 4. Monitoring window with feedback: the monitor run reads the window through IWindowPredictionStore.
times = []
for _ in range(3):
    t = time.perf_counter()
    status, body = request("POST", "/api/v1/monitors/bench-reads/run")
    times.append(time.perf_counter() - t)
    assert status == 200, (status, body[:300])
report = json.loads(body)
drift = (report.get("report") or report).get("drift") or {}
results.append(("monitor run, 1-day window with feedback (3 runs)", f"median {statistics.median(times):.2f} s",
                f"statistics={drift.get('statistics')} exactRows={drift.get('exactRows')}"))

# 5. Export of the day.
peak = [rss_kib("VmRSS")]
before = peak[0]
stop = threading.Event()


def sample():
    while not stop.is_set():
        peak[0] = max(peak[0], rss_kib("VmRSS"))
        time.sleep(0.05)


sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
now_ms = int(time.time() * 1000)
t = time.perf_counter()
conn.request("GET", f"{base}/predictions/export?from={now_ms - 86_400_000}&to={now_ms + 60_000}", headers=auth)
response = conn.getresponse()
assert response.status == 200, response.status
size = 0
first = None
with open(f"{work}/day.parquet", "wb") as out:
    while True:
        chunk = response.read(1 << 20)
        if not chunk:
            break
        if first is None:
            first = time.perf_counter() - t
        size += len(chunk)
        out.write(chunk)
elapsed = time.perf_counter() - t
stop.set()
sampler.join()
results.append((f"export of the day ({sent:,} rows, {size / 1e6:.1f} MB)", f"{sent / elapsed:,.0f} rows/s, {size / 1e6 / elapsed:.1f} MB/s",
                f"{elapsed:.1f} s; server RSS {before / 1024:.0f} -> peak {peak[0] / 1024:.0f} MiB"))

print()
print(f"| read path ({sent:,} logged rows) | figure | detail |")
print("|---|---|---|")
for name, a, b in results:
    print(f"| {name} | {a} | {b} |")
