import { backupArgsProblems, type BackupArgs } from "../../../components/backup/backup-args";
import { type OfflineRun, byName, json, ofType, runProgram } from "../../support/offline";

const KEY = "arn:aws:kms:us-west-2:123456789012:key/backup";
const DR_KEY = "arn:aws:kms:us-east-1:123456789012:key/backup";
const BREAK_GLASS = "arn:aws:iam::123456789012:role/BackupBreakGlass";
const ARGS: Omit<BackupArgs, "copies"> = {
  namePrefix: "platform-production",
  kmsKeyArn: KEY,
  schedule: "cron(0 0/6 * * ? *)",
  retentionDays: 30,
  continuousRetentionDays: 35,
  vaultLock: { mode: "governance", minRetentionDays: 7, maxRetentionDays: 365 },
  breakGlassRoleArn: BREAK_GLASS,
  restoreTesting: {
    schedule: "cron(0 5 ? * SUN *)",
    validationWindowHours: 24,
    rds: { subnetGroupName: "db-subnets", vpcId: "vpc-1" },
  },
  recoveryObjectives: { rpoMinutes: 5, rtoMinutes: 15 },
  protect: true,
};

async function build(extra: Partial<BackupArgs> = {}, copies = true): Promise<OfflineRun> {
  return runProgram(async () => {
    const aws = await import("@pulumi/aws");
    const { Backup } = await import("../../../components/backup/backup");
    const dr = new aws.Provider("aws-dr", { region: "us-east-1" });
    new Backup("backup", {
      ...ARGS,
      ...(copies ? { copies: { provider: dr, kmsKeyArn: DR_KEY, retentionDays: 30 } } : {}),
      ...extra,
    });
  });
}

const children = (run: OfflineRun) =>
  run.resources
    .filter((r) => r.custom && r.type !== "pulumi:providers:aws")
    .map((r) => `${r.type} ${r.name}`)
    .sort();

