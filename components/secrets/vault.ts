/**
 * HashiCorp Vault on EKS: HA with integrated Raft storage from the official chart, auto-unseal with
 * the Vault KMS key, TLS from cert-manager, a one-shot bootstrap Job that initialises Vault and
 * applies the configuration as code without any secret passing through Pulumi, and Raft snapshots
 * to an encrypted S3 bucket. Runbook: docs/runbooks/vault.md; decisions 0050-0055.
 *
 * Every Kubernetes object uses the Kubernetes provider the caller passes in `opts`.
 */
import * as crypto from "crypto";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { WorkloadIdentity } from "../cluster/workload-identity";
import { type StatefulArgs, statefulOptions } from "../shared/stateful";
import { CERT_MANAGER_NAMESPACE } from "./cert-manager";
import { formatCpu, formatMemory, parseCpu, parseMemory } from "../shared/quantity";
import {
  BOOTSTRAP_SCRIPT,
  CI_POLICY_HCL,
  CONFIGURER_POLICY_HCL,
  DB_SYNC_POLICY_HCL,
  DB_SYNC_SCRIPT,
  JOB_SERVICE_ACCOUNTS,
  JOB_UID,
  SERVER_POD_LABELS,
  SNAPSHOT_POLICY_HCL,
  SNAPSHOT_SCRIPT,
  TLS_SECRET,
  VAULT_ACTIVE_ADDRESS,
  VAULT_CA_ISSUER,
  VAULT_ADDRESS,
  VAULT_NAMESPACE,
  VAULT_RELEASE,
  bootstrapIamPolicy,
  configureScript,
  databaseStatements,
  databaseSyncIamPolicy,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  serverIamPolicy,
  snapshotIamPolicy,
  vaultHelmValues,
  vaultTlsDnsNames,
  workloadPolicyHcl,
  type Resources,
  type Toleration,
  type VaultWorkload,
} from "./vault-values";

export { vaultHelmValues } from "./vault-values";

export interface VaultDatabaseArgs {
  /** Address of the RDS PostgreSQL primary. */
  readonly host: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  /** ARN of the Secrets Manager secret with the master login (`{"username":..,"password":..}`, RDS-managed). */
  readonly masterSecretArn: pulumi.Input<string>;
  /**
   * KMS key encrypting the master secret.
   * @default secretsKmsKeyArn
   */
  readonly masterSecretKmsKeyArn?: pulumi.Input<string>;
  /**
   * Database the connection opens.
   * @default "postgres"
   */
  readonly dbName?: string;
  /**
   * CIDRs the Vault servers may reach on the database port (the data subnets).
   * @default the RFC 1918 ranges (10/8, 172.16/12, 192.168/16)
   */
  readonly cidrBlocks?: readonly string[];
}

export interface VaultArgs extends StatefulArgs {
  /** EKS cluster name (workload identities are scoped to it). */
  readonly clusterName: pulumi.Input<string>;
  /** AWS region of the KMS keys (the seal stanza and `kms:ViaService` conditions name it). */
  readonly region: string;
  /** ARN of the Vault unseal key (KMS component `keyArns.vault`). */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** ARN of the backup key (KMS `keyArns.backup`): encrypts the snapshot bucket. */
  readonly backupKmsKeyArn: pulumi.Input<string>;
  /** ARN of the Secrets Manager key (KMS `keyArns.secrets`): encrypts the recovery keys and root token secrets. */
  readonly secretsKmsKeyArn: pulumi.Input<string>;
  /** StorageClass of the Raft volumes (the cluster's encrypted gp3 class). */
  readonly storageClassName: pulumi.Input<string>;
  /** The cert-manager installation (its CRDs must exist before Vault's Issuers and Certificates). */
  readonly certManager: pulumi.Resource;
  /** Exact `vault` chart version from https://helm.releases.hashicorp.com. */
  readonly chartVersion: string;
  /** Pinned tags of hashicorp/vault, hashicorp/vault-k8s and amazon/aws-cli. */
  readonly images: { readonly vault: string; readonly injector: string; readonly awsCli: string };
  /** Raft voters: 1, or odd from 3. */
  readonly replicas: number;
  /**
   * Agent injector replicas.
   * @default 1
   */
  readonly injectorReplicas?: number;
  /** Recovery key shares handed out at init, 3 to 10. */
  readonly recoveryShares: number;
  /** Recovery keys needed to act (generate-root, etc.): at least 2, at most `recoveryShares`. */
  readonly recoveryThreshold: number;
  /** Raft volume size per replica (Kubernetes quantity). */
  readonly storageSize: string;
  /** Requests and limits of the Vault server container. */
  readonly resources: Resources;
  /** Cron schedule (5 fields, UTC) of Raft snapshots. */
  readonly snapshotSchedule: string;
  /** Days snapshots are kept in S3 before expiring. */
  readonly snapshotRetentionDays: number;
  /** TTL of CI AppRole secret IDs, in days. */
  readonly rotationPeriodDays: number;
  /**
   * Services served by Vault: a policy and a Kubernetes auth role each, bound to one service account.
   * @default none
   */
  readonly workloads?: readonly VaultWorkload[];
  /**
   * Database secrets engine for the RDS instance.
   * @default not configured
   */
  readonly database?: VaultDatabaseArgs;
  /**
   * Node selector for Vault pods (e.g. the on-demand system node group).
   * @default none
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * Tolerations for Vault pods (e.g. `CriticalAddonsOnly=true:NoSchedule` of the system nodes).
   * @default none
   */
  readonly tolerations?: readonly Toleration[];
  /**
   * How pods get their AWS roles.
   * @default EKS Pod Identity
   */
  readonly identity?: {
    readonly mechanism: "irsa";
    readonly oidcProviderArn: pulumi.Input<string>;
    readonly oidcIssuer: pulumi.Input<string>;
  };
}

