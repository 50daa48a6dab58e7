#!/usr/bin/env bash
# CI step: run Ferry's quality gates on a registered version and, when they pass, open a promotion request.
#   samples/ci/gate_and_request.sh MODEL VERSION [TARGET_ALIAS]
# Needs the `ferry` command on PATH, FERRY_URL and FERRY_TOKEN (a scientist token: it may request, never approve).
# Writes gate.json; exits 1 when a gate fails (no request is opened), 0 when the request is open and waits for an approver.
set -euo pipefail
model="${1:?usage: gate_and_request.sh MODEL VERSION [TARGET_ALIAS]}"
version="${2:?usage: gate_and_request.sh MODEL VERSION [TARGET_ALIAS]}"
target="${3:-champion}"
: "${FERRY_URL:?set FERRY_URL to the Ferry server URL}"
: "${FERRY_TOKEN:?set FERRY_TOKEN to a scientist token}"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"

# Compare with the current champion when there is one; the first version is gated on its own metrics.
against=()
if curl -fsS -H "Authorization: Bearer $FERRY_TOKEN" "$FERRY_URL/api/v1/models/$model" \
    | TARGET="$target" python3 -c 'import json, os, sys; sys.exit(0 if os.environ["TARGET"] in json.load(sys.stdin).get("aliases", {}) else 1)'; then
  against=(--against "$target")
fi

status=0
ferry gate "$model" "$version" "${against[@]}" --output json > gate.json || status=$?
{
  echo "### Quality gates: $model version $version"
  echo
  echo '```json'
  cat gate.json
  echo '```'
} >> "$summary"
if [ "$status" -ne 0 ]; then
  echo "gates failed for $model version $version (exit $status); no promotion request opened" >&2
  exit 1
fi

justification="CI ${GITHUB_REPOSITORY:-local}@${GITHUB_SHA:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}: run ${GITHUB_RUN_ID:-local}, gates passed"
ferry promote request "$model" "$version" --target "$target" --justification "$justification"
echo "promotion request opened for $model version $version -> $target; an approver decides (ferry promote list $model)" | tee -a "$summary"
