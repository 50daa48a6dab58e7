#!/usr/bin/env bash
# Makes sure Debian's Python can run the real clients in ../shared/python (MLflow 3.11, skl2onnx, onnxmltools) and
# gRPC's Python runtime and code generator (the Open Inference Protocol's gRPC tests). Installs what is missing.
set -euo pipefail
shared="$(cd "$(dirname "$0")/../.." && pwd)/shared/python"
probe() {
  PYTHONPATH="$shared/image:$shared/mlflow-3.11.1:$shared/deps:$shared/pylib" GIT_PYTHON_REFRESH=quiet \
    /usr/bin/python3 -c "import mlflow, sklearn, skl2onnx, grpc, grpc_tools" >/dev/null 2>&1
}
if probe; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "the Python clients' Debian packages are missing and this user cannot apt-get install them" >&2
  exit 1
fi
echo "installing the Debian packages of the real Python clients..." >&2
bash "$shared/install-debian-packages.sh" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends python3-grpcio python3-grpc-tools >&2
probe || { echo "the Python clients still do not import" >&2; exit 1; }
