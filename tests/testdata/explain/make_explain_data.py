#!/usr/bin/python3
"""Builds the models and reference values that tests/Ferry.Explain.Tests checks Ferry's explanations against.

Run with Debian's Python and packages (apt-get install python3-onnx python3-numpy python3-sklearn python3-xgboost):

    /usr/bin/python3 tests/testdata/explain/make_explain_data.py

Everything is seeded, so reruns give the same files. The tests only read the committed outputs (CI has no xgboost).
skl2onnx is not packaged by Debian, so scikit-learn models are converted with onnx.helper the way skl2onnx does.

Files:
  xgb_binary.json         XGBoost binary:logistic model (save_model JSON; base_score 0.3; missing values in training)
  xgb_binary.cases.json   rows (null = missing), XGBoost's margins, probabilities and pred_contribs (bias last)
  xgb_multi.json          XGBoost multi:softprob model, 3 classes
  xgb_multi.cases.json    rows, margins [n][3], pred_contribs [n][3][M+1]
  credit_tree_pipeline.onnx / .expected.json
      inputs age, debt_to_income (float[N,1]), open_accounts (int64[N,1]), purpose (string[N,1]) ->
      Cast, Concat, Scaler, OneHotEncoder + Flatten, Concat -> TreeEnsembleClassifier (binary GBM, one class id,
      LOGISTIC) -> ZipMap; expected: scikit-learn's positive-class probability and raw margin per row.
  gbm_multiclass.onnx / .expected.json
      float[N,4] -> TreeEnsembleClassifier (3-class GBM, SOFTMAX); expected: scikit-learn's raw scores and probabilities.
  gbm_regressor.onnx / .expected.json
      float[N,4] -> TreeEnsembleRegressor (GradientBoostingRegressor); expected: scikit-learn's predictions.
  logistic.onnx / .expected.json
      float[N,4] -> LinearClassifier (binary LogisticRegression, LOGISTIC); expected: decision_function and P(class 1).

Expected JSON rows hold the raw inputs; for the pipeline, {"inputs": {name: [values...]}, ...}.
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = [helper.make_opsetid("", 15), helper.make_opsetid("ai.onnx.ml", 2)]
PURPOSES = ["car", "education", "home", "small_business"]
F32 = np.float32


def write_json(name, value):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        json.dump(value, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"{name}: {os.path.getsize(os.path.join(HERE, name))} bytes")


def save_onnx(model, name):
    # onnx 1.12 cannot infer types through ZipMap/OneHotEncoder; those graphs get the structural check only.
    onnx.checker.check_model(model, full_check=False)
    onnx.save(model, os.path.join(HERE, name))
    print(f"{name}: {os.path.getsize(os.path.join(HERE, name))} bytes")


def nullable(matrix):
    return [[None if np.isnan(v) else float(v) for v in row] for row in matrix]


def xgboost_models():
    import xgboost as xgb

    rng = np.random.RandomState(11)
    n, m = 1500, 6
    x = rng.normal(size=(n, m)).astype(F32)
    logit = 1.2 * x[:, 0] - 0.8 * x[:, 1] * (x[:, 2] > 0) + 0.5 * x[:, 3] ** 2 - 0.5
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    x[rng.uniform(size=n) < 0.1, 1] = np.nan
    x[rng.uniform(size=n) < 0.1, 4] = np.nan
    params = {"max_depth": 4, "eta": 0.3, "objective": "binary:logistic", "base_score": 0.3, "seed": 0,
              "nthread": 1, "tree_method": "exact"}
    booster = xgb.train(params, xgb.DMatrix(x, label=y, missing=np.nan), num_boost_round=12)
    booster.save_model(os.path.join(HERE, "xgb_binary.json"))
    test = rng.normal(size=(30, m)).astype(F32)
    test[::4, 1] = np.nan
    test[1::5, 4] = np.nan
    dtest = xgb.DMatrix(test, missing=np.nan)
    write_json("xgb_binary.cases.json", {
        "rows": nullable(test),
        "margins": [float(v) for v in booster.predict(dtest, output_margin=True)],
        "probabilities": [float(v) for v in booster.predict(dtest)],
        "contribs": [[float(v) for v in row] for row in booster.predict(dtest, pred_contribs=True)],
    })

    k = 3
    y3 = np.digitize(x[:, 0] + 0.5 * np.nan_to_num(x[:, 1]) + rng.normal(0, 0.5, n), [-0.5, 0.5])
    multi = xgb.train({"max_depth": 3, "eta": 0.5, "objective": "multi:softprob", "num_class": k, "seed": 0,
                       "nthread": 1, "tree_method": "exact"},
                      xgb.DMatrix(x, label=y3, missing=np.nan), num_boost_round=4)
    multi.save_model(os.path.join(HERE, "xgb_multi.json"))
    test = test[:12]
    dtest = xgb.DMatrix(test, missing=np.nan)
    write_json("xgb_multi.cases.json", {
        "rows": nullable(test),
        "margins": [[float(v) for v in row] for row in multi.predict(dtest, output_margin=True)],
        "contribs": [[[float(v) for v in cls] for cls in row] for row in multi.predict(dtest, pred_contribs=True)],
    })


def tree_attributes(estimators, scale, class_of_column, mode="BRANCH_LEQ"):
    """skl2onnx's layout for sklearn trees: one ONNX tree per fitted regression tree."""
    nodes = {k: [] for k in ["nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_values", "nodes_modes",
                             "nodes_truenodeids", "nodes_falsenodeids", "nodes_hitrates",
                             "nodes_missing_value_tracks_true"]}
    leaves = {k: [] for k in ["treeids", "nodeids", "ids", "weights"]}
    t = 0
    for row in estimators:
        for column, estimator in enumerate(row):
            tree = estimator.tree_
            for node in range(tree.node_count):
                leaf = tree.children_left[node] == -1
                nodes["nodes_treeids"].append(t)
                nodes["nodes_nodeids"].append(node)
                nodes["nodes_featureids"].append(0 if leaf else int(tree.feature[node]))
                nodes["nodes_values"].append(0.0 if leaf else float(tree.threshold[node]))
                nodes["nodes_modes"].append("LEAF" if leaf else mode)
                nodes["nodes_truenodeids"].append(0 if leaf else int(tree.children_left[node]))
                nodes["nodes_falsenodeids"].append(0 if leaf else int(tree.children_right[node]))
                nodes["nodes_hitrates"].append(1.0)
                nodes["nodes_missing_value_tracks_true"].append(0)
                if leaf:
                    leaves["treeids"].append(t)
                    leaves["nodeids"].append(node)
                    leaves["ids"].append(class_of_column(column))
                    leaves["weights"].append(float(tree.value[node][0][0]) * scale)
            t += 1
    return nodes, leaves


