/**
 * Pure builders for the Vault component: Helm values, server HCL, Vault policies, the scripts of
 * the bootstrap and maintenance jobs, and IAM policy documents. No Pulumi resources here, so tests
 * call every function directly with plain values.
 */
import {
  KV_MOUNT,
  SERVER_POD_LABELS,
  VAULT_ADDRESS,
  VAULT_CA_ISSUER,
  VAULT_NAMESPACE,
  VAULT_RELEASE,
  VAULT_TOKEN_AUDIENCE,
} from "../shared/vault-names";

export {
  KV_MOUNT,
  SERVER_POD_LABELS,
  VAULT_ADDRESS,
  VAULT_CA_ISSUER,
  VAULT_NAMESPACE,
  VAULT_RELEASE,
  VAULT_TOKEN_AUDIENCE,
};

/** Secret (issued by cert-manager) with `tls.crt`, `tls.key` and `ca.crt` of the listener. */
export const TLS_SECRET = "vault-server-tls";
/** Where the chart mounts `server.extraVolumes` entries. */
export const TLS_DIR = `/vault/userconfig/${TLS_SECRET}`;
/** The active node only (labelled by `service_registration "kubernetes"`). */
export const VAULT_ACTIVE_ADDRESS = `https://${VAULT_RELEASE}-active.${VAULT_NAMESPACE}.svc:8200`;
/** Name of the database secrets engine connection for the RDS instance. */
export const DB_CONNECTION = "platform-postgres";
/** UID/GID of the `vault` user in the official image (the chart's defaults). */
export const VAULT_UID = 100;
export const VAULT_GID = 1000;
/** Non-root UID of the job containers (amazon/aws-cli runs as root unless told otherwise). */
export const JOB_UID = 1000;

export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

