import { checkData, dataSchema, type DataConfig } from "../../../infra/config/data";
import { type ConfigProblem, zodProblems } from "../../../infra/config/problems";

/** The production seeds, as Pulumi.production.yaml carries them. */
function production(): { postgres: Record<string, unknown>; redis: Record<string, unknown> } {
  return {
    postgres: {
      engineMajorVersion: 17,
      instanceClass: "db.r6g.xlarge",
      allocatedStorage: 100,
      maxAllocatedStorage: 1000,
      multiAz: true,
      readReplicas: 2,
      backupRetentionDays: 35,
      backupWindow: "03:00-04:00",
      maintenanceWindow: "sun:04:00-sun:05:00",
      deletionProtection: true,
      performanceInsightsRetentionDays: 7,
      monitoringIntervalSeconds: 60,
      logRetentionDays: 365,
      crossRegionBackup: { region: "us-east-1", retentionDays: 30 },
    },
    redis: {
      engineVersion: "7.1",
      nodeType: "cache.r6g.large",
      numCacheClusters: 3,
      automaticFailover: true,
      multiAz: true,
      snapshotRetentionDays: 7,
      snapshotWindow: "03:00-05:00",
      maintenanceWindow: "sun:05:00-sun:06:00",
      maxmemoryPolicy: "volatile-lru",
      logRetentionDays: 365,
    },
  };
}

/** Schema problems as the loader reports them (full key, received value, message). */
function schemaProblems(raw: unknown): ConfigProblem[] {
  const result = dataSchema.safeParse(raw);
  return result.success ? [] : zodProblems("platform:data", raw, result.error);
}

function parsed(raw: unknown): DataConfig {
  return dataSchema.parse(raw);
}

