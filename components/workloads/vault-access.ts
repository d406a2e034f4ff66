/**
 * Secrets from Vault through the Vault Agent injector (decision 0056): the pod annotations that ask
 * for the agent, the projected token it logs in with, and Vault's CA in the service's namespace. The
 * egress to the Vault server pods is one of the network policies.
 */
import * as k8s from "@pulumi/kubernetes";
import { DEFAULT_VAULT_CONNECTION, type ResolvedVaultConnection } from "./conventions";
import { VAULT_AGENT_RESOURCES, type VaultDeclaration } from "./declaration";
import { VAULT_REVOKE_GRACE_SECONDS } from "./graceful-shutdown";
import type { ServiceScope } from "./scope";
import { vaultApiPath } from "./vault-rules";

/** Projected-token volume the Vault agent logs in with; mounted into the agent containers only. */
export const VAULT_TOKEN_VOLUME = "vault-token";
/** Secret (in the service's namespace) whose `ca.crt` is Vault's CA; mounted by the agent at /vault/tls. */
export const VAULT_TLS_SECRET = "vault-tls";
/** Lifetime of the agent's projected token; the kubelet renews it at 80 %. */
export const VAULT_TOKEN_SECONDS = 3600;

/**
 * Pod annotations that make the Vault Agent injector add an init container (secrets exist before the
 * app starts) and a sidecar (renews leases, re-renders files) running as the service's own UID.
 * @param connection The Vault to read from. @default this platform's Vault ({@link DEFAULT_VAULT_CONNECTION})
 */
export function vaultAgentAnnotations(
  service: string,
  uid: number,
  vault: VaultDeclaration,
  connection: Pick<ResolvedVaultConnection, "address" | "kvMount"> = DEFAULT_VAULT_CONNECTION,
): Record<string, string> {
  const annotations: Record<string, string> = {
    "vault.hashicorp.com/agent-inject": "true",
    "vault.hashicorp.com/role": service,
    "vault.hashicorp.com/service": connection.address,
    "vault.hashicorp.com/tls-secret": VAULT_TLS_SECRET,
    "vault.hashicorp.com/ca-cert": "/vault/tls/ca.crt",
    "vault.hashicorp.com/agent-service-account-token-volume-name": VAULT_TOKEN_VOLUME,
    "vault.hashicorp.com/agent-pre-populate": "true",
    "vault.hashicorp.com/agent-pre-populate-only": "false",
    "vault.hashicorp.com/agent-revoke-on-shutdown": "true",
    "vault.hashicorp.com/agent-revoke-grace": String(VAULT_REVOKE_GRACE_SECONDS),
    "vault.hashicorp.com/agent-set-security-context": "true",
    "vault.hashicorp.com/agent-run-as-user": String(uid),
    "vault.hashicorp.com/agent-run-as-group": String(uid),
    "vault.hashicorp.com/agent-requests-cpu": VAULT_AGENT_RESOURCES.requests.cpu,
    "vault.hashicorp.com/agent-requests-mem": VAULT_AGENT_RESOURCES.requests.memory,
    "vault.hashicorp.com/agent-limits-cpu": VAULT_AGENT_RESOURCES.limits.cpu,
    "vault.hashicorp.com/agent-limits-mem": VAULT_AGENT_RESOURCES.limits.memory,
  };
  for (const secret of vault.secrets) {
    const apiPath = vaultApiPath(secret.path, connection.kvMount);
    // KV v2 wraps the values in .Data.data; a database login is .Data (username, password).
    const data = apiPath === secret.path ? ".Data" : ".Data.data";
    annotations[`vault.hashicorp.com/agent-inject-secret-${secret.file}`] = apiPath;
    annotations[`vault.hashicorp.com/agent-inject-template-${secret.file}`] =
      `{{- with secret "${apiPath}" -}}{{ ${data} | toJSON }}{{- end }}`;
    annotations[`vault.hashicorp.com/agent-inject-perms-${secret.file}`] = "0400";
  }
  return annotations;
}

/**
 * The pod volume holding the agent's login token. Not mounted by the app: the injector mounts it into
 * the agent containers only. Its audience makes it worthless against the API server.
 */
export function vaultTokenVolume(connection: Pick<ResolvedVaultConnection, "tokenAudience">) {
  return {
    name: VAULT_TOKEN_VOLUME,
    projected: {
      sources: [
        {
          serviceAccountToken: {
            path: "token",
            audience: connection.tokenAudience,
            expirationSeconds: VAULT_TOKEN_SECONDS,
          },
        },
      ],
    },
  };
}

/**
 * Vault's CA in the service's namespace: a certificate from the Vault CA ClusterIssuer, whose Secret
 * carries ca.crt. The agent trusts it; nothing uses the certificate's own key (decision 0056).
 */
export function createVaultCaCertificate(s: ServiceScope): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(
    `${s.name}-vault-ca`,
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: s.meta(VAULT_TLS_SECRET),
      spec: {
        secretName: VAULT_TLS_SECRET,
        commonName: `${s.service}.vault-agent`,
        duration: "2160h",
        renewBefore: "720h",
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        usages: ["client auth", "digital signature"],
        issuerRef: { name: s.conventions.vault.caIssuer, kind: "ClusterIssuer", group: "cert-manager.io" },
      },
    },
    s.child,
  );
}