export interface Toleration {
  readonly key: string;
  readonly operator: "Equal" | "Exists";
  readonly value?: string;
  readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** A workload Vault serves (Kubernetes auth role + policy named after it). */
export interface VaultWorkload {
  /** Policy and role name; its KV secrets live under `platform/<name>/`. */
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /**
   * PostgreSQL group role dynamic database users join (created by the service's migrations).
   * @default no database access
   */
  readonly databaseGroupRole?: string;
}

/** Plain values {@link vaultHelmValues} needs (the component resolves its Inputs first). */
export interface VaultHelmSettings {
  readonly region: string;
  readonly kmsKeyArn: string;
  readonly storageClassName: string;
  readonly storageSize: string;
  readonly replicas: number;
  readonly injectorReplicas: number;
  readonly vaultImageTag: string;
  readonly injectorImageTag: string;
  readonly resources: Resources;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  /** Namespaces whose pods the injector mutates (the workloads' namespaces). */
  readonly injectNamespaces: readonly string[];
  /** IRSA only: role ARN to annotate the server service account with. */
  readonly irsaRoleArn?: string;
}

/** Security context of every container we run or configure: PSS `restricted` compliant. */
export function restrictedContainerSecurityContext(): Record<string, unknown> {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Pod security context for a UID/GID: non-root, seccomp RuntimeDefault, volumes group-owned. */
export function restrictedPodSecurityContext(uid: number, gid: number): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup: gid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * Raft keeps working while a majority of voters is up: a disruption budget of `(n - 1) / 2`
 * voluntary evictions keeps the quorum; a single node must still be drainable (so 1, not 0).
 */
export function raftMaxUnavailable(replicas: number): number {
  return Math.max(1, Math.floor((replicas - 1) / 2));
}

/** DNS names the listener certificate covers: services, every pod through the headless service, localhost. */
export function vaultTlsDnsNames(): string[] {
  const svc = (s: string) => [
    s,
    `${s}.${VAULT_NAMESPACE}`,
    `${s}.${VAULT_NAMESPACE}.svc`,
    `${s}.${VAULT_NAMESPACE}.svc.cluster.local`,
  ];
  const internal = `${VAULT_RELEASE}-internal`;
  return [
    ...svc(VAULT_RELEASE),
    ...svc(`${VAULT_RELEASE}-active`),
    ...svc(`${VAULT_RELEASE}-standby`),
    ...svc(internal),
    `*.${internal}`,
    `*.${internal}.${VAULT_NAMESPACE}.svc`,
    `*.${internal}.${VAULT_NAMESPACE}.svc.cluster.local`,
    "localhost",
  ];
}

/** The server configuration (HCL): TLS listener, Raft with a retry_join per replica, KMS seal, Kubernetes registration. */
export function vaultServerHcl(s: Pick<VaultHelmSettings, "region" | "kmsKeyArn" | "replicas">): string {
  const joins = Array.from({ length: s.replicas }, (_, i) => {
    const host = `${VAULT_RELEASE}-${i}.${VAULT_RELEASE}-internal`;
    return [
      "  retry_join {",
      `    leader_api_addr       = "https://${host}:8200"`,
      `    leader_ca_cert_file   = "${TLS_DIR}/ca.crt"`,
      `    leader_tls_servername = "${host}"`,
      "  }",
    ].join("\n");
  });
  return [
    "ui = true",
    // Integrated storage memory-maps its BoltDB files; mlock would pin them in RAM and needs IPC_LOCK,
    // which PSS restricted forbids. EKS nodes have no swap. See docs/decisions/0051.
    "disable_mlock = true",
    "",
    'listener "tcp" {',
    '  address         = "[::]:8200"',
    '  cluster_address = "[::]:8201"',
    `  tls_cert_file   = "${TLS_DIR}/tls.crt"`,
    `  tls_key_file    = "${TLS_DIR}/tls.key"`,
    '  tls_min_version = "tls12"',
    "}",
    "",
    'storage "raft" {',
    '  path = "/vault/data"',
    ...joins,
    "}",
    "",
    'seal "awskms" {',
    `  region     = "${s.region}"`,
    `  kms_key_id = "${s.kmsKeyArn}"`,
    "}",
    "",
    'service_registration "kubernetes" {}',
    "",
  ].join("\n");
}

/**
 * Sidecar that sends SIGHUP to Vault when cert-manager renews the listener certificate (Vault
 * reloads its TLS files on SIGHUP only). Needs `shareProcessNamespace`; same UID, so no capability.
 */
function tlsReloaderContainer(vaultImage: string): Record<string, unknown> {
  const script = [
    "set -eu",
    `crt=${TLS_DIR}/tls.crt`,
    'last=$(sha256sum "$crt")',
    "while true; do",
    "  sleep 60",
    '  now=$(sha256sum "$crt")',
    '  if [ "$now" != "$last" ]; then',
    "    pid=$(pgrep -x vault || true)",
    '    if [ -n "$pid" ] && kill -HUP $pid; then echo "certificate renewed: SIGHUP sent to vault"; last="$now"; fi',
    "  fi",
    "done",
  ].join("\n");
  return {
    name: "tls-reloader",
    image: vaultImage,
    command: ["/bin/sh", "-c", script],
    securityContext: restrictedContainerSecurityContext(),
    resources: { requests: { cpu: "5m", memory: "8Mi" }, limits: { cpu: "50m", memory: "32Mi" } },
    volumeMounts: [{ name: `userconfig-${TLS_SECRET}`, mountPath: TLS_DIR, readOnly: true }],
  };
}

/** Values for the `vault` chart; every production-relevant default of the chart is set explicitly. */
export function vaultHelmValues(s: VaultHelmSettings): Record<string, unknown> {
  const vaultImage = `hashicorp/vault:${s.vaultImageTag}`;
  const podSecurity = restrictedPodSecurityContext(VAULT_UID, VAULT_GID);
  const containerSecurity = restrictedContainerSecurityContext();
  const scheduling = {
    nodeSelector: { ...s.nodeSelector },
    tolerations: s.tolerations.map((t) => ({ ...t })),
  };
  const serviceAccountAnnotations = s.irsaRoleArn ? { "eks.amazonaws.com/role-arn": s.irsaRoleArn } : {};
  const injectorLabels = {
    "app.kubernetes.io/name": "vault-agent-injector",
    "app.kubernetes.io/instance": VAULT_RELEASE,
    component: "webhook",
  };
  return {
    global: { enabled: true, tlsDisable: false, psp: { enable: false }, openshift: false },
    injector: {
      // Nothing to inject into until a workload is declared (an empty `In` selector is invalid).
      enabled: s.injectNamespaces.length > 0,
      replicas: s.injectorReplicas,
      image: { repository: "hashicorp/vault-k8s", tag: s.injectorImageTag },
      agentImage: { repository: "hashicorp/vault", tag: s.vaultImageTag },
      authPath: "auth/kubernetes",
      logFormat: "json",
      revokeOnShutdown: true,
      webhook: {
        // A pod that asked for secrets must not start without them.
        failurePolicy: "Fail",
        namespaceSelector:
          s.injectNamespaces.length > 0
            ? {
                matchExpressions: [
                  { key: "kubernetes.io/metadata.name", operator: "In", values: [...s.injectNamespaces] },
                ],
              }
            : {},
      },
      securityContext: {
        pod: restrictedPodSecurityContext(VAULT_UID, VAULT_GID),
        container: restrictedContainerSecurityContext(),
      },
      resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "128Mi" } },
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: {
                labelSelector: { matchLabels: injectorLabels },
                topologyKey: "kubernetes.io/hostname",
              },
            },
            {
              weight: 50,
              podAffinityTerm: {
                labelSelector: { matchLabels: injectorLabels },
                topologyKey: "topology.kubernetes.io/zone",
              },
            },
          ],
        },
      },
      podDisruptionBudget: s.injectorReplicas > 1 ? { maxUnavailable: 1 } : {},
      ...scheduling,
    },
    server: {
      enabled: true,
      image: { repository: "hashicorp/vault", tag: s.vaultImageTag },
      updateStrategyType: "OnDelete",
      logFormat: "json",
      logLevel: "info",
      resources: { requests: { ...s.resources.requests }, limits: { ...s.resources.limits } },
      authDelegator: { enabled: true },
      extraEnvironmentVars: {
        VAULT_CACERT: `${TLS_DIR}/ca.crt`,
        VAULT_TLS_SERVER_NAME: `${VAULT_RELEASE}.${VAULT_NAMESPACE}.svc`,
      },
      extraVolumes: [{ type: "secret", name: TLS_SECRET }],
      // The chart's start command copies the HCL to /tmp/storageconfig.hcl and edits it in place: with a
      // read-only root filesystem /tmp must be a volume, or the container exits before Vault starts.
      volumes: [{ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "32Mi" } }],
      volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
      shareProcessNamespace: true,
      extraContainers: [tlsReloaderContainer(vaultImage)],
      readinessProbe: { enabled: true, path: "/v1/sys/health?standbyok=true", port: 8200 },
      livenessProbe: {
        enabled: true,
        // Sealed or uninitialised is a state for the operator, not a reason to restart the pod.
        path: "/v1/sys/health?standbyok=true&sealedcode=204&uninitcode=204",
        port: 8200,
        initialDelaySeconds: 60,
      },
      terminationGracePeriodSeconds: 30,
      dataStorage: {
        enabled: true,
        size: s.storageSize,
        storageClass: s.storageClassName,
        accessMode: "ReadWriteOnce",
        mountPath: "/vault/data",
      },
      // The audit device writes to stdout, shipped with the container logs (docs/decisions/0053).
      auditStorage: { enabled: false },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              labelSelector: { matchLabels: { ...SERVER_POD_LABELS } },
              topologyKey: "kubernetes.io/hostname",
            },
          ],
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: {
                labelSelector: { matchLabels: { ...SERVER_POD_LABELS } },
                topologyKey: "topology.kubernetes.io/zone",
              },
            },
          ],
        },
      },
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "topology.kubernetes.io/zone",
          whenUnsatisfiable: "DoNotSchedule",
          labelSelector: { matchLabels: { ...SERVER_POD_LABELS } },
        },
      ],
      ...scheduling,
      networkPolicy: { enabled: false },
      service: { enabled: true, type: "ClusterIP", active: { enabled: true }, standby: { enabled: true } },
      ingress: { enabled: false },
      dev: { enabled: false },
      standalone: { enabled: false },
      ha: {
        enabled: true,
        replicas: s.replicas,
        raft: { enabled: true, setNodeId: true, config: vaultServerHcl(s) },
        disruptionBudget: { enabled: true, maxUnavailable: raftMaxUnavailable(s.replicas) },
      },
      serviceAccount: {
        create: true,
        name: VAULT_RELEASE,
        annotations: serviceAccountAnnotations,
        serviceDiscovery: { enabled: true },
      },
      statefulSet: { securityContext: { pod: podSecurity, container: containerSecurity } },
      hostNetwork: false,
    },
    ui: { enabled: true, serviceType: "ClusterIP", activeVaultPodOnly: true, externalPort: 8200 },
    csi: { enabled: false },
  };
}

