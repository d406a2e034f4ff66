#!/bin/bash
# Vault bootstrap (components/secrets/vault.ts). Safe to run any number of times.
set -euo pipefail
export PATH="/tools:$PATH"
log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) vault-bootstrap: $*"; }
k8s_login() {
  vault write -field=token auth/kubernetes/login role="$1" jwt=@/var/run/secrets/kubernetes.io/serviceaccount/token
}
# put <secret-id> <file>: idempotent (the request token is the content's hash).
put() {
  aws secretsmanager put-secret-value --secret-id "$1" --secret-string "file://$2" \
    --client-request-token "$(sha256sum "$2" | cut -c1-64)" >/dev/null
}

# 1. Wait for vault-0's API (vault status: 0 unsealed, 2 sealed or uninitialised, 1 unreachable).
export VAULT_ADDR="$VAULT_LEADER_ADDR"
for i in $(seq 1 120); do
  rc=0; vault status -format=json >"$STATE_DIR/status.json" 2>/dev/null || rc=$?
  [ "$rc" -ne 1 ] && break
  [ "$i" -eq 120 ] && { log "no answer from $VAULT_ADDR after 10 minutes"; exit 1; }
  sleep 5
done

# 2. Initialise only an uninitialised Vault, keeping the output in memory until it is stored.
if grep -q '"initialized": false' "$STATE_DIR/status.json" && [ ! -s "$STATE_DIR/init.json" ]; then
  log "initialising: $RECOVERY_SHARES recovery shares, threshold $RECOVERY_THRESHOLD"
  vault operator init -recovery-shares="$RECOVERY_SHARES" -recovery-threshold="$RECOVERY_THRESHOLD" -format=json >"$STATE_DIR/init.tmp"
  mv "$STATE_DIR/init.tmp" "$STATE_DIR/init.json"
fi
if [ -s "$STATE_DIR/init.json" ]; then
  sed -E 's/("root_token": *)"[^"]*"/\1"stored in the root token secret"/' "$STATE_DIR/init.json" >"$STATE_DIR/recovery.json"
  sed -n -E 's/.*"root_token": *"([^"]*)".*/{"root_token":"\1"}/p' "$STATE_DIR/init.json" >"$STATE_DIR/root.json"
  put "$RECOVERY_KEYS_SECRET_ID" "$STATE_DIR/recovery.json"
  put "$ROOT_TOKEN_SECRET_ID" "$STATE_DIR/root.json"
  rm -f "$STATE_DIR/init.json" "$STATE_DIR/recovery.json" "$STATE_DIR/root.json"
  log "recovery keys and root token stored in Secrets Manager"
fi

# 3. Wait for the active node (auto-unseal with KMS, Raft leader elected).
export VAULT_ADDR="$VAULT_ACTIVE_ADDR"
for i in $(seq 1 120); do
  vault status >/dev/null 2>&1 && break
  [ "$i" -eq 120 ] && { log "no active, unsealed node at $VAULT_ADDR after 10 minutes"; exit 1; }
  sleep 5
done

# 4. A token: our own Kubernetes auth role once it exists, else the root token (first run or resumed first run).
used_root=false
if ! VAULT_TOKEN=$(k8s_login vault-configurer 2>/dev/null); then
  VAULT_TOKEN=$(aws secretsmanager get-secret-value --secret-id "$ROOT_TOKEN_SECRET_ID" --query SecretString --output text \
    | sed -n -E 's/.*"root_token": *"([^"]*)".*/\1/p')
  used_root=true
fi
if [ -z "$VAULT_TOKEN" ] || [ "$VAULT_TOKEN" = "revoked" ]; then
  log "no usable token: the vault-configurer role is missing and the root token is revoked; see docs/runbooks/vault.md (generate-root)"
  exit 1
fi
export VAULT_TOKEN

# 5. Configuration as code.
bash /scripts/configure.sh

# 6. No root token survives the bootstrap.
if [ "$used_root" = true ]; then
  vault token revoke -self
  printf '{"root_token":"revoked","revoked_at":"%s"}' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$STATE_DIR/root.json"
  put "$ROOT_TOKEN_SECRET_ID" "$STATE_DIR/root.json"
  rm -f "$STATE_DIR/root.json"
  log "root token revoked"
fi
log "done"
