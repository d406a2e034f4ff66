/**
 * The platform's Vault conventions: names its Vault installation is reachable by, shared by the
 * Vault component (which creates them) and its clients (which are configured with them). They are
 * the defaults of component arguments (`VaultArgs.namespace`, `caIssuerName`, `kvMount`,
 * `tokenAudience`), which `infra/platform.ts` passes once; see `docs/architecture.md`.
 */
/** Namespace, Helm release name and the names the chart derives from it (`vault-0`, `vault-internal`). */
export const VAULT_NAMESPACE = "vault";
export const VAULT_RELEASE = "vault";
/**
 * cert-manager ClusterIssuer of Vault's private CA: signs the listener certificate and, in each
 * namespace of a Vault client, a certificate whose Secret carries `ca.crt` for the agent (decision 0056).
 */
export const VAULT_CA_ISSUER = "vault-ca";
/** Audience of the projected ServiceAccount tokens Vault agents log in with (useless against the API server). */
export const VAULT_TOKEN_AUDIENCE = "vault";
/** Address every client in the cluster uses (any pod; standbys forward to the active node). */
export const VAULT_ADDRESS = `https://${VAULT_RELEASE}.${VAULT_NAMESPACE}.svc:8200`;
/** KV v2 mount holding the platform's secrets; `platform/vault/` is reserved for Vault's own state. */
export const KV_MOUNT = "platform";
/** Pod labels the chart puts on server pods. */
export const SERVER_POD_LABELS = {
  "app.kubernetes.io/name": "vault",
  "app.kubernetes.io/instance": VAULT_RELEASE,
  component: "server",
} as const;
/** Name of the server container in the chart's StatefulSet (`vault-0`'s container `vault`). */
export const VAULT_SERVER_CONTAINER = "vault";
