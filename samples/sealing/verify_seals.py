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
import struct
import sys
import uuid

# The prediction log's payload blobs (docs/serving/prediction-log-encoding.md): raw UTF-8 JSON, or typed values
# against a schema in prediction_schemas, written back as .NET's Utf8JsonWriter writes them.
SCHEMAS = {}


def dotnet_string(text):
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch in "\n\r\t\b\f":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}[ch])
        elif ord(ch) < 0x20 or ord(ch) > 0x7E or ch in "\"<>&'+`":
            out.append("".join("\\u%04X" % u for u in struct.unpack("<%dH" % (len(ch.encode("utf-16-le")) // 2), ch.encode("utf-16-le"))))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def dotnet_number(x):
    text = repr(float(x))
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace("e", "E")


def varint(b, at):
    value, shift = 0, 0
    while True:
        byte = b[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7


def payload_text(db, blob):
    if blob is None or isinstance(blob, str):
        return blob
    b = bytes(blob)
    if not b:
        return ""
    if b[0] == 0:
        return b[1:].decode("utf-8")
    if b[0] != 1:
        return b.decode("utf-8")
    sid = struct.unpack_from("<I", b, 1)[0]
    if sid not in SCHEMAS:
        (text,) = db.execute("SELECT structure FROM prediction_schemas WHERE id = ?", (sid,)).fetchone()
        SCHEMAS[sid] = json.loads(text, object_pairs_hook=lambda pairs: ("object", pairs))
    shape = SCHEMAS[sid]
    slots = [0]

    def count(node):
        if isinstance(node, tuple):
            for _, v in node[1]:
                count(v)
        elif isinstance(node, list):
            for v in node:
                count(v)
        else:
            slots[0] += 1
    count(shape)
    state = {"slot": 0, "at": 5 + (slots[0] + 1) // 2}

    def scalar():
        i = state["slot"]
        state["slot"] += 1
        tag = (b[5 + i // 2] >> (i % 2 * 4)) & 0xF
        at = state["at"]
        if tag == 0:
            return "null"
        if tag in (1, 2):
            return "false" if tag == 1 else "true"
        if tag == 3:
            z, state["at"] = varint(b, at)
            return str((z >> 1) ^ -(z & 1))
        if tag == 4:
            state["at"] = at + 4
            return dotnet_number(struct.unpack_from("<f", b, at)[0])
        if tag == 5:
            state["at"] = at + 8
            return dotnet_number(struct.unpack_from("<d", b, at)[0])
        n, at = varint(b, at)
        state["at"] = at + n
        return dotnet_string(b[at:at + n].decode("utf-8"))

    def write(node):
        if isinstance(node, tuple):
            return "{" + ",".join(dotnet_string(k) + ":" + write(v) for k, v in node[1]) + "}"
        if isinstance(node, list):
            return "[" + ",".join(write(v) for v in node) + "]"
        return scalar()
    return write(shape)


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


def prediction_leaf(db, p):
    inputs, outputs = payload_text(db, p["inputs"]), payload_text(db, p["outputs"])
    input_digest = p["input_digest"] if p["erased_at"] is not None else sha256_hex(inputs)
    return leaf(p["id"], netstrings(
        "prediction", str(uuid.UUID(p["id"])), p["endpoint_name"], p["model_name"], str(p["model_version"]),
        str(p["timestamp"]), input_digest, sha256_hex(outputs), p["subject_hash"] or ""))


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
        leaves = b"".join([prediction_leaf(db, p) for p in predictions] + [review_leaf(r) for r in reviews])
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
