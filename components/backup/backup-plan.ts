/**
 * What AWS Backup backs up and when: the service role, the snapshot plan (every `schedule`, kept
 * `retentionDays`, each recovery point copied to the disaster-recovery vault), the continuous-backup
 * plan of the RDS databases (point-in-time recovery), and their tag selections.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedBackupArgs } from "./backup-args";

/** AWS managed policies of the AWS Backup service role: backups and restores, and S3's own pair. */
export const BACKUP_ROLE_POLICIES = [
  "service-role/AWSBackupServiceRolePolicyForBackup",
  "service-role/AWSBackupServiceRolePolicyForRestores",
  "AWSBackupServiceRolePolicyForS3Backup",
  "AWSBackupServiceRolePolicyForS3Restore",
] as const;

/** Tags on the snapshot plan that state the stack's objectives (read by `recovery-objectives-achievable`). */
export const OBJECTIVE_TAGS = {
  rpo: "RecoveryPointObjectiveMinutes",
  rto: "RecoveryTimeObjectiveMinutes",
  /** The stack holding this stack's warm standby, when it has one (docs/decisions/0143). */
  standby: "StandbyStack",
} as const;

/** `${name}-role`: assumed by AWS Backup, with the four managed policies. */
export function createBackupRole(name: string, parent: pulumi.Resource): aws.iam.Role {
  const role = new aws.iam.Role(
    `${name}-role`,
    {
      description: "AWS Backup: backups, copies, restores and restore tests of the platform",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "backup.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ],
      }),
    },
    { parent },
  );
  const partition = aws.getPartitionOutput({}, { parent });
  for (const policy of BACKUP_ROLE_POLICIES) {
    const short = policy.replace(/^.*AWSBackupServiceRolePolicyFor/, "").toLowerCase();
    new aws.iam.RolePolicyAttachment(
      `${name}-role-${short}`,
      {
        role: role.name,
        policyArn: pulumi.interpolate`arn:${partition.partition}:iam::aws:policy/${policy}`,
      },
      { parent: role },
    );
  }
  return role;
}

/**
 * Resources AWS Backup creates for a restore test are named `awsbackup-restore-test-...` and may
 * carry the source's tags (copied with the snapshot): never select them (decision 0117).
 */
export function restoreTestExclusions(partition: pulumi.Input<string>): pulumi.Output<string>[] {
  return [pulumi.interpolate`arn:${partition}:rds:*:*:db:awsbackup-restore-test-*`];
}

/**
 * Resource types the platform backs up by tag (RDS databases, EBS volumes, the S3 snapshot bucket).
 * The opt-in map lists every type the provider documents, the others opted out: AWS returns the
 * whole map, so a partial one would show a difference on every preview.
 */
export const OPTED_IN_RESOURCE_TYPES = ["EBS", "RDS", "S3"] as const;
export const KNOWN_RESOURCE_TYPES = [
  "Aurora",
  "CloudFormation",
  "DSQL",
  "DocumentDB",
  "DynamoDB",
  "EBS",
  "EC2",
  "EFS",
  "FSx",
  "Neptune",
  "RDS",
  "Redshift",
  "Redshift Serverless",
  "S3",
  "SAP HANA on Amazon EC2",
  "Storage Gateway",
  "VirtualMachine",
] as const;

/** `${name}-region-settings`: the account and region's opt-in (a singleton, decision 0118). */
export function createRegionSettings(name: string, parent: pulumi.Resource): aws.backup.RegionSettings {
  const optedIn: readonly string[] = OPTED_IN_RESOURCE_TYPES;
  return new aws.backup.RegionSettings(
    `${name}-region-settings`,
    {
      resourceTypeOptInPreference: Object.fromEntries(
        KNOWN_RESOURCE_TYPES.map((type) => [type, optedIn.includes(type)]),
      ),
    },
    { parent },
  );
}

/** Resources carrying the selection tag (AND `resources`). */
function tagCondition(a: ResolvedBackupArgs) {
  return [{ stringEquals: [{ key: `aws:ResourceTag/${a.selectionTag.key}`, value: a.selectionTag.value }] }];
}

/**
 * `${name}-plan`: the snapshot rule (copies to `drVaultArn` when given), tagged with the recovery
 * objectives; `${name}-selection`: every supported resource with the selection tag.
 */
export function createSnapshotPlan(
  name: string,
  a: ResolvedBackupArgs,
  deps: { vaultName: pulumi.Input<string>; drVaultArn?: pulumi.Input<string>; roleArn: pulumi.Input<string> },
  parent: pulumi.Resource,
): aws.backup.Plan {
  const partition = aws.getPartitionOutput({}, { parent });
  const plan = new aws.backup.Plan(
    `${name}-plan`,
    {
      name: `${a.namePrefix}-snapshots`,
      rules: [
        {
          ruleName: "snapshots",
          targetVaultName: deps.vaultName,
          schedule: a.schedule,
          startWindow: 60,
          completionWindow: 300,
          lifecycle: { deleteAfter: a.retentionDays },
          recoveryPointTags: { BackupPlan: `${a.namePrefix}-snapshots` },
          copyActions: deps.drVaultArn
            ? [{ destinationVaultArn: deps.drVaultArn, lifecycle: { deleteAfter: a.copies!.retentionDays } }]
            : [],
        },
      ],
      tags: {
        [OBJECTIVE_TAGS.rpo]: String(a.recoveryObjectives.rpoMinutes),
        [OBJECTIVE_TAGS.rto]: String(a.recoveryObjectives.rtoMinutes),
        ...(a.recoveryObjectives.standbyStack
          ? { [OBJECTIVE_TAGS.standby]: a.recoveryObjectives.standbyStack }
          : {}),
      },
    },
    { parent },
  );
  new aws.backup.Selection(
    `${name}-selection`,
    {
      name: `${a.namePrefix}-tagged`,
      planId: plan.id,
      iamRoleArn: deps.roleArn,
      resources: ["*"],
      notResources: restoreTestExclusions(partition.partition),
      conditions: tagCondition(a),
    },
    { parent: plan },
  );
  return plan;
}

/**
 * `${name}-continuous`: point-in-time recovery of the tagged RDS databases, kept
 * `continuousRetentionDays` (at most 35) in the primary vault. Only RDS is selected: other types
 * would get a second set of snapshots.
 */
export function createContinuousPlan(
  name: string,
  a: ResolvedBackupArgs & { continuousRetentionDays: number },
  deps: { vaultName: pulumi.Input<string>; roleArn: pulumi.Input<string> },
  parent: pulumi.Resource,
): aws.backup.Plan {
  const partition = aws.getPartitionOutput({}, { parent });
  const plan = new aws.backup.Plan(
    `${name}-continuous`,
    {
      name: `${a.namePrefix}-continuous`,
      rules: [
        {
          ruleName: "point-in-time",
          targetVaultName: deps.vaultName,
          schedule: a.schedule,
          enableContinuousBackup: true,
          startWindow: 60,
          completionWindow: 300,
          lifecycle: { deleteAfter: a.continuousRetentionDays },
          recoveryPointTags: { BackupPlan: `${a.namePrefix}-continuous` },
        },
      ],
    },
    { parent },
  );
  new aws.backup.Selection(
    `${name}-continuous-selection`,
    {
      name: `${a.namePrefix}-rds`,
      planId: plan.id,
      iamRoleArn: deps.roleArn,
      resources: [pulumi.interpolate`arn:${partition.partition}:rds:*:*:db:*`],
      notResources: restoreTestExclusions(partition.partition),
      conditions: tagCondition(a),
    },
    { parent: plan },
  );
  return plan;
}
