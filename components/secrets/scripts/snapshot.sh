#!/bin/bash
# Raft snapshot to S3 (components/secrets/vault.ts).
set -euo pipefail
export PATH="/tools:$PATH"
export VAULT_ADDR="$VAULT_ACTIVE_ADDR"
k8s_login() {
  vault write -field=token auth/kubernetes/login role="$1" jwt=@/var/run/secrets/kubernetes.io/serviceaccount/token
}
VAULT_TOKEN=$(k8s_login raft-snapshot)
export VAULT_TOKEN
file="$STATE_DIR/vault-raft.snap"
vault operator raft snapshot save "$file"
key="raft/$(date -u +%Y/%m/%d/%Y%m%dT%H%M%SZ).snap"
aws s3 cp "$file" "s3://$SNAPSHOT_BUCKET/$key" --only-show-errors
rm -f "$file"
vault token revoke -self
echo "snapshot written to s3://$SNAPSHOT_BUCKET/$key"
