/**
 * The warm-standby pieces of the data tier (decision 0140): the cross-region PostgreSQL read
 * replica, and Redis as primary or secondary member of a Global Datastore.
 */
import { byName, ofType, runProgram, type OfflineRun } from "../../support/offline";
import type { PostgresReplicaArgs } from "../../../components/data/postgres-replica";
import type { RedisCacheArgs } from "../../../components/data/redis";

const DR_RDS_KEY = "arn:aws:kms:us-east-1:123456789012:key/rds-dr";
const SOURCE = "arn:aws:rds:us-west-2:123456789012:db:platform-production";
const access = {
  vpcId: "vpc-dr",
  dataSubnetIds: ["subnet-a", "subnet-b"],
  allowedSecurityGroupIds: ["sg-clients"],
  logsKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/logs",
  secretsKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/secrets",
};

const REPLICA: PostgresReplicaArgs = {
  ...access,
  kmsKeyArn: DR_RDS_KEY,
  identifier: "platform-dr",
  sourceDbArn: SOURCE,
  engineMajorVersion: 17,
  instanceClass: "db.r6g.xlarge",
  allocatedStorage: 100,
  maxAllocatedStorage: 1000,
  backupRetentionDays: 35,
  backupWindow: "03:00-04:00",
  maintenanceWindow: "sun:04:00-sun:05:00",
  logRetentionDays: 365,
  masterUserSecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:postgres-master-abcdef",
};

const RDS = "aws:rds/instance:Instance";
const GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
const GLOBAL = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup";

describe("PostgresReplica", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await runProgram(
      async () => {
        const { PostgresReplica } = await import("../../../components/data/postgres-replica");
        const db = new PostgresReplica("postgres", REPLICA);
        return { address: db.address, arn: db.arn, secret: db.masterUserSecretArn };
      },
      { config: { "aws:region": "us-east-1" } },
    );
  });

  test("creates exactly its children: security group, subnet group, parameters, monitoring role, log groups, the replica", () => {
    expect(
      run.resources
        .filter((r) => r.custom)
        .map((r) => `${r.type} ${r.name}`)
        .sort(),
    ).toEqual(
      [
        "aws:ec2/securityGroup:SecurityGroup postgres-sg",
        "aws:rds/subnetGroup:SubnetGroup postgres-subnets",
        "aws:rds/parameterGroup:ParameterGroup postgres-params",
        "aws:iam/role:Role postgres-monitoring",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment postgres-monitoring",
        "aws:cloudwatch/logGroup:LogGroup postgres-replica-postgresql",
        "aws:cloudwatch/logGroup:LogGroup postgres-replica-upgrade",
        `${RDS} postgres-replica`,
      ].sort(),
    );
    const component = run.resources.find((r) => r.type === "platform:data:PostgresReplica")!;
    expect(byName(run, RDS, "postgres-replica").parent).toBe(component.urn);
    for (const r of run.resources.filter((x) => x.custom)) {
      expect([r.name, r.parent.includes("platform:data:PostgresReplica")]).toEqual([r.name, true]);
    }
  });

  test("replicates the source by ARN, encrypted with the key of its own region, promotable with backups, protected", () => {
    const db = byName(run, RDS, "postgres-replica");
    expect(db.inputs).toMatchObject({
      identifier: "platform-dr",
      replicateSourceDb: SOURCE,
      kmsKeyId: DR_RDS_KEY,
      storageEncrypted: true,
      performanceInsightsKmsKeyId: DR_RDS_KEY,
      backupRetentionPeriod: 35,
      deletionProtection: true,
      multiAz: true,
      publiclyAccessible: false,
      dbSubnetGroupName: "postgres-subnets",
      tags: { Name: "platform-dr", BackupRequired: "false", StandbyRole: "replica" },
    });
    // The source's: never set on a replica.
    expect(db.inputs.allocatedStorage).toBe(100);
    for (const field of ["username", "password", "passwordWo", "dbName", "engine", "engineVersion"]) {
      expect([field, db.inputs[field]]).toEqual([field, undefined]);
    }
    expect(db.protect).toBe(true);
    expect(byName(run, "aws:rds/parameterGroup:ParameterGroup", "postgres-params").inputs.family).toBe(
      "postgres17",
    );
  });

  test("admits only the given security groups on 5432", () => {
    const sg = byName(run, "aws:ec2/securityGroup:SecurityGroup", "postgres-sg");
    expect(sg.inputs.ingress).toEqual([
      expect.objectContaining({ fromPort: 5432, toPort: 5432, securityGroups: ["sg-clients"] }),
    ]);
    expect(sg.inputs.egress).toEqual([]);
  });

  test.each([
    [
      "a source that is not an ARN",
      { sourceDbArn: "platform-production" },
      'sourceDbArn (received "platform-production"): must be the ARN of the source DB instance, arn:aws:rds:<region>:<account>:db:<identifier>: a cross-region replica names its source by ARN',
    ],
    [
      "no backups",
      { backupRetentionDays: 0 },
      "backupRetentionDays (received 0): must be an integer from 1 to 35: the promoted replica keeps automated backups from its first minute",
    ],
    [
      "an unsupported major version",
      { engineMajorVersion: 13 },
      "engineMajorVersion (received 13): must be one of 16, 17",
    ],
  ])("refuses %s before registering anything", async (_label, change, message) => {
    const { validatePostgresReplicaArgs } = await import("../../../components/data/postgres-replica");
    expect(() => validatePostgresReplicaArgs("postgres", { ...REPLICA, ...change })).toThrow(message);
  });
});

