/**
 * Step "standby": in a standby stack (`platform:standby.role: standby`), what it reads from the
 * primary stack through a `StackReference` (docs/decisions/0140): the database to replicate, the
 * Global Datastore to join, the secrets the replicas share, the public endpoints to fail over from.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "./config";

/** The primary stack's outputs a standby is built from. */
export interface PrimaryStack {
  /** `<org>/<project>/<stack>` of the primary. */
  readonly name: string;
  readonly region: pulumi.Output<string>;
  /** ARN of the primary's PostgreSQL instance: the source of the cross-region replica. */
  readonly postgresArn: pulumi.Output<string>;
  /** The replica, in the standby's region, of the primary's master secret (decision 0145). */
  readonly postgresMasterUserSecretArn: pulumi.Output<string>;
  /** The Global Datastore the primary's Redis group leads. */
  readonly redisGlobalReplicationGroupId: pulumi.Output<string>;
  /** The replica, in the standby's region, of the primary's AUTH token secret (decision 0145). */
  readonly redisAuthTokenSecretArn: pulumi.Output<string>;
  /**
   * The replica, in the standby's region, of the primary's Vault seal key: the standby's Vault seals
   * with it, so it unseals the primary's Raft snapshots (docs/decisions/0144).
   */
  readonly vaultSealKeyReplicaArn: pulumi.Output<string>;
  /** Load balancer hostname of each exposed service, by service name. */
  readonly publicEndpoints: pulumi.Output<Record<string, string>>;
}

/**
 * The primary stack of a standby, `undefined` for any other stack. Each output is required: a
 * primary that has not been deployed with `platform:standby.role: primary` fails the preview here,
 * naming the missing output, instead of building a standby of nothing.
 */
export function referencePrimaryStack(config: PlatformConfig): PrimaryStack | undefined {
  const standby = config.standby;
  if (standby?.role !== "standby") {
    return undefined;
  }
  const ref = new pulumi.StackReference("primary-stack", { name: standby.primaryStack });
  const out = (key: string) => ref.requireOutput(key) as pulumi.Output<string>;
  return {
    name: standby.primaryStack,
    region: out("region"),
    postgresArn: out("postgresArn"),
    // The replicas in this region: readable when the primary's region is lost (decision 0145).
    postgresMasterUserSecretArn: out("postgresMasterUserSecretReplicaArn"),
    redisGlobalReplicationGroupId: out("redisGlobalReplicationGroupId"),
    redisAuthTokenSecretArn: out("redisAuthTokenSecretReplicaArn"),
    vaultSealKeyReplicaArn: out("vaultSealKeyReplicaArn"),
    publicEndpoints: ref.requireOutput("publicEndpoints") as pulumi.Output<Record<string, string>>,
  };
}
