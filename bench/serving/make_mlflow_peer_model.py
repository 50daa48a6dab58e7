"""Fits the shared credit pipeline (gbc_pipeline) with scikit-learn and saves it as an MLflow model for MLflow's own
scoring server: the same pipeline as ../shared/models/gbc_pipeline.onnx (median imputer on the 17 numeric columns,
one-hot encoder on the 3 string columns, GradientBoostingClassifier(n_estimators=60, max_depth=4,
learning_rate=0.08, random_state=0)), trained on train.csv read as float32, saved with the real mlflow 3.11 client
(mlflow.sklearn.save_model, pyfunc_predict_fn="predict_proba"). Checks the refit against the exported model's
reference probabilities (gbc_pipeline_expected.json) before saving, so both servers answer with the same model.
    python3 make_mlflow_peer_model.py MODELS_DIR OUT_DIR   (with ../shared/python/env.sh sourced)
"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

import mlflow.sklearn
from mlflow.models import infer_signature

models, out = sys.argv[1], sys.argv[2]
TEXT = ["home_ownership", "loan_purpose", "employment_type"]
train = pd.read_csv(f"{models}/train.csv")
test = pd.read_csv(f"{models}/test.csv")
features = [c for c in test.columns]
numeric = [c for c in features if c not in TEXT]
for frame in (train, test):
    frame[numeric] = frame[numeric].astype(np.float32)

pipeline = Pipeline([
    ("prep", ColumnTransformer([
        ("num", SimpleImputer(strategy="median"), numeric),
        ("cat", OneHotEncoder(handle_unknown="ignore"), TEXT),
    ])),
    ("model", GradientBoostingClassifier(n_estimators=60, max_depth=4, learning_rate=0.08, random_state=0)),
])
pipeline.fit(train[features], train["default"])

expected = json.load(open(f"{models}/gbc_pipeline_expected.json"))
reference = np.asarray(expected["predict_proba"], dtype=np.float64)
got = pipeline.predict_proba(test[features])
worst = float(np.max(np.abs(got - reference)))
if worst > 1e-4:
    sys.exit(f"the refit pipeline differs from gbc_pipeline_expected.json by {worst}")
print(f"refit matches gbc_pipeline_expected.json (max |diff| {worst:.2e})", file=sys.stderr)

signature = infer_signature(test[features], got)
mlflow.sklearn.save_model(pipeline, out, signature=signature, pyfunc_predict_fn="predict_proba")