describe("Backup with the production values", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await build();
  });

  test("creates exactly the expected children", () => {
    expect(children(run)).toEqual(
      [
        "aws:backup/vault:Vault backup-vault",
        "aws:backup/vaultPolicy:VaultPolicy backup-vault-policy",
        "aws:backup/vaultLockConfiguration:VaultLockConfiguration backup-vault-lock",
        "aws:backup/vault:Vault backup-dr-vault",
        "aws:backup/vaultPolicy:VaultPolicy backup-dr-vault-policy",
        "aws:backup/vaultLockConfiguration:VaultLockConfiguration backup-dr-vault-lock",
        "aws:iam/role:Role backup-role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment backup-role-backup",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment backup-role-restores",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment backup-role-s3backup",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment backup-role-s3restore",
        "aws:backup/plan:Plan backup-plan",
        "aws:backup/selection:Selection backup-selection",
        "aws:backup/plan:Plan backup-continuous",
        "aws:backup/selection:Selection backup-continuous-selection",
        "aws:backup/restoreTestingPlan:RestoreTestingPlan backup-restore-tests",
        "aws:ec2/securityGroup:SecurityGroup backup-restore-tests",
        "aws:backup/restoreTestingSelection:RestoreTestingSelection backup-restore-tests-rds",
        "aws:backup/restoreTestingSelection:RestoreTestingSelection backup-restore-tests-ebs",
        "aws:kms/key:Key backup-alerts",
        "aws:sns/topic:Topic backup-alerts",
        "aws:sns/topicPolicy:TopicPolicy backup-alerts-policy",
        "aws:cloudwatch/eventRule:EventRule backup-jobs-failed",
        "aws:cloudwatch/eventTarget:EventTarget backup-jobs-failed",
        "aws:cloudwatch/eventRule:EventRule backup-restores-failed",
        "aws:cloudwatch/eventTarget:EventTarget backup-restores-failed",
        "aws:cloudwatch/eventRule:EventRule backup-validations-failed",
        "aws:cloudwatch/eventTarget:EventTarget backup-validations-failed",
        "aws:cloudwatch/eventRule:EventRule backup-cleanups-failed",
        "aws:cloudwatch/eventTarget:EventTarget backup-cleanups-failed",
        "aws:cloudwatch/eventRule:EventRule backup-rotations-failed",
        "aws:cloudwatch/eventTarget:EventTarget backup-rotations-failed",
      ].sort(),
    );
  });

  test("vaults: encrypted with each region's key, the DR vault through the DR provider, both protected", () => {
    const vault = byName(run, "aws:backup/vault:Vault", "backup-vault");
    const dr = byName(run, "aws:backup/vault:Vault", "backup-dr-vault");
    expect(vault.inputs).toEqual({ name: "platform-production", kmsKeyArn: KEY, forceDestroy: false });
    expect(dr.inputs).toEqual({ name: "platform-production-dr", kmsKeyArn: DR_KEY, forceDestroy: false });
    expect(dr.provider).toMatch(/::aws-dr::/);
    expect(vault.provider ?? "").not.toMatch(/aws-dr/);
    expect(
      run.resources
        .filter((r) => r.protect)
        .map((r) => r.name)
        .sort(),
    ).toEqual([
      // Policy and lock are children of their vault: protected with it.
      "backup-alerts",
      "backup-dr-vault",
      "backup-dr-vault-lock",
      "backup-dr-vault-policy",
      "backup-vault",
      "backup-vault-lock",
      "backup-vault-policy",
    ]);
  });

  test("access policy: deletion of recovery points denied to all but the break-glass role; governance lock", () => {
    const policy = json<{ Statement: unknown[] }>(
      byName(run, "aws:backup/vaultPolicy:VaultPolicy", "backup-vault-policy").inputs.policy,
    );
    expect(policy.Statement).toEqual([
      {
        Sid: "OnlyBreakGlassDeletesRecoveryPoints",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"],
        Resource: "*",
        Condition: { ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } },
      },
    ]);
    const lock = byName(run, "aws:backup/vaultLockConfiguration:VaultLockConfiguration", "backup-vault-lock");
    expect(lock.inputs).toEqual({
      backupVaultName: "platform-production",
      minRetentionDays: 7,
      maxRetentionDays: 365,
    });
  });

  test("plan: every 6 hours, kept 30 days, copied to the DR vault for 30 days, objectives as tags, tag selection", () => {
    const plan = byName(run, "aws:backup/plan:Plan", "backup-plan");
    const dr = byName(run, "aws:backup/vault:Vault", "backup-dr-vault");
    expect(plan.inputs.tags).toEqual({
      RecoveryPointObjectiveMinutes: "5",
      RecoveryTimeObjectiveMinutes: "15",
    });
    expect(plan.inputs.rules).toEqual([
      expect.objectContaining({
        ruleName: "snapshots",
        targetVaultName: "platform-production",
        schedule: "cron(0 0/6 * * ? *)",
        lifecycle: { deleteAfter: 30 },
        copyActions: [
          { destinationVaultArn: expect.stringContaining(":us-east-1:"), lifecycle: { deleteAfter: 30 } },
        ],
      }),
    ]);
    expect(plan.dependencies).toContain(dr.urn);
    const selection = byName(run, "aws:backup/selection:Selection", "backup-selection");
    expect(selection.inputs).toMatchObject({
      resources: ["*"],
      // Restored test databases may carry the source's tags: never selected (decision 0117).
      notResources: ["arn:aws:rds:*:*:db:awsbackup-restore-test-*"],
      conditions: [{ stringEquals: [{ key: "aws:ResourceTag/BackupRequired", value: "true" }] }],
      iamRoleArn: byName(run, "aws:iam/role:Role", "backup-role").inputs.arn ?? expect.any(String),
    });
  });

  test("continuous backup of the tagged RDS databases only, kept the databases' 35 days", () => {
    const plan = byName(run, "aws:backup/plan:Plan", "backup-continuous");
    expect(plan.inputs.rules).toEqual([
      expect.objectContaining({ enableContinuousBackup: true, lifecycle: { deleteAfter: 35 } }),
    ]);
    expect(byName(run, "aws:backup/selection:Selection", "backup-continuous-selection").inputs).toMatchObject(
      {
        resources: ["arn:aws:rds:*:*:db:*"],
        notResources: ["arn:aws:rds:*:*:db:awsbackup-restore-test-*"],
      },
    );
  });

  test("role: assumed by AWS Backup with the backup, restore and S3 managed policies", () => {
    expect(json(byName(run, "aws:iam/role:Role", "backup-role").inputs.assumeRolePolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    });
    expect(
      ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .map((a) => a.inputs.policyArn)
        .sort(),
    ).toEqual([
      "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
      "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ]);
  });

  test("restore tests: weekly, latest recovery point of the primary vault, RDS into the database's subnets, EBS", () => {
    const plan = byName(run, "aws:backup/restoreTestingPlan:RestoreTestingPlan", "backup-restore-tests");
    expect(plan.inputs).toMatchObject({
      name: "platform_production_restore_tests",
      scheduleExpression: "cron(0 5 ? * SUN *)",
      recoveryPointSelection: {
        algorithm: "LATEST_WITHIN_WINDOW",
        recoveryPointTypes: ["SNAPSHOT", "CONTINUOUS"],
      },
    });
    // Restored production data sits behind a group of its own: nothing in, nothing out.
    const isolation = byName(run, "aws:ec2/securityGroup:SecurityGroup", "backup-restore-tests");
    expect(isolation.inputs).toEqual({
      vpcId: "vpc-1",
      description: "Restore tests of AWS Backup: restored databases admit and reach nothing",
      ingress: [],
      egress: [],
      tags: { Name: "platform-production-restore-tests" },
    });
    const rds = byName(
      run,
      "aws:backup/restoreTestingSelection:RestoreTestingSelection",
      "backup-restore-tests-rds",
    );
    expect(rds.inputs).toMatchObject({
      protectedResourceType: "RDS",
      validationWindowHours: 24,
      restoreMetadataOverrides: {
        dbSubnetGroupName: "db-subnets",
        vpcSecurityGroupIds: JSON.stringify([isolation.id]),
      },
      protectedResourceConditions: {
        stringEquals: [{ key: "aws:ResourceTag/BackupRequired", value: "true" }],
      },
    });
    expect(
      byName(run, "aws:backup/restoreTestingSelection:RestoreTestingSelection", "backup-restore-tests-ebs")
        .inputs.protectedResourceType,
    ).toBe("EBS");
  });

  test("alerts: failed backup/copy jobs and failed restores to an encrypted topic only EventBridge rules publish to", () => {
    expect(
      json(byName(run, "aws:cloudwatch/eventRule:EventRule", "backup-jobs-failed").inputs.eventPattern),
    ).toEqual({
      source: ["aws.backup"],
      "detail-type": ["Backup Job State Change", "Copy Job State Change"],
      detail: { state: ["FAILED", "ABORTED", "EXPIRED"] },
    });
    expect(
      json(byName(run, "aws:cloudwatch/eventRule:EventRule", "backup-restores-failed").inputs.eventPattern),
    ).toEqual({
      source: ["aws.backup"],
      "detail-type": ["Restore Job State Change"],
      detail: { status: ["FAILED", "ABORTED"] },
    });
    // Restore tests: a validation reported as failed or timed out, a restored copy left behind.
    expect(
      json(
        byName(run, "aws:cloudwatch/eventRule:EventRule", "backup-validations-failed").inputs.eventPattern,
      ),
    ).toEqual({
      source: ["aws.backup"],
      "detail-type": ["Restore Job State Change"],
      detail: { status: ["COMPLETED"], validationStatus: ["FAILED", "TIMED_OUT"] },
    });
    expect(
      json(byName(run, "aws:cloudwatch/eventRule:EventRule", "backup-cleanups-failed").inputs.eventPattern),
    ).toEqual({
      source: ["aws.backup"],
      "detail-type": ["Restore Job State Change"],
      detail: { deletionStatus: ["FAILED"] },
    });
    // Secrets Manager rotations (the master password's) that fail, as CloudTrail delivers them.
    expect(
      json(byName(run, "aws:cloudwatch/eventRule:EventRule", "backup-rotations-failed").inputs.eventPattern),
    ).toEqual({
      source: ["aws.secretsmanager"],
      "detail-type": ["AWS Service Event via CloudTrail"],
      detail: { eventSource: ["secretsmanager.amazonaws.com"], eventName: ["RotationFailed"] },
    });
    expect(ofType(run, "aws:cloudwatch/eventTarget:EventTarget").map((t) => t.name)).toHaveLength(5);
    const key = byName(run, "aws:kms/key:Key", "backup-alerts");
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(byName(run, "aws:sns/topic:Topic", "backup-alerts").inputs.kmsMasterKeyId).toBe(
      `arn:aws:kms:us-west-2:123456789012:key/${key.id}`,
    );
    const policy = json<{ Statement: { Condition: unknown }[] }>(
      byName(run, "aws:sns/topicPolicy:TopicPolicy", "backup-alerts-policy").inputs.policy,
    );
    expect(policy.Statement[0].Condition).toEqual({
      ArnEquals: {
        "aws:SourceArn": [
          expect.stringMatching(/backup-jobs-failed/),
          expect.stringMatching(/backup-restores-failed/),
          expect.stringMatching(/backup-validations-failed/),
          expect.stringMatching(/backup-cleanups-failed/),
          expect.stringMatching(/backup-rotations-failed/),
        ],
      },
    });
  });
});