def credit_frame(n, rng):
    age = rng.randint(21, 70, n).astype(F32)
    dti = rng.beta(2, 5, n).round(3).astype(F32)
    accounts = rng.poisson(5, n).astype(np.int64)
    purpose = rng.choice(PURPOSES, n, p=[0.4, 0.2, 0.3, 0.1])
    logit = -1.0 + 4.0 * dti - 0.03 * (age - 40) + 0.1 * accounts + 1.2 * (purpose == "small_business")
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    return age, dti, accounts, purpose, y


def credit_features(age, dti, accounts, purpose, offset, scale):
    """What the ONNX graph computes, in float32 like ONNX Runtime: scaled numerics then the purpose one-hot."""
    numeric = np.column_stack([age, dti, accounts.astype(F32)]).astype(F32)
    scaled = ((numeric - offset).astype(F32) * scale).astype(F32)
    hot = np.array([[1.0 if p == c else 0.0 for c in PURPOSES] for p in purpose], dtype=F32)
    return np.column_stack([scaled, hot]).astype(F32)


def credit_tree_pipeline():
    from sklearn.ensemble import GradientBoostingClassifier

    rng = np.random.RandomState(21)
    age, dti, accounts, purpose, y = credit_frame(1200, rng)
    numeric = np.column_stack([age, dti, accounts.astype(F32)])
    offset = numeric.mean(axis=0).astype(F32)
    scale = (1 / numeric.std(axis=0)).astype(F32)
    x = credit_features(age, dti, accounts, purpose, offset, scale)
    model = GradientBoostingClassifier(n_estimators=25, max_depth=3, learning_rate=0.2, random_state=0).fit(x, y)
    nodes, leaves = tree_attributes(model.estimators_, model.learning_rate, lambda column: 0)
    base = float(model._raw_predict_init(x[:1])[0, 0])
    graph = helper.make_graph(
        [
            helper.make_node("Cast", ["open_accounts"], ["open_accounts_f"], to=TensorProto.FLOAT),
            helper.make_node("Concat", ["age", "debt_to_income", "open_accounts_f"], ["numeric"], axis=1),
            helper.make_node("Scaler", ["numeric"], ["scaled"], domain="ai.onnx.ml", offset=offset.tolist(),
                             scale=scale.tolist()),
            helper.make_node("OneHotEncoder", ["purpose"], ["purpose_3d"], domain="ai.onnx.ml",
                             cats_strings=PURPOSES, zeros=1),
            helper.make_node("Flatten", ["purpose_3d"], ["purpose_hot"], axis=1),
            helper.make_node("Concat", ["scaled", "purpose_hot"], ["features"], axis=1),
            helper.make_node("TreeEnsembleClassifier", ["features"], ["label", "probabilities"], domain="ai.onnx.ml",
                             name="gbm", classlabels_int64s=[0, 1], post_transform="LOGISTIC", base_values=[base],
                             class_treeids=leaves["treeids"], class_nodeids=leaves["nodeids"],
                             class_ids=leaves["ids"], class_weights=leaves["weights"], **nodes),
            helper.make_node("ZipMap", ["probabilities"], ["output_probability"], classlabels_int64s=[0, 1],
                             domain="ai.onnx.ml"),
        ],
        "credit_tree_pipeline",
        [
            helper.make_tensor_value_info("age", TensorProto.FLOAT, [None, 1]),
            helper.make_tensor_value_info("debt_to_income", TensorProto.FLOAT, [None, 1]),
            helper.make_tensor_value_info("open_accounts", TensorProto.INT64, [None, 1]),
            helper.make_tensor_value_info("purpose", TensorProto.STRING, [None, 1]),
        ],
        [helper.make_tensor_value_info("label", TensorProto.INT64, [None])],
    )
    save_onnx(helper.make_model(graph, opset_imports=OPSET, producer_name="ferry-testdata"),
              "credit_tree_pipeline.onnx")
    age, dti, accounts, purpose, _ = credit_frame(40, np.random.RandomState(22))
    x = credit_features(age, dti, accounts, purpose, offset, scale)
    write_json("credit_tree_pipeline.expected.json", {
        "inputs": {"age": age.tolist(), "debt_to_income": [float(v) for v in dti],
                   "open_accounts": accounts.tolist(), "purpose": purpose.tolist()},
        "features": [[float(v) for v in row] for row in x],
        "margins": [float(v) for v in model.decision_function(x)],
        "probabilities": [float(v) for v in model.predict_proba(x)[:, 1]],
    })