// ---------------------------------------------------------------------------------------------
// Vault policies (HCL), written by the bootstrap job.

/** Policy of one workload: read its own KV subtree and, when declared, its database credentials. */
export function workloadPolicyHcl(w: VaultWorkload): string {
  const lines = [
    `# ${w.name}: read-only access to its own secrets.`,
    `path "${KV_MOUNT}/data/${w.name}/*" {`,
    '  capabilities = ["read"]',
    "}",
    `path "${KV_MOUNT}/metadata/${w.name}/*" {`,
    '  capabilities = ["read", "list"]',
    "}",
  ];
  if (w.databaseGroupRole !== undefined) {
    lines.push(`path "database/creds/${w.name}" {`, '  capabilities = ["read"]', "}");
  }
  return `${lines.join("\n")}\n`;
}

/** CI (AppRole): writes the secrets of every service, never reads Vault's own state nor other engines. */
export const CI_POLICY_HCL = [
  "# CI: publishes service secrets; cannot touch platform/vault/ (Vault's own state) or other engines.",
  `path "${KV_MOUNT}/data/*" {`,
  '  capabilities = ["create", "update", "read"]',
  "}",
  `path "${KV_MOUNT}/metadata/*" {`,
  '  capabilities = ["read", "list"]',
  "}",
  `path "${KV_MOUNT}/data/vault/*" {`,
  '  capabilities = ["deny"]',
  "}",
  "",
].join("\n");

