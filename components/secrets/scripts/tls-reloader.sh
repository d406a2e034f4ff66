#!/bin/sh
# Sidecar of each Vault server pod (components/secrets/vault-helm-values.ts): sends SIGHUP to Vault
# when cert-manager renews the listener certificate (Vault reloads its TLS files on SIGHUP only).
# Runs as `sh -c` in the Vault image: this header is dropped when inlined (inlineScript).
# shellcheck disable=SC2086 # kill gets every PID pgrep prints, hence $pid unquoted.
set -eu
crt=/vault/userconfig/vault-server-tls/tls.crt
last=$(sha256sum "$crt")
while true; do
  sleep 60
  now=$(sha256sum "$crt")
  if [ "$now" != "$last" ]; then
    pid=$(pgrep -x vault || true)
    if [ -n "$pid" ] && kill -HUP $pid; then echo "certificate renewed: SIGHUP sent to vault"; last="$now"; fi
  fi
done
