/**
 * The ElastiCache replication group of a Redis cache and what it is configured with: its parameter
 * group (eviction policy), the encrypted log groups its slow and engine logs go to, and the group
 * itself (encrypted at rest and in transit, AUTH token, snapshots, final snapshot).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { statefulOptions } from "../shared/stateful";
import { finalSnapshotName } from "./network-access";
import type { ResolvedRedisCacheArgs } from "./redis";

export const REDIS_PORT = 6379;
/** Log types delivered to CloudWatch Logs. */
export const REDIS_LOG_TYPES = ["slow-log", "engine-log"] as const;

/**
 * `${name}-params`. The description is immutable (a change replaces the group), so it names only
 * what already forces a new group (family, group ID): a new eviction policy or a minor engine
 * version then updates this group in place instead of replacing one the cache is still using.
 */
export function createRedisParameterGroup(
  name: string,
  a: ResolvedRedisCacheArgs,
  parent: pulumi.Resource,
): aws.elasticache.ParameterGroup {
  const family = `redis${a.engineVersion.split(".")[0]}`;
  return new aws.elasticache.ParameterGroup(
    `${name}-params`,
    {
      family,
      description: `${family} parameters of ${a.replicationGroupId}`,
      parameters: [{ name: "maxmemory-policy", value: a.maxmemoryPolicy }],
    },
    { parent },
  );
}

/** `${name}-<log type>`: one encrypted, expiring log group per type in {@link REDIS_LOG_TYPES}. */
export function createRedisLogGroups(
  name: string,
  a: ResolvedRedisCacheArgs,
  parent: pulumi.Resource,
): aws.cloudwatch.LogGroup[] {
  return REDIS_LOG_TYPES.map(
    (log) =>
      new aws.cloudwatch.LogGroup(
        `${name}-${log}`,
        {
          name: `/aws/elasticache/${a.replicationGroupId}/${log}`,
          kmsKeyId: a.logsKmsKeyArn,
          retentionInDays: a.logRetentionDays,
        },
        { parent },
      ),
  );
}

/** The resources the replication group uses, created before it. */
export interface ReplicationGroupDependencies {
  readonly securityGroupId: pulumi.Input<string>;
  readonly subnetGroupName: pulumi.Input<string>;
  /** Undefined for a secondary of a Global Datastore. */
  readonly parameterGroupName: pulumi.Input<string> | undefined;
  /** In the order of {@link REDIS_LOG_TYPES}. */
  readonly logGroups: aws.cloudwatch.LogGroup[];
  /** Undefined for a secondary of a Global Datastore (the token is the Global Datastore's). */
  readonly authToken: pulumi.Input<string> | undefined;
}

/**
 * What a primary replication group sets and a Global Datastore secondary must leave out
 * (ElastiCache refuses them, InvalidParameterCombination: the secondary inherits the engine, its
 * version, the node type, encryption at rest and in transit, and the AUTH token).
 */
function primaryOnlyArgs(a: ResolvedRedisCacheArgs, deps: ReplicationGroupDependencies) {
  return {
    engine: "redis",
    engineVersion: a.engineVersion,
    nodeType: a.nodeType,
    parameterGroupName: deps.parameterGroupName,
    atRestEncryptionEnabled: true,
    transitEncryptionEnabled: true,
    transitEncryptionMode: "required",
    authToken: deps.authToken,
    authTokenUpdateStrategy: a.authTokenUpdateStrategy,
  };
}

/** `${name}-group`, protected unless `protect` is false. */
export function createReplicationGroup(
  name: string,
  a: ResolvedRedisCacheArgs,
  deps: ReplicationGroupDependencies,
  parent: pulumi.Resource,
  protect: boolean | undefined,
): aws.elasticache.ReplicationGroup {
  const id = a.replicationGroupId;
  return new aws.elasticache.ReplicationGroup(
    `${name}-group`,
    {
      replicationGroupId: id,
      description: `Redis cache ${id}`,
      ...(a.secondaryOf
        ? { globalReplicationGroupId: a.secondaryOf.globalReplicationGroupId }
        : primaryOnlyArgs(a, deps)),
      numCacheClusters: a.numCacheClusters,
      automaticFailoverEnabled: a.automaticFailover,
      multiAzEnabled: a.multiAz,
      port: REDIS_PORT,
      subnetGroupName: deps.subnetGroupName,
      securityGroupIds: [deps.securityGroupId],
      // The key of the group's own region, also for a secondary (its data is encrypted there).
      kmsKeyId: a.kmsKeyArn,
      snapshotRetentionLimit: a.snapshotRetentionDays,
      snapshotWindow: a.snapshotWindow,
      maintenanceWindow: a.maintenanceWindow,
      finalSnapshotIdentifier: finalSnapshotName(`${name}-group`, id, parent),
      autoMinorVersionUpgrade: true,
      applyImmediately: false,
      logDeliveryConfigurations: deps.logGroups.map((lg, i) => ({
        destination: lg.name,
        destinationType: "cloudwatch-logs",
        logFormat: "json",
        logType: REDIS_LOG_TYPES[i],
      })),
      // The declared AUTH token rotation period (docs/decisions/0113), read by the policy pack.
      tags: {
        Name: id,
        AuthTokenRotationDays: String(a.authTokenRotationDays),
        // A secondary inherits its node type (ElastiCache refuses it as an input): the type the
        // stack expects, recorded for the cost estimate.
        ...(a.secondaryOf ? { GlobalDatastoreNodeType: a.nodeType } : {}),
      },
    },
    statefulOptions(parent, protect),
  );
}

/**
 * `${name}-global`: the Global Datastore whose primary member is `group` (docs/decisions/0140). It
 * inherits the group's engine, version, node type and encryption settings; a secondary in another
 * region joins it with `globalReplicationGroupId`. Protected like the group: deleting it detaches
 * the standby.
 */
export function createGlobalDatastore(
  name: string,
  idSuffix: string,
  group: aws.elasticache.ReplicationGroup,
  parent: pulumi.Resource,
  protect: boolean | undefined,
): aws.elasticache.GlobalReplicationGroup {
  return new aws.elasticache.GlobalReplicationGroup(
    `${name}-global`,
    {
      globalReplicationGroupIdSuffix: idSuffix,
      primaryReplicationGroupId: group.id,
      globalReplicationGroupDescription: pulumi.interpolate`Global Datastore of ${group.replicationGroupId}`,
    },
    statefulOptions(parent, protect),
  );
}
