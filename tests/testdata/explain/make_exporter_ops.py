#!/usr/bin/python3
"""Small scikit-learn pipelines exported by skl2onnx with the ops Ferry's graph tracer must follow beyond the shared
models (Binarizer, LabelEncoder from OrdinalEncoder, Normalizer before the estimator, Normalizer after a one-vs-rest
LinearClassifier), with reference values computed here, outside Ferry, from scikit-learn itself.

Run with Debian's Python and the exporters from ../shared/python (see its README):

    . ../shared/python/env.sh && $FERRY_PY tests/testdata/explain/make_exporter_ops.py

Everything is seeded; the tests read only the committed outputs.

Files:
  binarizer_ordinal_gbc.onnx
      inputs a, b, c (float[N,1]), color, size (string[N,1]) -> ColumnTransformer(Binarizer(0.3) on b; StandardScaler
      on a, b, c; OrdinalEncoder on color, size) -> GradientBoostingClassifier. ONNX ops: Binarizer, Scaler,
      ArrayFeatureExtractor, LabelEncoder (string keys), Cast, Concat, TreeEnsembleClassifier. Column b reaches the
      trees twice (binarised and scaled), so a path can split on it twice.
  normalizer_gbc.onnx
      Normalizer(l2) on a, b, c and OneHotEncoder on color -> GradientBoostingClassifier. The Normalizer mixes a, b, c
      (each output divides by the row's norm), so Ferry falls back to KernelSHAP and names the node.
  ovr_logistic.onnx
      StandardScaler on a, b, c and OneHotEncoder on color, size -> LogisticRegression(multi_class='ovr'), 3 classes.
      ONNX: LinearClassifier (post_transform LOGISTIC) -> Normalizer(L1): P(k) = sigmoid(s_k) / sum_j sigmoid(s_j).
  exporter_ops.json
      train: the 400 training rows (inputs by column); rows: 12 rows to explain;
      binarizer_ordinal_gbc: decision_function, predict_proba and, per row, the exact Shapley values per raw column of
        the path-dependent game (players a, b, c, color, size; v(S) = init + lr * sum over trees of EXPVALUE(x, S) with
        covers = tree_.weighted_n_node_samples, by brute force over all 2^5 coalitions), base = v({});
      ovr_logistic: decision_function [n][3], predict_proba [n][3] and, per class, the exact interventional SHAP
        per raw column against the training rows: phi_j = sum over transformed columns t of j of w_t (t(x) - mean t).
"""
import itertools
import json
import math
import os

import numpy as np
import onnx
import pandas as pd
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType, StringTensorType
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import Binarizer, Normalizer, OneHotEncoder, OrdinalEncoder, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
NUMERIC = ["a", "b", "c"]
STRINGS = ["color", "size"]
COLUMNS = NUMERIC + STRINGS
OPSET = {"": 15, "ai.onnx.ml": 3}


def data(n, seed):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "a": rng.normal(0, 1, n).astype(np.float32),
        "b": rng.uniform(0, 1, n).astype(np.float32),
        "c": rng.normal(5, 2, n).astype(np.float32),
        "color": rng.choice(["red", "green", "blue"], n),
        "size": rng.choice(["S", "M", "L", "XL"], n),
    })
    score = (frame.a + 2 * (frame.b > 0.3) - 0.3 * frame.c + frame.color.map({"red": 1.0, "green": -0.5, "blue": 0.0})
             + frame["size"].map({"S": -1.0, "M": 0.0, "L": 0.5, "XL": 1.5}))
    noisy = score + rng.normal(0, 1, n)
    return frame, (noisy > noisy.median()).astype(int).to_numpy(), np.digitize(noisy, np.quantile(noisy, [1 / 3, 2 / 3]))


def initial_types():
    return [(c, FloatTensorType([None, 1])) for c in NUMERIC] + [(c, StringTensorType([None, 1])) for c in STRINGS]


def export(pipeline, name):
    model = convert_sklearn(pipeline, initial_types=initial_types(), target_opset=OPSET,
                            options={id(pipeline.steps[-1][1]): {"zipmap": False}})
    onnx.checker.check_model(model)
    path = os.path.join(HERE, name)
    onnx.save(model, path)
    ops = sorted({n.op_type for n in model.graph.node})
    print(f"{name}: {os.path.getsize(path)} bytes, ops {ops}")


def rows_json(frame):
    return {c: [float(v) if c in NUMERIC else str(v) for v in frame[c]] for c in COLUMNS}


def player_of_transformed(transformer):
    """The raw column of each transformed column, from the fitted ColumnTransformer's layout."""
    owners = []
    for _, step, columns in transformer.transformers_:
        if isinstance(step, OneHotEncoder):
            for column, categories in zip(columns, step.categories_):
                owners += [column] * len(categories)
        elif step != "drop":
            owners += list(columns)
    return owners


