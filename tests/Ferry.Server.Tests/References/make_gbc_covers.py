#!/usr/bin/python3
"""Node covers of ../shared/models/gbc_pipeline.onnx over every train.csv row, from outside Ferry.

Refits the pipeline exactly as the shared README describes (SimpleImputer(median) on the 17 numeric columns,
OneHotEncoder(handle_unknown='ignore') on the 3 string columns, GradientBoostingClassifier(n_estimators=60,
max_depth=4, learning_rate=0.08) on `default`; the README names no random_state, which only breaks ties between
equally good splits: random_state=0 reproduces the file's 60 trees), checks that every refitted tree has the ONNX file's structure (same
split columns, thresholds rounded down to float32 as skl2onnx does), then writes scikit-learn's `tree_.weighted_n_node_samples` per tree, in
pre-order (node, true/left subtree, false/right subtree). As a second, independent check it routes the 4,000 rows
through the ONNX file's own TreeEnsembleClassifier attributes (imputed and one-hot encoded in numpy) and asserts the
same counts. Run with Debian's python3 (scikit-learn 1.2.1, onnx):

    /usr/bin/python3 tests/Ferry.Server.Tests/References/make_gbc_covers.py
"""
import json
import os

import numpy as np
import onnx
import pandas as pd
from onnx import numpy_helper
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "models"))
CATEGORICAL = ["home_ownership", "loan_purpose", "employment_type"]

train = pd.read_csv(os.path.join(SHARED, "train.csv"))
features = list(train.columns[:20])
numeric = [c for c in features if c not in CATEGORICAL]
X = train[features].copy()
for c in numeric:
    X[c] = X[c].astype(np.float32)
y = train["default"]

pipeline = Pipeline([
    ("pre", ColumnTransformer([
        ("num", SimpleImputer(strategy="median"), numeric),
        ("cat", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
    ])),
    ("model", GradientBoostingClassifier(n_estimators=60, max_depth=4, learning_rate=0.08, random_state=0)),
])
pipeline.fit(X, y)
trees = [e[0].tree_ for e in pipeline.named_steps["model"].estimators_]


def preorder(left, right, node=0):
    out = [node]
    if left[node] >= 0:
        out += preorder(left, right, left[node])
        out += preorder(left, right, right[node])
    return out


# The ONNX file's trees.
model = onnx.load(os.path.join(SHARED, "gbc_pipeline.onnx"))
ensemble = next(n for n in model.graph.node if n.op_type == "TreeEnsembleClassifier")
a = {att.name: onnx.helper.get_attribute_value(att) for att in ensemble.attribute}
tree_ids = np.array(a["nodes_treeids"])
assert len(set(tree_ids)) == len(trees), (len(set(tree_ids)), len(trees))

# Route the rows through the ONNX trees: the same preprocessing as the graph (median imputation, one-hot in the
# encoder's category order, numeric columns first).
imputer = next(n for n in model.graph.node if n.op_type == "Imputer")
imputed = {att.name: onnx.helper.get_attribute_value(att) for att in imputer.attribute}["imputed_value_floats"]
num = X[numeric].to_numpy(dtype=np.float32)
num = np.where(np.isnan(num), np.array(imputed, dtype=np.float32), num)
encoder = pipeline.named_steps["pre"].named_transformers_["cat"]
onehot = encoder.transform(X[CATEGORICAL]).toarray().astype(np.float32)
vectors = np.hstack([num, onehot])

result = []
for t, tree in enumerate(trees):
    sel = np.where(tree_ids == t)[0]
    ids = np.array(a["nodes_nodeids"])[sel]
    by_id = {int(i): k for i, k in zip(ids, sel)}
    # Structure check: the ONNX node with sklearn's id splits on the same column at the same float32 threshold.
    for node in range(tree.node_count):
        k = by_id[node]
        if tree.children_left[node] < 0:
            assert a["nodes_modes"][k] == b"LEAF"
            continue
        assert a["nodes_modes"][k] == b"BRANCH_LEQ"
        assert a["nodes_featureids"][k] == tree.feature[node], (t, node)
        # skl2onnx stores the largest float32 at or below scikit-learn's float64 threshold (same routing of float32 inputs).
        v = np.float32(a["nodes_values"][k])
        assert float(v) <= tree.threshold[node] < float(np.nextafter(v, np.float32(np.inf))), (t, node)
        assert a["nodes_truenodeids"][k] == tree.children_left[node] and a["nodes_falsenodeids"][k] == tree.children_right[node]
    # Brute-force count through the ONNX attributes.
    counts = np.zeros(tree.node_count)
    for x in vectors:
        node = 0
        counts[node] += 1
        while a["nodes_modes"][by_id[node]] != b"LEAF":
            k = by_id[node]
            node = a["nodes_truenodeids"][k] if x[a["nodes_featureids"][k]] <= np.float32(a["nodes_values"][k]) else a["nodes_falsenodeids"][k]
            counts[node] += 1
    order = preorder(tree.children_left, tree.children_right)
    sk = [float(tree.weighted_n_node_samples[n]) for n in order]
    assert sk == [float(counts[n]) for n in order], t
    result.append(sk)

with open(os.path.join(HERE, "gbc_pipeline_covers.json"), "w") as f:
    json.dump({
        "model": "gbc_pipeline.onnx",
        "rows": len(X),
        "order": "pre-order: node, then its true (left, x <= threshold) subtree, then its false subtree",
        "source": "sklearn tree_.weighted_n_node_samples of the refitted pipeline, equal to a brute-force count through the ONNX trees",
        "trees": result,
    }, f, separators=(",", ":"))
print("wrote", len(result), "trees,", sum(len(r) for r in result), "nodes")
