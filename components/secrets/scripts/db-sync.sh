#!/bin/bash
# Keeps Vault's database connection on the current RDS master login (components/secrets/vault.ts).
# Environment: VAULT_ACTIVE_ADDR, DB_MASTER_SECRET_ARN, DB_CONNECTION, KV_MOUNT, STATE_DIR.
set -euo pipefail
export PATH="/tools:$PATH"
export VAULT_ADDR="$VAULT_ACTIVE_ADDR"
k8s_login() {
  vault write -field=token auth/kubernetes/login role="$1" jwt=@/var/run/secrets/kubernetes.io/serviceaccount/token
}
VAULT_TOKEN=$(k8s_login database-sync)
export VAULT_TOKEN
current=$(aws secretsmanager get-secret-value --secret-id "$DB_MASTER_SECRET_ARN" --query VersionId --output text)
applied=$(vault kv get -field=version_id "$KV_MOUNT/vault/database-master" 2>/dev/null || true)
if [ "$current" != "$applied" ]; then
  aws secretsmanager get-secret-value --secret-id "$DB_MASTER_SECRET_ARN" --query SecretString --output text >"$STATE_DIR/db.json"
  vault write "database/config/$DB_CONNECTION" @"$STATE_DIR/db.json"
  rm -f "$STATE_DIR/db.json"
  vault kv put "$KV_MOUNT/vault/database-master" version_id="$current"
  echo "database connection moved to master secret version $current"
fi
vault token revoke -self
