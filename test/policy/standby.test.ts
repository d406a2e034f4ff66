/**
 * Warm standby policies (decision 0143): the loss of the region in `recovery-objectives-achievable`
 * (`regionLoss`), `standby-replicas-promotable`, and how the data policies judge cross-region
 * replicas and Global Datastore secondaries.
 */
import {
  rdsBackupRetention,
  rdsDeletionProtection,
  rdsMultiAz,
  elasticacheEncrypted,
} from "../../policy/data";
import { recoveryObjectivesAchievable } from "../../policy/recovery";
import { standbyReplicasPromotable } from "../../policy/standby";
import type { PlanResource } from "../../tools/policy/plan-input";
import { GOVERNANCE_TAGS, awsProvider, messages, res, withPath } from "./helpers";

const provider = awsProvider({ ...GOVERNANCE_TAGS, BackupRequired: "true" });
const RDS = "aws:rds/instance:Instance";
const CACHE = "aws:elasticache/replicationGroup:ReplicationGroup";
const plan = (standby?: string) =>
  res(
    "aws:backup/plan:Plan",
    "plan",
    {
      rules: [{ ruleName: "snapshots", schedule: "cron(0 0/6 * * ? *)", lifecycle: { deleteAfter: 30 } }],
      tags: {
        RecoveryPointObjectiveMinutes: "5",
        RecoveryTimeObjectiveMinutes: "15",
        ...(standby ? { StandbyStack: standby } : {}),
      },
    },
    { provider: true },
  );
const db = res(
  RDS,
  "db",
  { engine: "postgres", multiAz: true, backupRetentionPeriod: 35, allocatedStorage: 100 },
  { provider: true },
);
const cache = res(CACHE, "cache", {
  numCacheClusters: 3,
  automaticFailoverEnabled: true,
  snapshotRetentionLimit: 7,
});
const global = res(
  "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
  "cache-global",
  { globalReplicationGroupIdSuffix: "platform", primaryReplicationGroupId: "cache-id" },
  { dependsOn: [cache] },
);
const REGION = { "recovery-objectives-achievable": { regionLoss: true } };

describe("recovery-objectives-achievable with regionLoss", () => {
  test("a declared standby and the Global Datastore: RTO 15 holds when the region is lost", async () => {
    expect(
      await messages(
        recoveryObjectivesAchievable,
        [provider, plan("org/platform/dr"), db, cache, global],
        REGION,
      ),
    ).toEqual([]);
  });

  test("off by default: the same stack without a standby passes when only an AZ is considered", async () => {
    expect(await messages(recoveryObjectivesAchievable, [provider, plan(), db, cache])).toEqual([]);
  });

  test("no standby declared: the database and the cache miss the RTO when the region is lost", async () => {
    expect(
      await messages(recoveryObjectivesAchievable, [provider, plan(), db, cache, global], REGION),
    ).toEqual([
      "PostgreSQL (RDS) 'db' is back after never when its region is lost (RTO 15 min): its recovery relies on nothing outside the region. Remediation: give the stack a warm standby (platform:standby, docs/runbooks/failover.md) that holds a promotable replica of 'db', or declare an RTO its copies can meet.",
      "Redis (ElastiCache) 'cache' is back after never when its region is lost (RTO 15 min): its recovery relies on a Global Datastore without a declared standby stack. Remediation: give the stack a warm standby (platform:standby, docs/runbooks/failover.md) that holds a promotable replica of 'cache', or declare an RTO its copies can meet.",
    ]);
  });

  test("a declared standby without the Global Datastore: the cache has no counterpart there", async () => {
    const msgs = await messages(
      recoveryObjectivesAchievable,
      [provider, plan("org/platform/dr"), db, cache],
      REGION,
    );
    expect(msgs).toEqual([
      "Redis (ElastiCache) 'cache' is back after never when its region is lost (RTO 15 min): its recovery relies on nothing outside the region. Remediation: give the stack a warm standby (platform:standby, docs/runbooks/failover.md) that holds a promotable replica of 'cache', or declare an RTO its copies can meet.",
    ]);
  });
});

