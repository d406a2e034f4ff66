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
      conditions: tagCondition(a),
    },
    { parent: plan },
  );
  return plan;
}
