import { byName, ofType, runProgram, type OfflineRun, type RecordedResource } from "../../support/offline";
import type { RedisCacheArgs } from "../../../components/data/redis";

const CACHE_KEY = "arn:aws:kms:us-west-2:123456789012:key/elasticache";
const LOGS_KEY = "arn:aws:kms:us-west-2:123456789012:key/logs";
const SECRETS_KEY = "arn:aws:kms:us-west-2:123456789012:key/secrets";
const ALLOWED = ["sg-cluster", "sg-nodes"];
const SUBNETS = ["subnet-a", "subnet-b", "subnet-c"];

/** The production seeds; `protect` left out to exercise its default. */
const PRODUCTION: RedisCacheArgs = {
  vpcId: "vpc-1",
  dataSubnetIds: SUBNETS,
  allowedSecurityGroupIds: ALLOWED,
  kmsKeyArn: CACHE_KEY,
  logsKmsKeyArn: LOGS_KEY,
  secretsKmsKeyArn: SECRETS_KEY,
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

const DEV: RedisCacheArgs = {
  ...PRODUCTION,
  replicationGroupId: "platform-dev",
  nodeType: "cache.t4g.small",
  numCacheClusters: 1,
  automaticFailover: false,
  multiAz: false,
  snapshotRetentionDays: 1,
  logRetentionDays: 30,
  protect: false,
};

async function build(args: RedisCacheArgs): Promise<OfflineRun> {
  return runProgram(async () => {
    const { RedisCache } = await import("../../../components/data/redis");
    const cache = new RedisCache("cache", args);
    return {
      primaryEndpoint: cache.primaryEndpoint,
      readerEndpoint: cache.readerEndpoint,
      port: cache.port,
      securityGroupId: cache.securityGroupId,
      authTokenSecretArn: cache.authTokenSecretArn,
      replicationGroupId: cache.replicationGroupId,
    };
  });
}

const GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const PASSWORD = "random:index/randomPassword:RandomPassword";
const SECRET = "aws:secretsmanager/secret:Secret";
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";

describe("RedisCache with the production seeds", () => {
  let run: OfflineRun;
  let group: RecordedResource;
  beforeAll(async () => {
    run = await build(PRODUCTION);
    group = byName(run, GROUP, "cache-group");
  });

  test("creates exactly the expected children, all under the component", () => {
    expect(
      run.resources
        .filter((r) => r.custom)
        .map((r) => `${r.type} ${r.name}`)
        .sort(),
    ).toEqual(
      [
        `${SG} cache-sg`,
        "aws:elasticache/subnetGroup:SubnetGroup cache-subnets",
        "aws:elasticache/parameterGroup:ParameterGroup cache-params",
        `${LOG_GROUP} cache-slow-log`,
        `${LOG_GROUP} cache-engine-log`,
        `${PASSWORD} cache-auth-token`,
        `${SECRET} cache-auth-token`,
        `${SECRET_VERSION} cache-auth-token`,
        "random:index/randomId:RandomId cache-group-final-snapshot",
        `${GROUP} cache-group`,
      ].sort(),
    );
    const component = run.resources.find((r) => r.type === "platform:data:RedisCache")!;
    expect(run.resources.filter((r) => r.custom).every((r) => r.parent === component.urn)).toBe(true);
  });

  test("replication group: 3 nodes, failover, Multi-AZ, encrypted at rest with the key and in transit, AUTH token", () => {
    expect(group.inputs).toMatchObject({
      replicationGroupId: "platform-production",
      engine: "redis",
      engineVersion: "7.1",
      nodeType: "cache.r6g.large",
      numCacheClusters: 3,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      port: 6379,
      atRestEncryptionEnabled: true,
      kmsKeyId: CACHE_KEY,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      authToken: "[secret]",
      authTokenUpdateStrategy: "ROTATE",
      autoMinorVersionUpgrade: true,
      applyImmediately: false,
      subnetGroupName: "cache-subnets",
      parameterGroupName: "cache-params",
      securityGroupIds: [byName(run, SG, "cache-sg").id],
    });
    expect(group.secretInputs).toEqual(["authToken"]);
  });

  test("snapshots: 7 days in 03:00-05:00, maintenance after them, final snapshot on delete", () => {
    expect(group.inputs).toMatchObject({
      snapshotRetentionLimit: 7,
      snapshotWindow: "03:00-05:00",
      maintenanceWindow: "sun:05:00-sun:06:00",
      finalSnapshotIdentifier: expect.stringMatching(/^platform-production-final-[0-9a-f]{8}$/),
    });
  });

  test("slow log and engine log go to encrypted log groups", () => {
    for (const log of ["slow-log", "engine-log"]) {
      expect(byName(run, LOG_GROUP, `cache-${log}`).inputs).toEqual({
        name: `/aws/elasticache/platform-production/${log}`,
        kmsKeyId: LOGS_KEY,
        retentionInDays: 365,
      });
    }
    expect(group.inputs.logDeliveryConfigurations).toEqual([
      {
        destination: "/aws/elasticache/platform-production/slow-log",
        destinationType: "cloudwatch-logs",
        logFormat: "json",
        logType: "slow-log",
      },
      {
        destination: "/aws/elasticache/platform-production/engine-log",
        destinationType: "cloudwatch-logs",
        logFormat: "json",
        logType: "engine-log",
      },
    ]);
  });

  test("subnet group spans the data subnets; parameter group evicts volatile keys (redis7)", () => {
    expect(byName(run, "aws:elasticache/subnetGroup:SubnetGroup", "cache-subnets").inputs.subnetIds).toEqual(
      SUBNETS,
    );
    const params = byName(run, "aws:elasticache/parameterGroup:ParameterGroup", "cache-params").inputs;
    expect(params.family).toBe("redis7");
    expect(params.parameters).toEqual([{ name: "maxmemory-policy", value: "volatile-lru" }]);
    expect(params.description).toBe("redis7 parameters of platform-production");
  });

  test("a new eviction policy or minor version updates the parameter group in place, never replaces it", async () => {
    // The description is immutable: if it changed, the group in use would be replaced (and its
    // deletion fail while the cache, applying changes in its maintenance window, still uses it).
    const other = await build({ ...PRODUCTION, engineVersion: "7.0", maxmemoryPolicy: "allkeys-lfu" });
    const before = byName(run, "aws:elasticache/parameterGroup:ParameterGroup", "cache-params").inputs;
    const after = byName(other, "aws:elasticache/parameterGroup:ParameterGroup", "cache-params").inputs;
    expect({ family: after.family, description: after.description }).toEqual({
      family: before.family,
      description: before.description,
    });
    expect(after.parameters).toEqual([{ name: "maxmemory-policy", value: "allkeys-lfu" }]);
    expect(byName(other, GROUP, "cache-group").inputs.engineVersion).toBe("7.0");
  });

  test("AUTH token: 64 characters from the set ElastiCache accepts, kept in a KMS-encrypted secret", () => {
    expect(byName(run, PASSWORD, "cache-auth-token").inputs).toMatchObject({
      length: 64,
      special: true,
      overrideSpecial: "!&#$^<>-",
      keepers: { version: "1" },
    });
    expect(byName(run, SECRET, "cache-auth-token").inputs).toMatchObject({
      namePrefix: "elasticache/platform-production/auth-token-",
      kmsKeyId: SECRETS_KEY,
      recoveryWindowInDays: 30,
    });
    const version = byName(run, SECRET_VERSION, "cache-auth-token");
    expect(version.inputs.secretString).toBe("[secret]");
    expect(version.secretInputs).toEqual(["secretString"]);
  });

  test("the token appears in no input or output except as [secret]", () => {
    expect(run.resources.flatMap((r) => r.secretInputs.map((path) => `${r.type} ${path}`)).sort()).toEqual(
      [`${GROUP} authToken`, `${SECRET_VERSION} secretString`].sort(),
    );
    const everything = JSON.stringify({ inputs: run.resources.map((r) => r.inputs), outputs: run.outputs });
    // The mock token starts with "mock-" (tools/offline/mocks.ts): it must not leak anywhere.
    expect(everything).not.toMatch(/mock-[0-9a-f]{8}/);
    expect(run.secretOutputs).toEqual([]);
  });

  test("security group: the only ingress is 6379 from exactly the allowed groups, no egress, no 0.0.0.0/0", () => {
    const sg = byName(run, SG, "cache-sg").inputs;
    expect(sg.ingress).toEqual([
      {
        description: "Redis from the EKS cluster",
        protocol: "tcp",
        fromPort: 6379,
        toPort: 6379,
        securityGroups: ALLOWED,
      },
    ]);
    expect(sg.egress).toEqual([]);
    expect(ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")).toEqual([]);
    expect(JSON.stringify(run.resources.map((r) => r.inputs))).not.toMatch(/0\.0\.0\.0\/0|::\/0/);
  });

  test("protect (on by default) covers exactly the replication group and the token's secret", () => {
    expect(
      run.resources
        .filter((r) => r.protect)
        .map((r) => `${r.type} ${r.name}`)
        .sort(),
    ).toEqual([`${GROUP} cache-group`, `${SECRET} cache-auth-token`].sort());
  });

  test("outputs for the workloads", () => {
    expect(run.outputs).toEqual({
      primaryEndpoint: expect.stringMatching(/^master\..*\.cache\.amazonaws\.com$/),
      readerEndpoint: expect.stringMatching(/^replica\..*\.cache\.amazonaws\.com$/),
      port: 6379,
      securityGroupId: byName(run, SG, "cache-sg").id,
      authTokenSecretArn: expect.stringMatching(
        /^arn:aws:secretsmanager:us-west-2:123456789012:secret:elasticache\/platform-production\/auth-token-/,
      ),
      replicationGroupId: "platform-production",
    });
  });
});

describe("RedisCache with the dev seeds", () => {
  test("one node, no failover, one day of snapshots, nothing protected", async () => {
    const run = await build(DEV);
    expect(byName(run, GROUP, "cache-group").inputs).toMatchObject({
      numCacheClusters: 1,
      automaticFailoverEnabled: false,
      multiAzEnabled: false,
      snapshotRetentionLimit: 1,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      finalSnapshotIdentifier: expect.stringMatching(/^platform-dev-final-[0-9a-f]{8}$/),
    });
    expect(run.resources.filter((r) => r.protect)).toEqual([]);
  });
});

describe("RedisCache argument validation", () => {
  test.each<[string, Partial<RedisCacheArgs>, string]>([
    [
      "a group ID over 40 characters",
      { replicationGroupId: "a".repeat(41) },
      'replicationGroupId (received "' + "a".repeat(41) + '"): must be 1 to 40',
    ],
    [
      "an uppercase group ID",
      { replicationGroupId: "Cache" },
      'replicationGroupId (received "Cache"): must be 1 to 40 lowercase letters',
    ],
    [
      "failover with one node",
      { numCacheClusters: 1, multiAz: false },
      "automaticFailover (received true): needs numCacheClusters of 2 or more",
    ],
    [
      "an unknown rotation strategy",
      { authTokenUpdateStrategy: "DELETE" as "SET" },
      'authTokenUpdateStrategy (received "DELETE"): must be ROTATE',
    ],
  ])("rejects %s", async (_label, change, message) => {
    const { validateRedisCacheArgs } = await import("../../../components/data/redis");
    expect(() => validateRedisCacheArgs("cache", { ...PRODUCTION, ...change })).toThrow(message);
  });

  test("reports every problem at once", async () => {
    const { validateRedisCacheArgs } = await import("../../../components/data/redis");
    expect(() =>
      validateRedisCacheArgs("cache", {
        ...PRODUCTION,
        allowedSecurityGroupIds: [],
        snapshotRetentionDays: 36,
        snapshotWindow: "03:00-03:59",
      }),
    ).toThrow(
      [
        "Invalid RedisCache arguments:",
        "- allowedSecurityGroupIds (received 0): must list at least one security group to admit (the EKS cluster's)",
        "- snapshotRetentionDays (received 36): must be an integer from 1 to 35 (the range AWS accepts)",
        '- snapshotWindow (received "03:00-03:59"): lasts 59 minutes; an ElastiCache snapshot window needs at least 60',
      ].join("\n"),
    );
  });

  test("invalid args throw before the component registers anything", async () => {
    const run = await runProgram(async () => {
      const { RedisCache } = await import("../../../components/data/redis");
      try {
        new RedisCache("cache", { ...PRODUCTION, numCacheClusters: 0 });
      } catch (error) {
        return { error: (error as Error).message };
      }
      return {};
    });
    expect(run.outputs.error).toContain("numCacheClusters (received 0)");
    expect(run.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  test("failover and Multi-AZ default to on from two nodes, off for one", async () => {
    const { validateRedisCacheArgs } = await import("../../../components/data/redis");
    const { automaticFailover, multiAz, ...rest } = PRODUCTION;
    void [automaticFailover, multiAz];
    expect(validateRedisCacheArgs("cache", { ...rest, numCacheClusters: 2 })).toMatchObject({
      automaticFailover: true,
      multiAz: true,
    });
    expect(validateRedisCacheArgs("cache", { ...rest, numCacheClusters: 1 })).toMatchObject({
      automaticFailover: false,
      multiAz: false,
    });
  });
});

describe("RedisCache with secretsReplica: the AUTH token secret replicated to another region (decision 0145)", () => {
  const DR_SECRETS_KEY = "arn:aws:kms:us-east-1:123456789012:key/dr-secrets";

  test("the secret carries exactly one replica, in that region, with that region's key", async () => {
    const run = await build({
      ...PRODUCTION,
      secretsReplica: { region: "us-east-1", kmsKeyArn: DR_SECRETS_KEY },
    });
    expect(byName(run, SECRET, "cache-auth-token").inputs).toEqual({
      namePrefix: "elasticache/platform-production/auth-token-",
      description: "AUTH token of the ElastiCache replication group platform-production",
      kmsKeyId: SECRETS_KEY,
      recoveryWindowInDays: 30,
      replicas: [{ region: "us-east-1", kmsKeyId: DR_SECRETS_KEY }],
    });
  });

  test("without it, no replica", async () => {
    const run = await build(PRODUCTION);
    expect(byName(run, SECRET, "cache-auth-token").inputs.replicas).toBeUndefined();
  });
});