const replica = res(
  RDS,
  "replica",
  {
    replicateSourceDb: "arn:aws:rds:us-west-2:123456789012:db:platform-production",
    kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/rds",
    storageEncrypted: true,
    backupRetentionPeriod: 35,
    multiAz: true,
    deletionProtection: true,
  },
  { provider: true },
);
const secondary = res(CACHE, "secondary", {
  globalReplicationGroupId: "abcde-platform",
  kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/elasticache",
  numCacheClusters: 2,
  automaticFailoverEnabled: true,
});
const vault = res("kubernetes:helm.sh/v3:Release", "vault", { chart: "vault" });
const STANDBY = { "standby-replicas-promotable": { requireStandby: true } };
const change = (r: PlanResource, path: string, value: unknown) => ({
  ...r,
  props: withPath(r.props, path, value),
});

describe("standby-replicas-promotable", () => {
  test("a promotable replica, a secondary and Vault make a standby", async () => {
    expect(await messages(standbyReplicasPromotable, [provider, replica, secondary, vault], STANDBY)).toEqual(
      [],
    );
  });

  test.each<[string, PlanResource, string]>([
    [
      "backupRetentionPeriod",
      change(replica, "backupRetentionPeriod", 0),
      "Cross-region replica 'replica' keeps no automated backups: promoted, it starts without point-in-time recovery. Remediation: set 'backupRetentionPeriod' (1 to 35) on 'replica'.",
    ],
    [
      "kmsKeyId",
      change(replica, "kmsKeyId", undefined),
      "Cross-region replica 'replica' names no KMS key of its region. Remediation: set 'storageEncrypted: true' and 'kmsKeyId' to a key of the replica's region on 'replica'.",
    ],
  ])("a replica without %s is reported", async (_field, broken, message) => {
    expect(await messages(standbyReplicasPromotable, [provider, broken, secondary, vault], STANDBY)).toEqual([
      message,
    ]);
  });

  test("a required standby without its replicas is reported at once", async () => {
    expect(await messages(standbyReplicasPromotable, [provider, vault], STANDBY)).toEqual([
      "The standby stack lacks a cross-region PostgreSQL read replica (replicateSourceDb = the primary's ARN), a Redis Global Datastore secondary (globalReplicationGroupId). Remediation: build the stack with platform:standby.role: standby (docs/decisions/0140).",
    ]);
  });

  test("not required and no replica: nothing to judge", async () => {
    expect(await messages(standbyReplicasPromotable, [provider, db])).toEqual([]);
  });
});

describe("data policies on a standby's replicas", () => {
  test("a cross-region replica is judged as the database it becomes: Multi-AZ, backups, deletion protection", async () => {
    expect(await messages(rdsMultiAz, [provider, replica])).toEqual([]);
    expect(await messages(rdsMultiAz, [provider, change(replica, "multiAz", false)])).toEqual([
      "Database 'replica' runs in a single availability zone. Remediation: set 'multiAz: true' on database 'replica'.",
    ]);
    expect(
      await messages(rdsBackupRetention, [provider, change(replica, "backupRetentionPeriod", 3)]),
    ).toEqual([
      "Database 'replica' keeps backups 3 day(s), less than 7. Remediation: set 'backupRetentionPeriod' to at least 7 on database 'replica'.",
    ]);
    expect(
      await messages(rdsDeletionProtection, [provider, change(replica, "deletionProtection", false)]),
    ).toEqual([
      "Database 'replica' can be deleted without protection. Remediation: set 'deletionProtection: true' on database 'replica'.",
    ]);
    // A same-region replica still follows its source.
    const sameRegion = res(RDS, "copy", { replicateSourceDb: "db", multiAz: false });
    expect(await messages(rdsMultiAz, [provider, sameRegion])).toEqual([]);
  });

  test("a Global Datastore secondary inherits TLS and AUTH but names a key of its region", async () => {
    expect(await messages(elasticacheEncrypted, [provider, secondary])).toEqual([]);
    expect(
      await messages(elasticacheEncrypted, [provider, change(secondary, "kmsKeyId", undefined)]),
    ).toEqual([
      "Cache 'secondary' (a Global Datastore secondary) is not encrypted with a customer-managed key of its region. Remediation: set 'kmsKeyId' to a KMS key of the secondary's region on cache 'secondary'.",
    ]);
  });
});
