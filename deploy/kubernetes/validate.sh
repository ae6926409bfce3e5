#!/usr/bin/env bash
# Renders deploy/kubernetes with kubectl kustomize (the base, and the base with its cert-manager overlay) and validates
# every object offline: against its kind's schema (the npm packages kubernetes-models, @kubernetes-models/keda and
# @kubernetes-models/cert-manager), and every environment variable the containers set against those the node reads
# (primecluster-node --help). The validator's own tests run first, so a validator that lets anything through fails.
# No Kubernetes cluster is needed, nor reached.
#
#   deploy/kubernetes/validate.sh      # after dotnet build PrimeCluster.sln -c Release; kubectl, node and npm are
#                                      # installed from the machine's apt sources when missing (as root)
set -euo pipefail
cd "$(dirname "$0")/../.."
readonly here=deploy/kubernetes
readonly node_dll=src/PrimeCluster.Node/bin/Release/net10.0/primecluster-node.dll

fail() {
  echo "kubernetes-validate: $*" >&2
  exit 1
}
[[ -f $node_dll ]] || fail "$node_dll is missing: run dotnet build PrimeCluster.sln -c Release first"
missing=()
command -v kubectl > /dev/null || missing+=(kubectl)
command -v node > /dev/null || missing+=(nodejs)
command -v npm > /dev/null || missing+=(npm)
if [[ ${#missing[@]} -gt 0 ]]; then
  [[ $(id -u) -eq 0 ]] || fail "${missing[*]} missing; installing needs root: apt-get install ${missing[*]}"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"; } > /dev/null \
    || fail "apt-get install ${missing[*]} failed"
fi

work=$(mktemp -d -t primecluster-kubernetes.XXXXXX)
trap 'rm -rf "$work"' EXIT
(cd "$here/validate" && npm ci --no-audit --no-fund --loglevel=error > "$work/npm.log" 2>&1) || { cat "$work/npm.log" >&2; fail "npm ci failed"; }
(cd "$here/validate" && node --test > "$work/test.log" 2>&1) || { cat "$work/test.log" >&2; fail "the validator's own tests failed"; }
echo "kubernetes-validate: the validator's tests: $(grep -E '^# (pass|fail) ' "$work/test.log" | tr '\n' ' ')"

dotnet "$node_dll" --help > "$work/node-help.txt" || fail "primecluster-node --help failed"
for dir in "$here/base" "$here/cert-manager"; do
  kubectl kustomize "$dir" > "$work/rendered.yaml" || fail "kubectl kustomize $dir failed"
  printf '%s: ' "$dir"
  node "$here/validate/validate.mjs" --node-help "$work/node-help.txt" < "$work/rendered.yaml" || fail "$dir does not hold"
done
