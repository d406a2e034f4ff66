/** The arguments of the Backup component, their defaults and their validation. */
import type * as pulumi from "@pulumi/pulumi";
import type { StatefulArgs } from "../shared/stateful";
import {
  type BackupProblem,
  BREAK_GLASS_ROLE_ARN,
  CHANGEABLE_FOR_DAYS_MIN,
  CONTINUOUS_RETENTION_DAYS,
  RETENTION_DAYS,
  SCHEDULE_EXPRESSION,
  formatBackupProblems,
} from "./rules";

/** Vault Lock of both vaults (docs/decisions/0112). */
export interface VaultLockArgs {
  /** `governance`: removable with `backup:DeleteBackupVaultLockConfiguration`; `compliance`: immutable after `changeableForDays`. */
  readonly mode: "governance" | "compliance";
  /** Every recovery point and copy stored in a locked vault must be kept at least this many days. */
  readonly minRetentionDays: number;
  /** ... and at most this many. */
  readonly maxRetentionDays: number;
  /** Compliance mode only (required there): days, at least 3, before the lock can no longer change. */
  readonly changeableForDays?: number;
}

/** Copies of every recovery point in another region. */
export interface BackupCopyArgs {
  /** AWS provider of the disaster-recovery region (the copies' vault is created with it). */
  readonly provider: pulumi.ProviderResource;
  /** Customer-managed key of that region for the copies' vault. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Days each copy is kept there. */
  readonly retentionDays: number;
}

/** Restores AWS Backup runs on its own, then validates and deletes. */
export interface RestoreTestingArgs {
  /** When a test starts, e.g. `cron(0 5 ? * SUN *)` (weekly). */
  readonly schedule: string;
  /** Hours a restored copy is kept for validation before AWS Backup deletes it, 1 to 168. */
  readonly validationWindowHours: number;
  /**
   * Where a restored test database goes: the database's subnet group, in this VPC, behind a
   * security group created here that admits nothing and reaches nothing.
   * @default no RDS restore test
   */
  readonly rds?: {
    readonly subnetGroupName: pulumi.Input<string>;
    /** VPC of the subnet group (the isolating security group is created in it). */
    readonly vpcId: pulumi.Input<string>;
  };
}

export interface BackupArgs extends StatefulArgs {
  /** Names of the vaults and plans, e.g. `platform-production`: letters, digits, `-` and `_`. */
  readonly namePrefix: string;
  /** Customer-managed key of the primary vault (the backup key). */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** When the snapshot rule runs (UTC), e.g. `cron(0 0/6 * * ? *)`. */
  readonly schedule: string;
  /** Days each recovery point is kept. */
  readonly retentionDays: number;
  /**
   * Days of point-in-time recovery (continuous backup) of the RDS databases selected, 1 to 35. Set
   * it to the databases' own `backupRetentionDays`: AWS Backup then manages their automated backups
   * with the same retention, and nothing drifts.
   * @default no continuous backup
   */
  readonly continuousRetentionDays?: number;
  /**
   * Tag (key and value) that selects resources.
   * @default BackupRequired=true (the governance tag)
   */
  readonly selectionTag?: { readonly key: string; readonly value: string };
  /** @default no copies in another region */
  readonly copies?: BackupCopyArgs;
  /** @default no lock */
  readonly vaultLock?: VaultLockArgs;
  /**
   * The only principal allowed to delete a recovery point or shorten its lifecycle.
   * @default nobody: only expiry removes recovery points
   */
  readonly breakGlassRoleArn?: string;
  readonly restoreTesting: RestoreTestingArgs;
  /**
   * SNS topic that receives failed backup, copy and restore jobs (the observability tier's critical
   * topic). Its policy must let EventBridge publish, and its key must let EventBridge use it.
   * @default a topic created here, encrypted with its own key
   */
  readonly alertTopicArn?: pulumi.Input<string>;
  /**
   * Recovery objectives the stack declares, written as tags on the backup plan
   * (`RecoveryPointObjectiveMinutes`, `RecoveryTimeObjectiveMinutes`) where the
   * `recovery-objectives-achievable` policy reads them.
   */
  readonly recoveryObjectives: {
    readonly rpoMinutes: number;
    readonly rtoMinutes: number;
    /**
     * `<org>/<project>/<stack>` of the stack holding this one's warm standby, tagged `StandbyStack`
     * on the plan: the policy then counts the standby for the loss of the region (decision 0143).
     * @default none: no standby is counted
     */
    readonly standbyStack?: string;
  };
  /**
   * Set AWS Backup's opt-in of this account and region (a singleton: one stack per account and
   * region may own it) so that tag-based selection covers RDS, EBS and S3; every other resource
   * type is opted out. Left false, the types must be opted in beforehand (runbook preflight):
   * a type not opted in is silently never selected by tag.
   * @default false
   */
  readonly manageRegionSettings?: boolean;
}

