/**
 * The `platform:data` blocks proposed for the three stack files: each passes the schema and the
 * environment's rules, and the parsed section feeds both components as is (the wiring of infra/platform.ts).
 */
import { checkData, dataSchema } from "../../../infra/config/data";
import { byName, runProgram } from "../../support/offline";

const windows = { backupWindow: "03:00-04:00", maintenanceWindow: "sun:04:00-sun:05:00" };
const cacheWindows = { snapshotWindow: "03:00-05:00", maintenanceWindow: "sun:05:00-sun:06:00" };

const STACKS = {
  dev: {
    postgres: {
      engineMajorVersion: 17,
      instanceClass: "db.t4g.medium",
      allocatedStorage: 20,
      maxAllocatedStorage: 100,
      multiAz: false,
      readReplicas: 0,
      backupRetentionDays: 7,
      ...windows,
      deletionProtection: false,
      logRetentionDays: 30,
    },
    redis: {
      engineVersion: "7.1",
      nodeType: "cache.t4g.small",
      numCacheClusters: 1,
      automaticFailover: false,
      multiAz: false,
      snapshotRetentionDays: 1,
      ...cacheWindows,
      logRetentionDays: 30,
    },
  },
  staging: {
    postgres: {
      engineMajorVersion: 17,
      instanceClass: "db.r6g.large",
      allocatedStorage: 50,
      maxAllocatedStorage: 500,
      multiAz: true,
      readReplicas: 1,
      backupRetentionDays: 14,
      ...windows,
      deletionProtection: true,
      logRetentionDays: 90,
    },
    redis: {
      engineVersion: "7.1",
      nodeType: "cache.m6g.large",
      numCacheClusters: 2,
      automaticFailover: true,
      multiAz: true,
      snapshotRetentionDays: 3,
      ...cacheWindows,
      logRetentionDays: 90,
    },
  },
  production: {
    postgres: {
      engineMajorVersion: 17,
      instanceClass: "db.r6g.xlarge",
      allocatedStorage: 100,
      maxAllocatedStorage: 1000,
      multiAz: true,
      readReplicas: 2,
      backupRetentionDays: 35,
      ...windows,
      deletionProtection: true,
      performanceInsightsRetentionDays: 7,
      monitoringIntervalSeconds: 60,
      logRetentionDays: 365,
    },
    redis: {
      engineVersion: "7.1",
      nodeType: "cache.r6g.large",
      numCacheClusters: 3,
      automaticFailover: true,
      multiAz: true,
      snapshotRetentionDays: 7,
      ...cacheWindows,
      maxmemoryPolicy: "volatile-lru",
      logRetentionDays: 365,
    },
  },
};

describe.each(Object.entries(STACKS))("the %s block", (stack, raw) => {
  test("passes the schema and the environment's rules, and builds both components", async () => {
    const data = dataSchema.parse(raw);
    expect(checkData(data, stack)).toEqual([]);
    const protect = stack === "production";
    const run = await runProgram(async () => {
      const { PostgresDatabase } = await import("../../../components/data/postgres");
      const { RedisCache } = await import("../../../components/data/redis");
      const common = {
        vpcId: "vpc-1",
        dataSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
        allowedSecurityGroupIds: ["sg-cluster"],
        logsKmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/logs",
        secretsKmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/secrets",
        protect,
      };
      new PostgresDatabase("postgres", {
        ...common,
        ...data.postgres,
        kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/rds",
        identifier: `platform-${stack}`,
      });
      new RedisCache("redis", {
        ...common,
        ...data.redis,
        kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/elasticache",
        replicationGroupId: `platform-${stack}`,
      });
    });
    const primary = byName(run, "aws:rds/instance:Instance", "postgres-primary");
    expect(primary.inputs).toMatchObject({
      multiAz: raw.postgres.multiAz,
      backupRetentionPeriod: raw.postgres.backupRetentionDays,
    });
    expect(primary.protect).toBe(protect);
    const group = byName(run, "aws:elasticache/replicationGroup:ReplicationGroup", "redis-group");
    expect(group.inputs).toMatchObject({
      numCacheClusters: raw.redis.numCacheClusters,
      automaticFailoverEnabled: raw.redis.automaticFailover,
    });
    expect(group.protect).toBe(protect);
  });
});