const QUANTITY = /^([0-9]+(\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Every problem with the args, as sentences; empty when valid. */
export function validateVaultArgs(args: VaultArgs): string[] {
  const p: string[] = [];
  if (!(
    args.replicas === 1 ||
    (Number.isInteger(args.replicas) && args.replicas >= 3 && args.replicas % 2 === 1)
  )) {
    p.push(`replicas ${args.replicas} must be 1 or an odd number from 3 (Raft quorum)`);
  }
  if (!Number.isInteger(args.recoveryShares) || args.recoveryShares < 3 || args.recoveryShares > 10) {
    p.push(`recoveryShares ${args.recoveryShares} must be an integer from 3 to 10`);
  }
  if (!Number.isInteger(args.recoveryThreshold) || args.recoveryThreshold < 2) {
    p.push(`recoveryThreshold ${args.recoveryThreshold} must be an integer of at least 2`);
  } else if (args.recoveryThreshold > args.recoveryShares) {
    p.push(
      `recoveryThreshold ${args.recoveryThreshold} must be at most recoveryShares (${args.recoveryShares})`,
    );
  }
  if (!/^\d+\.\d+\.\d+$/.test(args.chartVersion)) {
    p.push(`chartVersion '${args.chartVersion}' must be an exact version like 0.31.0`);
  }
  for (const [image, tag] of Object.entries(args.images)) {
    if (tag === "" || tag === "latest") {
      p.push(`images.${image} '${tag}' must be a pinned tag, never empty or 'latest'`);
    }
  }
  if (!QUANTITY.test(args.storageSize)) {
    p.push(`storageSize '${args.storageSize}' must be a Kubernetes quantity like 10Gi`);
  }
  if (args.snapshotSchedule.trim().split(/\s+/).length !== 5) {
    p.push(`snapshotSchedule '${args.snapshotSchedule}' must be a 5-field cron expression`);
  }
  if (!Number.isInteger(args.snapshotRetentionDays) || args.snapshotRetentionDays < 1) {
    p.push(`snapshotRetentionDays ${args.snapshotRetentionDays} must be an integer of at least 1`);
  }
  if (!Number.isInteger(args.rotationPeriodDays) || args.rotationPeriodDays < 1) {
    p.push(`rotationPeriodDays ${args.rotationPeriodDays} must be an integer of at least 1`);
  }
  const names = new Set<string>();
  for (const w of args.workloads ?? []) {
    if (!DNS_LABEL.test(w.name) || w.name === "vault") {
      p.push(`workload name '${w.name}' must be a DNS-1123 label other than 'vault'`);
    }
    if (names.has(w.name)) {
      p.push(`workload '${w.name}' is declared twice`);
    }
    names.add(w.name);
    if (w.databaseGroupRole !== undefined && args.database === undefined) {
      p.push(`workload '${w.name}' asks for database credentials but no database is configured`);
    }
  }
  return p;
}

const JOB_LABELS = { "app.kubernetes.io/part-of": "vault", "app.kubernetes.io/component": "maintenance-job" };
const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
/** Link-local address of the EKS Pod Identity Agent on every node. */
const POD_IDENTITY_AGENT = "169.254.170.23/32";

/** HashiCorp Vault, HA Raft, KMS auto-unseal, bootstrapped and configured in-cluster. */
export class Vault extends pulumi.ComponentResource {
  /** `vault`. */
  public readonly namespace: pulumi.Output<string>;
  /** In-cluster address, `https://vault.vault.svc:8200` (CA in Secret `vault-server-tls`, key `ca.crt`). */
  public readonly address: pulumi.Output<string>;
  /** Secrets Manager secret with the recovery keys (written by the bootstrap job, never by Pulumi). */
  public readonly recoveryKeysSecretArn: pulumi.Output<string>;
  /** Secrets Manager secret the initial root token passes through; holds `revoked` after bootstrap. */
  public readonly rootTokenSecretArn: pulumi.Output<string>;
  /** S3 bucket of the Raft snapshots. */
  public readonly snapshotBucketName: pulumi.Output<string>;
  /** Role of the Vault servers (KMS unseal key only). */
  public readonly serverRoleArn: pulumi.Output<string>;

  constructor(name: string, args: VaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:secrets:Vault", name, {}, opts);
    const problems = validateVaultArgs(args);
    if (problems.length > 0) {
      throw new Error(`Vault '${name}' has invalid arguments:\n  - ${problems.join("\n  - ")}`);
    }
    const workloads = args.workloads ?? [];
    const db = args.database;
    const parent = { parent: this };
    const stateful = (extra?: pulumi.CustomResourceOptions) => statefulOptions(this, args.protect, extra);
    const irsa = args.identity;
    const identity = (key: string, serviceAccount: string, policy: pulumi.Input<string>) =>
      new WorkloadIdentity(
        `${name}-${key}`,
        {
          clusterName: args.clusterName,
          namespace: VAULT_NAMESPACE,
          serviceAccount,
          policyJson: policy,
          ...(irsa
            ? {
                mechanism: "irsa" as const,
                oidcProviderArn: irsa.oidcProviderArn,
                oidcIssuer: irsa.oidcIssuer,
              }
            : {}),
        },
        parent,
      );
    const saAnnotations = (id: WorkloadIdentity): Record<string, pulumi.Input<string>> =>
      irsa ? { "eks.amazonaws.com/role-arn": id.roleArn } : {};

    // Namespace: PSS restricted in all three modes; every pod below fits it.
    const ns = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: VAULT_NAMESPACE,
          labels: {
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
          },
        },
      },
      parent,
    );
    const namespace = ns.metadata.name;
    createNamespaceLimits(name, namespace, args, this);

    // TLS: a private CA for Vault only, in this namespace, issued and renewed by cert-manager.
    const tls = createTls(name, namespace, this, args.certManager);

    // Secrets Manager: created empty; only the bootstrap job writes their values.
    const secret = (key: string, description: string) =>
      new aws.secretsmanager.Secret(
        `${name}-${key}`,
        {
          namePrefix: pulumi.interpolate`${args.clusterName}/vault/${key}-`,
          description,
          kmsKeyId: args.secretsKmsKeyArn,
          recoveryWindowInDays: 30,
        },
        stateful(),
      );
    const recoverySecret = secret(
      "recovery-keys",
      "Vault recovery keys (written by the bootstrap job at init; never by Pulumi)",
    );
    const rootSecret = secret(
      "root-token",
      "Vault initial root token, revoked by the bootstrap job once configuration is applied",
    );

    const bucket = createSnapshotBucket(name, args, stateful);

    // Workload identities.
    const serverId = identity(
      "server",
      VAULT_RELEASE,
      pulumi.jsonStringify(pulumi.output(args.kmsKeyArn).apply(serverIamPolicy)),
    );
    const kmsKeys = [args.secretsKmsKeyArn, db?.masterSecretKmsKeyArn ?? args.secretsKmsKeyArn];
    const bootstrapPolicy = pulumi
      .all([
        recoverySecret.arn,
        rootSecret.arn,
        pulumi.all(kmsKeys),
        db ? pulumi.output(db.masterSecretArn) : undefined,
      ])
      .apply(([recoveryArn, rootArn, keys, masterArn]) =>
        JSON.stringify(
          bootstrapIamPolicy({
            region: args.region,
            recoveryKeysSecretArn: recoveryArn,
            rootTokenSecretArn: rootArn,
            kmsKeyArns: keys,
            ...(masterArn !== undefined ? { databaseMasterSecretArn: masterArn } : {}),
          }),
        ),
      );
    const bootstrapId = identity("bootstrap", JOB_SERVICE_ACCOUNTS.bootstrap, bootstrapPolicy);
    const snapshotPolicy = pulumi
      .all([bucket.arn, args.backupKmsKeyArn])
      .apply(([bucketArn, keyArn]) =>
        JSON.stringify(snapshotIamPolicy({ region: args.region, bucketArn, backupKmsKeyArn: keyArn })),
      );
    const snapshotId = identity("snapshot", JOB_SERVICE_ACCOUNTS.snapshot, snapshotPolicy);
    const dbSyncId = db
      ? identity(
          "db-sync",
          JOB_SERVICE_ACCOUNTS.databaseSync,
          pulumi
            .all([db.masterSecretArn, db.masterSecretKmsKeyArn ?? args.secretsKmsKeyArn])
            .apply(([secretArn, keyArn]) =>
              JSON.stringify(
                databaseSyncIamPolicy({
                  region: args.region,
                  masterSecretArn: secretArn,
                  masterSecretKmsKeyArn: keyArn,
                }),
              ),
            ),
        )
      : undefined;

    // The chart.
    const injectNamespaces = [...new Set(workloads.map((w) => w.namespace))].sort();
    const values = pulumi
      .all([args.kmsKeyArn, args.storageClassName, irsa ? serverId.roleArn : undefined])
      .apply(([kmsKeyArn, storageClassName, irsaRoleArn]) =>
        vaultHelmValues({
          region: args.region,
          kmsKeyArn,
          storageClassName,
          storageSize: args.storageSize,
          replicas: args.replicas,
          injectorReplicas: args.injectorReplicas ?? 1,
          vaultImageTag: args.images.vault,
          injectorImageTag: args.images.injector,
          resources: args.resources,
          nodeSelector: args.nodeSelector ?? {},
          tolerations: args.tolerations ?? [],
          injectNamespaces,
          ...(irsaRoleArn !== undefined ? { irsaRoleArn } : {}),
        }),
      );
    const release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: VAULT_RELEASE,
        chart: "vault",
        version: args.chartVersion,
        repositoryOpts: { repo: "https://helm.releases.hashicorp.com" },
        namespace,
        createNamespace: false,
        values,
        // Uninitialised pods are never ready; the bootstrap job is the readiness gate (decision 0052).
        skipAwait: true,
        maxHistory: 10,
      },
      stateful({ dependsOn: [tls, serverId] }),
    );

    // Service accounts of the jobs (their pods opt in to a token: Kubernetes auth login).
    const jobSa = (key: string, saName: string, id: WorkloadIdentity) =>
      new k8s.core.v1.ServiceAccount(
        `${name}-${key}-sa`,
        {
          metadata: { name: saName, namespace, labels: JOB_LABELS, annotations: saAnnotations(id) },
          // The token is mounted only into the job pods that log in to Vault (they opt in).
          automountServiceAccountToken: false,
        },
        parent,
      );
    const bootstrapSa = jobSa("bootstrap", JOB_SERVICE_ACCOUNTS.bootstrap, bootstrapId);
    const snapshotSa = jobSa("snapshot", JOB_SERVICE_ACCOUNTS.snapshot, snapshotId);
    const dbSyncSa = dbSyncId ? jobSa("db-sync", JOB_SERVICE_ACCOUNTS.databaseSync, dbSyncId) : undefined;

    // Scripts, policies and SQL, as a ConfigMap mounted read-only into the jobs.
    const files = pulumi
      .all([db?.host, db?.port])
      .apply(([host, port]) =>
        scriptFiles(
          workloads,
          args.rotationPeriodDays,
          db && host !== undefined && port !== undefined
            ? { host, port, dbName: db.dbName ?? "postgres" }
            : undefined,
        ),
      );
    const scripts = new k8s.core.v1.ConfigMap(
      `${name}-scripts`,
      { metadata: { name: "vault-scripts", namespace, labels: JOB_LABELS }, data: files },
      parent,
    );
    const items = pulumi
      .output(files)
      .apply((f) => Object.keys(f).map((key) => ({ key, path: fileKeyToPath(key) })));
    const configHash = pulumi
      .output(files)
      .apply((f) => crypto.createHash("sha256").update(JSON.stringify(f)).digest("hex"));

    const podEnv = {
      VAULT_ACTIVE_ADDR: VAULT_ACTIVE_ADDRESS,
      VAULT_LEADER_ADDR: `https://${VAULT_RELEASE}-0.${VAULT_RELEASE}-internal:8200`,
      VAULT_CACERT: "/vault/tls/ca.crt",
      AWS_REGION: args.region,
      HOME: "/tmp",
      STATE_DIR: "/state",
    };
    const pod = (p: PodParams) => jobPodSpec(p, args.images, items);

    new k8s.batch.v1.Job(
      `${name}-bootstrap`,
      {
        metadata: { namespace, labels: JOB_LABELS },
        spec: {
          backoffLimit: 6,
          activeDeadlineSeconds: 1800,
          template: {
            metadata: { labels: JOB_LABELS, annotations: { "platform/config-sha256": configHash } },
            spec: pod({
              serviceAccountName: bootstrapSa.metadata.name,
              script: "bootstrap.sh",
              restartPolicy: "OnFailure",
              // Memory-backed: the init output never touches a disk and survives container restarts.
              state: { medium: "Memory", sizeLimit: "16Mi" },
              env: {
                ...podEnv,
                RECOVERY_SHARES: String(args.recoveryShares),
                RECOVERY_THRESHOLD: String(args.recoveryThreshold),
                RECOVERY_KEYS_SECRET_ID: recoverySecret.arn,
                ROOT_TOKEN_SECRET_ID: rootSecret.arn,
                ...(db ? { DB_MASTER_SECRET_ARN: db.masterSecretArn } : {}),
              },
            }),
          },
        },
      },
      {
        parent: this,
        dependsOn: [release, scripts, bootstrapId],
        customTimeouts: { create: "30m", update: "30m" },
      },
    );

    const cronJob = (key: string, schedule: string, p: PodParams, id: WorkloadIdentity) =>
      new k8s.batch.v1.CronJob(
        `${name}-${key}`,
        {
          metadata: { name: `vault-${key}`, namespace, labels: JOB_LABELS },
          spec: {
            schedule,
            timeZone: "Etc/UTC",
            concurrencyPolicy: "Forbid",
            startingDeadlineSeconds: 600,
            successfulJobsHistoryLimit: 3,
            failedJobsHistoryLimit: 3,
            jobTemplate: {
              spec: {
                backoffLimit: 2,
                activeDeadlineSeconds: 1800,
                template: {
                  metadata: { labels: JOB_LABELS, annotations: { "platform/config-sha256": configHash } },
                  spec: pod(p),
                },
              },
            },
          },
        },
        { parent: this, dependsOn: [release, scripts, id] },
      );
    cronJob(
      "snapshot",
      args.snapshotSchedule,
      {
        serviceAccountName: snapshotSa.metadata.name,
        script: "snapshot.sh",
        restartPolicy: "Never",
        state: { sizeLimit: args.storageSize },
        env: { ...podEnv, SNAPSHOT_BUCKET: bucket.id },
      },
      snapshotId,
    );
    if (db && dbSyncSa && dbSyncId) {
      cronJob(
        "db-sync",
        "*/10 * * * *",
        {
          serviceAccountName: dbSyncSa.metadata.name,
          script: "db-sync.sh",
          restartPolicy: "Never",
          state: { medium: "Memory", sizeLimit: "1Mi" },
          env: { ...podEnv, DB_MASTER_SECRET_ARN: db.masterSecretArn },
        },
        dbSyncId,
      );
    }

    createNetworkPolicies(
      name,
      namespace,
      injectNamespaces,
      db?.cidrBlocks ?? (db ? RFC1918 : []),
      db?.port,
      parent,
    );

    this.namespace = namespace;
    this.address = pulumi.output(VAULT_ADDRESS);
    this.recoveryKeysSecretArn = recoverySecret.arn;
    this.rootTokenSecretArn = rootSecret.arn;
    this.snapshotBucketName = bucket.id;
    this.serverRoleArn = serverId.roleArn;
    this.registerOutputs({
      namespace: this.namespace,
      address: this.address,
      recoveryKeysSecretArn: this.recoveryKeysSecretArn,
      rootTokenSecretArn: this.rootTokenSecretArn,
      snapshotBucketName: this.snapshotBucketName,
      serverRoleArn: this.serverRoleArn,
    });
  }
}

