#!/usr/bin/python3
"""Writes the larger MLP of the adaptive-batching benchmark: 8 credit-risk features -> 2048 -> 4096 -> 2048 -> 2
(about 16.8 million weights, ~67 MB), softmax out, exported with torch.onnx.export and a dynamic batch axis. Its
weights are random (seeded): the benchmark measures throughput, not accuracy.

    /usr/bin/python3 bench/serving/make_bench_mlp.py OUT.onnx
"""
import sys

import onnx
import torch

NUMERIC = ["age", "income", "employment_years", "debt_to_income", "credit_utilisation", "open_accounts",
           "delinquencies", "loan_amount"]


class Mlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("scale", torch.tensor([50.0, 50000.0, 10.0, 1.0, 1.0, 5.0, 1.0, 20000.0]))
        self.layers = torch.nn.Sequential(
            torch.nn.Linear(len(NUMERIC), 2048), torch.nn.ReLU(), torch.nn.Linear(2048, 4096), torch.nn.ReLU(),
            torch.nn.Linear(4096, 2048), torch.nn.ReLU(), torch.nn.Linear(2048, 2))

    def forward(self, features):
        return torch.softmax(self.layers(features / self.scale), dim=1)


def main(path):
    torch.manual_seed(0)
    net = Mlp().eval()
    torch.onnx.export(net, torch.zeros(2, len(NUMERIC)), path, input_names=["features"], output_names=["probabilities"],
                      dynamic_axes={"features": {0: "batch"}, "probabilities": {0: "batch"}}, opset_version=15)
    model = onnx.load(path)
    for key, value in {"ferry.feature_names": ",".join(NUMERIC), "ferry.class_labels": "0,1"}.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(model, path)


if __name__ == "__main__":
    main(sys.argv[1])
