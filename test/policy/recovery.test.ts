import { recoveryObjectivesAchievable, secretRotationEnabled } from "../../policy/recovery";
import type { PlanResource } from "../../tools/policy/plan-input";
import { GOVERNANCE_TAGS, awsProvider, messages, res, urnOf } from "./helpers";

const provider = awsProvider({ ...GOVERNANCE_TAGS, BackupRequired: "true" });
const objectives = (rpo: number, rto: number) =>
  res(
    "aws:backup/plan:Plan",
    "plan",
    {
      rules: [{ ruleName: "snapshots", schedule: "cron(0 0/6 * * ? *)", lifecycle: { deleteAfter: 30 } }],
      tags: { RecoveryPointObjectiveMinutes: String(rpo), RecoveryTimeObjectiveMinutes: String(rto) },
    },
    { provider: true },
  );
const db = (props: Record<string, unknown> = {}) =>
  res(
    "aws:rds/instance:Instance",
    "db",
    { engine: "postgres", multiAz: true, backupRetentionPeriod: 35, allocatedStorage: 100, ...props },
    { provider: true },
  );
const cache = (props: Record<string, unknown> = {}) =>
  res("aws:elasticache/replicationGroup:ReplicationGroup", "cache", {
    numCacheClusters: 3,
    automaticFailoverEnabled: true,
    snapshotRetentionLimit: 7,
    ...props,
  });
const vaultRelease = (replicas: number) =>
  res("kubernetes:helm.sh/v3:Release", "vault", {
    chart: "vault",
    namespace: "vault",
    values: { server: { ha: { enabled: true, replicas, raft: { enabled: true } } } },
  });
const snapshots = res("kubernetes:batch/v1:CronJob", "vault-snapshot", {
  metadata: { name: "vault-snapshot", namespace: "vault" },
  spec: { schedule: "0 */6 * * *" },
});
const production = (...extra: PlanResource[]) => [provider, objectives(5, 15), ...extra];

describe("recovery-objectives-achievable", () => {
  test("Multi-AZ database, replicated cache and a 3-node Raft Vault meet RPO 5 / RTO 15", async () => {
    expect(
      await messages(recoveryObjectivesAchievable, production(db(), cache(), vaultRelease(3), snapshots)),
    ).toEqual([]);
  });

  test("a single-AZ database without replicas relies on a point-in-time restore: RTO missed, named with why", async () => {
    expect(await messages(recoveryObjectivesAchievable, production(db({ multiAz: false })))).toEqual([
      "PostgreSQL (RDS) 'db' is back after 30 min (RTO 15 min): its recovery relies on no standby: point-in-time restore (100 GiB). Remediation: add a standby or replica with automatic failover to 'db' (Multi-AZ, replicas, Raft quorum), or declare objectives it can meet.",
    ]);
  });

  test("a read replica is a warm copy: single-AZ with one replica meets RTO 15", async () => {
    const primary = db({ multiAz: false });
    const replica = res(
      "aws:rds/instance:Instance",
      "replica",
      { replicateSourceDb: "db" },
      { dependsOn: [primary] },
    );
    expect(await messages(recoveryObjectivesAchievable, production(primary, replica))).toEqual([]);
  });

  test("a cache without failover loses a day of writes", async () => {
    expect(
      await messages(recoveryObjectivesAchievable, production(cache({ automaticFailoverEnabled: false }))),
    ).toEqual([
      "Redis (ElastiCache) 'cache' loses up to 1440 min of data (RPO 5 min) and is back after 20 min (RTO 15 min): its recovery relies on no replica: new replication group from the daily snapshot. Remediation: add a standby or replica with automatic failover to 'cache' (Multi-AZ, replicas, Raft quorum), or declare objectives it can meet.",
    ]);
  });

  test("a cache without failover nor snapshots never recovers", async () => {
    const msgs = await messages(
      recoveryObjectivesAchievable,
      production(cache({ automaticFailoverEnabled: false, snapshotRetentionLimit: 0 })),
    );
    expect(msgs[0]).toMatch(
      /^Redis \(ElastiCache\) 'cache' loses all its data \(RPO 5 min\) and is back after never \(RTO 15 min\)/,
    );
  });

  test("a single Vault server relies on its 6-hourly snapshots", async () => {
    expect((await messages(recoveryObjectivesAchievable, production(vaultRelease(1), snapshots)))[0]).toMatch(
      /^Vault \(Raft\) 'vault' loses up to 360 min of data \(RPO 5 min\) and is back after 30 min \(RTO 15 min\): its recovery relies on single server: Raft snapshot every 6 h\./,
    );
  });

  test("no declared objectives fails", async () => {
    expect(await messages(recoveryObjectivesAchievable, [provider, db()])).toEqual([
      "The stack declares no recovery objectives. Remediation: tag an aws.backup.Plan with RecoveryPointObjectiveMinutes and RecoveryTimeObjectiveMinutes (platform:recovery).",
    ]);
  });

  test("looser objectives are met by restores (dev: a day and 4 hours)", async () => {
    const resources = [
      provider,
      objectives(1440, 240),
      db({ multiAz: false }),
      cache({ numCacheClusters: 1 }),
    ];
    expect(await messages(recoveryObjectivesAchievable, resources)).toEqual([]);
  });
});

