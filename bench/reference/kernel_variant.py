#!/usr/bin/python3
"""Writes gbc_pipeline.onnx with its Imputer replaced by Abs: ONNX Runtime still runs it, but the graph can no longer
be traced, so Ferry explains it with KernelSHAP (the model-agnostic case).  kernel_variant.py OUT.onnx"""
import os
import sys

import onnx

shared = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "models")
model = onnx.load(os.path.join(shared, "gbc_pipeline.onnx"))
node = next(n for n in model.graph.node if n.op_type == "Imputer")
node.op_type, node.domain = "Abs", ""
del node.attribute[:]
onnx.save(model, sys.argv[1])
