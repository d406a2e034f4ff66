/**
 * Restores that AWS Backup runs on its own: on `restoreTesting.schedule` it restores the latest
 * recovery point of a tagged RDS database and of a tagged EBS volume from the primary vault, keeps
 * the restored copy `validationWindowHours`, then deletes it. A restore job that fails, or whose
 * copy cannot be deleted, raises an alert (backup-alerts.ts). Nothing here validates the restored
 * data: the test proves that the recovery point restores (decision 0115). A validation status
 * exists only if something calls PutRestoreValidationResult; the alert on FAILED or TIMED_OUT is
 * there for that validator, not a claim that one runs.
 *
 * The restored database sits in the database's subnets behind a security group of its own that
 * admits nothing and sends nothing: it holds production data and must not be reachable like the
 * live database.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedBackupArgs } from "./backup-args";

/** Restore testing plan and selection names allow letters, digits and underscores only. */
export function restoreTestingPlanName(namePrefix: string): string {
  return `${namePrefix.replace(/-/g, "_")}_restore_tests`.slice(0, 50);
}

/**
 * `${name}-restore-tests` and its selections `${name}-restore-tests-rds` / `-ebs`; with RDS,
 * `${name}-restore-tests` security group (no ingress, no egress) for the restored databases.
 */
export function createRestoreTesting(
  name: string,
  a: ResolvedBackupArgs,
  deps: { vaultArn: pulumi.Input<string>; roleArn: pulumi.Input<string> },
  parent: pulumi.Resource,
): aws.backup.RestoreTestingPlan {
  const plan = new aws.backup.RestoreTestingPlan(
    `${name}-restore-tests`,
    {
      name: restoreTestingPlanName(a.namePrefix),
      scheduleExpression: a.restoreTesting.schedule,
      scheduleExpressionTimezone: "Etc/UTC",
      startWindowHours: 24,
      recoveryPointSelection: {
        algorithm: "LATEST_WITHIN_WINDOW",
        includeVaults: [deps.vaultArn],
        recoveryPointTypes: ["SNAPSHOT", "CONTINUOUS"],
        selectionWindowDays: 7,
      },
    },
    { parent },
  );
  const conditions = {
    stringEquals: [{ key: `aws:ResourceTag/${a.selectionTag.key}`, value: a.selectionTag.value }],
  };
  const common = {
    restoreTestingPlanName: plan.name,
    iamRoleArn: deps.roleArn,
    protectedResourceArns: ["*"],
    protectedResourceConditions: conditions,
    validationWindowHours: a.restoreTesting.validationWindowHours,
  };
  const rds = a.restoreTesting.rds;
  if (rds) {
    const isolation = new aws.ec2.SecurityGroup(
      `${name}-restore-tests`,
      {
        vpcId: rds.vpcId,
        description: "Restore tests of AWS Backup: restored databases admit and reach nothing",
        ingress: [],
        egress: [],
        tags: { Name: `${a.namePrefix}-restore-tests` },
      },
      { parent },
    );
    new aws.backup.RestoreTestingSelection(
      `${name}-restore-tests-rds`,
      {
        ...common,
        name: "rds",
        protectedResourceType: "RDS",
        // Restored into the database's own subnets, behind the isolating group (never the live one's).
        restoreMetadataOverrides: {
          dbSubnetGroupName: rds.subnetGroupName,
          // Restore metadata values are strings: the list is passed as its JSON text.
          vpcSecurityGroupIds: pulumi.jsonStringify([isolation.id]),
        },
      },
      { parent: plan },
    );
  }
  new aws.backup.RestoreTestingSelection(
    `${name}-restore-tests-ebs`,
    { ...common, name: "ebs", protectedResourceType: "EBS" },
    { parent: plan },
  );
  return plan;
}
