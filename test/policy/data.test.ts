import { readFileSync } from "fs";
import { join } from "path";
import {
  elasticacheEncrypted,
  elasticacheHighAvailability,
  elasticacheSnapshotRetention,
  rdsBackupRetention,
  rdsCrossRegionBackup,
  rdsDeletionProtection,
  rdsEncryptedCmk,
  rdsMonitoringEnabled,
  rdsMultiAz,
  rdsNotPublic,
  rdsTlsEnforced,
} from "../../policy/data";
import { describeResourcePolicies } from "./cases";
import { messages, res, run } from "./helpers";

const KEY = "arn:aws:kms:us-west-2:123456789012:key/k";
const RDS = "aws:rds/instance:Instance";
const CACHE = "aws:elasticache/replicationGroup:ReplicationGroup";
const db = {
  engine: "postgres",
  publiclyAccessible: false,
  storageEncrypted: true,
  kmsKeyId: KEY,
  multiAz: true,
  backupRetentionPeriod: 35,
  deletionProtection: true,
  skipFinalSnapshot: false,
  finalSnapshotIdentifier: "db-final",
  monitoringInterval: 60,
  monitoringRoleArn: "arn:aws:iam::123456789012:role/rds-monitoring",
  performanceInsightsEnabled: true,
  performanceInsightsKmsKeyId: KEY,
  enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
};
const cache = {
  atRestEncryptionEnabled: true,
  kmsKeyId: KEY,
  transitEncryptionEnabled: true,
  authToken: "[secret]",
  automaticFailoverEnabled: true,
  multiAzEnabled: true,
  numCacheClusters: 3,
  snapshotRetentionLimit: 7,
};

describeResourcePolicies([
  {
    policy: rdsNotPublic,
    type: RDS,
    name: "db",
    valid: db,
    failures: [
      [
        "publiclyAccessible",
        true,
        "Database 'db' is publicly accessible. Remediation: set 'publiclyAccessible: false' on database 'db'.",
      ],
    ],
  },
  {
    policy: rdsEncryptedCmk,
    type: RDS,
    name: "db",
    valid: db,
    failures: [
      [
        "storageEncrypted",
        false,
        "Database 'db' storage is not encrypted with a customer-managed key. Remediation: set 'storageEncrypted: true' and 'kmsKeyId' on database 'db'.",
      ],
      [
        "performanceInsightsKmsKeyId",
        undefined,
        "Database 'db' Performance Insights data is not encrypted with a customer-managed key. Remediation: set 'performanceInsightsKmsKeyId' on database 'db'.",
      ],
    ],
  },
  {
    policy: rdsMultiAz,
    type: RDS,
    name: "db",
    valid: db,
    failures: [
      [
        "multiAz",
        false,
        "Database 'db' runs in a single availability zone. Remediation: set 'multiAz: true' on database 'db'.",
      ],
    ],
  },
  {
    policy: rdsBackupRetention,
    type: RDS,
    name: "db",
    valid: db,
    config: { "rds-backup-retention": { minDays: 30 } },
    failures: [
      [
        "backupRetentionPeriod",
        7,
        "Database 'db' keeps backups 7 day(s), less than 30. Remediation: set 'backupRetentionPeriod' to at least 30 on database 'db'.",
      ],
    ],
  },
  {
    policy: rdsDeletionProtection,
    type: RDS,
    name: "db",
    valid: db,
    failures: [
      [
        "deletionProtection",
        false,
        "Database 'db' can be deleted without protection. Remediation: set 'deletionProtection: true' on database 'db'.",
      ],
      [
        "skipFinalSnapshot",
        true,
        "Database 'db' would be deleted without a final snapshot. Remediation: set 'skipFinalSnapshot: false' and 'finalSnapshotIdentifier' on database 'db'.",
      ],
    ],
  },
  {
    policy: rdsMonitoringEnabled,
    type: RDS,
    name: "db",
    valid: db,
    failures: [
      [
        "monitoringInterval",
        0,
        "Database 'db' has no enhanced monitoring. Remediation: set 'monitoringInterval' (e.g. 60) and 'monitoringRoleArn' on database 'db'.",
      ],
      [
        "performanceInsightsEnabled",
        false,
        "Database 'db' has no Performance Insights. Remediation: set 'performanceInsightsEnabled: true' on database 'db'.",
      ],
      [
        "enabledCloudwatchLogsExports",
        ["upgrade"],
        "Database 'db' does not export postgresql logs. Remediation: add postgresql to 'enabledCloudwatchLogsExports' on database 'db'.",
      ],
    ],
  },
  {
    policy: elasticacheEncrypted,
    type: CACHE,
    name: "redis",
    valid: cache,
    failures: [
      [
        "kmsKeyId",
        undefined,
        "Cache 'redis' is not encrypted at rest with a customer-managed key. Remediation: set 'atRestEncryptionEnabled: true' and 'kmsKeyId' on cache 'redis'.",
      ],
      [
        "transitEncryptionMode",
        "preferred",
        "Cache 'redis' does not require TLS. Remediation: set 'transitEncryptionEnabled: true' (and leave 'transitEncryptionMode' \"required\") on cache 'redis'.",
      ],
      [
        "authToken",
        undefined,
        "Cache 'redis' accepts clients without AUTH. Remediation: set 'authToken' (a secret) or 'userGroupIds' on cache 'redis'.",
      ],
    ],
  },
  {
    policy: elasticacheHighAvailability,
    type: CACHE,
    name: "redis",
    valid: cache,
    failures: [
      [
        "automaticFailoverEnabled",
        false,
        "Cache 'redis' cannot fail over to another zone. Remediation: set 'automaticFailoverEnabled: true', 'multiAzEnabled: true' and 'numCacheClusters' of at least 2 on cache 'redis'.",
      ],
      [
        "numCacheClusters",
        1,
        "Cache 'redis' cannot fail over to another zone. Remediation: set 'automaticFailoverEnabled: true', 'multiAzEnabled: true' and 'numCacheClusters' of at least 2 on cache 'redis'.",
      ],
    ],
  },
  {
    policy: elasticacheSnapshotRetention,
    type: CACHE,
    name: "redis",
    valid: cache,
    config: { "elasticache-snapshot-retention": { minDays: 7 } },
    failures: [
      [
        "snapshotRetentionLimit",
        1,
        "Cache 'redis' keeps snapshots 1 day(s), less than 7. Remediation: set 'snapshotRetentionLimit' to at least 7 on cache 'redis'.",
      ],
    ],
  },
]);

