/**
 * Values of the official `vault` chart and the server configuration (HCL) inside them. Pure: the
 * component resolves its Inputs first, so tests call every function with plain values.
 */
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "./security-context";
import type { Resources, Toleration } from "./types";
import {
  SERVER_POD_LABELS,
  TLS_DIR,
  TLS_SECRET,
  VAULT_GID,
  VAULT_RELEASE,
  VAULT_UID,
  vaultServiceHost,
} from "./vault-layout";
import { inlineScript } from "./vault-scripts";

/** Plain values {@link vaultHelmValues} needs (the component resolves its Inputs first). */
export interface VaultHelmSettings {
  /** Namespace of the release (the name the listener certificate is checked against). */
  readonly namespace: string;
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

/**
 * Raft keeps working while a majority of voters is up: a disruption budget of `(n - 1) / 2`
 * voluntary evictions keeps the quorum; a single node must still be drainable (so 1, not 0).
 */
export function raftMaxUnavailable(replicas: number): number {
  return Math.max(1, Math.floor((replicas - 1) / 2));
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
    // Prometheus scrapes /v1/sys/metrics without a token (the monitoring namespace only: network policy).
    "  telemetry {",
    "    unauthenticated_metrics_access = true",
    "  }",
    "}",
    "",
    "telemetry {",
    '  prometheus_retention_time = "24h"',
    "  disable_hostname          = true",
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
 * Its script is `scripts/tls-reloader.sh`.
 */
function tlsReloaderContainer(vaultImage: string): Record<string, unknown> {
  return {
    name: "tls-reloader",
    image: vaultImage,
    command: ["/bin/sh", "-c", inlineScript("tls-reloader.sh")],
    securityContext: restrictedContainerSecurityContext(),
    resources: { requests: { cpu: "5m", memory: "8Mi" }, limits: { cpu: "50m", memory: "32Mi" } },
    volumeMounts: [{ name: `userconfig-${TLS_SECRET}`, mountPath: TLS_DIR, readOnly: true }],
  };
}

/** Node selector and tolerations, copied (the chart's values must be plain data). */
function scheduling(s: VaultHelmSettings) {
  return { nodeSelector: { ...s.nodeSelector }, tolerations: s.tolerations.map((t) => ({ ...t })) };
}

/** The agent injector: pinned, fail-closed, limited to the workloads' namespaces, spread over nodes and zones. */
function injectorValues(s: VaultHelmSettings): Record<string, unknown> {
  const injectorLabels = {
    "app.kubernetes.io/name": "vault-agent-injector",
    "app.kubernetes.io/instance": VAULT_RELEASE,
    component: "webhook",
  };
  return {
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
    ...scheduling(s),
  };
}

/** The Vault servers: HA Raft, TLS, KMS seal, restricted pods spread over nodes and zones, volumes retained. */
function serverValues(s: VaultHelmSettings): Record<string, unknown> {
  const serviceAccountAnnotations = s.irsaRoleArn ? { "eks.amazonaws.com/role-arn": s.irsaRoleArn } : {};
  return {
    enabled: true,
    image: { repository: "hashicorp/vault", tag: s.vaultImageTag },
    updateStrategyType: "OnDelete",
    logFormat: "json",
    logLevel: "info",
    resources: { requests: { ...s.resources.requests }, limits: { ...s.resources.limits } },
    authDelegator: { enabled: true },
    extraEnvironmentVars: {
      VAULT_CACERT: `${TLS_DIR}/ca.crt`,
      VAULT_TLS_SERVER_NAME: vaultServiceHost(s.namespace),
    },
    extraVolumes: [{ type: "secret", name: TLS_SECRET }],
    // The chart's start command copies the HCL to /tmp/storageconfig.hcl and edits it in place: with a
    // read-only root filesystem /tmp must be a volume, or the container exits before Vault starts.
    volumes: [{ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "32Mi" } }],
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
    shareProcessNamespace: true,
    extraContainers: [tlsReloaderContainer(`hashicorp/vault:${s.vaultImageTag}`)],
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
    ...scheduling(s),
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
    statefulSet: {
      securityContext: {
        pod: restrictedPodSecurityContext(VAULT_UID, VAULT_GID),
        container: restrictedContainerSecurityContext(),
      },
    },
    hostNetwork: false,
  };
}

/** Values for the `vault` chart; every production-relevant default of the chart is set explicitly. */
export function vaultHelmValues(s: VaultHelmSettings): Record<string, unknown> {
  return {
    global: { enabled: true, tlsDisable: false, psp: { enable: false }, openshift: false },
    injector: injectorValues(s),
    server: serverValues(s),
    ui: { enabled: true, serviceType: "ClusterIP", activeVaultPodOnly: true, externalPort: 8200 },
    csi: { enabled: false },
  };
}