/** ConfigMap keys cannot hold `/`: `policy--ci.hcl` is mounted as `policies/ci.hcl`. */
function fileKeyToPath(key: string): string {
  const [dir, file] = key.split("--");
  return file === undefined ? dir : `${dir === "policy" ? "policies" : dir}/${file}`;
}

/** Every file the jobs read, keyed for the ConfigMap. */
export function scriptFiles(
  workloads: readonly VaultWorkload[],
  rotationPeriodDays: number,
  database: { host: string; port: number; dbName: string } | undefined,
): Record<string, string> {
  const files: Record<string, string> = {
    "bootstrap.sh": BOOTSTRAP_SCRIPT,
    "configure.sh": configureScript({ workloads, rotationPeriodDays, ...(database ? { database } : {}) }),
    "snapshot.sh": SNAPSHOT_SCRIPT,
    "policy--vault-configurer.hcl": CONFIGURER_POLICY_HCL,
    "policy--raft-snapshot.hcl": SNAPSHOT_POLICY_HCL,
    "policy--ci.hcl": CI_POLICY_HCL,
  };
  if (database) {
    files["db-sync.sh"] = DB_SYNC_SCRIPT;
    files["policy--database-sync.hcl"] = DB_SYNC_POLICY_HCL;
  }
  for (const w of workloads) {
    files[`policy--${w.name}.hcl`] = workloadPolicyHcl(w);
    if (w.databaseGroupRole !== undefined) {
      const sql = databaseStatements(w);
      files[`sql--${w.name}-create.sql`] = sql.creation;
      files[`sql--${w.name}-revoke.sql`] = sql.revocation;
    }
  }
  return files;
}

