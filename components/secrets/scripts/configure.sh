#!/bin/bash
# Vault configuration as code (components/secrets/vault.ts), run by bootstrap.sh with a token in
# VAULT_TOKEN. Idempotent: mounts and auth methods are enabled only when absent, everything else is
# a write of the declared state.
#
# The declared state arrives as environment variables of the bootstrap Job (built by
# configureEnvironment in components/secrets/vault-scripts.ts) and as files of the vault-scripts
# ConfigMap:
#   JOB_NAMESPACE         namespace of Vault and of its own jobs' service accounts
#   KV_MOUNT              KV v2 mount of the platform's secrets
#   WORKLOAD_AUDIENCE     audience of the projected tokens the workloads' Vault agents log in with
#   WORKLOAD_ROLES        space-separated <name>:<namespace>:<service account>, one per workload
#   CI_ROTATION_PERIOD    TTL of the CI AppRole's secret IDs (the platform's rotation period), e.g. 720h
#   DB_CONNECTION_URL     PostgreSQL URL with {{username}} and {{password}}; unset: no database engine
#   DB_CONNECTION         name of the database connection (with DB_CONNECTION_URL)
#   DB_ALLOWED_ROLES      comma-separated workloads with dynamic database users (with DB_CONNECTION_URL)
#   DB_MASTER_SECRET_ARN  RDS-managed secret with the master login (with DB_CONNECTION_URL)
#   /scripts/policies/<policy>.hcl, /scripts/sql/<workload>-create.sql and -revoke.sql
set -euo pipefail
# has <audit|secrets|auth> <path>: output captured first, so grep -q cannot SIGPIPE vault under pipefail.
has() { local out; out=$(vault "$1" list -format=json); grep -q "\"$2/\"" <<<"$out"; }
# k8s_role <role> <namespace> <service account> <policy> <ttl> [audience]
k8s_role() {
  vault write "auth/kubernetes/role/$1" bound_service_account_names="$3" \
    bound_service_account_namespaces="$2" token_policies="$4" token_ttl="$5" token_max_ttl="$5" ${6:+audience="$6"}
}

# Audit: every request and response (secrets HMAC-ed) to stdout, shipped with the container logs.
has audit stdout || vault audit enable -path=stdout file file_path=stdout log_raw=false

# KV v2 for the platform's secrets.
has secrets "$KV_MOUNT" || vault secrets enable -path="$KV_MOUNT" -version=2 kv
vault write "$KV_MOUNT/config" max_versions=10 cas_required=false

# Kubernetes auth: Vault reviews tokens with its own service account (system:auth-delegator from the chart).
has auth kubernetes || vault auth enable kubernetes
vault write auth/kubernetes/config kubernetes_host="https://kubernetes.default.svc:443"

# Policies.
for f in /scripts/policies/*.hcl; do vault policy write "$(basename "$f" .hcl)" "$f"; done

# Roles of our own jobs.
k8s_role vault-configurer "$JOB_NAMESPACE" vault-bootstrap vault-configurer 30m
k8s_role raft-snapshot "$JOB_NAMESPACE" vault-snapshot raft-snapshot 15m

# Roles of the workloads: each bound to exactly one service account in one namespace, and to the
# audience of the projected token their Vault agent logs in with.
for workload in $WORKLOAD_ROLES; do
  IFS=: read -r role namespace service_account <<<"$workload"
  k8s_role "$role" "$namespace" "$service_account" "$role" 1h "$WORKLOAD_AUDIENCE"
done

# AppRole for CI: short tokens, secret IDs expiring with the platform's rotation period.
has auth approle || vault auth enable approle
vault write auth/approle/role/ci token_policies=ci token_ttl=20m token_max_ttl=1h secret_id_ttl="$CI_ROTATION_PERIOD" secret_id_num_uses=0

if [ -n "${DB_CONNECTION_URL:-}" ]; then
  # Database secrets engine: dynamic PostgreSQL users per service. The master login comes from the
  # RDS-managed secret; vault-db-sync keeps it current after each RDS rotation (docs/decisions/0054).
  has secrets database || vault secrets enable database
  k8s_role database-sync "$JOB_NAMESPACE" vault-db-sync database-sync 15m
  if ! vault read "database/config/$DB_CONNECTION" >/dev/null 2>&1; then
    aws secretsmanager get-secret-value --secret-id "$DB_MASTER_SECRET_ARN" --query SecretString --output text > "$STATE_DIR/db.json"
    vault write "database/config/$DB_CONNECTION" plugin_name=postgresql-database-plugin \
      connection_url="$DB_CONNECTION_URL" password_authentication=scram-sha-256 allowed_roles="$DB_ALLOWED_ROLES" @"$STATE_DIR/db.json"
    rm -f "$STATE_DIR/db.json"
  else
    vault write "database/config/$DB_CONNECTION" connection_url="$DB_CONNECTION_URL" allowed_roles="$DB_ALLOWED_ROLES"
  fi
  for role in ${DB_ALLOWED_ROLES//,/ }; do
    vault write "database/roles/$role" db_name="$DB_CONNECTION" default_ttl=1h max_ttl=24h \
      creation_statements="@/scripts/sql/$role-create.sql" revocation_statements="@/scripts/sql/$role-revoke.sql"
  done
fi

echo "vault configuration applied"
