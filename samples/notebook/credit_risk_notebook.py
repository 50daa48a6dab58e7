"""Credit risk, from a notebook to production with Ferry.

A notebook written as a script: each "# %%" line starts a cell (VS Code, PyCharm and Jupytext open it as a
notebook), and `python credit_risk_notebook.py` runs it top to bottom. The guide that walks through it is
docs/notebook-to-production.md.

What it does:
  1. draws a synthetic credit-risk data set (the 12 features of samples/CreditRisk, same names and types);
  2. trains a scikit-learn GradientBoostingClassifier behind a ColumnTransformer (one-hot categoricals);
  3. exports it to ONNX with skl2onnx;
  4. tracks the run with the unchanged `mlflow` client (params, metrics, the ONNX file) and registers it;
  5. then uses Ferry's own API (/api/v1) with `requests`: reference profile, deploy, predict with explanations,
     feedback, a monitor, the model card.

Needs Python 3.9+ and these packages: mlflow, scikit-learn, skl2onnx, onnx, pandas, numpy, requests.
Needs a running Ferry server (`./ferry server`, or `./ferry quickstart`) and a token with the scientist role:

    export MLFLOW_TRACKING_URI=http://127.0.0.1:5077
    export MLFLOW_TRACKING_TOKEN=$(./ferry tokens create --name notebook --role scientist | tail -n 1)

Ferry's CI does not run this file: the CI machines cannot reach PyPI. Ferry's MLflow wire compatibility is tested in
C# (tests/Ferry.Server.Tests/Mlflow), request for request as the Python client sends it.
"""

# %% Connect
import os
import sys
import tempfile
from pathlib import Path

import mlflow
import numpy as np
import onnx
import pandas as pd
import requests
from mlflow.tracking import MlflowClient
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType, StringTensorType
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.metrics import accuracy_score, brier_score_loss, log_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

FERRY_URL = os.environ.get("MLFLOW_TRACKING_URI", "http://127.0.0.1:5077").rstrip("/")
TOKEN = os.environ.get("MLFLOW_TRACKING_TOKEN", "").strip()
if not TOKEN:
    sys.exit(
        "MLFLOW_TRACKING_TOKEN is not set. Ferry needs a token on every route but the health checks.\n"
        "Create one with the scientist role and export it, for example:\n"
        "    ./ferry tokens create --name notebook --role scientist\n"
        "    export MLFLOW_TRACKING_TOKEN=<the fry_... secret it printed>\n"
        "and, if Ferry is not on http://127.0.0.1:5077, export MLFLOW_TRACKING_URI too."
    )
# The mlflow client reads both variables itself; set the URI explicitly in case only the default above applies.
os.environ["MLFLOW_TRACKING_URI"] = FERRY_URL
mlflow.set_tracking_uri(FERRY_URL)

EXPERIMENT = "credit-risk-notebook"
MODEL_NAME = "credit-risk-sklearn"
ALIAS = "challenger"  # a scientist may move any alias but 'champion', which needs an approver token
ENDPOINT = "credit-sklearn"  # lower-case letters, digits and '-'
MONITOR = "credit-sklearn-daily"
OUTPUT = Path(tempfile.gettempdir()) / "ferry-credit-risk-notebook"
OUTPUT.mkdir(parents=True, exist_ok=True)

session = requests.Session()
session.headers["Authorization"] = f"Bearer {TOKEN}"


class FerryError(Exception):
    """A refusal from Ferry's own API, with its problem+json (RFC 9457) document."""

    def __init__(self, response):
        self.status = response.status_code
        self.text = response.text
        try:
            self.problem = response.json()
        except ValueError:
            self.problem = {"detail": response.text}
        fields = self.problem.get("errors") or {}
        lines = [f"{self.status} {self.problem.get('title', '')}: {self.problem.get('detail', '')}"]
        lines += [f"  {field}: {'; '.join(messages)}" for field, messages in fields.items()]
        super().__init__("\n".join(lines))


def ferry(method, path, **kwargs):
    """Calls Ferry's own API (/api/v1/...) and returns the parsed JSON (or the text for non-JSON answers)."""
    response = session.request(method, FERRY_URL + path, timeout=300, **kwargs)
    if response.status_code >= 400:
        raise FerryError(response)
    if response.status_code == 204:
        return None
    if "json" in response.headers.get("Content-Type", ""):
        return response.json()
    return response.text


