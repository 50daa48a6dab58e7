# The real MLflow client with two team tokens: team A logs, uploads and registers; team B sees none of it and is refused.
# Prints one JSON line of answers that TeamClientFlowTests asserts on.
import json, os, sys, tempfile
import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
uri = os.environ["MLFLOW_TRACKING_URI"]
mlflow.set_tracking_uri(uri)
out = {}
os.environ["MLFLOW_TRACKING_TOKEN"] = os.environ["FERRY_TEAM_A_TOKEN"]   # alice, team-a
exp = mlflow.set_experiment(sys.argv[1])
with mlflow.start_run() as run:
    mlflow.log_param("depth", 6); mlflow.log_metric("auc", 0.9)
    p = os.path.join(tempfile.mkdtemp(), "notes.txt"); open(p, "w").write("hi")
    mlflow.log_artifact(p)
c = MlflowClient()
c.create_registered_model(sys.argv[2])
out["alice_runs"] = len(mlflow.search_runs([exp.experiment_id]))
out["alice_artifacts"] = [f.path for f in c.list_artifacts(run.info.run_id)]
out["alice_download"] = open(mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="notes.txt")).read()
out["alice_models"] = [m.name for m in c.search_registered_models()]
os.environ["MLFLOW_TRACKING_TOKEN"] = os.environ["FERRY_TEAM_B_TOKEN"]   # bob, team-b
c = MlflowClient()
out["bob_experiments"] = [e.name for e in c.search_experiments()]
out["bob_models"] = [m.name for m in c.search_registered_models()]
out["bob_runs"] = len(c.search_runs([exp.experiment_id]))
for name, call in [("get_run", lambda: c.get_run(run.info.run_id)), ("log_metric", lambda: c.log_metric(run.info.run_id, "auc", 0.1)),
                   ("get_experiment", lambda: c.get_experiment(exp.experiment_id)), ("list_artifacts", lambda: c.list_artifacts(run.info.run_id)),
                   ("download", lambda: mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="notes.txt")),
                   ("get_model", lambda: c.get_registered_model(sys.argv[2])), ("delete_model", lambda: c.delete_registered_model(sys.argv[2]))]:
    try:
        call(); out[name] = "allowed"
    except MlflowException as e:
        out[name] = e.error_code
    except Exception as e:
        out[name] = type(e).__name__ + ": " + str(e)[:80]
print(json.dumps(out))
