"""CI step: train the credit-risk model, log it with the mlflow client, register it in Ferry, upload its evaluation data.

The data and the model are the credit sample's (samples/notebook/credit_risk_notebook.py, after
samples/CreditRisk's documented ground truth): a scikit-learn GradientBoostingClassifier behind one-hot categoricals,
exported to ONNX with skl2onnx. Then:
  1. one MLflow run (params, metrics, the ONNX file and an MLmodel) through Ferry's MLflow API;
  2. `mlflow.register_model("runs:/<run>/model", NAME)`: a new version, whose signature Ferry reads from the graph;
  3. the holdout rows with their labels as the version's reference (PUT /api/v1/models/NAME/versions/V/reference),
     the labelled data Ferry's quality gates evaluate the candidate and the champion on.
Prints only `version=<V>` and `run_id=<id>` on stdout (append them to $GITHUB_OUTPUT); everything else goes to stderr.

Environment: MLFLOW_TRACKING_URI (Ferry's URL) and MLFLOW_TRACKING_TOKEN (a scientist token).
Usage: python train_register.py --model credit-risk-sklearn [--experiment credit-risk-ci] [--rows 20000] [--seed 42]
"""

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import mlflow
import numpy as np
import onnx
import pandas as pd
import requests
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType, StringTensorType
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.metrics import accuracy_score, brier_score_loss, log_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

NUMERIC = ["age", "income", "employment_years", "debt_to_income", "credit_utilization", "open_accounts",
           "delinquencies", "loan_amount", "term"]
CATEGORICAL = ["purpose", "home_ownership", "region"]
FEATURES = NUMERIC + CATEGORICAL
PURPOSE_EFFECT = {"debt_consolidation": 0.15, "credit_card": 0.1, "home_improvement": -0.15, "car": -0.1,
                  "small_business": 0.55, "medical": 0.25, "education": 0.2}
PURPOSE_WEIGHTS = {"debt_consolidation": 0.38, "credit_card": 0.22, "home_improvement": 0.12, "car": 0.1,
                   "small_business": 0.06, "medical": 0.07, "education": 0.05}
HOME_EFFECT = {"rent": 0.2, "mortgage": -0.1, "own": -0.3}
HOME_WEIGHTS = {"rent": 0.4, "mortgage": 0.45, "own": 0.15}
REGION_EFFECT = {"north": -0.1, "south": 0.1, "east": 0.0, "west": -0.05}
REGION_WEIGHTS = {"north": 0.3, "south": 0.25, "east": 0.25, "west": 0.2}


def log(message):
    print(message, file=sys.stderr, flush=True)


def pick(rng, weights, n):
    names = list(weights)
    p = np.array([weights[k] for k in names])
    return rng.choice(names, size=n, p=p / p.sum())


def applications(n, seed):
    """n loan applications and whether each defaulted (the credit sample's logistic ground truth)."""
    rng = np.random.default_rng(seed)
    age = np.round(np.clip(rng.normal(42, 12, n), 21, 80))
    income = np.round(np.clip(np.exp(rng.normal(np.log(55000), 0.45, n)) * (0.8 + 0.01 * np.minimum(age - 21, 25)), 12000, 400000))
    frame = pd.DataFrame({
        "age": age, "income": income,
        "employment_years": np.round(np.clip(rng.normal((age - 21) * 0.3, 3.5), 0, age - 18), 1),
        "debt_to_income": np.round(np.clip(rng.normal(0.30, 0.12, n), 0.01, 0.95), 3),
        "credit_utilization": np.round(np.clip(rng.normal(0.35, 0.2, n), 0, 1), 3),
        "open_accounts": np.round(np.clip(rng.normal(8, 3, n), 0, 30)),
        "delinquencies": np.minimum(rng.geometric(0.78, n) - 1, 10).astype(float),
        "loan_amount": np.round(np.clip(np.exp(rng.normal(np.log(15000), 0.6, n)), 1000, 100000) / 100) * 100,
        "term": np.where(rng.random(n) < 0.7, 36.0, 60.0),
        "purpose": pick(rng, PURPOSE_WEIGHTS, n),
        "home_ownership": pick(rng, HOME_WEIGHTS, n),
        "region": pick(rng, REGION_WEIGHTS, n),
    })
    z = (-2.6 - 0.02 * (frame.age - 40) - 0.9 * np.log(frame.income / 55000)
         - 0.05 * np.minimum(frame.employment_years, 20) + 3.0 * (frame.debt_to_income - 0.30)
         + 2.0 * (frame.credit_utilization - 0.35) + 0.03 * (frame.open_accounts - 8) + 0.5 * frame.delinquencies
         + 0.3 * np.log(frame.loan_amount / 15000) + 0.35 * (frame.term >= 60)
         + frame.purpose.map(PURPOSE_EFFECT) + frame.home_ownership.map(HOME_EFFECT) + frame.region.map(REGION_EFFECT))
    frame["default"] = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return frame


