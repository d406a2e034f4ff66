/**
 * ElastiCache for Redis: a cluster-mode-disabled replication group (a primary plus replicas, with
 * automatic failover across AZs when asked) in the data subnets, reachable on 6379 only from the
 * given security groups, encrypted at rest with the ElastiCache key and in transit (TLS required),
 * protected by an AUTH token generated here and kept in Secrets Manager (docs/decisions/0021).
 *
 * Steps: `redis-replication-group.ts` (parameter group, log groups, the group) and
 * `redis-auth-token.ts` (the token and its secret).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StatefulArgs } from "../shared/stateful";
import { createDataSecurityGroup, type DataStoreArgs, wiringProblems } from "./network-access";
import { createAuthToken } from "./redis-auth-token";
import {
  REDIS_PORT,
  createRedisLogGroups,
  createGlobalDatastore,
  createRedisParameterGroup,
  createReplicationGroup,
} from "./redis-replication-group";
import {
  type RedisSettings,
  type SettingProblem,
  formatSettingProblems,
  redisSettingsProblems,
} from "./rules";

export { AUTH_TOKEN_LENGTH, AUTH_TOKEN_SPECIAL_CHARACTERS } from "./redis-auth-token";
export { REDIS_LOG_TYPES, REDIS_PORT } from "./redis-replication-group";

export interface RedisCacheArgs extends DataStoreArgs {
  /**
   * Replication group ID (unique per account and region, at most 40 characters).
   * @default the component name
   */
  readonly replicationGroupId?: string;
  /**
   * Redis engine version (major.minor); minor patches are applied in the maintenance window.
   * @default "7.1"
   */
  readonly engineVersion?: string;
  /** Node type, e.g. `cache.r6g.large`. */
  readonly nodeType: string;
  /** Nodes in the group: one primary plus `numCacheClusters - 1` replicas (1 to 6). */
  readonly numCacheClusters: number;
  /**
   * Promote a replica when the primary fails (needs 2 or more nodes).
   * @default true when numCacheClusters >= 2, false otherwise
   */
  readonly automaticFailover?: boolean;
  /**
   * Spread nodes over AZs and fail over across them (needs automatic failover).
   * @default true when numCacheClusters >= 2, false otherwise
   */
  readonly multiAz?: boolean;
  /** Days automatic snapshots are kept (1 to 35). */
  readonly snapshotRetentionDays: number;
  /** Daily UTC snapshot window `hh24:mi-hh24:mi`, at least 60 minutes. */
  readonly snapshotWindow: string;
  /** Weekly UTC maintenance window `ddd:hh24:mi-ddd:hh24:mi`, at least 60 minutes, disjoint from snapshots. */
  readonly maintenanceWindow: string;
  /**
   * Eviction policy when memory is full.
   * @default "volatile-lru" (evict keys with a TTL, least recently used first)
   */
  readonly maxmemoryPolicy?: string;
  /** Retention of the slow log and engine log, in days CloudWatch Logs accepts. */
  readonly logRetentionDays: number;
  /**
   * Generation of the AUTH token: raising it generates a new token, updates the group and the secret.
   * @default 1
   */
  readonly authTokenVersion?: number;
  /**
   * How a changed token is applied: ROTATE keeps the previous one valid too, SET drops it.
   * @default "ROTATE"
   */
  readonly authTokenUpdateStrategy?: "ROTATE" | "SET";
  /**
   * Days between AUTH token rotations the operators commit to (ROTATE with each new token; SET only
   * with a token change or through the CLI, docs/decisions/0113 and 0119), written as the tag `AuthTokenRotationDays` for the
   * `secret-rotation-enabled` policy. It schedules nothing by itself.
   * @default 30
   */
  readonly authTokenRotationDays?: number;
  /**
   * Make the group the primary member of an ElastiCache Global Datastore, whose secondary member
   * another stack adds in another region (docs/decisions/0140). Needs a non-burstable node type.
   * @default none: the group is regional only
   */
  readonly globalDatastore?: { readonly idSuffix: string };
  /**
   * Join an existing Global Datastore as its secondary member instead of creating a primary: node
   * type, engine version, encryption settings and the AUTH token are then the Global Datastore's,
   * and no token is generated here.
   * @default none: the group is a primary
   */
  readonly secondaryOf?: RedisSecondaryArgs;
}