/** Snapshot CronJob: take Raft snapshots, nothing else. */
export const SNAPSHOT_POLICY_HCL = [
  'path "sys/storage/raft/snapshot" {',
  '  capabilities = ["read"]',
  "}",
  "",
].join("\n");

/** Database credential sync CronJob: update the connection's login, remember which version it applied. */
export const DB_SYNC_POLICY_HCL = [
  `path "database/config/${DB_CONNECTION}" {`,
  '  capabilities = ["update"]',
  "}",
  `path "${KV_MOUNT}/data/vault/database-master" {`,
  '  capabilities = ["create", "update", "read"]',
  "}",
  "",
].join("\n");

/**
 * The bootstrap job after the first run (Kubernetes auth, no root token): manage exactly the
 * mounts, auth methods, policies and roles this configuration declares. This is administrative
 * power by nature; its service account is the only one bound to it (docs/decisions/0052).
 */
export const CONFIGURER_POLICY_HCL = [
  'path "sys/mounts" { capabilities = ["read"] }',
  'path "sys/mounts/*" { capabilities = ["create", "read", "update"] }',
  'path "sys/auth" { capabilities = ["read"] }',
  'path "sys/auth/*" { capabilities = ["create", "read", "update", "sudo"] }',
  'path "sys/audit" { capabilities = ["read", "sudo"] }',
  'path "sys/audit/*" { capabilities = ["create", "read", "update", "sudo"] }',
  'path "sys/policies/acl/*" { capabilities = ["create", "read", "update", "list"] }',
  'path "auth/kubernetes/config" { capabilities = ["create", "read", "update"] }',
  'path "auth/kubernetes/role/*" { capabilities = ["create", "read", "update", "list"] }',
  'path "auth/approle/role/ci" { capabilities = ["create", "read", "update"] }',
  `path "${KV_MOUNT}/config" { capabilities = ["create", "read", "update"] }`,
  `path "database/config/${DB_CONNECTION}" { capabilities = ["create", "read", "update"] }`,
  'path "database/roles/*" { capabilities = ["create", "read", "update", "list"] }',
  "",
].join("\n");

// ---------------------------------------------------------------------------------------------
// Scripts.

/** Settings of the configuration-as-code script (plain values). */
export interface ConfigureSettings {
  readonly workloads: readonly VaultWorkload[];
  /** TTL of CI secret IDs, in days (the platform's rotation period). */
  readonly rotationPeriodDays: number;
  readonly database?: { readonly host: string; readonly port: number; readonly dbName: string };
}

