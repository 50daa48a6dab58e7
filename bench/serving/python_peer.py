#!/usr/bin/python3
"""The Python peer of the serving benchmark: the credit-risk GradientBoostingClassifier behind FastAPI/uvicorn, served
the way MLflow's scoring server (`mlflow models serve`) serves a scikit-learn model: POST /invocations with a
`dataframe_split` (or `dataframe_records`) body, parsed into a pandas DataFrame, each column cast to the type of the
model's input schema, `model.predict(df)`, and `{"predictions": [...]}` as JSON.

MLflow itself is not packaged by Debian (and PyPI is unreachable here), so this file reproduces its request path with
the same libraries: FastAPI, uvicorn, pandas, scikit-learn (Debian's python3-* packages).

The model is the one in tests/testdata/credit_gbm.onnx: it is retrained with the same seeded data and parameters by
tests/testdata/make_serving_models.py's functions, and checked at start-up against credit_gbm.expected.json.

    /usr/bin/python3 -m uvicorn --app-dir bench/serving python_peer:app --port 5299 --workers 2 --log-level warning
"""
import json
import os
import sys

import numpy as np
import pandas as pd
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sklearn.ensemble import GradientBoostingClassifier

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "testdata"))
from make_serving_models import NUMERIC, credit_data  # noqa: E402


def load_model():
    x, _, y = credit_data(600, seed=7)
    model = GradientBoostingClassifier(n_estimators=40, max_depth=3, learning_rate=0.1, random_state=0).fit(x, y)
    with open(os.path.join(ROOT, "tests", "testdata", "credit_gbm.expected.json")) as f:
        expected = json.load(f)
    frame = pd.DataFrame({name: np.asarray(expected["features"][name], dtype=np.float32) for name in NUMERIC})
    got = model.predict_proba(frame.to_numpy())
    if not np.allclose(got, np.asarray(expected["probabilities"]), atol=1e-5):
        raise SystemExit("the retrained model does not match credit_gbm.expected.json")
    return model


MODEL = load_model()
SCHEMA = {name: np.float32 for name in NUMERIC}  # the model's input schema: eight float columns
app = FastAPI()


def parse(body):
    """Like mlflow.pyfunc.scoring_server: dataframe_split / dataframe_records -> DataFrame, schema enforced."""
    if "dataframe_split" in body:
        split = body["dataframe_split"]
        frame = pd.DataFrame(data=split["data"], columns=split.get("columns"), index=split.get("index"))
    elif "dataframe_records" in body:
        frame = pd.DataFrame(data=body["dataframe_records"])
    else:
        raise ValueError("the body must hold dataframe_split or dataframe_records")
    missing = [name for name in SCHEMA if name not in frame.columns]
    if missing:
        raise ValueError(f"missing inputs: {missing}")
    return pd.DataFrame({name: frame[name].astype(dtype) for name, dtype in SCHEMA.items()})


@app.get("/ping")
def ping():
    return Response(status_code=200)


@app.post("/invocations")
async def invocations(request: Request):
    try:
        frame = parse(json.loads(await request.body()))
    except (ValueError, KeyError, TypeError) as e:
        return JSONResponse({"error_code": "BAD_REQUEST", "message": str(e)}, status_code=400)
    predictions = MODEL.predict(frame.to_numpy())
    return Response(json.dumps({"predictions": predictions.tolist()}), media_type="application/json")