/** The Global Datastore a secondary replication group joins. */
export interface RedisSecondaryArgs {
  /** The Global Datastore's ID (AWS prefix and suffix), from the primary stack. */
  readonly globalReplicationGroupId: pulumi.Input<string>;
  /** The primary's AUTH token secret (the secondary answers to the same token). */
  readonly authTokenSecretArn: pulumi.Input<string>;
}

/** The args with every default applied (what the steps of the component read). */
export type ResolvedRedisCacheArgs = Required<
  Omit<RedisCacheArgs, keyof StatefulArgs | "globalDatastore" | "secondaryOf" | "secretsReplica">
> &
  Pick<RedisCacheArgs, "globalDatastore" | "secondaryOf" | "secretsReplica">;
type Resolved = ResolvedRedisCacheArgs;

/** ElastiCache's limit on a replication group ID. */
export const MAX_REPLICATION_GROUP_ID = 40;

/** A valid replication group ID shape (length checked apart: at most {@link MAX_REPLICATION_GROUP_ID} characters). */
export const GROUP_ID = /^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z]$/;

function resolve(name: string, args: RedisCacheArgs): Resolved {
  const replicated = args.numCacheClusters >= 2;
  return {
    ...args,
    replicationGroupId: args.replicationGroupId ?? name,
    engineVersion: args.engineVersion ?? "7.1",
    automaticFailover: args.automaticFailover ?? replicated,
    multiAz: args.multiAz ?? replicated,
    maxmemoryPolicy: args.maxmemoryPolicy ?? "volatile-lru",
    authTokenVersion: args.authTokenVersion ?? 1,
    authTokenUpdateStrategy: args.authTokenUpdateStrategy ?? "ROTATE",
    authTokenRotationDays: args.authTokenRotationDays ?? 30,
  };
}

/** Every problem with the (resolved) args; empty when valid. */
export function redisCacheArgsProblems(args: Resolved): SettingProblem[] {
  const problems: SettingProblem[] = [
    ...wiringProblems(args),
    ...redisSettingsProblems(args as RedisSettings),
  ];
  if (args.globalDatastore && args.secondaryOf) {
    problems.push({
      field: "globalDatastore",
      received: args.globalDatastore,
      message:
        "must be left out with secondaryOf: a group is the primary or a secondary of a Global Datastore, not both",
    });
  }
  if ((args.globalDatastore || args.secondaryOf) && args.nodeType.startsWith("cache.t")) {
    problems.push({
      field: "nodeType",
      received: args.nodeType,
      message: "must not be a burstable (t) node type in a Global Datastore (M5, R5 and newer only)",
    });
  }
  if (args.globalDatastore && !/^[a-z][a-z0-9-]{0,39}$/.test(args.globalDatastore.idSuffix)) {
    problems.push({
      field: "globalDatastore.idSuffix",
      received: args.globalDatastore.idSuffix,
      message: "must be 1 to 40 lower-case letters, digits or hyphens, starting with a letter",
    });
  }
  if (!GROUP_ID.test(args.replicationGroupId) || args.replicationGroupId.length > MAX_REPLICATION_GROUP_ID) {
    problems.push({
      field: "replicationGroupId",
      received: args.replicationGroupId,
      message:
        "must be 1 to 40 lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen",
    });
  }
  return problems;
}