test("rds-multi-az, rds-backup-retention and the final snapshot do not judge read replicas", async () => {
  const replica = res(RDS, "replica", {
    ...db,
    multiAz: false,
    backupRetentionPeriod: 0,
    replicateSourceDb: "db",
  });
  expect((await run(rdsMultiAz, [replica])).outcomes[0]).toMatchObject({ assessed: 0, passed: 0 });
  expect(await messages(rdsBackupRetention, [replica])).toEqual([]);
  const noFinal = res(RDS, "replica", {
    ...db,
    skipFinalSnapshot: true,
    finalSnapshotIdentifier: undefined,
    replicateSourceDb: "db",
  });
  expect(await messages(rdsDeletionProtection, [noFinal])).toEqual([]);
});

test("a same-region replica passes without kmsKeyId or deletion protection; a replica of an ARN needs its key", async () => {
  const replica = res(RDS, "replica", {
    ...db,
    kmsKeyId: undefined,
    deletionProtection: false,
    skipFinalSnapshot: true,
    replicateSourceDb: "db",
  });
  expect(await messages(rdsEncryptedCmk, [replica])).toEqual([]);
  expect(await messages(rdsDeletionProtection, [replica])).toEqual([]);
  const unencrypted = res(RDS, "replica", {
    ...db,
    kmsKeyId: undefined,
    storageEncrypted: false,
    replicateSourceDb: "db",
  });
  expect(await messages(rdsEncryptedCmk, [unencrypted])).toEqual([
    "Database 'replica' storage is not encrypted with a customer-managed key. Remediation: set 'storageEncrypted: true' and 'kmsKeyId' on database 'replica'.",
  ]);
  const crossRegion = res(RDS, "replica", {
    ...db,
    kmsKeyId: undefined,
    replicateSourceDb: "arn:aws:rds:us-east-1:123456789012:db:db",
  });
  expect(await messages(rdsEncryptedCmk, [crossRegion])).toEqual([
    "Database 'replica' storage is not encrypted with a customer-managed key. Remediation: set 'storageEncrypted: true' and 'kmsKeyId' on database 'replica'.",
  ]);
});

test("rds-tls-enforced follows the instance to its parameter group", async () => {
  const group = (value: string) =>
    res("aws:rds/parameterGroup:ParameterGroup", "pg", {
      family: "postgres16",
      parameters: [{ name: "rds.force_ssl", value }],
    });
  const on = group("1");
  expect(await messages(rdsTlsEnforced, [on, res(RDS, "db", db, { dependsOn: [on] })])).toEqual([]);
  const off = group("0");
  expect(await messages(rdsTlsEnforced, [off, res(RDS, "db", db, { dependsOn: [off] })])).toEqual([
    "Database 'db' does not force TLS. Remediation: set 'parameterGroupName' of database 'db' to a parameter group with parameter rds.force_ssl = \"1\".",
  ]);
});

