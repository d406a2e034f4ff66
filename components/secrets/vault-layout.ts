/**
 * Names inside one Vault installation: fixed by the chart and by this component (release, TLS
 * Secret, job service accounts), or derived from the conventions a caller may change
 * ({@link VaultConventions}: namespace, CA issuer, KV mount, token audience).
 */
import { VAULT_RELEASE } from "../shared/vault-names";

export { SERVER_POD_LABELS, VAULT_RELEASE } from "../shared/vault-names";

/** The platform conventions a Vault installation is built with (resolved arguments, see `VaultArgs`). */
export interface VaultConventions {
  /** Namespace of Vault, its jobs and its listener certificate. */
  readonly namespace: string;
  /** cert-manager ClusterIssuer of Vault's private CA. */
  readonly caIssuerName: string;
  /** Namespace of cert-manager, where the CA's key pair lives (a ClusterIssuer reads it from there). */
  readonly certManagerNamespace: string;
  /** KV v2 mount of the platform's secrets. */
  readonly kvMount: string;
  /** Audience of the projected tokens the workloads' Vault agents log in with. */
  readonly tokenAudience: string;
}

/** Secret (issued by cert-manager) with `tls.crt`, `tls.key` and `ca.crt` of the listener. */
export const TLS_SECRET = "vault-server-tls";
/** Where the chart mounts `server.extraVolumes` entries. */
export const TLS_DIR = `/vault/userconfig/${TLS_SECRET}`;
/** Name of the database secrets engine connection for the RDS instance. */
export const DB_CONNECTION = "platform-postgres";
/** UID/GID of the `vault` user in the official image (the chart's defaults). */
export const VAULT_UID = 100;
export const VAULT_GID = 1000;
/** Non-root UID of the job containers (amazon/aws-cli runs as root unless told otherwise). */
export const JOB_UID = 1000;
/** ConfigMap with the jobs' scripts, policies and SQL. */
export const SCRIPTS_CONFIG_MAP = "vault-scripts";
/** Labels of the maintenance jobs' pods and objects (network policies select them). */
export const JOB_LABELS = {
  "app.kubernetes.io/part-of": "vault",
  "app.kubernetes.io/component": "maintenance-job",
} as const;
/** Service accounts of our own jobs, bound to their Kubernetes auth roles (scripts/configure.sh). */
export const JOB_SERVICE_ACCOUNTS = {
  bootstrap: "vault-bootstrap",
  snapshot: "vault-snapshot",
  databaseSync: "vault-db-sync",
} as const;

/** Host name of the Vault service in `namespace`, e.g. `vault.vault.svc`. */
export function vaultServiceHost(namespace: string): string {
  return `${VAULT_RELEASE}.${namespace}.svc`;
}

/** Address every client in the cluster uses (any pod; standbys forward to the active node). */
export function vaultClientAddress(namespace: string): string {
  return `https://${vaultServiceHost(namespace)}:8200`;
}

/** The active node only (labelled by `service_registration "kubernetes"`). */
export function vaultActiveAddress(namespace: string): string {
  return `https://${VAULT_RELEASE}-active.${namespace}.svc:8200`;
}

/** The first pod, through the headless service (in the jobs' own namespace): where init happens. */
export const VAULT_LEADER_ADDRESS = `https://${VAULT_RELEASE}-0.${VAULT_RELEASE}-internal:8200`;

/** DNS names the listener certificate covers: services, every pod through the headless service, localhost. */
export function vaultTlsDnsNames(namespace: string): string[] {
  const svc = (s: string) => [
    s,
    `${s}.${namespace}`,
    `${s}.${namespace}.svc`,
    `${s}.${namespace}.svc.cluster.local`,
  ];
  const internal = `${VAULT_RELEASE}-internal`;
  return [
    ...svc(VAULT_RELEASE),
    ...svc(`${VAULT_RELEASE}-active`),
    ...svc(`${VAULT_RELEASE}-standby`),
    ...svc(internal),
    `*.${internal}`,
    `*.${internal}.${namespace}.svc`,
    `*.${internal}.${namespace}.svc.cluster.local`,
    "localhost",
  ];
}
