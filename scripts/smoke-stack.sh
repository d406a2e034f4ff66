#!/usr/bin/env bash
# Smoke test of one deployed stack: reads what to check from the stack itself and runs
# scripts/smoke-test.sh with it. The service namespaces and the Vault namespace come from the stack
# outputs; the health URLs are https://<expose.host><liveness probe path> of every exposed service
# in platform:services; cluster access is a temporary kubeconfig from `aws eks update-kubeconfig`.
#
# Usage: scripts/smoke-stack.sh STACK [smoke-test.sh options, e.g. --timeout 600]
# Needs pulumi (with access to the stack's backend), jq, the AWS CLI, kubectl and curl.
# Exit codes: those of smoke-test.sh; 2 when the stack cannot be read.
set -euo pipefail

if [[ $# -lt 1 || "$1" == -* ]]; then
  printf 'Usage: smoke-stack.sh STACK [smoke-test.sh options]\n' >&2
  exit 2
fi
stack="$1"
shift
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! outputs="$(pulumi stack output --stack "$stack" --json)"; then
  printf 'smoke-stack: cannot read the outputs of stack %s\n' "$stack" >&2
  exit 2
fi
if ! services="$(pulumi config get platform:services --stack "$stack")"; then
  printf 'smoke-stack: cannot read platform:services of stack %s\n' "$stack" >&2
  exit 2
fi

cluster="$(jq -r '.clusterName // empty' <<<"$outputs")"
region="$(jq -r '.region // empty' <<<"$outputs")"
if [[ -z "$cluster" || -z "$region" ]]; then
  printf 'smoke-stack: stack %s has no clusterName or region output\n' "$stack" >&2
  exit 2
fi

kubeconfig="$(mktemp)"
trap 'rm -f "$kubeconfig"' EXIT
aws eks update-kubeconfig --name "$cluster" --region "$region" --kubeconfig "$kubeconfig" >/dev/null
export KUBECONFIG="$kubeconfig"

args=()
while IFS= read -r namespace; do
  args+=(--namespace "$namespace")
done < <(jq -r '.services // {} | to_entries[] | .value.namespace' <<<"$outputs")
while IFS= read -r url; do
  args+=(--url "$url")
done < <(jq -r '.services[]? | select(.expose) | "https://\(.expose.host)\(.probes.liveness // "/health")"' <<<"$services")
vault_namespace="$(jq -r '.vaultNamespace // empty' <<<"$outputs")"
if [[ -n "$vault_namespace" ]]; then
  args+=(--vault-namespace "$vault_namespace")
fi

printf 'smoke-stack: %s (cluster %s in %s)\n' "$stack" "$cluster" "$region"
# Not exec: the EXIT trap removes the temporary kubeconfig afterwards.
"$here/smoke-test.sh" "${args[@]}" "$@"