def plain_input_model(name, node, outputs):
    graph = helper.make_graph([node], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 4])],
                              [helper.make_tensor_value_info(o, t, shape) for o, t, shape in outputs])
    save_onnx(helper.make_model(graph, opset_imports=OPSET, producer_name="ferry-testdata"), name + ".onnx")


def numeric_data(n, seed):
    rng = np.random.RandomState(seed)
    x = rng.normal(size=(n, 4)).round(3).astype(F32)
    return rng, x


def gbm_multiclass():
    from sklearn.ensemble import GradientBoostingClassifier

    rng, x = numeric_data(900, 31)
    y = np.digitize(x[:, 0] - x[:, 1] + rng.normal(0, 0.5, len(x)), [-0.7, 0.7])
    model = GradientBoostingClassifier(n_estimators=10, max_depth=3, learning_rate=0.3, random_state=0).fit(x, y)
    nodes, leaves = tree_attributes(model.estimators_, model.learning_rate, lambda column: column)
    base = [float(v) for v in model._raw_predict_init(x[:1])[0]]
    plain_input_model("gbm_multiclass", helper.make_node(
        "TreeEnsembleClassifier", ["x"], ["label", "probabilities"], domain="ai.onnx.ml", classlabels_int64s=[0, 1, 2],
        post_transform="SOFTMAX", base_values=base, class_treeids=leaves["treeids"], class_nodeids=leaves["nodeids"],
        class_ids=leaves["ids"], class_weights=leaves["weights"], **nodes),
        [("label", TensorProto.INT64, [None]), ("probabilities", TensorProto.FLOAT, [None, 3])])
    _, test = numeric_data(20, 32)
    write_json("gbm_multiclass.expected.json", {
        "rows": [[float(v) for v in row] for row in test],
        "margins": [[float(v) for v in row] for row in model.decision_function(test)],
        "probabilities": [[float(v) for v in row] for row in model.predict_proba(test)],
    })