interface PodParams {
  readonly serviceAccountName: pulumi.Input<string>;
  readonly script: string;
  readonly restartPolicy: "OnFailure" | "Never";
  readonly state: { readonly medium?: "Memory"; readonly sizeLimit: string };
  readonly env: Record<string, pulumi.Input<string>>;
}

/**
 * Pod of a maintenance job: an init container copies the static `vault` binary from the Vault image,
 * the main container (aws-cli) runs the script. Non-root, read-only root filesystem, no capabilities.
 */
function jobPodSpec(
  p: PodParams,
  images: VaultArgs["images"],
  items: pulumi.Input<{ key: string; path: string }[]>,
): k8s.types.input.core.v1.PodSpec {
  const securityContext = restrictedContainerSecurityContext();
  const small = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
  return {
    serviceAccountName: p.serviceAccountName,
    automountServiceAccountToken: true,
    restartPolicy: p.restartPolicy,
    securityContext: restrictedPodSecurityContext(JOB_UID, JOB_UID),
    initContainers: [
      {
        name: "vault-cli",
        image: `hashicorp/vault:${images.vault}`,
        command: ["/bin/sh", "-c", "cp /bin/vault /tools/vault"],
        securityContext,
        resources: small,
        volumeMounts: [{ name: "tools", mountPath: "/tools" }],
      },
    ],
    containers: [
      {
        name: "run",
        image: `amazon/aws-cli:${images.awsCli}`,
        command: ["/bin/bash", `/scripts/${p.script}`],
        env: Object.entries(p.env).map(([envName, value]) => ({ name: envName, value })),
        securityContext,
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
        volumeMounts: [
          { name: "tools", mountPath: "/tools", readOnly: true },
          { name: "scripts", mountPath: "/scripts", readOnly: true },
          { name: "vault-ca", mountPath: "/vault/tls", readOnly: true },
          { name: "state", mountPath: "/state" },
          { name: "tmp", mountPath: "/tmp" },
        ],
      },
    ],
    volumes: [
      { name: "tools", emptyDir: { sizeLimit: "512Mi" } },
      { name: "scripts", configMap: { name: "vault-scripts", defaultMode: 0o555, items } },
      { name: "vault-ca", secret: { secretName: TLS_SECRET, items: [{ key: "ca.crt", path: "ca.crt" }] } },
      { name: "state", emptyDir: { ...p.state } },
      { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
    ],
  };
}

/**
 * Self-signed root → CA (in cert-manager's namespace, where a ClusterIssuer reads its key) →
 * ClusterIssuer `vault-ca` → listener certificate (90 days, renewed 30 days before expiry). The
 * ClusterIssuer also gives every Vault client namespace a certificate whose Secret carries `ca.crt`
 * (decision 0056).
 */
function createTls(
  name: string,
  namespace: pulumi.Input<string>,
  parent: pulumi.Resource,
  certManager: pulumi.Resource,
): pulumi.Resource {
  const cr = (
    key: string,
    kind: string,
    metadata: Record<string, unknown>,
    spec: Record<string, unknown>,
    dependsOn: pulumi.Resource[],
  ) =>
    new k8s.apiextensions.CustomResource(
      `${name}-${key}`,
      { apiVersion: "cert-manager.io/v1", kind, metadata, spec },
      { parent, dependsOn },
    );
  const inCertManager = (objectName: string) => ({ name: objectName, namespace: CERT_MANAGER_NAMESPACE });
  const selfSigned = cr("selfsigned", "Issuer", inCertManager("vault-selfsigned"), { selfSigned: {} }, [
    certManager,
  ]);
  const caCert = cr(
    "ca",
    "Certificate",
    inCertManager("vault-ca"),
    {
      isCA: true,
      commonName: "Vault CA",
      secretName: "vault-ca",
      duration: "87600h",
      privateKey: { algorithm: "ECDSA", size: 256 },
      issuerRef: { name: "vault-selfsigned", kind: "Issuer", group: "cert-manager.io" },
    },
    [selfSigned],
  );
  const caIssuer = cr(
    "ca-issuer",
    "ClusterIssuer",
    { name: VAULT_CA_ISSUER },
    { ca: { secretName: "vault-ca" } },
    [caCert],
  );
  return cr(
    "server-tls",
    "Certificate",
    { name: "vault-server-tls", namespace },
    {
      secretName: TLS_SECRET,
      commonName: `${VAULT_RELEASE}.${VAULT_NAMESPACE}.svc`,
      dnsNames: vaultTlsDnsNames(),
      ipAddresses: ["127.0.0.1"],
      duration: "2160h",
      renewBefore: "720h",
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
      usages: ["server auth", "digital signature", "key encipherment"],
      issuerRef: { name: VAULT_CA_ISSUER, kind: "ClusterIssuer", group: "cert-manager.io" },
    },
    [caIssuer],
  );
}

/** The snapshot bucket: SSE-KMS with the backup key, versioned, private, TLS-only, expiring after the retention. */
function createSnapshotBucket(
  name: string,
  args: VaultArgs,
  stateful: (extra?: pulumi.CustomResourceOptions) => pulumi.CustomResourceOptions,
): aws.s3.Bucket {
  const bucket = new aws.s3.Bucket(`${name}-snapshots`, { forceDestroy: false }, stateful());
  const opts = { parent: bucket };
  new aws.s3.BucketOwnershipControls(
    `${name}-snapshots-ownership`,
    { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    opts,
  );
  const publicBlock = new aws.s3.BucketPublicAccessBlock(
    `${name}-snapshots-public-access`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-snapshots-encryption`,
    {
      bucket: bucket.id,
      rules: [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: "aws:kms",
            kmsMasterKeyId: args.backupKmsKeyArn,
          },
          bucketKeyEnabled: true,
        },
      ],
    },
    opts,
  );
  const versioning = new aws.s3.BucketVersioning(
    `${name}-snapshots-versioning`,
    { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
    opts,
  );
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-snapshots-lifecycle`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "expire-raft-snapshots",
          status: "Enabled",
          filter: { prefix: "raft/" },
          expiration: { days: args.snapshotRetentionDays },
          noncurrentVersionExpiration: { noncurrentDays: 7 },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ],
    },
    { parent: bucket, dependsOn: [versioning] },
  );
  new aws.s3.BucketPolicy(
    `${name}-snapshots-policy`,
    {
      bucket: bucket.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    },
    { parent: bucket, dependsOn: [publicBlock] },
  );
  return bucket;
}

