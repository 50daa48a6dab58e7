"""Builds MLflow model directories with the real mlflow client and prints what scikit-learn itself answers.

usage: mlflow_model_dirs.py OUT_DIR
Writes OUT_DIR/sklearn (mlflow.sklearn.save_model, pyfunc_predict_fn="predict_proba": Python flavors only) and
OUT_DIR/onnx (mlflow.onnx.save_model of skl2onnx's export of the same pipeline), then prints one JSON object:
the request rows, sklearn's predict and predict_proba for them, the classes, and what MLflow's scoring server answers
for the sklearn directory (its pyfunc through the server's JSON writer).
"""
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import mlflow.onnx
import mlflow.sklearn
from mlflow.models import infer_signature
from skl2onnx import to_onnx

out = sys.argv[1]
rng = np.random.default_rng(7)
X = pd.DataFrame({
    "age": rng.normal(40, 10, 200).astype(np.float32),
    "income": rng.normal(50, 15, 200).astype(np.float32),
})
y = ((X["age"] - 40) / 10 + (X["income"] - 50) / 15 + rng.normal(0, 0.5, 200) > 0).astype(np.int64)
model = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())]).fit(X, y)

rows = X.iloc[:5]
signature = infer_signature(X, model.predict(X))
mlflow.sklearn.save_model(model, os.path.join(out, "sklearn"), signature=signature, pyfunc_predict_fn="predict_proba")
# skl2onnx on a DataFrame: one graph input per column, named after it (as Ferry serves them).
onx = to_onnx(model, X[:1])
# save_model checks onnxruntime's session options by importing onnxruntime, which this machine's Python lacks;
# with no options given there is nothing to check.
mlflow.onnx._validate_onnx_session_options = lambda options: None
mlflow.onnx.save_model(onx, os.path.join(out, "onnx"), signature=signature, pip_requirements=["onnx", "onnxruntime"])

# What MLflow's scoring server answers for the sklearn directory (pyfunc_predict_fn="predict_proba"): its pyfunc's
# output through the server's own JSON writer.
import io
import mlflow.pyfunc
from mlflow.pyfunc.scoring_server import predictions_to_json

served = io.StringIO()
predictions_to_json(mlflow.pyfunc.load_model(os.path.join(out, "sklearn")).predict(rows), served)

print(json.dumps({
    "mlflow_scoring_answer": json.loads(served.getvalue()),
    "columns": list(X.columns),
    "rows": rows.values.tolist(),
    "predict": model.predict(rows).tolist(),
    "predict_proba": model.predict_proba(rows).tolist(),
    "classes": model.classes_.tolist(),
}))
