/**
 * AWS Backup for the platform (docs/decisions/0111, 0112): a vault in the primary region and one in
 * the disaster-recovery region, both encrypted with customer-managed keys and denying recovery-point
 * deletion to all but a break-glass role (Vault Lock when asked); a plan that snapshots every
 * resource tagged `BackupRequired=true` on a schedule and copies each recovery point to the DR vault;
 * point-in-time recovery of the tagged RDS databases; weekly restore tests (restored databases
 * isolated, never selected for backup themselves); an alert on every failed backup, copy, restore
 * job or restore-test cleanup, and on every failed Secrets Manager rotation; optionally the
 * account's resource-type opt-in (`manageRegionSettings`).
 *
 * Steps: `backup-vaults.ts`, `backup-plan.ts`, `restore-testing.ts`, `backup-alerts.ts`.
 * ElastiCache is not an AWS Backup resource type: the cache keeps its own snapshots.
 */
import * as pulumi from "@pulumi/pulumi";
import { type BackupArgs, validateBackupArgs } from "./backup-args";
import { createFailedJobAlerts, createAlertTopic } from "./backup-alerts";
import {
  createBackupRole,
  createContinuousPlan,
  createRegionSettings,
  createSnapshotPlan,
} from "./backup-plan";
import { createVault } from "./backup-vaults";
import { createRestoreTesting } from "./restore-testing";

export type { BackupArgs, BackupCopyArgs, RestoreTestingArgs, VaultLockArgs } from "./backup-args";

/** AWS Backup vaults, plans, selections, restore tests and failure alerts. */
export class Backup extends pulumi.ComponentResource {
  /** ARN of the primary region's vault. */
  public readonly vaultArn: pulumi.Output<string>;
  /** ARN of the disaster-recovery region's vault; `undefined` without `copies`. */
  public readonly drVaultArn: pulumi.Output<string> | undefined;
  /** ID of the snapshot plan. */
  public readonly planId: pulumi.Output<string>;
  /** Role AWS Backup assumes for backups, copies and restores. */
  public readonly roleArn: pulumi.Output<string>;
  /** The topic failed jobs are sent to (the caller's, or the one created here). */
  public readonly alertTopicArn: pulumi.Output<string>;

  constructor(name: string, args: BackupArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validated before anything is registered: invalid args leave no half-built component behind.
    const a = validateBackupArgs(args);
    super("platform:backup:Backup", name, {}, opts);

    const vaultSettings = {
      breakGlassRoleArn: a.breakGlassRoleArn,
      vaultLock: a.vaultLock,
      protect: a.protect,
    };
    const vault = createVault(
      `${name}-vault`,
      { ...vaultSettings, vaultName: a.namePrefix, kmsKeyArn: a.kmsKeyArn },
      this,
    );
    const drVault = a.copies
      ? createVault(
          `${name}-dr-vault`,
          { ...vaultSettings, vaultName: `${a.namePrefix}-dr`, kmsKeyArn: a.copies.kmsKeyArn },
          this,
          { provider: a.copies.provider },
        )
      : undefined;
    if (a.manageRegionSettings) {
      createRegionSettings(name, this);
    }
    const role = createBackupRole(name, this);
    const plan = createSnapshotPlan(
      name,
      a,
      { vaultName: vault.name, drVaultArn: drVault?.arn, roleArn: role.arn },
      this,
    );
    if (a.continuousRetentionDays !== undefined) {
      createContinuousPlan(
        name,
        { ...a, continuousRetentionDays: a.continuousRetentionDays },
        { vaultName: vault.name, roleArn: role.arn },
        this,
      );
    }
    createRestoreTesting(name, a, { vaultArn: vault.arn, roleArn: role.arn }, this);
    const topicArn = a.alertTopicArn ?? createAlertTopic(name, this, a.protect).arn;
    createFailedJobAlerts(name, topicArn, a.alertTopicArn === undefined, this);

    this.vaultArn = vault.arn;
    this.drVaultArn = drVault?.arn;
    this.planId = plan.id;
    this.roleArn = role.arn;
    this.alertTopicArn = pulumi.output(topicArn);
    this.registerOutputs({
      vaultArn: this.vaultArn,
      drVaultArn: this.drVaultArn,
      planId: this.planId,
      roleArn: this.roleArn,
      alertTopicArn: this.alertTopicArn,
    });
  }
}
