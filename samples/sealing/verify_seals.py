"""Re-verifies Ferry's prediction-log seals from a SQLite database with the standard library only.

Usage: python3 verify_seals.py FERRY_DB_PATH ENDPOINT

For each seal of ENDPOINT (table prediction_seals) it recomputes the leaves from the predictions and
prediction_reviews tables as docs/oversight/sealing.md describes, compares them with the stored leaves,
checks digest = SHA-256(leaves) and that a predictions.seal audit event carries that digest. Prints one
JSON object: {"seals": n, "valid": bool, "digests": [...], "problem": text or null}; exit code 1 when invalid.
"""
import hashlib
import json
import sqlite3
import sys
import uuid


def netstrings(*fields):
    out = b""
    for field in fields:
        data = field.encode("utf-8")
        out += str(len(data)).encode("ascii") + b":" + data + b","
    return out


def sha256_hex(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def leaf(row_id, canonical):
    return uuid.UUID(row_id).bytes + hashlib.sha256(canonical).digest()[:16]


def prediction_leaf(p):
    input_digest = p["input_digest"] if p["erased_at"] is not None else sha256_hex(p["inputs_json"])
    return leaf(p["id"], netstrings(
        "prediction", str(uuid.UUID(p["id"])), p["endpoint_name"], p["model_name"], str(p["model_version"]),
        str(p["timestamp"]), input_digest, sha256_hex(p["outputs_json"]), p["subject_hash"] or ""))


def review_leaf(r):
    return leaf(r["id"], netstrings(
        "review", str(uuid.UUID(r["id"])), str(uuid.UUID(r["prediction_id"])), r["action"].lower(),
        r["outcome"] or "", r["reason"], r["actor"], str(r["created_at"])))


def main(path, endpoint):
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    audited = set()
    for (summary,) in db.execute(
            "SELECT summary FROM audit_events WHERE action = 'predictions.seal' AND target = ?", ("endpoint/" + endpoint,)):
        audited.add(json.loads(summary)["digest"])
    seals = db.execute('SELECT * FROM prediction_seals WHERE endpoint_name = ? ORDER BY "from"', (endpoint,)).fetchall()
    digests, problem = [], None
    for seal in seals:
        span = (endpoint, seal["from"], seal["to"])
        predictions = db.execute(
            "SELECT * FROM predictions WHERE endpoint_name = ? AND timestamp >= ? AND timestamp < ?", span).fetchall()
        reviews = db.execute(
            "SELECT * FROM prediction_reviews WHERE endpoint_name = ? AND created_at >= ? AND created_at < ?", span).fetchall()
        predictions.sort(key=lambda p: (p["timestamp"], uuid.UUID(p["id"]).bytes))
        reviews.sort(key=lambda r: (r["created_at"], uuid.UUID(r["id"]).bytes))
        leaves = b"".join([prediction_leaf(p) for p in predictions] + [review_leaf(r) for r in reviews])
        digest = hashlib.sha256(leaves).hexdigest()
        digests.append(digest)
        if problem is None:
            if leaves != bytes(seal["leaves"]):
                problem = "seal from %d: recomputed leaves differ from the stored leaves" % seal["from"]
            elif digest != seal["digest"]:
                problem = "seal from %d: digest differs" % seal["from"]
            elif digest not in audited:
                problem = "seal from %d: no predictions.seal audit event carries its digest" % seal["from"]
    print(json.dumps({"seals": len(seals), "valid": problem is None and len(seals) > 0, "digests": digests, "problem": problem}))
    return 0 if problem is None and seals else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
