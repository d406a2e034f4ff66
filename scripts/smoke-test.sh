#!/usr/bin/env bash
# Smoke test of a deployed stack: every Deployment of the given namespaces finished its rollout,
# every given health URL answers 2xx through the ingress, every Vault server pod is unsealed.
# Runs every check and reports each failure, then exits 1 if any failed.
#
# Usage: scripts/smoke-test.sh [--namespace NS]... [--url URL]... [--vault-namespace NS]
#                              [--timeout SECONDS] [--retries N]
# Needs kubectl (pointed at the cluster) for namespace and Vault checks, curl for URLs.
# Exit codes: 0 all checks passed, 1 a check failed, 2 usage error or missing tool.
set -euo pipefail

usage() {
  printf '%s\n' \
    "Usage: smoke-test.sh [--namespace NS]... [--url URL]... [--vault-namespace NS]" \
    "                     [--timeout SECONDS] [--retries N]" \
    "  --namespace NS        every Deployment in NS has finished its rollout (repeatable)" \
    "  --url URL             URL answers HTTP 2xx, retried --retries times (repeatable)" \
    "  --vault-namespace NS  every Vault server pod in NS is unsealed" \
    "  --timeout SECONDS     wait per rollout (default 300)" \
    "  --retries N           curl retries per URL, 5 s apart (default 10)"
}

die_usage() {
  printf 'smoke-test: %s\n' "$1" >&2
  usage >&2
  exit 2
}

namespaces=()
urls=()
vault_namespace=""
timeout=300
retries=10

while [[ $# -gt 0 ]]; do
  case "$1" in
    -n | --namespace)
      [[ $# -ge 2 && -n "$2" ]] || die_usage "$1 needs a namespace"
      namespaces+=("$2")
      shift 2
      ;;
    -u | --url)
      [[ $# -ge 2 && "$2" =~ ^https?:// ]] || die_usage "$1 needs an http(s) URL"
      urls+=("$2")
      shift 2
      ;;
    -v | --vault-namespace)
      [[ $# -ge 2 && -n "$2" ]] || die_usage "$1 needs a namespace"
      vault_namespace="$2"
      shift 2
      ;;
    -t | --timeout)
      [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || die_usage "$1 needs a positive number of seconds"
      timeout="$2"
      shift 2
      ;;
    -r | --retries)
      [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || die_usage "$1 needs a number of retries"
      retries="$2"
      shift 2
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      die_usage "unknown argument '$1'"
      ;;
  esac
done

if [[ ${#namespaces[@]} -eq 0 && ${#urls[@]} -eq 0 && -z "$vault_namespace" ]]; then
  die_usage "nothing to check: give --namespace, --url or --vault-namespace"
fi
if [[ (${#namespaces[@]} -gt 0 || -n "$vault_namespace") ]] && ! command -v kubectl >/dev/null; then
  die_usage "kubectl is not on PATH"
fi
if [[ ${#urls[@]} -gt 0 ]] && ! command -v curl >/dev/null; then
  die_usage "curl is not on PATH"
fi

checks=0
failures=0

pass() {
  checks=$((checks + 1))
  printf 'ok    %s\n' "$1"
}

fail() {
  checks=$((checks + 1))
  failures=$((failures + 1))
  printf 'FAIL  %s\n' "$1"
  # In GitHub Actions, also an error annotation on the run.
  if [[ "${GITHUB_ACTIONS:-}" == "true" ]]; then
    printf '::error title=Smoke test failed::%s\n' "$1"
  fi
}

check_rollouts() {
  local ns="$1" deployments deployment out
  if ! deployments="$(kubectl get deployments --namespace "$ns" --output name 2>&1)"; then
    fail "rollouts in namespace $ns: cannot list Deployments: ${deployments//$'\n'/ }"
    return
  fi
  if [[ -z "$deployments" ]]; then
    check_canary_rollouts "$ns"
    return
  fi
  while IFS= read -r deployment; do
    if out="$(kubectl rollout status "$deployment" --namespace "$ns" --timeout "${timeout}s" 2>&1)"; then
      pass "rollout of $deployment in namespace $ns complete"
    else
      fail "rollout of $deployment in namespace $ns not complete within ${timeout}s: ${out##*$'\n'}"
    fi
  done <<<"$deployments"
}

# A canary service runs an Argo Rollouts Rollout instead of a Deployment (docs/decisions/0150). Its
# release progresses on its own for many minutes and rolls back on its own: judge its phase now,
# failing only an aborted (Degraded) release; docs/runbooks/releases.md says how to watch the rest.
check_canary_rollouts() {
  local ns="$1" rollouts name phase
  if ! rollouts="$(kubectl get rollouts.argoproj.io --namespace "$ns" --output 'jsonpath={range .items[*]}{.metadata.name}{" "}{.status.phase}{"\n"}{end}' 2>&1)"; then
    fail "rollouts in namespace $ns: cannot list Deployments or Rollouts: ${rollouts//$'\n'/ }"
    return
  fi
  if [[ -z "$rollouts" ]]; then
    fail "rollouts in namespace $ns: no Deployment or Rollout found"
    return
  fi
  while read -r name phase; do
    if [[ "$phase" == "Degraded" ]]; then
      fail "release of rollout $name in namespace $ns aborted (Degraded); see docs/runbooks/releases.md"
    else
      pass "rollout $name in namespace $ns is ${phase:-starting} (a canary release proceeds on its own)"
    fi
  done <<<"$rollouts"
}

check_url() {
  local url="$1" code status=0
  code="$(curl --silent --output /dev/null --write-out '%{http_code}' --max-time 10 \
    --retry "$retries" --retry-delay 5 --retry-all-errors --fail "$url")" || status=$?
  if [[ $status -eq 0 && "$code" =~ ^2[0-9][0-9]$ ]]; then
    pass "$url answered HTTP $code"
  elif [[ "$code" =~ ^[1-9][0-9][0-9]$ ]]; then
    fail "$url answered HTTP $code"
  else
    fail "$url did not answer (curl exit code $status)"
  fi
}

check_vault() {
  local ns="$1" pods name sealed
  if ! pods="$(kubectl get pods --namespace "$ns" --selector app.kubernetes.io/name=vault,component=server \
    --output 'jsonpath={range .items[*]}{.metadata.name}{" "}{.metadata.labels.vault-sealed}{"\n"}{end}' 2>&1)"; then
    fail "Vault in namespace $ns: cannot list its server pods: ${pods//$'\n'/ }"
    return
  fi
  if [[ -z "$pods" ]]; then
    fail "Vault in namespace $ns: no server pod found"
    return
  fi
  while read -r name sealed; do
    [[ -n "$name" ]] || continue
    case "$sealed" in
      false) pass "Vault pod $name in namespace $ns is unsealed" ;;
      true) fail "Vault pod $name in namespace $ns is sealed" ;;
      *) fail "Vault pod $name in namespace $ns reports no seal status (label vault-sealed missing)" ;;
    esac
  done <<<"$pods"
}

for ns in "${namespaces[@]}"; do
  check_rollouts "$ns"
done
for url in "${urls[@]}"; do
  check_url "$url"
done
if [[ -n "$vault_namespace" ]]; then
  check_vault "$vault_namespace"
fi

if [[ $failures -gt 0 ]]; then
  printf 'smoke test FAILED: %d of %d checks failed\n' "$failures" "$checks"
  exit 1
fi
printf 'smoke test passed: %d checks\n' "$checks"