describe("platform:data schema", () => {
  test("accepts the production seeds and fills the defaults", () => {
    const raw = production();
    delete raw.postgres.performanceInsightsRetentionDays;
    delete raw.redis.maxmemoryPolicy;
    const value = parsed(raw);
    expect(value.postgres.performanceInsightsRetentionDays).toBe(7);
    expect(value.postgres.monitoringIntervalSeconds).toBe(60);
    expect(value.postgres.allowMajorVersionUpgrade).toBe(false);
    expect(value.postgres.masterPasswordVersion).toBe(1);
    expect(value.redis).toMatchObject({
      maxmemoryPolicy: "volatile-lru",
      authTokenVersion: 1,
      authTokenUpdateStrategy: "ROTATE",
      engineVersion: "7.1",
    });
    expect(value.postgres.crossRegionBackup).toEqual({ region: "us-east-1", retentionDays: 30 });
    expect(checkData(value, "production", "us-west-2")).toEqual([]);
  });

  const pg = "platform:data.postgres";
  const rd = "platform:data.redis";
  test.each<[string, (c: ReturnType<typeof production>) => void, string, unknown, string]>([
    [
      "backup retention 0",
      (c) => (c.postgres.backupRetentionDays = 0),
      `${pg}.backupRetentionDays`,
      0,
      "0 turns off automated backups and point-in-time recovery; use 1 to 35 days",
    ],
    [
      "backup retention 36",
      (c) => (c.postgres.backupRetentionDays = 36),
      `${pg}.backupRetentionDays`,
      36,
      "must be an integer from 1 to 35 (the range AWS accepts)",
    ],
    [
      "malformed backup window",
      (c) => (c.postgres.backupWindow = "3:00-4:00"),
      `${pg}.backupWindow`,
      "3:00-4:00",
      "must be a daily UTC window 'hh24:mi-hh24:mi', e.g. 03:00-04:00",
    ],
    [
      "short backup window",
      (c) => (c.postgres.backupWindow = "03:00-03:20"),
      `${pg}.backupWindow`,
      "03:00-03:20",
      "lasts 20 minutes; an RDS backup window needs at least 30",
    ],
    [
      "capitalised maintenance day",
      (c) => (c.postgres.maintenanceWindow = "Sun:04:00-Sun:05:00"),
      `${pg}.maintenanceWindow`,
      "Sun:04:00-Sun:05:00",
      "must be a weekly UTC window 'ddd:hh24:mi-ddd:hh24:mi' with lowercase days, e.g. sun:04:00-sun:05:00",
    ],
    [
      "maintenance inside the backup window",
      (c) => (c.postgres.maintenanceWindow = "wed:03:30-wed:04:30"),
      `${pg}.maintenanceWindow`,
      "wed:03:30-wed:04:30",
      "overlaps the daily backup window 03:00-04:00; RDS requires them to be disjoint",
    ],
    [
      "backup window across midnight overlapping maintenance",
      (c) => {
        c.postgres.backupWindow = "23:30-00:30";
        c.postgres.maintenanceWindow = "sun:00:00-sun:01:00";
      },
      `${pg}.maintenanceWindow`,
      "sun:00:00-sun:01:00",
      "overlaps the daily backup window 23:30-00:30; RDS requires them to be disjoint",
    ],
    [
      "unknown instance family",
      (c) => (c.postgres.instanceClass = "db.m5.large"),
      `${pg}.instanceClass`,
      "db.m5.large",
      "must be <family>.<size> with a family from db.t4g, db.m6g, db.m7g, db.r6g, db.r7g, db.m6i, db.r6i, e.g. db.r6g.xlarge",
    ],
    [
      "storage below 20 GiB",
      (c) => (c.postgres.allocatedStorage = 10),
      `${pg}.allocatedStorage`,
      10,
      "must be an integer from 20 to 65536 (GiB of gp3 storage RDS accepts)",
    ],
    [
      "autoscaling limit under allocated + 10%",
      (c) => (c.postgres.maxAllocatedStorage = 105),
      `${pg}.maxAllocatedStorage`,
      105,
      "must be at least 10% above allocatedStorage (100 GiB), i.e. 110 or more, for storage autoscaling",
    ],
    [
      "16 read replicas",
      (c) => (c.postgres.readReplicas = 16),
      `${pg}.readReplicas`,
      16,
      "must be an integer from 0 to 15 (RDS for PostgreSQL allows at most 15 read replicas)",
    ],
    [
      "PostgreSQL 15",
      (c) => (c.postgres.engineMajorVersion = 15),
      `${pg}.engineMajorVersion`,
      15,
      "must be one of 16, 17 (majors in RDS standard support)",
    ],
    [
      "Performance Insights kept 30 days",
      (c) => (c.postgres.performanceInsightsRetentionDays = 30),
      `${pg}.performanceInsightsRetentionDays`,
      30,
      "must be 7, 731, or a multiple of 31 up to 713 (the values Performance Insights accepts)",
    ],
    [
      "enhanced monitoring off",
      (c) => (c.postgres.monitoringIntervalSeconds = 0),
      `${pg}.monitoringIntervalSeconds`,
      0,
      "must be one of 1, 5, 10, 15, 30, 60 seconds (0, which turns enhanced monitoring off, is not offered)",
    ],
    [
      "log retention CloudWatch refuses",
      (c) => (c.postgres.logRetentionDays = 31),
      `${pg}.logRetentionDays`,
      31,
      "must be a retention CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days",
    ],
    [
      "unknown postgres key",
      (c) => (c.postgres.storageType = "gp2"),
      `${pg}`,
      ["storageType"],
      "unknown key 'storageType'; check the spelling against the documented keys",
    ],
    [
      "cluster count 7",
      (c) => (c.redis.numCacheClusters = 7),
      `${rd}.numCacheClusters`,
      7,
      "must be an integer from 1 to 6 (a primary plus up to 5 replicas)",
    ],
    [
      "failover with one node",
      (c) => {
        c.redis.numCacheClusters = 1;
        c.redis.multiAz = false;
      },
      `${rd}.automaticFailover`,
      true,
      "needs numCacheClusters of 2 or more (a replica to promote); numCacheClusters is 1",
    ],
    [
      "Multi-AZ without failover",
      (c) => (c.redis.automaticFailover = false),
      `${rd}.multiAz`,
      true,
      "needs automaticFailover: true (ElastiCache Multi-AZ promotes a replica in another AZ)",
    ],
    [
      "snapshot retention 0",
      (c) => (c.redis.snapshotRetentionDays = 0),
      `${rd}.snapshotRetentionDays`,
      0,
      "0 turns off automatic snapshots; use 1 to 35 days",
    ],
    [
      "snapshot retention 40",
      (c) => (c.redis.snapshotRetentionDays = 40),
      `${rd}.snapshotRetentionDays`,
      40,
      "must be an integer from 1 to 35 (the range AWS accepts)",
    ],
    [
      "snapshot window of 30 minutes",
      (c) => (c.redis.snapshotWindow = "03:00-03:30"),
      `${rd}.snapshotWindow`,
      "03:00-03:30",
      "lasts 30 minutes; an ElastiCache snapshot window needs at least 60",
    ],
    [
      "redis maintenance overlapping snapshots",
      (c) => (c.redis.maintenanceWindow = "mon:04:00-mon:05:00"),
      `${rd}.maintenanceWindow`,
      "mon:04:00-mon:05:00",
      "overlaps the daily snapshot window 03:00-05:00; ElastiCache requires them to be disjoint",
    ],
    [
      "unknown node family",
      (c) => (c.redis.nodeType = "cache.r6gd.xlarge"),
      `${rd}.nodeType`,
      "cache.r6gd.xlarge",
      "must be <family>.<size> with a family from cache.t4g, cache.m6g, cache.m7g, cache.r6g, cache.r7g, e.g. cache.r6g.large",
    ],
    [
      "redis 6.2",
      (c) => (c.redis.engineVersion = "6.2"),
      `${rd}.engineVersion`,
      "6.2",
      "must be one of 7.0, 7.1",
    ],
    [
      "noeviction",
      (c) => (c.redis.maxmemoryPolicy = "noeviction"),
      `${rd}.maxmemoryPolicy`,
      "noeviction",
      "must be one of volatile-lru, allkeys-lru, volatile-lfu, allkeys-lfu",
    ],
    [
      "master password version 0",
      (c) => (c.postgres.masterPasswordVersion = 0),
      `${pg}.masterPasswordVersion`,
      0,
      "must be an integer of 1 or more; raise it by one to send the password again",
    ],
    [
      "auth token version 0",
      (c) => (c.redis.authTokenVersion = 0),
      `${rd}.authTokenVersion`,
      0,
      "must be an integer of 1 or more; raise it to rotate the AUTH token",
    ],
    ["missing node type", (c) => delete c.redis.nodeType, `${rd}.nodeType`, undefined, "must be a string"],
    [
      "backup copies in a malformed region",
      (c) => (c.postgres.crossRegionBackup = { region: "US East 1", retentionDays: 30 }),
      `${pg}.crossRegionBackup.region`,
      "US East 1",
      "is not an AWS region; did you mean us-east-1?",
    ],
    ...[0, 36, 7.5].map(
      (days) =>
        [
          `backup copies kept ${days} days`,
          (c: ReturnType<typeof production>) =>
            (c.postgres.crossRegionBackup = { region: "us-east-1", retentionDays: days }),
          `${pg}.crossRegionBackup.retentionDays`,
          days,
          days === 7.5
            ? "must be an integer number of days"
            : "must be an integer from 1 to 35 (the range AWS accepts for replicated backups)",
        ] as [string, (c: ReturnType<typeof production>) => void, string, unknown, string],
    ),
    [
      "backup copies without their region",
      (c) => (c.postgres.crossRegionBackup = { retentionDays: 30 }),
      `${pg}.crossRegionBackup.region`,
      undefined,
      "must be a string",
    ],
  ])("rejects %s with exactly one clear problem", (_label, mutate, key, received, message) => {
    const raw = production();
    mutate(raw);
    expect(schemaProblems(raw)).toEqual([{ key, received, message }]);
  });

  test("reports every problem of a stack file in one pass, cross-field rules included", () => {
    const raw = production();
    raw.postgres.backupRetentionDays = 0;
    raw.postgres.instanceClass = "db.x1.large";
    raw.postgres.maintenanceWindow = "tue:03:00-tue:03:45";
    raw.redis.engineVersion = "6.x";
    raw.redis.automaticFailover = false;
    raw.redis.snapshotWindow = "25:00-26:00";
    expect(schemaProblems(raw).map((p) => p.key)).toEqual([
      `${pg}.instanceClass`,
      `${pg}.backupRetentionDays`,
      `${pg}.maintenanceWindow`,
      `${rd}.engineVersion`,
      `${rd}.snapshotWindow`,
      `${rd}.multiAz`,
    ]);
  });

  test("a wrong type stops the cross-field rules instead of crashing them", () => {
    const raw = production();
    raw.postgres.instanceClass = 42;
    raw.postgres.maxAllocatedStorage = 50;
    expect(schemaProblems(raw)).toEqual([
      {
        key: `${pg}.instanceClass`,
        received: 42,
        message:
          'must be a string; YAML read the unquoted value as the number 42: quote it in the stack file, e.g. instanceClass: "42"',
      },
    ]);
  });
});

