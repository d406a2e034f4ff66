/**
 * Arguments of the {@link Vault} component, their validation (every problem at once, before any
 * resource exists) and the resolution of the platform conventions to their defaults.
 */
import { FIRST_CHART_WITHOUT_DUPLICATE, versionBefore } from "./vault-chart-config";
import type * as pulumi from "@pulumi/pulumi";
import { KV_MOUNT, VAULT_CA_ISSUER, VAULT_NAMESPACE, VAULT_TOKEN_AUDIENCE } from "../shared/vault-names";
import type { StatefulArgs } from "../shared/stateful";
import { CERT_MANAGER_NAMESPACE } from "./cert-manager";
import type { Resources, Toleration, VaultWorkload } from "./types";
import type { VaultConventions } from "./vault-layout";

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
  /**
   * Namespace Vault, its jobs and its listener certificate live in (created by the component, PSS
   * restricted). Clients reach Vault at `https://vault.<namespace>.svc:8200` ({@link Vault.address}).
   * @default "vault"
   */
  readonly namespace?: string;
  /**
   * Name of the cert-manager ClusterIssuer of Vault's private CA (created by the component). It
   * signs the listener certificate; clients request their CA bundle from it.
   * @default "vault-ca"
   */
  readonly caIssuerName?: string;
  /**
   * Namespace of the cert-manager installation: the CA's self-signed Issuer and key pair live there,
   * where a ClusterIssuer reads its Secret.
   * @default "cert-manager"
   */
  readonly certManagerNamespace?: string;
  /**
   * KV v2 mount of the platform's secrets: `<kvMount>/<workload>/` per workload, `<kvMount>/vault/`
   * reserved for Vault's own state.
   * @default "platform"
   */
  readonly kvMount?: string;
  /**
   * Audience the workloads' Kubernetes auth roles require of the projected tokens their Vault agents
   * log in with (a token for this audience is useless against the API server).
   * @default "vault"
   */
  readonly tokenAudience?: string;
}

/** The conventions of {@link VaultArgs}, defaults applied. */
export function resolveVaultConventions(args: VaultArgs): VaultConventions {
  return {
    namespace: args.namespace ?? VAULT_NAMESPACE,
    caIssuerName: args.caIssuerName ?? VAULT_CA_ISSUER,
    certManagerNamespace: args.certManagerNamespace ?? CERT_MANAGER_NAMESPACE,
    kvMount: args.kvMount ?? KV_MOUNT,
    tokenAudience: args.tokenAudience ?? VAULT_TOKEN_AUDIENCE,
  };
}

const QUANTITY = /^([0-9]+(\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MOUNT = /^[A-Za-z0-9][-A-Za-z0-9_]*$/;
/** Paths Vault or this component already uses: a KV mount there would clash. */
const RESERVED_MOUNTS = ["sys", "auth", "identity", "cubbyhole", "database"];

/** Problems with the convention arguments (namespace, CA issuer, KV mount, token audience). */
function conventionProblems(args: VaultArgs): string[] {
  const c = resolveVaultConventions(args);
  const p: string[] = [];
  for (const [key, value] of [
    ["namespace", c.namespace],
    ["certManagerNamespace", c.certManagerNamespace],
  ] as const) {
    if (!DNS_LABEL.test(value)) {
      p.push(
        `${key} '${value}' must be a DNS-1123 label (lowercase letters, digits, '-', at most 63 characters)`,
      );
    }
  }
  if (!DNS_SUBDOMAIN.test(c.caIssuerName)) {
    p.push(
      `caIssuerName '${c.caIssuerName}' must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.')`,
    );
  }
  if (!MOUNT.test(c.kvMount) || RESERVED_MOUNTS.includes(c.kvMount)) {
    p.push(
      `kvMount '${c.kvMount}' must be one path segment (letters, digits, '-', '_') other than ${RESERVED_MOUNTS.join(", ")}`,
    );
  }
  if (!/^[^\s,]+$/.test(c.tokenAudience)) {
    p.push(`tokenAudience '${c.tokenAudience}' must be non-empty, without spaces or commas`);
  }
  return p;
}

/** Problems with the declared workloads (names, their service accounts, database access). */
function workloadProblems(args: VaultArgs): string[] {
  const p: string[] = [];
  const names = new Set<string>();
  for (const w of args.workloads ?? []) {
    if (!DNS_LABEL.test(w.name) || w.name === "vault") {
      p.push(`workload name '${w.name}' must be a DNS-1123 label other than 'vault'`);
    }
    if (names.has(w.name)) {
      p.push(`workload '${w.name}' is declared twice`);
    }
    names.add(w.name);
    if (!DNS_LABEL.test(w.namespace)) {
      p.push(`workload '${w.name}' namespace '${w.namespace}' must be a DNS-1123 label`);
    }
    if (!DNS_SUBDOMAIN.test(w.serviceAccount)) {
      p.push(`workload '${w.name}' serviceAccount '${w.serviceAccount}' must be a DNS-1123 subdomain`);
    }
    if (w.databaseGroupRole !== undefined && args.database === undefined) {
      p.push(`workload '${w.name}' asks for database credentials but no database is configured`);
    }
  }
  return p;
}

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
    p.push(`chartVersion '${args.chartVersion}' must be an exact version like 0.32.0`);
  } else if (versionBefore(args.chartVersion, FIRST_CHART_WITHOUT_DUPLICATE)) {
    p.push(
      `chartVersion '${args.chartVersion}' appends a second disable_mlock to the server config, which Vault 1.21+ refuses; use ${FIRST_CHART_WITHOUT_DUPLICATE} or newer`,
    );
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
  return [...p, ...workloadProblems(args), ...conventionProblems(args)];
}