/** Service accounts of our own jobs, bound to their Kubernetes auth roles. */
export const JOB_SERVICE_ACCOUNTS = {
  bootstrap: "vault-bootstrap",
  snapshot: "vault-snapshot",
  databaseSync: "vault-db-sync",
} as const;

function k8sRole(
  role: string,
  namespace: string,
  serviceAccount: string,
  policy: string,
  ttl: string,
  audience?: string,
): string {
  return (
    `vault write auth/kubernetes/role/${role} bound_service_account_names=${serviceAccount} ` +
    `bound_service_account_namespaces=${namespace} token_policies=${policy} token_ttl=${ttl} token_max_ttl=${ttl}` +
    (audience !== undefined ? ` audience=${audience}` : "")
  );
}

/** SQL a dynamic user is created and dropped with; the user joins the service's group role only. */
export function databaseStatements(w: VaultWorkload): { creation: string; revocation: string } {
  return {
    creation: `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' IN ROLE "${w.databaseGroupRole}";\n`,
    revocation:
      'REASSIGN OWNED BY "{{name}}" TO CURRENT_USER;\nDROP OWNED BY "{{name}}";\nDROP ROLE IF EXISTS "{{name}}";\n',
  };
}

/**
 * Configuration as code, run by the bootstrap job with a token in VAULT_TOKEN. Every step is
 * idempotent: mounts and auth methods are enabled only when absent, everything else is a write of
 * the declared state.
 */
export function configureScript(c: ConfigureSettings): string {
  const ns = VAULT_NAMESPACE;
  const dbWorkloads = c.workloads.filter((w) => w.databaseGroupRole !== undefined);
  const lines = [
    "#!/bin/bash",
    "# Generated by components/secrets/vault.ts: the declared Vault configuration. Idempotent.",
    "set -euo pipefail",
    "# has <audit|secrets|auth> <path>: output captured first, so grep -q cannot SIGPIPE vault under pipefail.",
    'has() { local out; out=$(vault "$1" list -format=json); grep -q "\\"$2/\\"" <<<"$out"; }',
    "",
    "# Audit: every request and response (secrets HMAC-ed) to stdout, shipped with the container logs.",
    "has audit stdout || vault audit enable -path=stdout file file_path=stdout log_raw=false",
    "",
    `# KV v2 for the platform's secrets.`,
    `has secrets ${KV_MOUNT} || vault secrets enable -path=${KV_MOUNT} -version=2 kv`,
    `vault write ${KV_MOUNT}/config max_versions=10 cas_required=false`,
    "",
    "# Kubernetes auth: Vault reviews tokens with its own service account (system:auth-delegator from the chart).",
    "has auth kubernetes || vault auth enable kubernetes",
    'vault write auth/kubernetes/config kubernetes_host="https://kubernetes.default.svc:443"',
    "",
    "# Policies.",
    'for f in /scripts/policies/*.hcl; do vault policy write "$(basename "$f" .hcl)" "$f"; done',
    "",
    "# Roles of our own jobs.",
    k8sRole("vault-configurer", ns, JOB_SERVICE_ACCOUNTS.bootstrap, "vault-configurer", "30m"),
    k8sRole("raft-snapshot", ns, JOB_SERVICE_ACCOUNTS.snapshot, "raft-snapshot", "15m"),
    "",
    "# Roles of the workloads: each bound to exactly one service account in one namespace, and to the",
    `# audience of the projected token their Vault agent logs in with (${VAULT_TOKEN_AUDIENCE}).`,
    ...c.workloads.map((w) =>
      k8sRole(w.name, w.namespace, w.serviceAccount, w.name, "1h", VAULT_TOKEN_AUDIENCE),
    ),
    "",
    "# AppRole for CI: short tokens, secret IDs expiring with the platform's rotation period.",
    "has auth approle || vault auth enable approle",
    `vault write auth/approle/role/ci token_policies=ci token_ttl=20m token_max_ttl=1h secret_id_ttl=${c.rotationPeriodDays * 24}h secret_id_num_uses=0`,
  ];
  if (c.database) {
    const url = `postgresql://{{username}}:{{password}}@${c.database.host}:${c.database.port}/${c.database.dbName}?sslmode=require`;
    const roles = dbWorkloads.map((w) => w.name).join(",");
    lines.push(
      "",
      "# Database secrets engine: dynamic PostgreSQL users per service. The master login comes from the",
      "# RDS-managed secret; vault-db-sync keeps it current after each RDS rotation (docs/decisions/0054).",
      "has secrets database || vault secrets enable database",
      k8sRole("database-sync", ns, JOB_SERVICE_ACCOUNTS.databaseSync, "database-sync", "15m"),
      `if ! vault read database/config/${DB_CONNECTION} >/dev/null 2>&1; then`,
      '  aws secretsmanager get-secret-value --secret-id "$DB_MASTER_SECRET_ARN" --query SecretString --output text > "$STATE_DIR/db.json"',
      `  vault write database/config/${DB_CONNECTION} plugin_name=postgresql-database-plugin \\`,
      `    connection_url='${url}' password_authentication=scram-sha-256 allowed_roles='${roles}' @"$STATE_DIR/db.json"`,
      '  rm -f "$STATE_DIR/db.json"',
      "else",
      `  vault write database/config/${DB_CONNECTION} connection_url='${url}' allowed_roles='${roles}'`,
      "fi",
      ...dbWorkloads.map(
        (w) =>
          `vault write database/roles/${w.name} db_name=${DB_CONNECTION} default_ttl=1h max_ttl=24h ` +
          `creation_statements=@/scripts/sql/${w.name}-create.sql revocation_statements=@/scripts/sql/${w.name}-revoke.sql`,
      ),
    );
  }
  lines.push("", 'echo "vault configuration applied"', "");
  return lines.join("\n");
}