test("with the caller's topic and no DR region: no topic, key or topic policy here, no copies, no DR vault", async () => {
  const run = await build({ alertTopicArn: "arn:aws:sns:us-west-2:123456789012:critical" }, false);
  const names = children(run);
  expect(names.filter((n) => /sns|kms|dr-vault/.test(n))).toEqual([]);
  expect(ofType(run, "aws:cloudwatch/eventTarget:EventTarget").map((t) => t.inputs.arn)).toEqual(
    Array(5).fill("arn:aws:sns:us-west-2:123456789012:critical"),
  );
  // The opt-in is an account singleton: not managed unless asked.
  expect(ofType(run, "aws:backup/regionSettings:RegionSettings")).toEqual([]);
  expect(
    (byName(run, "aws:backup/plan:Plan", "backup-plan").inputs.rules as { copyActions: unknown[] }[])[0]
      .copyActions,
  ).toEqual([]);
});

test("manageRegionSettings: RDS, EBS and S3 opted in, every other documented type out", async () => {
  const run = await build({ manageRegionSettings: true });
  const settings = ofType(run, "aws:backup/regionSettings:RegionSettings");
  expect(settings.map((s) => s.name)).toEqual(["backup-region-settings"]);
  expect(settings[0].inputs.resourceTypeOptInPreference).toEqual({
    Aurora: false,
    CloudFormation: false,
    DSQL: false,
    DocumentDB: false,
    DynamoDB: false,
    EBS: true,
    EC2: false,
    EFS: false,
    FSx: false,
    Neptune: false,
    RDS: true,
    Redshift: false,
    "Redshift Serverless": false,
    S3: true,
    "SAP HANA on Amazon EC2": false,
    "Storage Gateway": false,
    VirtualMachine: false,
  });
});