describe("secret-rotation-enabled", () => {
  const component = urnOf("platform:data:PostgresDatabase", "postgres");
  const parented = (r: PlanResource): PlanResource => ({ ...r, parent: component });
  const parentResource: PlanResource = {
    urn: component,
    type: "platform:data:PostgresDatabase",
    name: "postgres",
    custom: false,
    props: {},
    protect: false,
    dependencies: [],
  };
  const rotation = (rules: Record<string, unknown>) =>
    parented(res("aws:secretsmanager/secretRotation:SecretRotation", "master", { rotationRules: rules }));
  const token = (tags: Record<string, string>) => cache({ authToken: "[secret]", tags });

  test("a 30-day rotation of the database secret and a declared 30-day AUTH token rotation pass", async () => {
    const resources = [
      parentResource,
      parented(db()),
      rotation({ automaticallyAfterDays: 30 }),
      token({ AuthTokenRotationDays: "30" }),
    ];
    expect(await messages(secretRotationEnabled, resources)).toEqual([]);
  });

  test("rate(N days) counts as a schedule", async () => {
    expect(
      await messages(secretRotationEnabled, [
        parentResource,
        parented(db()),
        rotation({ scheduleExpression: "rate(30 days)" }),
      ]),
    ).toEqual([]);
  });

  test("a longer rotation fails", async () => {
    expect(
      await messages(secretRotationEnabled, [
        parentResource,
        parented(db()),
        rotation({ automaticallyAfterDays: 90 }),
      ]),
    ).toEqual([
      "Database 'db' rotates its master credential every 90 days, more than 30. Remediation: add an aws.secretsmanager.SecretRotation of the master secret of 'db' with 'rotationRules.automaticallyAfterDays' at most 30.",
    ]);
  });

  test("a rotation of another component's secret does not count", async () => {
    const other = res("aws:secretsmanager/secretRotation:SecretRotation", "other", {
      rotationRules: { automaticallyAfterDays: 7 },
    });
    expect(await messages(secretRotationEnabled, [parentResource, parented(db()), other])).toEqual([
      "Database 'db' has no rotation of its master credential. Remediation: add an aws.secretsmanager.SecretRotation of the master secret of 'db' with 'rotationRules.automaticallyAfterDays' at most 30.",
    ]);
  });

  test("an AUTH token without a declared period fails; IAM authentication (user groups) needs none", async () => {
    expect(await messages(secretRotationEnabled, [token({})])).toEqual([
      "Cache 'cache' has an AUTH token without a rotation period of at most 30 days. Remediation: rotate the AUTH token (ROTATE then SET, docs/runbooks/disaster-recovery.md) and tag 'cache' AuthTokenRotationDays with a period of at most 30, or use IAM authentication (user groups).",
    ]);
    expect(await messages(secretRotationEnabled, [token({ AuthTokenRotationDays: "90" })])).toHaveLength(1);
    expect(await messages(secretRotationEnabled, [cache({ userGroupIds: ["app"] })])).toEqual([]);
  });
});