describe("checkData", () => {
  function dev(): ReturnType<typeof production> {
    const c = production();
    delete c.postgres.crossRegionBackup;
    Object.assign(c.postgres, {
      instanceClass: "db.t4g.medium",
      allocatedStorage: 20,
      maxAllocatedStorage: 100,
      multiAz: false,
      readReplicas: 0,
      backupRetentionDays: 7,
      deletionProtection: false,
      logRetentionDays: 30,
    });
    Object.assign(c.redis, {
      nodeType: "cache.t4g.small",
      numCacheClusters: 1,
      automaticFailover: false,
      multiAz: false,
      snapshotRetentionDays: 1,
      logRetentionDays: 30,
    });
    return c;
  }

  test("dev may be single-AZ, unreplicated, burstable and unprotected", () => {
    expect(checkData(parsed(dev()), "dev")).toEqual([]);
  });

  test("staging needs a Multi-AZ database", () => {
    expect(checkData(parsed(dev()), "staging")).toEqual([
      {
        key: "platform:data.postgres.multiAz",
        received: false,
        message: "must be true in staging: a standby in a second AZ takes over when the primary's AZ fails",
      },
    ]);
  });

  test("production refuses the dev settings, one problem per rule", () => {
    const c = dev();
    c.postgres.backupRetentionDays = 6;
    c.redis.snapshotRetentionDays = 6;
    expect(checkData(parsed(c), "production", "us-west-2")).toEqual([
      {
        key: "platform:data.postgres.crossRegionBackup",
        received: undefined,
        message:
          "is required in production, e.g. { region: us-east-1, retentionDays: 30 }: copies of the automated backups in a second region are what a restore uses when the stack's region is lost",
      },
      {
        key: "platform:data.postgres.multiAz",
        received: false,
        message:
          "must be true in production: a standby in a second AZ takes over when the primary's AZ fails",
      },
      {
        key: "platform:data.postgres.readReplicas",
        received: 0,
        message: "must be at least 1 in production (seeds: 2) to serve reads and keep a warm copy",
      },
      {
        key: "platform:data.postgres.backupRetentionDays",
        received: 6,
        message: "must be at least 7 days in production (seeds: 35)",
      },
      {
        key: "platform:data.postgres.deletionProtection",
        received: false,
        message: "must be true in production",
      },
      {
        key: "platform:data.postgres.instanceClass",
        received: "db.t4g.medium",
        message: "must not be a burstable (t) class in production: sustained load exhausts its CPU credits",
      },
      {
        key: "platform:data.redis.automaticFailover",
        received: false,
        message: "must be true in production: a replica takes over when the primary fails",
      },
      {
        key: "platform:data.redis.multiAz",
        received: false,
        message: "must be true in production: nodes in several AZs survive the loss of one",
      },
      {
        key: "platform:data.redis.snapshotRetentionDays",
        received: 6,
        message: "must be at least 7 days in production",
      },
      {
        key: "platform:data.redis.nodeType",
        received: "cache.t4g.small",
        message:
          "must not be a burstable (t) node type in production: sustained load exhausts its CPU credits",
      },
    ]);
  });
});

