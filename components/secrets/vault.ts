/**
 * HashiCorp Vault on EKS: HA with integrated Raft storage from the official chart, auto-unseal with
 * the Vault KMS key, TLS from cert-manager, a one-shot bootstrap Job that initialises Vault and
 * applies the configuration as code without any secret passing through Pulumi, and Raft snapshots
 * to an encrypted S3 bucket. Runbook: docs/runbooks/vault.md; decisions 0050-0056, 0065, 0066.
 *
 * Every Kubernetes object uses the Kubernetes provider the caller passes in `opts`. Each step of the
 * constructor lives in the file named after what it builds (`vault-<step>.ts`).
 */
import * as pulumi from "@pulumi/pulumi";
import { resolveVaultConventions, validateVaultArgs, type VaultArgs } from "./vault-args";
import { createBootstrapJob } from "./vault-bootstrap-job";
import { createDatabaseSyncJob } from "./vault-database-sync-job";
import { createInitSecrets } from "./vault-init-secrets";
import { createVaultJobs } from "./vault-jobs";
import { vaultClientAddress } from "./vault-layout";
import { createVaultNamespace } from "./vault-namespace";
import { createVaultNetworkPolicies } from "./vault-network-policies";
import { createVaultServer, injectNamespaces } from "./vault-server";
import { createSnapshotBucket } from "./vault-snapshot-bucket";
import { createSnapshotJob } from "./vault-snapshot-job";
import { createVaultTls } from "./vault-tls";

export { validateVaultArgs, type VaultArgs, type VaultDatabaseArgs } from "./vault-args";
export { vaultHelmValues } from "./vault-helm-values";
export type { Resources, Toleration, VaultWorkload } from "./types";

/** HashiCorp Vault, HA Raft, KMS auto-unseal, bootstrapped and configured in-cluster. */
export class Vault extends pulumi.ComponentResource {
  /** Vault's namespace (`vault` unless `args.namespace` says otherwise). */
  public readonly namespace: pulumi.Output<string>;
  /** In-cluster address, `https://vault.<namespace>.svc:8200` (CA in Secret `vault-server-tls`, key `ca.crt`). */
  public readonly address: pulumi.Output<string>;
  /** ClusterIssuer of Vault's CA: clients request their CA bundle (`ca.crt`) from it. */
  public readonly caIssuerName: string;
  /** KV v2 mount of the platform's secrets (`<kvMount>/<workload>/...`). */
  public readonly kvMount: string;
  /** Audience the workloads' Vault agents must request for their projected tokens. */
  public readonly tokenAudience: string;
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
    const conventions = resolveVaultConventions(args);
    const ids = {
      name,
      parent: this,
      clusterName: args.clusterName,
      namespace: conventions.namespace,
      ...(args.identity ? { irsa: args.identity } : {}),
    };

    const namespace = createVaultNamespace(name, conventions.namespace, args, this);
    const tls = createVaultTls(name, namespace, conventions, args.certManager, this);
    const initSecrets = createInitSecrets(name, args, this);
    const bucket = createSnapshotBucket(name, args, this);
    const server = createVaultServer(ids, namespace, args, tls);
    const jobs = createVaultJobs(ids, namespace, args, conventions.kvMount, server.release);
    createBootstrapJob(jobs, args, conventions, initSecrets);
    createSnapshotJob(jobs, args, bucket);
    if (args.database) {
      createDatabaseSyncJob(jobs, args, args.database, conventions.kvMount);
    }
    createVaultNetworkPolicies(name, namespace, {
      clientNamespaces: injectNamespaces(args),
      database: args.database,
      webhookSourceCidrs: args.webhookSourceCidrs,
      parent: this,
    });

    this.namespace = namespace;
    this.address = pulumi.output(vaultClientAddress(conventions.namespace));
    this.caIssuerName = conventions.caIssuerName;
    this.kvMount = conventions.kvMount;
    this.tokenAudience = conventions.tokenAudience;
    this.recoveryKeysSecretArn = initSecrets.recoveryKeys.arn;
    this.rootTokenSecretArn = initSecrets.rootToken.arn;
    this.snapshotBucketName = bucket.id;
    this.serverRoleArn = server.identity.roleArn;
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