/** Throws one error listing every problem; returns the args with defaults applied. */
export function validateRedisCacheArgs(name: string, args: RedisCacheArgs): Resolved {
  const resolved = resolve(name, args);
  const problems = redisCacheArgsProblems(resolved);
  if (problems.length > 0) {
    throw new Error(formatSettingProblems("RedisCache", problems));
  }
  return resolved;
}

/** A Redis cache on ElastiCache. */
export class RedisCache extends pulumi.ComponentResource {
  /** DNS name of the primary (writes; follows a failover). */
  public readonly primaryEndpoint: pulumi.Output<string>;
  /** DNS name spreading reads over the replicas. */
  public readonly readerEndpoint: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;
  /** Security group of the nodes (6379 from the allowed groups only). */
  public readonly securityGroupId: pulumi.Output<string>;
  /** ARN of the Secrets Manager secret whose value is the AUTH token. */
  public readonly authTokenSecretArn: pulumi.Output<string>;
  public readonly replicationGroupId: pulumi.Output<string>;
  /**
   * ID of the Global Datastore the group belongs to (created here with `globalDatastore`, joined
   * with `secondaryOf`); `undefined` otherwise.
   */
  public readonly globalReplicationGroupId: pulumi.Output<string> | undefined;

  constructor(name: string, args: RedisCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validated before anything is registered: invalid args leave no half-built component behind.
    const a = validateRedisCacheArgs(name, args);
    super("platform:data:RedisCache", name, {}, opts);
    const id = a.replicationGroupId;

    const securityGroup = createDataSecurityGroup(
      `${name}-sg`,
      {
        vpcId: a.vpcId,
        port: REDIS_PORT,
        allowedSecurityGroupIds: a.allowedSecurityGroupIds,
        description: `Redis ${id}: ${REDIS_PORT} from the EKS cluster only`,
        ruleDescription: "Redis from the EKS cluster",
      },
      this,
    );
    const subnetGroup = new aws.elasticache.SubnetGroup(
      `${name}-subnets`,
      { description: `Data subnets of ${id}`, subnetIds: a.dataSubnetIds },
      { parent: this },
    );
    // A secondary uses the parameter group ElastiCache derives from the primary's.
    const parameterGroup = a.secondaryOf ? undefined : createRedisParameterGroup(name, a, this);
    const logGroups = createRedisLogGroups(name, a, this);
    // A secondary answers to the Global Datastore's token: none is generated for it.
    const authToken = a.secondaryOf ? undefined : createAuthToken(name, a, this, args.protect);
    const group = createReplicationGroup(
      name,
      a,
      {
        securityGroupId: securityGroup.id,
        subnetGroupName: subnetGroup.name,
        parameterGroupName: parameterGroup?.name,
        logGroups,
        authToken: authToken?.token.result,
      },
      this,
      args.protect,
    );
    const global = a.globalDatastore
      ? createGlobalDatastore(name, a.globalDatastore.idSuffix, group, this, args.protect)
      : undefined;

    this.primaryEndpoint = group.primaryEndpointAddress;
    this.readerEndpoint = group.readerEndpointAddress;
    this.port = group.port.apply((p) => p ?? REDIS_PORT);
    this.securityGroupId = securityGroup.id;
    this.authTokenSecretArn = authToken
      ? authToken.secret.arn
      : pulumi.output(a.secondaryOf!.authTokenSecretArn);
    this.replicationGroupId = group.replicationGroupId;
    this.globalReplicationGroupId =
      global?.globalReplicationGroupId ??
      (a.secondaryOf ? pulumi.output(a.secondaryOf.globalReplicationGroupId) : undefined);
    this.registerOutputs({
      primaryEndpoint: this.primaryEndpoint,
      readerEndpoint: this.readerEndpoint,
      port: this.port,
      securityGroupId: this.securityGroupId,
      authTokenSecretArn: this.authTokenSecretArn,
      replicationGroupId: this.replicationGroupId,
      globalReplicationGroupId: this.globalReplicationGroupId,
    });
  }
}
