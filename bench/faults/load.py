#!/usr/bin/env python3
"""Fault load for bench/faults/run.sh: CLIENTS threads POST predictions to one endpoint, keep every id acknowledged
(200 answers), send SIGNAL to the server once AFTER ids were acknowledged, then, once the server is gone, count the
acknowledged ids missing from the SQLite file. Bounded: each thread stops at its first connection error or after
MAX_REQUESTS requests.
usage: load.py URL TOKEN ENDPOINT SERVER_PID SIGNAL DB_FILE [CLIENTS] [AFTER]"""
import http.client, json, os, signal, sqlite3, sys, threading, time, urllib.parse

url, token, endpoint, pid, sig, db_file = sys.argv[1:7]
clients = int(sys.argv[7]) if len(sys.argv) > 7 else 16
after = int(sys.argv[8]) if len(sys.argv) > 8 else 3000
MAX_REQUESTS = 5000
record = {"age": 41, "income": 52000, "employment_years": 6.5, "debt_to_income": 0.61, "credit_utilisation": 0.4,
          "open_accounts": 5, "delinquencies": 1, "loan_amount": 12000}
body = json.dumps({"records": [record, record]})
target = urllib.parse.urlparse(url)
acknowledged, lock, sent = [], threading.Lock(), threading.Event()
status = {}


def client():
    conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
    for _ in range(MAX_REQUESTS):
        try:
            conn.request("POST", f"/api/v1/endpoints/{endpoint}/predict", body,
                         {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            return
        with lock:
            status[response.status] = status.get(response.status, 0) + 1
            if response.status == 200:
                acknowledged.extend(p["id"] for p in json.loads(data)["predictions"])
            if len(acknowledged) >= after and not sent.is_set():
                sent.set()
                os.kill(int(pid), getattr(signal, sig))


threads = [threading.Thread(target=client) for _ in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if not sent.is_set():
    sys.exit(f"only {len(acknowledged)} ids were acknowledged; no signal sent (answers: {status})")
for _ in range(600):  # the server's exit (SIGTERM drains), at most 60 s
    try:
        os.kill(int(pid), 0)
        time.sleep(0.1)
    except ProcessLookupError:
        break
db = sqlite3.connect(db_file)
stored = {row[0].lower() for row in db.execute("SELECT id FROM predictions WHERE endpoint_name = ?", (endpoint,))}
lost = sum(1 for i in acknowledged if i.lower() not in stored)
print(f"acknowledged={len(acknowledged)} lost={lost} stored={len(stored)} answers={status}")