me = ferry("GET", "/api/v1/tokens/me")
print(f"Ferry at {FERRY_URL}; token '{me['name']}' with role {me['role']}")

# %% Data: a synthetic credit-risk population
# The 12 features of LoanApplication.ToRecord() in samples/CreditRisk (9 numbers, 3 categories), and a default
# decided by the documented logistic ground truth of GroundTruth.cs:
#   z = -2.6 - 0.02 (age - 40) - 0.9 ln(income / 55000) - 0.05 min(employment_years, 20)
#       + 3.0 (debt_to_income - 0.30) + 2.0 (credit_utilization - 0.35) + 0.03 (open_accounts - 8)
#       + 0.5 delinquencies + 0.3 ln(loan_amount / 15000) + 0.35 [term = 60]
#       + purpose effect + home effect + region effect
#   P(default) = 1 / (1 + e^-z)
NUMERIC = ["age", "income", "employment_years", "debt_to_income", "credit_utilization", "open_accounts",
           "delinquencies", "loan_amount", "term"]
CATEGORICAL = ["purpose", "home_ownership", "region"]
FEATURES = NUMERIC + CATEGORICAL
PURPOSE_EFFECT = {"debt_consolidation": 0.15, "credit_card": 0.1, "home_improvement": -0.15, "car": -0.1,
                  "small_business": 0.55, "medical": 0.25, "education": 0.2, "crypto_investment": 0.9}
PURPOSE_WEIGHTS = {"debt_consolidation": 0.38, "credit_card": 0.22, "home_improvement": 0.12, "car": 0.1,
                   "small_business": 0.06, "medical": 0.07, "education": 0.05}
HOME_EFFECT = {"rent": 0.2, "mortgage": -0.1, "own": -0.3}
HOME_WEIGHTS = {"rent": 0.4, "mortgage": 0.45, "own": 0.15}
REGION_EFFECT = {"north": -0.1, "south": 0.1, "east": 0.0, "west": -0.05}
REGION_WEIGHTS = {"north": 0.3, "south": 0.25, "east": 0.25, "west": 0.2}


def pick(rng, weights, n):
    names = list(weights)
    p = np.array([weights[k] for k in names])
    return rng.choice(names, size=n, p=p / p.sum())


def applications(n, seed, income_factor=1.0, new_purpose_share=0.0):
    """n applications with their outcome. income_factor < 1 is an economic shock (debt payments unchanged, so
    debt-to-income rises); new_purpose_share > 0 gives that share the purpose 'crypto_investment', never seen in
    training."""
    rng = np.random.default_rng(seed)
    age = np.round(np.clip(rng.normal(42, 12, n), 21, 80))
    base_income = np.exp(rng.normal(np.log(55000), 0.45, n)) * (0.8 + 0.01 * np.minimum(age - 21, 25))
    income = np.round(np.clip(base_income, 12000, 400000) * income_factor)
    employment = np.round(np.clip(rng.normal((age - 21) * 0.3, 3.5), 0, age - 18), 1)
    dti = np.round(np.minimum(np.clip(rng.normal(0.30, 0.12, n), 0.01, 0.95) / income_factor, 1.5), 3)
    utilization = np.round(np.clip(rng.normal(0.35, 0.2, n), 0, 1), 3)
    accounts = np.round(np.clip(rng.normal(8, 3, n), 0, 30))
    delinquencies = np.minimum(rng.geometric(0.78, n) - 1, 10).astype(float)
    loan = np.round(np.clip(np.exp(rng.normal(np.log(15000), 0.6, n)), 1000, 100000) / 100) * 100
    term = np.where(rng.random(n) < 0.7, 36.0, 60.0)
    purpose = np.where(rng.random(n) < new_purpose_share, "crypto_investment", pick(rng, PURPOSE_WEIGHTS, n))
    frame = pd.DataFrame({
        "age": age, "income": income, "employment_years": employment, "debt_to_income": dti,
        "credit_utilization": utilization, "open_accounts": accounts, "delinquencies": delinquencies,
        "loan_amount": loan, "term": term, "purpose": purpose,
        "home_ownership": pick(rng, HOME_WEIGHTS, n), "region": pick(rng, REGION_WEIGHTS, n),
    })
    z = (-2.6 - 0.02 * (frame.age - 40) - 0.9 * np.log(frame.income / 55000)
         - 0.05 * np.minimum(frame.employment_years, 20) + 3.0 * (frame.debt_to_income - 0.30)
         + 2.0 * (frame.credit_utilization - 0.35) + 0.03 * (frame.open_accounts - 8) + 0.5 * frame.delinquencies
         + 0.3 * np.log(frame.loan_amount / 15000) + 0.35 * (frame.term >= 60)
         + frame.purpose.map(PURPOSE_EFFECT) + frame.home_ownership.map(HOME_EFFECT) + frame.region.map(REGION_EFFECT))
    frame["default"] = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return frame