def expvalue(tree, x, present, owners, node=0):
    t = tree.tree_
    if t.children_left[node] < 0:
        return t.value[node][0][0]
    f = t.feature[node]
    left, right = t.children_left[node], t.children_right[node]
    if owners[f] in present:
        return expvalue(tree, x, present, owners, left if x[f] <= t.threshold[node] else right)
    w = t.weighted_n_node_samples
    return (w[left] * expvalue(tree, x, present, owners, left) + w[right] * expvalue(tree, x, present, owners, right)) / w[node]


def shapley(players, value):
    n = len(players)
    v = {}
    for size in range(n + 1):
        for subset in itertools.combinations(players, size):
            v[frozenset(subset)] = value(frozenset(subset))
    phi = {}
    for p in players:
        others = [q for q in players if q != p]
        total = 0.0
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for subset in itertools.combinations(others, size):
                s = frozenset(subset)
                total += weight * (v[s | {p}] - v[s])
        phi[p] = total
    return v[frozenset()], v[frozenset(players)], phi


def main():
    train, y2, y3 = data(400, 7)
    explain, _, _ = data(12, 8)
    out = {"columns": COLUMNS, "train": rows_json(train), "rows": rows_json(explain)}

    gbc = Pipeline([
        ("prep", ColumnTransformer([
            ("bin", Binarizer(threshold=0.3), ["b"]),
            ("num", StandardScaler(), ["a", "b", "c"]),
            ("ord", OrdinalEncoder(), ["color", "size"]),
        ])),
        ("gbc", GradientBoostingClassifier(n_estimators=12, max_depth=3, learning_rate=0.2, random_state=0)),
    ]).fit(train, y2)
    export(gbc, "binarizer_ordinal_gbc.onnx")
    prep, clf = gbc.named_steps["prep"], gbc.named_steps["gbc"]
    owners = player_of_transformed(prep)
    xt = prep.transform(explain)
    init = clf._raw_predict_init(xt[:1])[0, 0]
    trees = [e[0] for e in clf.estimators_]
    decision = gbc.decision_function(explain)
    explained = []
    for i in range(len(explain)):
        def v(present, x=xt[i]):
            return init + clf.learning_rate * sum(expvalue(t, x, present, owners) for t in trees)
        base, output, phi = shapley(COLUMNS, v)
        assert abs(output - decision[i]) < 1e-9, (output, decision[i])
        explained.append({"index": i, "base": base, "output": output, "shap": phi})
    out["binarizer_ordinal_gbc"] = {
        "space": "log-odds", "game": "path-dependent, covers = tree_.weighted_n_node_samples",
        "decision_function": decision.tolist(), "predict_proba": gbc.predict_proba(explain).tolist(), "explained": explained,
    }

    norm = Pipeline([
        ("prep", ColumnTransformer([
            ("norm", Normalizer(norm="l2"), ["a", "b", "c"]),
            ("oh", OneHotEncoder(handle_unknown="ignore"), ["color"]),
        ])),
        ("gbc", GradientBoostingClassifier(n_estimators=8, max_depth=2, random_state=0)),
    ]).fit(train, y2)
    export(norm, "normalizer_gbc.onnx")
    out["normalizer_gbc"] = {"predict_proba": norm.predict_proba(explain).tolist()}

    ovr = Pipeline([
        ("prep", ColumnTransformer([
            ("num", StandardScaler(), ["a", "b", "c"]),
            ("oh", OneHotEncoder(handle_unknown="ignore", sparse_output=False), ["color", "size"]),
        ])),
        ("lr", LogisticRegression(multi_class="ovr", C=0.7, max_iter=1000)),
    ]).fit(train, y3)
    export(ovr, "ovr_logistic.onnx")
    prep, lr = ovr.named_steps["prep"], ovr.named_steps["lr"]
    owners = player_of_transformed(prep)
    t_train, t_rows = prep.transform(train), prep.transform(explain)
    means = t_train.mean(axis=0)
    per_class = []
    for k in range(lr.coef_.shape[0]):
        w = lr.coef_[k]
        base = lr.intercept_[k] + float(w @ means)
        per_class.append([{"index": i, "base": base,
                           "shap": {c: float(sum(w[t] * (t_rows[i, t] - means[t]) for t in range(len(w)) if owners[t] == c)) for c in COLUMNS}}
                          for i in range(len(explain))])
    out["ovr_logistic"] = {
        "space": "log-odds per class (one-vs-rest decision_function)", "game": "interventional, background = the training rows",
        "classes": [int(c) for c in lr.classes_],
        "decision_function": ovr.decision_function(explain).tolist(), "predict_proba": ovr.predict_proba(explain).tolist(),
        "explained": per_class,
    }

    with open(os.path.join(HERE, "exporter_ops.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"exporter_ops.json: {os.path.getsize(os.path.join(HERE, 'exporter_ops.json'))} bytes")


if __name__ == "__main__":
    main()
