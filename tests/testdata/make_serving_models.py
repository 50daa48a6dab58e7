#!/usr/bin/python3
"""Trains the small credit-risk models that Ferry's ONNX serving tests score, and saves beside each model the
producing library's own outputs, which the tests compare against (within 1e-5).

Run with Debian's Python and packages (apt-get install python3-onnx python3-numpy python3-sklearn python3-torch):

    /usr/bin/python3 tests/testdata/make_serving_models.py

skl2onnx is not packaged by Debian, so the scikit-learn models are converted here with onnx.helper, the way skl2onnx
converts them (TreeEnsembleClassifier + ZipMap for gradient boosting; Scaler/OneHotEncoder/Gemm for a pipeline).
Everything is seeded, so reruns give the same models and outputs.

Files (model, expected outputs):
  credit_gbm.onnx      credit_gbm.expected.json       GradientBoostingClassifier, one float[N,8] input, ZipMap output
  credit_pipeline.onnx credit_pipeline.expected.json  scaler + one-hot + LogisticRegression, one input per column
  credit_mlp.onnx      credit_mlp.expected.json       PyTorch MLP with softmax, one float[N,8] input

Expected JSON: {"features": {name: [values...]}, "classes": [...], "labels": [...], "probabilities": [[...]...]}.
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = [helper.make_opsetid("", 15), helper.make_opsetid("ai.onnx.ml", 2)]
NUMERIC = ["age", "income", "employment_years", "debt_to_income", "credit_utilisation", "open_accounts",
           "delinquencies", "loan_amount"]
PURPOSES = ["car", "education", "home", "business"]
EXPECTED_ROWS = 20


def credit_data(n, seed):
    """A deterministic credit-like table: 8 numeric features (float32-exact), a purpose, and a default label."""
    rng = np.random.RandomState(seed)
    age = rng.randint(21, 70, n)
    income = np.round(rng.lognormal(10.6, 0.5, n), -2)
    employment = np.minimum(rng.exponential(6.0, n), age - 18).round(1)
    dti = rng.beta(2, 5, n).round(3)
    utilisation = rng.beta(2, 3, n).round(3)
    accounts = rng.poisson(5, n)
    delinquencies = rng.poisson(0.4, n)
    loan = np.round(rng.uniform(1000, 40000, n), -2)
    purpose = rng.choice(PURPOSES, n)
    logit = (-1.5 + 3.0 * dti + 2.0 * utilisation + 0.8 * delinquencies - 0.02 * (age - 40)
             - 0.6 * np.log(income / 40000) + 0.3 * (purpose == "business") + rng.normal(0, 0.5, n))
    label = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    x = np.column_stack([age, income, employment, dti, utilisation, accounts, delinquencies, loan]).astype(np.float32)
    return x, purpose, label


def save_model(model, name, full_check=True):
    # onnx 1.12 (Debian) cannot infer types through some ai.onnx.ml ops (ZipMap, OneHotEncoder); those graphs get the
    # structural check only, and ONNX Runtime type-checks them when the tests load them.
    onnx.checker.check_model(model, full_check=full_check)
    path = os.path.join(HERE, name)
    onnx.save(model, path)
    print(f"{name}: {os.path.getsize(path)} bytes")


def save_expected(name, features, classes, labels, probabilities):
    def plain(values):
        return [v.item() if hasattr(v, "item") else v for v in values]

    expected = {
        "features": {k: plain(v) for k, v in features.items()},
        "classes": [str(c) for c in classes],
        "labels": [str(v) for v in labels],
        "probabilities": [[float(p) for p in row] for row in probabilities],
    }
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


def metadata(model, **props):
    for key, value in props.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value


def zipmap_type(key_type):
    map_type = onnx.TypeProto()
    map_type.map_type.key_type = key_type
    map_type.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(TensorProto.FLOAT, None))
    return helper.make_sequence_type_proto(map_type)


def gbm(x, y, x_test):
    """GradientBoostingClassifier -> TreeEnsembleClassifier (+ ZipMap), as skl2onnx converts a binary one."""
    from sklearn.ensemble import GradientBoostingClassifier

    model = GradientBoostingClassifier(n_estimators=40, max_depth=3, learning_rate=0.1, random_state=0).fit(x, y)
    attrs = {k: [] for k in ["nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_values", "nodes_modes",
                             "nodes_truenodeids", "nodes_falsenodeids", "nodes_hitrates",
                             "class_treeids", "class_nodeids", "class_ids", "class_weights"]}
    for t, estimator in enumerate(model.estimators_[:, 0]):
        tree = estimator.tree_
        for node in range(tree.node_count):
            leaf = tree.children_left[node] == -1
            attrs["nodes_treeids"].append(t)
            attrs["nodes_nodeids"].append(node)
            attrs["nodes_featureids"].append(0 if leaf else int(tree.feature[node]))
            attrs["nodes_values"].append(0.0 if leaf else float(tree.threshold[node]))
            attrs["nodes_modes"].append("LEAF" if leaf else "BRANCH_LEQ")
            attrs["nodes_truenodeids"].append(0 if leaf else int(tree.children_left[node]))
            attrs["nodes_falsenodeids"].append(0 if leaf else int(tree.children_right[node]))
            attrs["nodes_hitrates"].append(1.0)
            if leaf:
                attrs["class_treeids"].append(t)
                attrs["class_nodeids"].append(node)
                attrs["class_ids"].append(0)
                attrs["class_weights"].append(float(tree.value[node][0][0]) * model.learning_rate)
    base = float(model._raw_predict_init(x[:1])[0, 0])
    graph = helper.make_graph(
        [
            helper.make_node("TreeEnsembleClassifier", ["input"], ["label", "probabilities"], domain="ai.onnx.ml",
                             name="gbm", classlabels_int64s=[0, 1], post_transform="LOGISTIC", base_values=[base],
                             **attrs),
            helper.make_node("ZipMap", ["probabilities"], ["output_probability"], classlabels_int64s=[0, 1],
                             domain="ai.onnx.ml", name="zipmap"),
        ],
        "credit_gbm",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [None, len(NUMERIC)])],
        [
            helper.make_tensor_value_info("label", TensorProto.INT64, [None]),
            helper.make_value_info("output_probability", zipmap_type(TensorProto.INT64)),
        ],
    )
    onnx_model = helper.make_model(graph, opset_imports=OPSET, producer_name="ferry-testdata")
    metadata(onnx_model, **{"ferry.feature_names": ",".join(NUMERIC)})
    save_model(onnx_model, "credit_gbm.onnx", full_check=False)
    save_expected("credit_gbm.expected.json", {n: x_test[:, i] for i, n in enumerate(NUMERIC)},
                  model.classes_, model.predict(x_test), model.predict_proba(x_test))


def pipeline(x, purpose, y, x_test, purpose_test):
    """age, income (float), open_accounts (int64), purpose (string) -> scaler + one-hot -> LogisticRegression."""
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    def frame(xs, ps):
        return np.column_stack([xs[:, 0], xs[:, 1], xs[:, 5], ps]).astype(object)

    classes = np.array(["good", "bad"])[y]
    model = Pipeline([
        ("prep", ColumnTransformer([
            ("num", StandardScaler(), [0, 1, 2]),
            ("cat", OneHotEncoder(categories=[PURPOSES], handle_unknown="ignore"), [3]),
        ])),
        ("lr", LogisticRegression(C=1.0, max_iter=1000)),
    ]).fit(frame(x, purpose), classes)
    scaler = model.named_steps["prep"].named_transformers_["num"]
    lr = model.named_steps["lr"]
    f32 = np.float32
    inits = [
        numpy_helper.from_array(lr.coef_.T.astype(f32), "coef"),
        numpy_helper.from_array(lr.intercept_.astype(f32), "intercept"),
        numpy_helper.from_array(np.array([1.0], dtype=f32), "one"),
    ]
    nodes = [
        helper.make_node("Cast", ["open_accounts"], ["open_accounts_f"], to=TensorProto.FLOAT),
        helper.make_node("Concat", ["age", "income", "open_accounts_f"], ["numeric"], axis=1),
        helper.make_node("Scaler", ["numeric"], ["scaled"], domain="ai.onnx.ml",
                         offset=scaler.mean_.astype(f32).tolist(), scale=(1 / scaler.scale_).astype(f32).tolist()),
        helper.make_node("OneHotEncoder", ["purpose"], ["purpose_3d"], domain="ai.onnx.ml", cats_strings=PURPOSES,
                         zeros=1),
        helper.make_node("Flatten", ["purpose_3d"], ["purpose_hot"], axis=1),
        helper.make_node("Concat", ["scaled", "purpose_hot"], ["features"], axis=1),
        helper.make_node("Gemm", ["features", "coef", "intercept"], ["logit"]),
        helper.make_node("Sigmoid", ["logit"], ["p1"]),
        helper.make_node("Sub", ["one", "p1"], ["p0"]),
        helper.make_node("Concat", ["p0", "p1"], ["probabilities"], axis=1),
        helper.make_node("ArgMax", ["probabilities"], ["index"], axis=1, keepdims=0),
        helper.make_node("LabelEncoder", ["index"], ["label"], domain="ai.onnx.ml", keys_int64s=[0, 1],
                         values_strings=[str(c) for c in lr.classes_], default_string="?"),
    ]
    graph = helper.make_graph(
        nodes, "credit_pipeline",
        [
            helper.make_tensor_value_info("age", TensorProto.FLOAT, [None, 1]),
            helper.make_tensor_value_info("income", TensorProto.FLOAT, [None, 1]),
            helper.make_tensor_value_info("open_accounts", TensorProto.INT64, [None, 1]),
            helper.make_tensor_value_info("purpose", TensorProto.STRING, [None, 1]),
        ],
        [
            helper.make_tensor_value_info("label", TensorProto.STRING, [None]),
            helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 2]),
        ],
        inits,
    )
    onnx_model = helper.make_model(graph, opset_imports=OPSET, producer_name="ferry-testdata")
    metadata(onnx_model, **{"ferry.class_labels": ",".join(str(c) for c in lr.classes_)})
    save_model(onnx_model, "credit_pipeline.onnx", full_check=False)
    test = frame(x_test, purpose_test)
    save_expected("credit_pipeline.expected.json",
                  {"age": x_test[:, 0], "income": x_test[:, 1], "open_accounts": x_test[:, 5].astype(np.int64),
                   "purpose": list(purpose_test)},
                  lr.classes_, model.predict(test), model.predict_proba(test))


def mlp(x, y, x_test):
    """A PyTorch MLP (standardisation inside, softmax out) exported with torch.onnx.export."""
    import torch

    torch.manual_seed(0)
    mean = torch.tensor(x.mean(axis=0))
    std = torch.tensor(x.std(axis=0))

    class Mlp(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("mean", mean)
            self.register_buffer("std", std)
            self.layers = torch.nn.Sequential(
                torch.nn.Linear(len(NUMERIC), 16), torch.nn.ReLU(), torch.nn.Linear(16, 8), torch.nn.ReLU(),
                torch.nn.Linear(8, 2))

        def forward(self, features):
            return torch.softmax(self.layers((features - self.mean) / self.std), dim=1)

    net = Mlp()
    optimiser = torch.optim.Adam(net.parameters(), lr=0.01)
    inputs, targets = torch.tensor(x), torch.tensor(y)
    for _ in range(200):
        optimiser.zero_grad()
        loss = torch.nn.functional.nll_loss(torch.log(net(inputs) + 1e-9), targets)
        loss.backward()
        optimiser.step()
    net.eval()
    path = os.path.join(HERE, "credit_mlp.onnx")
    torch.onnx.export(net, torch.tensor(x_test[:2]), path, input_names=["features"], output_names=["probabilities"],
                      dynamic_axes={"features": {0: "batch"}, "probabilities": {0: "batch"}}, opset_version=15)
    onnx_model = onnx.load(path)
    metadata(onnx_model, **{"ferry.feature_names": ",".join(NUMERIC), "ferry.class_labels": "0,1"})
    save_model(onnx_model, "credit_mlp.onnx")
    with torch.no_grad():
        probabilities = net(torch.tensor(x_test)).numpy()
    save_expected("credit_mlp.expected.json", {n: x_test[:, i] for i, n in enumerate(NUMERIC)},
                  [0, 1], probabilities.argmax(axis=1), probabilities)


if __name__ == "__main__":
    x, purpose, y = credit_data(600, seed=7)
    x_test, purpose_test, _ = credit_data(EXPECTED_ROWS, seed=8)
    gbm(x, y, x_test)
    pipeline(x, purpose, y, x_test, purpose_test)
    mlp(x, y, x_test)
