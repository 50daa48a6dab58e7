"""A KServe/Triton-style Python gRPC client of Ferry's Open Inference Protocol service.

Generates the client from the repository's proto (Debian's python3-grpc-tools), then on one endpoint: health and
metadata, ModelInfer with typed contents and with raw_input_contents, the same rows through REST's /v2 infer, the
repository index, and three errors. Prints one JSON object for the C# test to check.

usage: oip_grpc_client.py GRPC_TARGET REST_BASE TOKEN ENDPOINT TEST_CSV PROTO_DIR OUT_DIR ROWS
"""
import csv
import importlib
import json
import math
import struct
import sys
import urllib.request

grpc_target, rest_base, token, endpoint, test_csv, proto_dir, out_dir, rows = sys.argv[1:9]
rows = int(rows)

from grpc_tools import protoc  # noqa: E402

for proto in ("grpc_predict_v2.proto", "model_repository.proto"):
    code = protoc.main(["protoc", f"-I{proto_dir}", f"--python_out={out_dir}", f"--grpc_python_out={out_dir}", proto])
    if code != 0:
        raise SystemExit(f"protoc failed on {proto}")
sys.path.insert(0, out_dir)
import grpc  # noqa: E402

pb = importlib.import_module("grpc_predict_v2_pb2")
pb_grpc = importlib.import_module("grpc_predict_v2_pb2_grpc")
repo = importlib.import_module("model_repository_pb2")
repo_grpc = importlib.import_module("model_repository_pb2_grpc")

STRINGS = {"home_ownership", "loan_purpose", "employment_type"}
with open(test_csv, newline="") as f:
    reader = csv.DictReader(f)
    records = [next(reader) for _ in range(rows)]
columns = list(records[0].keys())


def value(column, text):
    if column in STRINGS:
        return text
    return float("nan") if text == "" else float(text)


data = {c: [value(c, r[c]) for r in records] for c in columns}
auth = [("authorization", f"Bearer {token}")]
channel = grpc.insecure_channel(grpc_target)
stub = pb_grpc.GRPCInferenceServiceStub(channel)
repository = repo_grpc.ModelRepositoryServiceStub(channel)
out = {}

out["live"] = stub.ServerLive(pb.ServerLiveRequest(), metadata=auth).live
out["ready"] = stub.ServerReady(pb.ServerReadyRequest(), metadata=auth).ready
server = stub.ServerMetadata(pb.ServerMetadataRequest(), metadata=auth)
out["server"] = {"name": server.name, "extensions": list(server.extensions)}
model = stub.ModelMetadata(pb.ModelMetadataRequest(name=endpoint), metadata=auth)
out["model"] = {"platform": model.platform, "inputs": {t.name: t.datatype for t in model.inputs}, "outputs": [t.name for t in model.outputs]}
out["model_ready"] = stub.ModelReady(pb.ModelReadyRequest(name=endpoint), metadata=auth).ready


def typed_request(request_id):
    request = pb.ModelInferRequest(model_name=endpoint, id=request_id)
    for c in columns:
        tensor = request.inputs.add(name=c, datatype="BYTES" if c in STRINGS else "FP32", shape=[rows, 1])
        if c in STRINGS:
            tensor.contents.bytes_contents.extend(v.encode() for v in data[c])
        else:
            tensor.contents.fp32_contents.extend(data[c])
    request.outputs.add(name="probabilities")
    return request


def raw_request(request_id):
    request = pb.ModelInferRequest(model_name=endpoint, id=request_id)
    for c in columns:
        request.inputs.add(name=c, datatype="BYTES" if c in STRINGS else "FP32", shape=[rows, 1])
        if c in STRINGS:
            request.raw_input_contents.append(b"".join(struct.pack("<I", len(v.encode())) + v.encode() for v in data[c]))
        else:
            request.raw_input_contents.append(struct.pack(f"<{rows}f", *data[c]))
    request.outputs.add(name="probabilities")
    return request


typed = stub.ModelInfer(typed_request("py-typed"), metadata=auth)
out["typed"] = {
    "id": typed.id,
    "version": typed.model_version,
    "outputs": [o.name for o in typed.outputs],
    "shape": list(typed.outputs[0].shape),
    "probabilities": list(typed.outputs[0].contents.fp32_contents),
    "prediction_ids": typed.parameters["prediction_ids"].string_param.split(","),
}
raw = stub.ModelInfer(raw_request("py-raw"), metadata=auth)
out["raw"] = {
    "datatype": raw.outputs[0].datatype,
    "probabilities": list(struct.unpack(f"<{2 * rows}f", raw.raw_output_contents[0])),
    "typed_contents_empty": not raw.outputs[0].HasField("contents"),
}

body = {"id": "py-rest", "inputs": [
    {"name": c, "datatype": "BYTES" if c in STRINGS else "FP32", "shape": [rows, 1],
     "data": [None if isinstance(v, float) and math.isnan(v) else v for v in data[c]]} for c in columns],
    "outputs": [{"name": "probabilities"}]}
http = urllib.request.Request(f"{rest_base}/v2/models/{endpoint}/infer", data=json.dumps(body).encode(), method="POST",
                              headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
with urllib.request.urlopen(http, timeout=30) as response:
    rest = json.load(response)
out["rest"] = {"probabilities": rest["outputs"][0]["data"]}

index = repository.RepositoryIndex(repo.RepositoryIndexRequest(), metadata=auth)
out["index"] = {m.name: {"version": m.version, "state": m.state} for m in index.models}


def error(call):
    try:
        call()
        return {"code": "OK", "details": ""}
    except grpc.RpcError as e:
        return {"code": e.code().name, "details": e.details()}


bad = typed_request("py-bad")
bad.inputs[0].datatype = "BYTES"
bad.inputs[0].contents.Clear()
bad.inputs[0].contents.bytes_contents.extend(str(v).encode() for v in data["income"])
unknown = typed_request("py-unknown")
unknown.model_name = "no-such-model"
out["errors"] = {
    "no_token": error(lambda: stub.ModelInfer(typed_request("x"))),
    "unknown_model": error(lambda: stub.ModelInfer(unknown, metadata=auth)),
    "bad_datatype": error(lambda: stub.ModelInfer(bad, metadata=auth)),
}
print(json.dumps(out))