describe("checkData: cross-region backup copies", () => {
  const withCopies = (region: string, retentionDays: number) => {
    const c = production();
    c.postgres.crossRegionBackup = { region, retentionDays };
    return parsed(c);
  };
  const key = "platform:data.postgres.crossRegionBackup";

  test.each([
    ["dev", "us-east-1", 1],
    ["staging", "us-east-2", 7],
    ["production", "eu-west-1", 35],
  ])("%s accepts copies in %s kept %d days", (environment, region, days) => {
    expect(checkData(withCopies(region, days), environment, "us-west-2")).toEqual([]);
  });

  test.each([
    [
      "the stack's own region",
      "us-west-2",
      "must be a region other than the stack's region us-west-2: copies in the same region are lost with it",
    ],
    [
      "another partition",
      "us-gov-west-1",
      "must be in the same AWS partition as the stack's region us-west-2 (aws): RDS does not replicate backups across partitions",
    ],
  ])("refuses copies in %s, in any environment", (_label, region, message) => {
    for (const environment of ["dev", "production"]) {
      expect(checkData(withCopies(region, 30), environment, "us-west-2")).toEqual([
        { key: `${key}.region`, received: region, message },
      ]);
    }
  });

  test("without the stack's region the region rules are skipped", () => {
    expect(checkData(withCopies("us-west-2", 30), "production")).toEqual([]);
  });

  test("production keeps the copies at least 7 days; dev may keep them 1 day", () => {
    expect(checkData(withCopies("us-east-1", 6), "production", "us-west-2")).toEqual([
      {
        key: `${key}.retentionDays`,
        received: 6,
        message: "must be at least 7 days in production (seeds: backups kept 30 days)",
      },
    ]);
    expect(checkData(withCopies("us-east-1", 1), "dev", "us-west-2")).toEqual([]);
  });

  test("dev and staging may leave the copies out; production may not", () => {
    const c = production();
    delete c.postgres.crossRegionBackup;
    expect(checkData(parsed(c), "dev", "us-west-2")).toEqual([]);
    expect(checkData(parsed(c), "staging", "us-west-2")).toEqual([]);
    expect(checkData(parsed(c), "production", "us-west-2").map((p) => p.key)).toEqual([key]);
  });
});

describe("credential rotation periods (decisions 0110, 0113)", () => {
  test("default to 30 days, which production accepts", () => {
    const c = parsed(production());
    expect([c.postgres.masterPasswordRotationDays, c.redis.authTokenRotationDays]).toEqual([30, 30]);
    expect(checkData(c, "production", "us-west-2")).toEqual([]);
  });

  test("production refuses longer periods, each at its key", () => {
    const raw = production();
    raw.postgres.masterPasswordRotationDays = 90;
    raw.redis.authTokenRotationDays = 60;
    expect(checkData(parsed(raw), "production", "us-west-2")).toEqual([
      {
        key: "platform:data.postgres.masterPasswordRotationDays",
        received: 90,
        message: "must be at most 30 days in production (seeds: credentials rotated every 30 days)",
      },
      {
        key: "platform:data.redis.authTokenRotationDays",
        received: 60,
        message: "must be from 1 to 30 days in production (seeds: credentials rotated every 30 days)",
      },
    ]);
    expect(checkData(parsed(raw), "dev")).toEqual([]);
  });
});