export type ResolvedBackupArgs = BackupArgs & { readonly selectionTag: { key: string; value: string } };

const NAME_PREFIX = /^[A-Za-z0-9_-]{1,40}$/;

function intIn(value: number, range: { min: number; max: number }): boolean {
  return Number.isInteger(value) && value >= range.min && value <= range.max;
}

/** Every retention that lands in a vault, with its field: a lock must accept each of them. */
function retentionsOf(a: BackupArgs): [string, number][] {
  const list: [string, number][] = [["retentionDays", a.retentionDays]];
  if (a.continuousRetentionDays !== undefined) {
    list.push(["continuousRetentionDays", a.continuousRetentionDays]);
  }
  if (a.copies) {
    list.push(["copies.retentionDays", a.copies.retentionDays]);
  }
  return list;
}

function lockProblems(a: BackupArgs): BackupProblem[] {
  const lock = a.vaultLock;
  const problems: BackupProblem[] = [];
  if (!lock) {
    return problems;
  }
  if (
    lock.mode === "compliance" &&
    !(Number.isInteger(lock.changeableForDays) && lock.changeableForDays! >= CHANGEABLE_FOR_DAYS_MIN)
  ) {
    problems.push({
      field: "vaultLock.changeableForDays",
      received: lock.changeableForDays,
      message: `compliance mode needs an integer of at least ${CHANGEABLE_FOR_DAYS_MIN} (the 72-hour cooling-off period)`,
    });
  }
  if (lock.mode === "governance" && lock.changeableForDays !== undefined) {
    problems.push({
      field: "vaultLock.changeableForDays",
      received: lock.changeableForDays,
      message: "must be left out in governance mode (AWS creates a compliance-mode lock when it is set)",
    });
  }
  for (const [field, days] of retentionsOf(a)) {
    if (days < lock.minRetentionDays || days > lock.maxRetentionDays) {
      problems.push({
        field,
        received: days,
        message: `must lie within the vault lock's ${lock.minRetentionDays} to ${lock.maxRetentionDays} days, or AWS Backup fails every job storing it`,
      });
    }
  }
  return problems;
}

/** Every problem with the args; empty when valid. */
export function backupArgsProblems(a: BackupArgs): BackupProblem[] {
  const problems: BackupProblem[] = [];
  if (!NAME_PREFIX.test(a.namePrefix)) {
    problems.push({
      field: "namePrefix",
      received: a.namePrefix,
      message: "must be 1 to 40 letters, digits, '-' or '_'",
    });
  }
  for (const [field, value] of [
    ["schedule", a.schedule],
    ["restoreTesting.schedule", a.restoreTesting.schedule],
  ] as const) {
    if (!SCHEDULE_EXPRESSION.test(value)) {
      problems.push({ field, received: value, message: "must be cron(<6 fields>) or rate(<n> <unit>)" });
    }
  }
  for (const [field, days] of retentionsOf(a)) {
    const range = field === "continuousRetentionDays" ? CONTINUOUS_RETENTION_DAYS : RETENTION_DAYS;
    if (!intIn(days, range)) {
      problems.push({
        field,
        received: days,
        message: `must be an integer from ${range.min} to ${range.max}`,
      });
    }
  }
  if (!intIn(a.restoreTesting.validationWindowHours, { min: 1, max: 168 })) {
    problems.push({
      field: "restoreTesting.validationWindowHours",
      received: a.restoreTesting.validationWindowHours,
      message: "must be an integer from 1 to 168",
    });
  }
  if (a.breakGlassRoleArn !== undefined && !BREAK_GLASS_ROLE_ARN.test(a.breakGlassRoleArn)) {
    problems.push({
      field: "breakGlassRoleArn",
      received: a.breakGlassRoleArn,
      message: "must be an IAM role ARN",
    });
  }
  const { rpoMinutes, rtoMinutes } = a.recoveryObjectives;
  for (const [field, value] of [
    ["recoveryObjectives.rpoMinutes", rpoMinutes],
    ["recoveryObjectives.rtoMinutes", rtoMinutes],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      problems.push({ field, received: value, message: "must be a whole number of minutes, at least 1" });
    }
  }
  return [...problems, ...lockProblems(a)];
}

/** Throws one error listing every problem; returns the args with defaults applied. */
export function validateBackupArgs(a: BackupArgs): ResolvedBackupArgs {
  const problems = backupArgsProblems(a);
  if (problems.length > 0) {
    throw new Error(formatBackupProblems("Backup", problems));
  }
  return { ...a, selectionTag: a.selectionTag ?? { key: "BackupRequired", value: "true" } };
}