def records(frame):
    return [{**{c: float(row[c]) for c in NUMERIC}, **{c: str(row[c]) for c in CATEGORICAL}}
            for row in frame[FEATURES].to_dict(orient="records")]


def git_commit():
    sha = os.environ.get("GITHUB_SHA")
    if sha:
        return sha
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--experiment", default="credit-risk-ci")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", default=tempfile.mkdtemp(prefix="ferry-ci-"))
    parser.add_argument("--reference-rows", type=int, default=5_000)
    args = parser.parse_args()

    url = os.environ.get("MLFLOW_TRACKING_URI", "").rstrip("/")
    token = os.environ.get("MLFLOW_TRACKING_TOKEN", "").strip()
    if not url or not token:
        sys.exit("MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN must name Ferry and a scientist token")

    data = applications(args.rows, args.seed)
    train, holdout = train_test_split(data, test_size=0.2, random_state=args.seed, stratify=data["default"])
    params = {"n_estimators": 150, "max_depth": 3, "learning_rate": 0.1, "random_state": args.seed}
    model = Pipeline([
        ("features", ColumnTransformer([
            ("numeric", "passthrough", NUMERIC),
            ("categories", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
        ])),
        ("gbm", GradientBoostingClassifier(**params)),
    ])
    model.fit(train[FEATURES], train["default"])
    p = model.predict_proba(holdout[FEATURES])[:, 1]
    metrics = {
        "auc": roc_auc_score(holdout["default"], p),
        "accuracy": accuracy_score(holdout["default"], p >= 0.5),
        "log_loss": log_loss(holdout["default"], p),
        "brier": brier_score_loss(holdout["default"], p),
    }
    log(f"trained on {len(train):,} rows: " + ", ".join(f"{k} {v:.4f}" for k, v in metrics.items()))

    initial_types = ([(c, FloatTensorType([None, 1])) for c in NUMERIC]
                     + [(c, StringTensorType([None, 1])) for c in CATEGORICAL])
    onnx_model = convert_sklearn(model, "credit_risk", initial_types=initial_types, target_opset={"": 15, "ai.onnx.ml": 3})
    model_dir = Path(args.output) / "model"
    model_dir.mkdir(parents=True, exist_ok=True)
    (model_dir / "credit.onnx").write_bytes(onnx_model.SerializeToString())
    (model_dir / "MLmodel").write_text(
        f"artifact_path: model\nflavors:\n  onnx:\n    data: credit.onnx\n    onnx_version: {onnx.__version__}\n")

    commit = git_commit()
    mlflow.set_tracking_uri(url)
    mlflow.set_experiment(args.experiment)
    with mlflow.start_run(run_name=f"ci-{commit[:12]}") as run:
        mlflow.log_params({**params, "rows": args.rows, "seed": args.seed})
        mlflow.log_metrics(metrics)
        mlflow.set_tags({"git_commit": commit, "ci": os.environ.get("GITHUB_RUN_ID", "local")})
        mlflow.log_artifact(str(model_dir / "credit.onnx"), artifact_path="model")
        mlflow.log_artifact(str(model_dir / "MLmodel"), artifact_path="model")
    version = int(mlflow.register_model(f"runs:/{run.info.run_id}/model", args.model).version)
    log(f"registered {args.model} version {version} from run {run.info.run_id}")

    reference = holdout.head(args.reference_rows)
    response = requests.put(
        f"{url}/api/v1/models/{args.model}/versions/{version}/reference",
        headers={"Authorization": f"Bearer {token}"},
        json={"records": records(reference), "labels": [int(v) for v in reference["default"]],
              "source": f"holdout of run {run.info.run_id} ({commit})"},
        timeout=600,
    )
    if response.status_code >= 400:
        sys.exit(f"uploading the reference failed: {response.status_code} {response.text}")
    log(f"reference: {response.json().get('rows')} labelled rows")
    return {"version": version, "run_id": run.info.run_id}


if __name__ == "__main__":
    # mlflow prints links on stdout; keep stdout for the key=value lines $GITHUB_OUTPUT takes.
    outputs = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):
        result = main()
    print("\n".join(f"{k}={v}" for k, v in result.items()), file=outputs)