/** Default deny, then exactly the flows Vault, its injector and its jobs need. */
function createNetworkPolicies(
  name: string,
  namespace: pulumi.Input<string>,
  clientNamespaces: readonly string[],
  databaseCidrs: readonly string[],
  databasePort: pulumi.Input<number> | undefined,
  opts: pulumi.CustomResourceOptions,
): void {
  const tcp = (port: pulumi.Input<number>) => ({ protocol: "TCP", port });
  const server = { podSelector: { matchLabels: { ...SERVER_POD_LABELS } } };
  const anyIp = { ipBlock: { cidr: "0.0.0.0/0" } };
  const awsApis = { to: [anyIp], ports: [tcp(443)] }; // KMS, STS, S3, Secrets Manager, the Kubernetes API
  const podIdentityAgent = { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT } }], ports: [tcp(80)] };
  const policy = (key: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
    new k8s.networking.v1.NetworkPolicy(
      `${name}-netpol-${key}`,
      { metadata: { name: key, namespace }, spec },
      opts,
    );

  policy("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  policy("allow-dns", {
    podSelector: {},
    policyTypes: ["Egress"],
    egress: [
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
          },
        ],
        ports: [{ protocol: "UDP", port: 53 }, tcp(53)],
      },
    ],
  });
  const serverIngress: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = [
    { from: [server], ports: [tcp(8200), tcp(8201)] },
    { from: [{ podSelector: { matchLabels: { ...JOB_LABELS } } }], ports: [tcp(8200)] },
  ];
  if (clientNamespaces.length > 0) {
    serverIngress.push({
      from: [
        {
          namespaceSelector: {
            matchExpressions: [
              { key: "kubernetes.io/metadata.name", operator: "In", values: [...clientNamespaces] },
            ],
          },
        },
      ],
      ports: [tcp(8200)],
    });
  }
  const serverEgress: k8s.types.input.networking.v1.NetworkPolicyEgressRule[] = [
    { to: [server], ports: [tcp(8200), tcp(8201)] },
    awsApis,
    podIdentityAgent,
  ];
  if (databasePort !== undefined && databaseCidrs.length > 0) {
    serverEgress.push({
      to: databaseCidrs.map((cidr) => ({ ipBlock: { cidr } })),
      ports: [tcp(databasePort)],
    });
  }
  policy("vault-server", {
    podSelector: server.podSelector,
    policyTypes: ["Ingress", "Egress"],
    ingress: serverIngress,
    egress: serverEgress,
  });
  policy("vault-jobs", {
    podSelector: { matchLabels: { ...JOB_LABELS } },
    policyTypes: ["Egress"],
    egress: [{ to: [server], ports: [tcp(8200)] }, awsApis, podIdentityAgent],
  });
  // The API server calls the webhook from control-plane ENIs whose addresses are not known here.
  policy("vault-injector", {
    podSelector: { matchLabels: { "app.kubernetes.io/name": "vault-agent-injector" } },
    policyTypes: ["Ingress", "Egress"],
    ingress: [{ from: [anyIp], ports: [tcp(8080)] }],
    egress: [awsApis],
  });
}

