"""The MLflow 3.11 client flow, as a notebook runs it, against the server in MLFLOW_TRACKING_URI.

usage: mlflow3_flow.py EXPERIMENT_NAME MODEL_NAME
(MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN; FERRY_APPROVER_TOKEN for the alias on Ferry)
Prints one JSON object: every answer the flow checks. The same script runs against MLflow's own server.
"""
import json
import os
import sys
import tempfile
import warnings

warnings.filterwarnings("ignore")
import numpy as np  # noqa: E402
import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.exceptions import MlflowException  # noqa: E402
from skl2onnx import to_onnx  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

experiment_name, model_name = sys.argv[1], sys.argv[2]
out = {}
client = MlflowClient()


def error_of(call):
    try:
        call()
    except MlflowException as e:
        return e.error_code
    return None


rng = np.random.default_rng(7)
X = rng.normal(size=(200, 4)).astype(np.float32)
y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
pipeline = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
onnx_model = to_onnx(pipeline, X[:1], options={id(pipeline.steps[-1][1]): {"zipmap": False}}, target_opset=15)

experiment_id = mlflow.set_experiment(experiment_name).experiment_id
with mlflow.start_run(run_name="mlflow3-flow") as run:
    run_id = run.info.run_id
    mlflow.log_params({"C": "1.0", "scaler": "standard"})
    for step, value in enumerate([0.5, 0.7, 0.9]):
        mlflow.log_metric("acc", value, step=step)
    mlflow.log_text("trained on synthetic data\n", "notes/readme.txt")
    info = mlflow.sklearn.log_model(pipeline, name="model", input_example=X[:2])
    # The ONNX export beside the pickle, in the logged model's own artifacts: what Ferry serves.
    with tempfile.TemporaryDirectory() as folder:
        onnx_path = os.path.join(folder, "model.onnx")
        with open(onnx_path, "wb") as f:
            f.write(onnx_model.SerializeToString())
        client.log_model_artifact(info.model_id, onnx_path)
    challenger = mlflow.sklearn.log_model(make_pipeline(StandardScaler(), LogisticRegression(C=0.1)).fit(X, y), name="challenger")
    mlflow.log_metric("final_acc", 0.93, model_id=challenger.model_id)

model_id = info.model_id
out["model_id_prefix"] = model_id[:2]
out["model_uri"] = info.model_uri == f"models:/{model_id}"
logged = mlflow.get_logged_model(model_id)
out["logged_name"] = logged.name
out["logged_status"] = str(logged.status)
out["logged_source_run"] = logged.source_run_id == run_id
out["logged_experiment"] = logged.experiment_id == experiment_id
out["logged_artifact_location"] = logged.artifact_location.replace(model_id, "<id>").replace(experiment_id, "<exp>", 1)
out["logged_params"] = dict(sorted(logged.params.items()))
out["logged_metrics"] = sorted((m.key, m.value, m.step) for m in logged.metrics)
out["logged_model_type"] = logged.model_type
onnx_logged = mlflow.get_logged_model(challenger.model_id)
out["challenger_metrics"] = sorted((m.key, m.value) for m in onnx_logged.metrics)

got = client.get_run(run_id)
out["run_outputs"] = sorted(o.model_id == model_id or o.model_id == challenger.model_id for o in got.outputs.model_outputs)
out["run_output_steps"] = [o.step for o in got.outputs.model_outputs]
out["run_params"] = dict(sorted(got.data.params.items()))
out["run_metrics"] = dict(sorted(got.data.metrics.items()))
out["run_artifacts"] = sorted(a.path for a in client.list_artifacts(run_id))

# Tags on logged models.
client.set_logged_model_tags(model_id, {"team": "risk", "stage": "dev"})
client.delete_logged_model_tag(model_id, "stage")
out["logged_tags"] = {k: v for k, v in sorted(mlflow.get_logged_model(model_id).tags.items()) if not k.startswith("mlflow.")}

# Search logged models: filter and order.
found = mlflow.search_logged_models(experiment_ids=[experiment_id], filter_string="name = 'model'", output_format="list")
out["search_by_name"] = [m.model_id == model_id for m in found]
found = mlflow.search_logged_models(experiment_ids=[experiment_id], filter_string="params.C = '1.0' AND tags.team = 'risk'", output_format="list")
out["search_by_param_and_tag"] = [m.name for m in found]
found = mlflow.search_logged_models(experiment_ids=[experiment_id], order_by=[{"field_name": "name", "ascending": False}], output_format="list")
out["search_order_name_desc"] = [m.name for m in found]
found = mlflow.search_logged_models(experiment_ids=[experiment_id], filter_string="metrics.final_acc > 0.9", output_format="list")
out["search_by_metric"] = [m.name for m in found]
page = client.search_logged_models(experiment_ids=[experiment_id], max_results=1, order_by=[{"field_name": "creation_timestamp", "ascending": True}])
page2 = client.search_logged_models(experiment_ids=[experiment_id], max_results=1, page_token=page.token, order_by=[{"field_name": "creation_timestamp", "ascending": True}])
out["search_pages"] = [[m.name for m in page], page.token is not None, [m.name for m in page2]]

# Register from runs:/ (resolved through the logged model) and from models:/<model_id>.
v1 = mlflow.register_model(f"runs:/{run_id}/model", model_name)
out["v1"] = [v1.version, v1.source == f"models:/{model_id}", v1.model_id == model_id, v1.run_id == run_id]
v2 = mlflow.register_model(f"models:/{challenger.model_id}", model_name)
out["v2"] = [v2.version, v2.source == f"models:/{challenger.model_id}", v2.model_id == challenger.model_id]
out["model_versions_tag"] = json.loads(mlflow.get_logged_model(challenger.model_id).tags.get("mlflow.modelVersions", "[]"))

# Ferry protects aliases: the approver's token (FERRY_APPROVER_TOKEN, absent against MLflow) moves them.
scientist_token = os.environ.get("MLFLOW_TRACKING_TOKEN")
if os.environ.get("FERRY_APPROVER_TOKEN"):
    os.environ["MLFLOW_TRACKING_TOKEN"] = os.environ["FERRY_APPROVER_TOKEN"]
client.set_registered_model_alias(model_name, "champion", v1.version)
if scientist_token:
    os.environ["MLFLOW_TRACKING_TOKEN"] = scientist_token
out["alias"] = client.get_model_version_by_alias(model_name, "champion").version
with tempfile.TemporaryDirectory() as folder:
    loaded = mlflow.pyfunc.load_model(f"models:/{model_name}@champion", dst_path=folder)
    out["pyfunc_predict"] = np.asarray(loaded.predict(X[:5])).tolist()
    out["pyfunc_files"] = sorted(os.listdir(folder))
out["sklearn_predict"] = pipeline.predict(X[:5]).tolist()

# Errors.
out["error_missing_run"] = error_of(lambda: client.get_run("0" * 32))
out["error_missing_logged_model"] = error_of(lambda: mlflow.get_logged_model("m-" + "0" * 32))
out["error_duplicate_model"] = error_of(lambda: client.create_registered_model(model_name))
out["error_register_missing"] = error_of(lambda: mlflow.register_model(f"runs:/{run_id}/nothing-here", model_name))

# Delete a logged model: search no longer sees it; get answers not found.
client.delete_logged_model(challenger.model_id)
out["after_delete"] = [m.name for m in mlflow.search_logged_models(experiment_ids=[experiment_id], output_format="list")]
out["get_deleted"] = error_of(lambda: mlflow.get_logged_model(challenger.model_id))
print(json.dumps(out, sort_keys=True))
