#!/usr/bin/python3
"""Builds the small ONNX models that Ferry's ONNX runtime tests read.

Run with Debian's Python and its packaged onnx (apt-get install python3-onnx python3-numpy):

    /usr/bin/python3 tests/testdata/make_onnx_models.py

skl2onnx is not packaged by Debian, so the graphs are written directly with onnx.helper. The output is
deterministic (fixed weights, no timestamps); rerunning the script reproduces the committed files byte for byte.
The tests in tests/Ferry.Runtimes.Onnx.Tests assert exactly the names, types and shapes declared here.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = [helper.make_opsetid("", 15), helper.make_opsetid("ai.onnx.ml", 2)]


def save(model, name, full_check=True):
    # onnx 1.12's strict shape inference cannot type map values, so the ZipMap graph gets the structural check
    # only; ONNX Runtime resolves and type-checks every graph when the tests load it.
    onnx.checker.check_model(model, full_check=full_check)
    path = os.path.join(HERE, name)
    onnx.save(model, path)
    print(f"{name}: {os.path.getsize(path)} bytes")


def linear():
    """A logistic-regression-shaped graph: x float[batch,4] -> Gemm -> Sigmoid -> probability float[batch,1]."""
    w = numpy_helper.from_array(np.array([[0.5], [-0.25], [0.125], [1.0]], dtype=np.float32), "W")
    b = numpy_helper.from_array(np.array([0.1], dtype=np.float32), "B")
    graph = helper.make_graph(
        [
            helper.make_node("Gemm", ["x", "W", "B"], ["logit"], name="gemm"),
            helper.make_node("Sigmoid", ["logit"], ["probability"], name="sigmoid"),
        ],
        "linear",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
        [
            helper.make_tensor_value_info("logit", TensorProto.FLOAT, ["batch", 1]),
            helper.make_tensor_value_info("probability", TensorProto.FLOAT, ["batch", 1]),
        ],
        [w, b],
    )
    return helper.make_model(graph, opset_imports=OPSET, producer_name="ferry-testdata")


def mixed_types():
    """Inputs of several element types, one with a dimension that has neither a value nor a name."""
    graph = helper.make_graph(
        [
            helper.make_node("Identity", ["purpose"], ["purpose_out"], name="purpose_identity"),
            helper.make_node("Cast", ["term_months"], ["term_double"], to=TensorProto.DOUBLE, name="cast"),
            helper.make_node("Not", ["flag"], ["not_flag"], name="not"),
        ],
        "mixed_types",
        [
            helper.make_tensor_value_info("purpose", TensorProto.STRING, ["N", 1]),
            helper.make_tensor_value_info("term_months", TensorProto.INT64, ["N", 1]),
            helper.make_tensor_value_info("flag", TensorProto.BOOL, [None]),
        ],
        [
            helper.make_tensor_value_info("purpose_out", TensorProto.STRING, ["N", 1]),
            helper.make_tensor_value_info("term_double", TensorProto.DOUBLE, ["N", 1]),
            helper.make_tensor_value_info("not_flag", TensorProto.BOOL, [None]),
        ],
    )
    return helper.make_model(graph, opset_imports=OPSET, producer_name="ferry-testdata")


def zipmap():
    """The output shape of a scikit-learn classifier converted by skl2onnx: a label and a ZipMap.

    probabilities float[N,2] -> ArgMax -> label int64[N]
                             -> ZipMap(classlabels_int64s=[0,1]) -> output_probability seq(map(int64, tensor(float)))
    """
    map_type = onnx.TypeProto()
    map_type.map_type.key_type = TensorProto.INT64
    map_type.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(TensorProto.FLOAT, None))
    seq_of_maps = helper.make_sequence_type_proto(map_type)
    graph = helper.make_graph(
        [
            helper.make_node("ArgMax", ["probabilities"], ["label"], axis=1, keepdims=0, name="argmax"),
            helper.make_node(
                "ZipMap", ["probabilities"], ["output_probability"], classlabels_int64s=[0, 1],
                domain="ai.onnx.ml", name="zipmap"),
        ],
        "zipmap",
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 2])],
        [
            helper.make_tensor_value_info("label", TensorProto.INT64, ["N"]),
            helper.make_value_info("output_probability", seq_of_maps),
        ],
    )
    return helper.make_model(graph, opset_imports=OPSET, producer_name="ferry-testdata")


if __name__ == "__main__":
    save(linear(), "linear.onnx")
    save(mixed_types(), "mixed_types.onnx")
    save(zipmap(), "zipmap.onnx", full_check=False)