/** Logs in with the pod's service account token through Kubernetes auth; prints the token. */
const LOGIN_FN = [
  "k8s_login() {",
  '  vault write -field=token auth/kubernetes/login role="$1" jwt=@/var/run/secrets/kubernetes.io/serviceaccount/token',
  "}",
].join("\n");

/**
 * The bootstrap job: initialise once, store the init output in Secrets Manager, configure, revoke
 * the root token. Re-runs skip what is done. The init output survives a container restart in the
 * pod's memory-backed emptyDir until both secrets hold it.
 */
export const BOOTSTRAP_SCRIPT = [
  "#!/bin/bash",
  "# Vault bootstrap (components/secrets/vault.ts). Safe to run any number of times.",
  "set -euo pipefail",
  'export PATH="/tools:$PATH"',
  'log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) vault-bootstrap: $*"; }',
  LOGIN_FN,
  "# put <secret-id> <file>: idempotent (the request token is the content's hash).",
  "put() {",
  '  aws secretsmanager put-secret-value --secret-id "$1" --secret-string "file://$2" \\',
  '    --client-request-token "$(sha256sum "$2" | cut -c1-64)" >/dev/null',
  "}",
  "",
  "# 1. Wait for vault-0's API (vault status: 0 unsealed, 2 sealed or uninitialised, 1 unreachable).",
  'export VAULT_ADDR="$VAULT_LEADER_ADDR"',
  "for i in $(seq 1 120); do",
  '  rc=0; vault status -format=json >"$STATE_DIR/status.json" 2>/dev/null || rc=$?',
  '  [ "$rc" -ne 1 ] && break',
  '  [ "$i" -eq 120 ] && { log "no answer from $VAULT_ADDR after 10 minutes"; exit 1; }',
  "  sleep 5",
  "done",
  "",
  "# 2. Initialise only an uninitialised Vault, keeping the output in memory until it is stored.",
  'if grep -q \'"initialized": false\' "$STATE_DIR/status.json" && [ ! -s "$STATE_DIR/init.json" ]; then',
  '  log "initialising: $RECOVERY_SHARES recovery shares, threshold $RECOVERY_THRESHOLD"',
  '  vault operator init -recovery-shares="$RECOVERY_SHARES" -recovery-threshold="$RECOVERY_THRESHOLD" -format=json >"$STATE_DIR/init.tmp"',
  '  mv "$STATE_DIR/init.tmp" "$STATE_DIR/init.json"',
  "fi",
  'if [ -s "$STATE_DIR/init.json" ]; then',
  '  sed -E \'s/("root_token": *)"[^"]*"/\\1"stored in the root token secret"/\' "$STATE_DIR/init.json" >"$STATE_DIR/recovery.json"',
  '  sed -n -E \'s/.*"root_token": *"([^"]*)".*/{"root_token":"\\1"}/p\' "$STATE_DIR/init.json" >"$STATE_DIR/root.json"',
  '  put "$RECOVERY_KEYS_SECRET_ID" "$STATE_DIR/recovery.json"',
  '  put "$ROOT_TOKEN_SECRET_ID" "$STATE_DIR/root.json"',
  '  rm -f "$STATE_DIR/init.json" "$STATE_DIR/recovery.json" "$STATE_DIR/root.json"',
  '  log "recovery keys and root token stored in Secrets Manager"',
  "fi",
  "",
  "# 3. Wait for the active node (auto-unseal with KMS, Raft leader elected).",
  'export VAULT_ADDR="$VAULT_ACTIVE_ADDR"',
  "for i in $(seq 1 120); do",
  "  vault status >/dev/null 2>&1 && break",
  '  [ "$i" -eq 120 ] && { log "no active, unsealed node at $VAULT_ADDR after 10 minutes"; exit 1; }',
  "  sleep 5",
  "done",
  "",
  "# 4. A token: our own Kubernetes auth role once it exists, else the root token (first run or resumed first run).",
  "used_root=false",
  "if ! VAULT_TOKEN=$(k8s_login vault-configurer 2>/dev/null); then",
  '  VAULT_TOKEN=$(aws secretsmanager get-secret-value --secret-id "$ROOT_TOKEN_SECRET_ID" --query SecretString --output text \\',
  '    | sed -n -E \'s/.*"root_token": *"([^"]*)".*/\\1/p\')',
  "  used_root=true",
  "fi",
  'if [ -z "$VAULT_TOKEN" ] || [ "$VAULT_TOKEN" = "revoked" ]; then',
  '  log "no usable token: the vault-configurer role is missing and the root token is revoked; see docs/runbooks/vault.md (generate-root)"',
  "  exit 1",
  "fi",
  "export VAULT_TOKEN",
  "",
  "# 5. Configuration as code.",
  "bash /scripts/configure.sh",
  "",
  "# 6. No root token survives the bootstrap.",
  'if [ "$used_root" = true ]; then',
  "  vault token revoke -self",
  '  printf \'{"root_token":"revoked","revoked_at":"%s"}\' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$STATE_DIR/root.json"',
  '  put "$ROOT_TOKEN_SECRET_ID" "$STATE_DIR/root.json"',
  '  rm -f "$STATE_DIR/root.json"',
  '  log "root token revoked"',
  "fi",
  'log "done"',
  "",
].join("\n");