describe("rds-cross-region-backup", () => {
  const REPLICATION = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication";
  const DR_KEY = "arn:aws:kms:us-east-1:123456789012:key/dr";
  const primary = res(RDS, "db", { ...db, identifier: "platform-production" });
  const drKey = res("aws:kms/key:Key", "kms-dr-rds", { enableKeyRotation: true });
  /** As the component records it: source and key are outputs, so they arrive as URN dependencies. */
  const copies = (props: Record<string, unknown> = { retentionPeriod: 30 }, on = primary) =>
    res(REPLICATION, "db-backup-replication", props, { dependsOn: [on, drKey] });
  const missing =
    "Database 'db' has no copy of its automated backups in another region. Remediation: add an aws.rds.InstanceAutomatedBackupsReplication with 'sourceDbInstanceArn' set to the ARN of database 'db', created with a provider of another region.";

  test("a primary whose backups are replicated with a customer-managed key passes", async () => {
    const result = await run(rdsCrossRegionBackup, [primary, drKey, copies()]);
    expect(result.violations).toEqual([]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 1, passed: 1, enforcementLevel: "advisory" });
  });

  test("resolved values count as links: the source ARN names the database, the key is an ARN", async () => {
    const literal = res(REPLICATION, "copies", {
      sourceDbInstanceArn: "arn:aws:rds:us-west-2:123456789012:db:platform-production",
      kmsKeyId: DR_KEY,
    });
    expect(await messages(rdsCrossRegionBackup, [primary, literal])).toEqual([]);
    const byArn = res(RDS, "db", { ...db, arn: "arn:aws:rds:us-west-2:123456789012:db:x" });
    const copiesByArn = res(REPLICATION, "copies", {
      sourceDbInstanceArn: "arn:aws:rds:us-west-2:123456789012:db:x",
      kmsKeyId: DR_KEY,
    });
    expect(await messages(rdsCrossRegionBackup, [byArn, copiesByArn])).toEqual([]);
  });

  test("a primary without a replication fails", async () => {
    expect(await messages(rdsCrossRegionBackup, [primary, drKey])).toEqual([missing]);
  });

  test("a replication of another database, or naming another identifier, does not count", async () => {
    const other = res(RDS, "other", { ...db, identifier: "other" });
    expect(await messages(rdsCrossRegionBackup, [primary, other, drKey, copies(undefined, other)])).toEqual([
      missing,
    ]);
    const elsewhere = res(REPLICATION, "copies", {
      sourceDbInstanceArn: "arn:aws:rds:us-west-2:123456789012:db:platform-production-old",
      kmsKeyId: DR_KEY,
    });
    expect(await messages(rdsCrossRegionBackup, [primary, elsewhere])).toEqual([missing]);
  });

  test("a replication without a customer-managed key fails", async () => {
    const plain = res(
      REPLICATION,
      "db-backup-replication",
      { retentionPeriod: 30 },
      { dependsOn: [primary] },
    );
    expect(await messages(rdsCrossRegionBackup, [primary, plain])).toEqual([
      "Database 'db' has its automated backups copied to another region without a customer-managed key. Remediation: set 'kmsKeyId' on backup replication 'db-backup-replication' to a KMS key of its region.",
    ]);
  });

  test("read replicas are not judged; a stack without a primary is not applicable", async () => {
    const replica = res(RDS, "replica", { ...db, replicateSourceDb: "platform-production" });
    expect(await messages(rdsCrossRegionBackup, [primary, replica, drKey, copies()])).toEqual([]);
    const result = await run(rdsCrossRegionBackup, [replica, res("aws:iam/role:Role", "r", {})]);
    expect(result.violations).toEqual([]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 0, passed: 0 });
  });

  test.each([
    ["dev", "advisory"],
    ["staging", "advisory"],
    ["production", "mandatory"],
  ])("policy/config/%s.json makes a missing copy %s", async (stack, level) => {
    const file = JSON.parse(
      readFileSync(join(__dirname, "../../policy/config", `${stack}.json`), "utf8"),
    ) as Record<string, unknown>;
    // This policy's entry only: the file also configures policies this test does not load.
    const config = { [rdsCrossRegionBackup.name]: file[rdsCrossRegionBackup.name] };
    const result = await run(rdsCrossRegionBackup, [primary], config);
    expect(result.violations.map((v) => [v.enforcementLevel, v.message])).toEqual([[level, missing]]);
  });
});