def records(frame):
    """Rows as Ferry's predict route takes them: {feature: value}, numbers as JSON numbers, categories as strings."""
    return [{**{c: float(row[c]) for c in NUMERIC}, **{c: str(row[c]) for c in CATEGORICAL}}
            for row in frame[FEATURES].to_dict(orient="records")]


data = applications(20_000, seed=42)
train, holdout = train_test_split(data, test_size=0.2, random_state=42, stratify=data["default"])
print(f"{len(train):,} training rows, {len(holdout):,} holdout rows, default rate {data['default'].mean():.1%}")

# %% Train: one-hot categoricals + gradient boosting
PARAMS = {"n_estimators": 150, "max_depth": 3, "learning_rate": 0.1, "subsample": 1.0, "random_state": 42}
model = Pipeline([
    ("features", ColumnTransformer([
        ("numeric", "passthrough", NUMERIC),
        ("categories", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
    ])),
    ("gbm", GradientBoostingClassifier(**PARAMS)),
])
model.fit(train[FEATURES], train["default"])
p_holdout = model.predict_proba(holdout[FEATURES])[:, 1]
METRICS = {
    "auc": roc_auc_score(holdout["default"], p_holdout),
    "accuracy": accuracy_score(holdout["default"], p_holdout >= 0.5),
    "log_loss": log_loss(holdout["default"], p_holdout),
    "brier": brier_score_loss(holdout["default"], p_holdout),
    "default_rate": float(data["default"].mean()),
}
print({k: round(v, 4) for k, v in METRICS.items()})

# %% Export to ONNX
# One graph input per column, [None, 1] each: Ferry then takes records like {"age": 41, "purpose": "car", ...} and
# explains per column. skl2onnx turns the ColumnTransformer into Concat + OneHotEncoder nodes and the booster into a
# TreeEnsembleClassifier (+ ZipMap), which Ferry explains with exact TreeSHAP. The opsets are pinned so the tree
# ensemble stays a TreeEnsembleClassifier (Ferry does not read the newer ai.onnx.ml TreeEnsemble operator).
initial_types = ([(c, FloatTensorType([None, 1])) for c in NUMERIC]
                 + [(c, StringTensorType([None, 1])) for c in CATEGORICAL])
onnx_model = convert_sklearn(model, "credit_risk", initial_types=initial_types,
                             target_opset={"": 15, "ai.onnx.ml": 3})
model_dir = OUTPUT / "model"
model_dir.mkdir(exist_ok=True)
onnx_path = model_dir / "credit.onnx"
onnx_path.write_bytes(onnx_model.SerializeToString())
# A minimal MLmodel file beside it. Ferry ignores it (it reads the .onnx file), but recent mlflow clients look for
# an MLmodel file under a runs:/ path before they register it as a run's artifacts.
(model_dir / "MLmodel").write_text(
    "artifact_path: model\n"
    "flavors:\n"
    "  onnx:\n"
    "    data: credit.onnx\n"
    f"    onnx_version: {onnx.__version__}\n"
)
print(f"Wrote {onnx_path} ({onnx_path.stat().st_size:,} bytes)")

# %% Track the run with the unchanged mlflow client
mlflow.set_experiment(EXPERIMENT)
with mlflow.start_run(run_name="gbm-sklearn") as run:
    mlflow.log_params({**PARAMS, "rows": len(data), "holdout_fraction": 0.2, "categorical_encoding": "one-hot",
                       "framework": "scikit-learn", "format": "onnx"})
    mlflow.log_metrics(METRICS)
    mlflow.set_tags({"dataset": "synthetic-credit-risk/baseline", "notebook": "samples/notebook"})
    # Both files go to Ferry's artifact store through its mlflow-artifacts proxy: <run>/artifacts/model/...
    mlflow.log_artifact(str(onnx_path), artifact_path="model")
    mlflow.log_artifact(str(model_dir / "MLmodel"), artifact_path="model")
RUN_ID = run.info.run_id
print(f"Run {RUN_ID} in experiment '{EXPERIMENT}'")

# %% Register the model and point an alias at it
# Ferry resolves runs:/<run>/model to the run's artifacts, finds the *.onnx file in that directory, and reads the
# version's signature (12 inputs, their types) from the ONNX graph as it registers it.
version_info = mlflow.register_model(f"runs:/{RUN_ID}/model", MODEL_NAME)
VERSION = int(version_info.version)
MlflowClient().set_registered_model_alias(MODEL_NAME, ALIAS, str(VERSION))

view = ferry("GET", f"/api/v1/models/{MODEL_NAME}/versions/{VERSION}")
inputs = ", ".join(f"{i['name']}:{i['type']}" for i in view["signature"]["inputs"])
print(f"{MODEL_NAME} version {VERSION} ({view['flavor']}), alias '{ALIAS}'; inputs: {inputs}")

# %% Reference profile: the training-time picture that drift, explanations and CBPE compare against
# Send it before any traffic: served rows are folded into hourly profiles laid out on the reference's bins.
reference_rows = holdout.head(5_000)
reference = ferry("PUT", f"/api/v1/models/{MODEL_NAME}/versions/{VERSION}/reference", json={
    "records": records(reference_rows),
    "labels": [int(v) for v in reference_rows["default"]],
    "source": f"holdout of run {RUN_ID}",
})
print(f"Reference: {reference['rows']:,} rows, positive class '{reference['positiveLabel']}', "
      f"calibrated for CBPE: {reference['calibrated']}")

# %% Deploy: an endpoint that follows the alias
endpoint = ferry("PUT", f"/api/v1/endpoints/{ENDPOINT}", json={
    "routes": [{"model": MODEL_NAME, "alias": ALIAS}],
})
route = endpoint["routes"][0]
print(f"Endpoint '{ENDPOINT}' revision {endpoint['activeRevision']}: {route['model']}@{route['alias']} "
      f"serves version {route['resolvedVersion']} ({route['flavor']})")

# %% Serve: predictions with explanations
sample = holdout.tail(3)
answer = ferry("POST", f"/api/v1/endpoints/{ENDPOINT}/predict", params={"explain": "true", "outcome": "risk"},
               json={"records": records(sample)})
for prediction in answer["predictions"]:
    print(f"{prediction['id']}: label {prediction['label']}, P(default) {prediction['score']:.3f}")
    explanation = prediction.get("explanation")
    if explanation is None:
        print("  no explanation:", prediction.get("explanationError"))
        continue
    print(f"  {explanation['method']} in {explanation['space']}: base {explanation['baseValue']:.3f} "
          f"+ contributions = {explanation['output']:.3f}")
    for reason in explanation["reasonCodes"]:
        print("  -", reason["sentence"])

# Ferry serves the ONNX graph; its scores should match scikit-learn's to float32 precision.
ferry_scores = np.array([p["score"] for p in answer["predictions"]])
difference = np.abs(ferry_scores - model.predict_proba(sample[FEATURES])[:, 1]).max()
print(f"Largest difference from scikit-learn's probabilities: {difference:.1e}")

# %% A day of traffic: a normal morning, then an economic shock and a new loan purpose
morning = applications(1_500, seed=7)
afternoon = applications(1_500, seed=8, income_factor=0.7, new_purpose_share=0.25)
traffic = pd.concat([morning, afternoon], ignore_index=True)
served = []
for start in range(0, len(traffic), 500):
    batch = traffic.iloc[start:start + 500]
    answer = ferry("POST", f"/api/v1/endpoints/{ENDPOINT}/predict", json={"records": records(batch)})
    served += [(p["id"], int(outcome)) for p, outcome in zip(answer["predictions"], batch["default"])]
print(f"Served {len(served):,} predictions")

# %% Ground truth arrives later: feedback by prediction id
# The prediction log is written off the request path; feedback for ids answered a moment ago waits for it on the
# server (up to 5 s), so no retry is needed here.


def send_feedback(items):
    return ferry("POST", f"/api/v1/endpoints/{ENDPOINT}/feedback", json={"feedback": items})


accepted = send_feedback([{"predictionId": pid, "label": outcome} for pid, outcome in served])
print(f"Feedback accepted for {accepted['accepted']:,} predictions")

# %% Monitor: drift, data quality and realized performance over the last day
monitor = ferry("PUT", f"/api/v1/monitors/{MONITOR}", json={
    "endpoint": ENDPOINT,
    "spec": {
        "windowSeconds": 86_400,
        "schedule": "0 0 * * * ?",  # Quartz cron, seconds first: every hour; leave it out to run on demand only
        "modelVersion": VERSION,
        "performance": {"metric": "roc_auc", "min": 0.65},
    },
})
print(f"Monitor '{monitor['name']}' watches '{monitor['endpoint']}'; next scheduled run {monitor.get('nextRunAt')}")

report = ferry("POST", f"/api/v1/monitors/{MONITOR}/run")
print(f"Report {report['id']}: {report['status']}, {report['failedChecks']} failed check(s) "
      f"over {report['report']['rows']:,} rows")
checks = report["report"]["checks"]
for check in checks:
    if not check["passed"]:
        print(f"  FAIL {check['key']}: {check['message']}")
print(f"  ... and {sum(c['passed'] for c in checks)} checks passed")
performance = (report["report"].get("performance") or {}).get("classification")
if performance:
    print(f"Realized: ROC AUC {performance['rocAuc']:.3f}, accuracy {performance['accuracy']:.3f}")

alerts = ferry("GET", "/api/v1/alerts", params={"status": "open", "monitor": MONITOR})["alerts"]
print(f"{len(alerts)} open alert(s):", ", ".join(a["check"] for a in alerts))

# %% Explain a logged prediction, later, by its id
shocked_id = served[-1][0]
explanation = ferry("GET", f"/api/v1/endpoints/{ENDPOINT}/predictions/{shocked_id}/explanation",
                    params={"outcome": "risk"})
print(f"Prediction {shocked_id} (version {explanation['version']}):")
for attribution in explanation["attributions"][:5]:
    print(f"  {attribution['feature']} = {attribution['value']}: {attribution['contribution']:+.3f}")
for reason in explanation["reasonCodes"]:
    print("  -", reason["sentence"])

# %% When a request is wrong, Ferry says which field and why (400, problem+json)
broken = records(holdout.head(1))[0]
del broken["income"]
try:
    ferry("POST", f"/api/v1/endpoints/{ENDPOINT}/predict", json={"records": [broken]})
except FerryError as error:
    print(error)

# %% Model card
ferry("PUT", f"/api/v1/models/{MODEL_NAME}/versions/{VERSION}/card", json={
    "owner": "Credit risk analytics",
    "intendedUse": "Ranks consumer loan applications by risk of default, for review by a credit officer.",
    "limitations": "Trained on synthetic data; not for decisions about real people.",
    "fairnessAttribute": "region",
})
card = ferry("GET", f"/api/v1/models/{MODEL_NAME}/versions/{VERSION}/card")  # Markdown; ?format=html or json
card_path = OUTPUT / f"{MODEL_NAME}-{VERSION}-card.md"
card_path.write_text(card, encoding="utf-8")
insights = ferry("GET", f"/api/v1/models/{MODEL_NAME}/versions/{VERSION}/insights")
top = sorted(insights["meanAbsoluteShap"], key=lambda f: -f["importance"])[:5]
print(f"Model card written to {card_path}")
print("Mean |SHAP|:", ", ".join(f"{f['feature']} {f['importance']:.3f}" for f in top))

# %% The dashboard
print(f"Dashboard: {FERRY_URL}/ui (sign in with your token). Endpoint '{ENDPOINT}', monitor '{MONITOR}'.")
