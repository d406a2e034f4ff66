/**
 * `platform:backup` (AWS Backup: schedule, retention, copies to the disaster-recovery region, vault
 * lock, break-glass role, restore testing) and `platform:recovery` (the recovery objectives the
 * stack declares; the `recovery-objectives-achievable` policy computes whether they hold).
 * The AWS limits are checked again by the Backup component (components/backup/rules.ts).
 */
import { z } from "zod";
import {
  BREAK_GLASS_ROLE_ARN,
  CHANGEABLE_FOR_DAYS_MIN,
  RETENTION_DAYS,
  SCHEDULE_EXPRESSION,
} from "../../components/backup/rules";
import type { ConfigProblem } from "./problems";

const days = (what: string) =>
  z
    .number({ message: `must be ${what}` })
    .int({ message: `must be ${what}` })
    .min(RETENTION_DAYS.min, { message: `must be ${what}` })
    .max(RETENTION_DAYS.max, { message: `must be ${what}` });
const DAYS = `an integer number of days from ${RETENTION_DAYS.min} to ${RETENTION_DAYS.max}`;
const expression = z
  .string({ message: "must be a string" })
  .regex(SCHEDULE_EXPRESSION, { message: "must be an AWS schedule expression such as cron(0 0/6 * * ? *)" });

export const backupSchema = z.strictObject({
  /** When the snapshot rule runs (UTC), e.g. `cron(0 0/6 * * ? *)`: every 6 hours. */
  schedule: expression,
  /** Days each recovery point is kept in the primary region. */
  retentionDays: days(DAYS),
  /** Days each copy is kept in the disaster-recovery region (copies exist when the stack has one). */
  copyRetentionDays: days(DAYS),
  /**
   * Vault Lock on both vaults: `governance` (removable by principals allowed
   * `backup:DeleteBackupVaultLockConfiguration`) or `compliance` (immutable once `changeableForDays`
   * have passed). Left out: no lock. Decision 0112.
   */
  vaultLock: z
    .strictObject({
      mode: z.enum(["governance", "compliance"], { message: "must be governance or compliance" }),
      minRetentionDays: days(DAYS),
      maxRetentionDays: days(DAYS),
      /** Compliance mode only: days before the lock becomes immutable (at least 3). */
      changeableForDays: z
        .number({ message: `must be an integer of at least ${CHANGEABLE_FOR_DAYS_MIN}` })
        .int({ message: `must be an integer of at least ${CHANGEABLE_FOR_DAYS_MIN}` })
        .min(CHANGEABLE_FOR_DAYS_MIN, {
          message: `must be an integer of at least ${CHANGEABLE_FOR_DAYS_MIN}`,
        })
        .optional(),
    })
    .optional(),
  /** The only role allowed to delete recovery points (break-glass). Left out: nobody may. */
  breakGlassRoleArn: z
    .string({ message: "must be a string" })
    .regex(BREAK_GLASS_ROLE_ARN, {
      message: "must be an IAM role ARN such as arn:aws:iam::123456789012:role/BreakGlass",
    })
    .optional(),
  /** Restore tests: when they start (weekly) and how long a restored copy is kept for validation. */
  restoreTesting: z.strictObject({
    schedule: expression,
    validationWindowHours: z
      .number({ message: "must be an integer from 1 to 168" })
      .int({ message: "must be an integer from 1 to 168" })
      .min(1, { message: "must be an integer from 1 to 168" })
      .max(168, { message: "must be an integer from 1 to 168" }),
  }),
  /**
   * Own AWS Backup's resource-type opt-in of the account and region (RDS, EBS and S3 in, every
   * other type out; decision 0118). An account-level singleton: at most one stack per account and
   * region sets it. False: the opt-in is checked by hand before the first `up` (runbook).
   */
  manageRegionSettings: z.boolean({ message: "must be true or false" }).default(false),
});

export type BackupConfig = z.infer<typeof backupSchema>;

const MINUTES = "must be a whole number of minutes, at least 1";
const minutes = z.number({ message: MINUTES }).int({ message: MINUTES }).min(1, { message: MINUTES });

export const recoverySchema = z.strictObject({
  /** Recovery point objective: the most data (in minutes) the stack may lose. */
  rpoMinutes: minutes,
  /** Recovery time objective: how long (in minutes) a stateful component may be unavailable. */
  rtoMinutes: minutes,
});

export type RecoveryConfig = z.infer<typeof recoverySchema>;

/** Cross-field and production rules of `platform:backup`. */
export function checkBackup(backup: BackupConfig, environment: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const at = (field: string, received: unknown, message: string) =>
    problems.push({ key: `platform:backup.${field}`, received, message });
  const lock = backup.vaultLock;
  if (lock && lock.minRetentionDays > lock.maxRetentionDays) {
    at(
      "vaultLock.minRetentionDays",
      lock.minRetentionDays,
      `must not exceed maxRetentionDays (${lock.maxRetentionDays})`,
    );
  }
  if (lock?.mode === "compliance" && lock.changeableForDays === undefined) {
    at(
      "vaultLock.changeableForDays",
      undefined,
      "is required in compliance mode: the days (at least 3) before the lock becomes immutable",
    );
  }
  if (lock?.mode === "governance" && lock.changeableForDays !== undefined) {
    at(
      "vaultLock.changeableForDays",
      lock.changeableForDays,
      "applies to compliance mode only; leave it out in governance mode",
    );
  }
  if (environment === "production") {
    if (backup.retentionDays < 30) {
      at(
        "retentionDays",
        backup.retentionDays,
        "must be at least 30 days in production (seeds: backups kept 30 days)",
      );
    }
    if (backup.copyRetentionDays < 30) {
      at(
        "copyRetentionDays",
        backup.copyRetentionDays,
        "must be at least 30 days in production (seeds: copies kept 30 days)",
      );
    }
    if (!lock) {
      at(
        "vaultLock",
        undefined,
        "is required in production: a lock keeps recovery points from early deletion (decision 0112)",
      );
    }
    if (!backup.breakGlassRoleArn) {
      at(
        "breakGlassRoleArn",
        undefined,
        "is required in production: the one role allowed to delete recovery points",
      );
    }
  }
  return problems;
}