/** The snapshot CronJob: save a Raft snapshot from the active node and upload it under raft/. */
export const SNAPSHOT_SCRIPT = [
  "#!/bin/bash",
  "# Raft snapshot to S3 (components/secrets/vault.ts).",
  "set -euo pipefail",
  'export PATH="/tools:$PATH"',
  'export VAULT_ADDR="$VAULT_ACTIVE_ADDR"',
  LOGIN_FN,
  "VAULT_TOKEN=$(k8s_login raft-snapshot)",
  "export VAULT_TOKEN",
  'file="$STATE_DIR/vault-raft.snap"',
  'vault operator raft snapshot save "$file"',
  'key="raft/$(date -u +%Y/%m/%d/%Y%m%dT%H%M%SZ).snap"',
  'aws s3 cp "$file" "s3://$SNAPSHOT_BUCKET/$key" --only-show-errors',
  'rm -f "$file"',
  "vault token revoke -self",
  'echo "snapshot written to s3://$SNAPSHOT_BUCKET/$key"',
  "",
].join("\n");

/**
 * The database credential sync CronJob: when the RDS-managed master secret has a new AWSCURRENT
 * version (RDS rotated it), hand the new login to Vault's connection.
 */
export const DB_SYNC_SCRIPT = [
  "#!/bin/bash",
  "# Keeps Vault's database connection on the current RDS master login (components/secrets/vault.ts).",
  "set -euo pipefail",
  'export PATH="/tools:$PATH"',
  'export VAULT_ADDR="$VAULT_ACTIVE_ADDR"',
  LOGIN_FN,
  "VAULT_TOKEN=$(k8s_login database-sync)",
  "export VAULT_TOKEN",
  'current=$(aws secretsmanager get-secret-value --secret-id "$DB_MASTER_SECRET_ARN" --query VersionId --output text)',
  `applied=$(vault kv get -field=version_id ${KV_MOUNT}/vault/database-master 2>/dev/null || true)`,
  'if [ "$current" != "$applied" ]; then',
  '  aws secretsmanager get-secret-value --secret-id "$DB_MASTER_SECRET_ARN" --query SecretString --output text >"$STATE_DIR/db.json"',
  `  vault write database/config/${DB_CONNECTION} @"$STATE_DIR/db.json"`,
  '  rm -f "$STATE_DIR/db.json"',
  `  vault kv put ${KV_MOUNT}/vault/database-master version_id="$current"`,
  '  echo "database connection moved to master secret version $current"',
  "fi",
  "vault token revoke -self",
  "",
].join("\n");

