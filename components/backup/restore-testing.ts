/**
 * Restores that AWS Backup runs on its own: on `restoreTesting.schedule` it restores the latest
 * recovery point of a tagged RDS database and of a tagged EBS volume from the primary vault, keeps
 * the restored copy `validationWindowHours` (a restore job that fails, or a validation reported as
 * failed with PutRestoreValidationResult, raises the alert of backup-alerts.ts), then deletes it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedBackupArgs } from "./backup-args";

/** Restore testing plan and selection names allow letters, digits and underscores only. */
export function restoreTestingPlanName(namePrefix: string): string {
  return `${namePrefix.replace(/-/g, "_")}_restore_tests`.slice(0, 50);
}

/** `${name}-restore-tests` and its selections `${name}-restore-tests-rds` / `-ebs`. */
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
    new aws.backup.RestoreTestingSelection(
      `${name}-restore-tests-rds`,
      {
        ...common,
        name: "rds",
        protectedResourceType: "RDS",
        // Restored into the database's own subnets, behind a security group of the caller's choice.
        restoreMetadataOverrides: {
          dbSubnetGroupName: rds.subnetGroupName,
          // Restore metadata values are strings: the list is passed as its JSON text.
          vpcSecurityGroupIds: pulumi.jsonStringify(rds.securityGroupIds),
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