const REDIS: RedisCacheArgs = {
  ...access,
  kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/elasticache",
  replicationGroupId: "platform-production",
  nodeType: "cache.r6g.large",
  numCacheClusters: 3,
  automaticFailover: true,
  multiAz: true,
  snapshotRetentionDays: 7,
  snapshotWindow: "03:00-05:00",
  maintenanceWindow: "sun:05:00-sun:06:00",
  logRetentionDays: 365,
};

async function buildRedis(args: RedisCacheArgs): Promise<OfflineRun> {
  return runProgram(async () => {
    const { RedisCache } = await import("../../../components/data/redis");
    const cache = new RedisCache("redis", args);
    return { global: cache.globalReplicationGroupId, token: cache.authTokenSecretArn };
  });
}

describe("RedisCache in a Global Datastore", () => {
  test("as primary: the group leads a protected Global Datastore, still encrypted, TLS and AUTH", async () => {
    const run = await buildRedis({ ...REDIS, globalDatastore: { idSuffix: "platform" } });
    const global = byName(run, GLOBAL, "redis-global");
    const group = byName(run, GROUP, "redis-group");
    expect(global.inputs).toEqual({
      globalReplicationGroupIdSuffix: "platform",
      primaryReplicationGroupId: group.id,
      globalReplicationGroupDescription: "Global Datastore of platform-production",
    });
    expect(global.dependencies).toContain(group.urn);
    expect(global.protect).toBe(true);
    expect(group.inputs).toMatchObject({
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      authToken: "[secret]",
      nodeType: "cache.r6g.large",
    });
    expect(run.outputs.global).toMatch(/^[a-z]{5}-platform$/);
  });

  test("as secondary: joins the Global Datastore, leaves out what it inherits, keeps its region's key, generates no token", async () => {
    const run = await buildRedis({
      ...REDIS,
      replicationGroupId: "platform-dr",
      numCacheClusters: 2,
      kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/elasticache-dr",
      secondaryOf: {
        globalReplicationGroupId: "abcde-platform",
        authTokenSecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:redis-auth-abcdef",
      },
    });
    const group = byName(run, GROUP, "redis-group");
    expect(group.inputs).toMatchObject({
      globalReplicationGroupId: "abcde-platform",
      kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/elasticache-dr",
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      tags: { Name: "platform-dr", AuthTokenRotationDays: "30", GlobalDatastoreNodeType: "cache.r6g.large" },
    });
    for (const field of [
      "engine",
      "engineVersion",
      "nodeType",
      "parameterGroupName",
      "atRestEncryptionEnabled",
      "transitEncryptionEnabled",
      "transitEncryptionMode",
      "authToken",
      "authTokenUpdateStrategy",
    ]) {
      expect([field, group.inputs[field]]).toEqual([field, undefined]);
    }
    expect(ofType(run, "random:index/randomPassword:RandomPassword")).toEqual([]);
    expect(ofType(run, "aws:elasticache/parameterGroup:ParameterGroup")).toEqual([]);
    expect(ofType(run, GLOBAL)).toEqual([]);
    expect(run.outputs).toEqual({
      global: "abcde-platform",
      token: "arn:aws:secretsmanager:us-west-2:123456789012:secret:redis-auth-abcdef",
    });
  });

  test.each([
    [
      "both roles at once",
      {
        globalDatastore: { idSuffix: "platform" },
        secondaryOf: { globalReplicationGroupId: "x", authTokenSecretArn: "y" },
      },
      'globalDatastore (received {"idSuffix":"platform"}): must be left out with secondaryOf: a group is the primary or a secondary of a Global Datastore, not both',
    ],
    [
      "a burstable node type",
      { globalDatastore: { idSuffix: "platform" }, nodeType: "cache.t4g.medium" },
      'nodeType (received "cache.t4g.medium"): must not be a burstable (t) node type in a Global Datastore (M5, R5 and newer only)',
    ],
    [
      "a suffix AWS refuses",
      { globalDatastore: { idSuffix: "Platform_1" } },
      'globalDatastore.idSuffix (received "Platform_1"): must be 1 to 40 lower-case letters, digits or hyphens, starting with a letter',
    ],
  ])("refuses %s", async (_label, change, message) => {
    const { validateRedisCacheArgs } = await import("../../../components/data/redis");
    expect(() => validateRedisCacheArgs("redis", { ...REDIS, ...change } as RedisCacheArgs)).toThrow(message);
  });
});