def gbm_regressor():
    from sklearn.ensemble import GradientBoostingRegressor

    rng, x = numeric_data(800, 41)
    y = 2 * x[:, 0] + np.sin(3 * x[:, 1]) + x[:, 2] * x[:, 3] + rng.normal(0, 0.1, len(x))
    model = GradientBoostingRegressor(n_estimators=15, max_depth=3, learning_rate=0.2, random_state=0).fit(x, y)
    nodes, leaves = tree_attributes(model.estimators_, model.learning_rate, lambda column: 0)
    base = float(model._raw_predict_init(x[:1])[0, 0])
    plain_input_model("gbm_regressor", helper.make_node(
        "TreeEnsembleRegressor", ["x"], ["variable"], domain="ai.onnx.ml", n_targets=1, post_transform="NONE",
        base_values=[base], target_treeids=leaves["treeids"], target_nodeids=leaves["nodeids"],
        target_ids=leaves["ids"], target_weights=leaves["weights"], **nodes),
        [("variable", TensorProto.FLOAT, [None, 1])])
    _, test = numeric_data(20, 42)
    write_json("gbm_regressor.expected.json", {
        "rows": [[float(v) for v in row] for row in test],
        "predictions": [float(v) for v in model.predict(test)],
    })


def logistic():
    from sklearn.linear_model import LogisticRegression

    rng, x = numeric_data(700, 51)
    y = (rng.uniform(size=len(x)) < 1 / (1 + np.exp(-(0.8 * x[:, 0] - 1.5 * x[:, 2] + 0.3)))).astype(np.int64)
    model = LogisticRegression().fit(x, y)
    w = model.coef_[0].astype(F32)
    b = F32(model.intercept_[0])
    # skl2onnx writes a binary LogisticRegression as two rows (-w, w) and intercepts (-b, b) with LOGISTIC.
    plain_input_model("logistic", helper.make_node(
        "LinearClassifier", ["x"], ["label", "probabilities"], domain="ai.onnx.ml", classlabels_ints=[0, 1],
        coefficients=np.concatenate([-w, w]).tolist(), intercepts=[float(-b), float(b)], post_transform="LOGISTIC"),
        [("label", TensorProto.INT64, [None]), ("probabilities", TensorProto.FLOAT, [None, 2])])
    _, test = numeric_data(20, 52)
    margins = test.astype(np.float64) @ w.astype(np.float64) + float(b)
    write_json("logistic.expected.json", {
        "coefficients": [float(v) for v in w], "intercept": float(b),
        "rows": [[float(v) for v in row] for row in test],
        "margins": [float(v) for v in margins],
        "probabilities": [float(v) for v in 1 / (1 + np.exp(-margins))],
    })


if __name__ == "__main__":
    xgboost_models()
    credit_tree_pipeline()
    gbm_multiclass()
    gbm_regressor()
    logistic()