test.each<[string, Partial<BackupArgs>, string]>([
  [
    "namePrefix",
    { namePrefix: "bad name" },
    "namePrefix (received \"bad name\"): must be 1 to 40 letters, digits, '-' or '_'",
  ],
  [
    "schedule",
    { schedule: "every 6 hours" },
    'schedule (received "every 6 hours"): must be cron(<6 fields>) or rate(<n> <unit>)',
  ],
  [
    "continuous retention",
    { continuousRetentionDays: 36 },
    "continuousRetentionDays (received 36): must be an integer from 1 to 35",
  ],
  [
    "lock bounds",
    { vaultLock: { mode: "governance", minRetentionDays: 31, maxRetentionDays: 365 } },
    "retentionDays (received 30): must lie within the vault lock's 31 to 365 days, or AWS Backup fails every job storing it",
  ],
  [
    "compliance without cooling-off",
    { vaultLock: { mode: "compliance", minRetentionDays: 7, maxRetentionDays: 365 } },
    "vaultLock.changeableForDays (received undefined): compliance mode needs an integer of at least 3 (the 72-hour cooling-off period)",
  ],
  [
    "break-glass role",
    { breakGlassRoleArn: "BreakGlass" },
    'breakGlassRoleArn (received "BreakGlass"): must be an IAM role ARN',
  ],
])("invalid %s is reported with the value received", (_, change, message) => {
  const problems = backupArgsProblems({ ...ARGS, ...change });
  expect(problems.map((p) => `${p.field} (received ${JSON.stringify(p.received)}): ${p.message}`)).toEqual([
    message,
  ]);
});

test("an invalid component registers nothing and lists every problem", async () => {
  await expect(
    runProgram(async () => {
      const { Backup } = await import("../../../components/backup/backup");
      new Backup("backup", { ...ARGS, namePrefix: "bad name", retentionDays: 0 });
    }),
  ).rejects.toThrow(/Invalid Backup arguments:\n- namePrefix .*\n- retentionDays \(received 0\)/);
});