/** Headroom in the namespace quota for the injector and the maintenance jobs (small, bounded pods). */
const QUOTA_HEADROOM = { cpuMillis: 2000, memoryBytes: 2 * 2 ** 30 };

/**
 * ResourceQuota sized from the server pods plus headroom for the injector and jobs, and a
 * LimitRange giving defaults to any container that declares none.
 */
function createNamespaceLimits(
  name: string,
  namespace: pulumi.Input<string>,
  args: Pick<VaultArgs, "replicas" | "resources">,
  parent: pulumi.Resource,
): void {
  const total = (quantity: string, parse: (q: string) => number | undefined, headroom: number) =>
    args.replicas * (parse(quantity) ?? 0) + headroom;
  const { requests, limits } = args.resources;
  new k8s.core.v1.ResourceQuota(
    `${name}-quota`,
    {
      metadata: { name: "vault", namespace },
      spec: {
        hard: {
          "requests.cpu": formatCpu(total(requests.cpu, parseCpu, QUOTA_HEADROOM.cpuMillis)),
          "requests.memory": formatMemory(total(requests.memory, parseMemory, QUOTA_HEADROOM.memoryBytes)),
          "limits.cpu": formatCpu(total(limits.cpu, parseCpu, 2 * QUOTA_HEADROOM.cpuMillis)),
          "limits.memory": formatMemory(total(limits.memory, parseMemory, 2 * QUOTA_HEADROOM.memoryBytes)),
          "services.loadbalancers": "0",
          "services.nodeports": "0",
        },
      },
    },
    { parent },
  );
  new k8s.core.v1.LimitRange(
    `${name}-limits`,
    {
      metadata: { name: "vault", namespace },
      spec: {
        limits: [
          {
            type: "Container",
            defaultRequest: { cpu: "50m", memory: "64Mi" },
            default: { cpu: "500m", memory: "256Mi" },
          },
        ],
      },
    },
    { parent },
  );
}