// ---------------------------------------------------------------------------------------------
// IAM policy documents (plain objects; the component serialises them with pulumi.jsonStringify).

type Json = Record<string, unknown>;

/** Vault server: the unseal key and nothing else. */
export function serverIamPolicy(kmsKeyArn: string): Json {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "VaultAutoUnseal",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt"],
        Resource: kmsKeyArn,
      },
    ],
  };
}

/** KMS use on behalf of one AWS service only (`kms:ViaService`). */
function viaService(region: string, service: string): Json {
  return { StringEquals: { "kms:ViaService": `${service}.${region}.amazonaws.com` } };
}

/** Bootstrap job: write both secrets, read back only the root token (to resume), read the DB master login. */
export function bootstrapIamPolicy(p: {
  region: string;
  recoveryKeysSecretArn: string;
  rootTokenSecretArn: string;
  /** Keys of the two secrets and, if set, of the database master secret (duplicates removed). */
  kmsKeyArns: readonly string[];
  databaseMasterSecretArn?: string;
}): Json {
  const statements: Json[] = [
    {
      Sid: "StoreInitOutput",
      Effect: "Allow",
      Action: ["secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue"],
      Resource: [p.recoveryKeysSecretArn, p.rootTokenSecretArn],
    },
    {
      Sid: "ResumeWithRootToken",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: p.rootTokenSecretArn,
    },
  ];
  if (p.databaseMasterSecretArn !== undefined) {
    statements.push({
      Sid: "ReadDatabaseMasterLogin",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: p.databaseMasterSecretArn,
    });
  }
  statements.push({
    Sid: "UseSecretsKeyThroughSecretsManager",
    Effect: "Allow",
    Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
    Resource: [...new Set(p.kmsKeyArns)],
    Condition: viaService(p.region, "secretsmanager"),
  });
  return { Version: "2012-10-17", Statement: statements };
}

/** Snapshot CronJob: put objects under raft/ of the bucket, list it, use the backup key through S3 (multipart needs Decrypt). */
export function snapshotIamPolicy(p: { region: string; bucketArn: string; backupKmsKeyArn: string }): Json {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ListSnapshotBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: p.bucketArn },
      { Sid: "WriteSnapshots", Effect: "Allow", Action: "s3:PutObject", Resource: `${p.bucketArn}/raft/*` },
      {
        Sid: "EncryptSnapshotsWithBackupKey",
        Effect: "Allow",
        // kms:Decrypt: S3 multipart uploads (aws s3 cp above 8 MiB) decrypt the data key to finish the upload.
        Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
        Resource: p.backupKmsKeyArn,
        Condition: viaService(p.region, "s3"),
      },
    ],
  };
}

/** Database sync CronJob: read the RDS master secret (and decrypt it through Secrets Manager). */
export function databaseSyncIamPolicy(p: {
  region: string;
  masterSecretArn: string;
  masterSecretKmsKeyArn: string;
}): Json {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadDatabaseMasterLogin",
        Effect: "Allow",
        Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
        Resource: p.masterSecretArn,
      },
      {
        Sid: "DecryptThroughSecretsManager",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: p.masterSecretKmsKeyArn,
        Condition: viaService(p.region, "secretsmanager"),
      },
    ],
  };
}
