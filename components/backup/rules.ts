/**
 * AWS limits of AWS Backup that the Backup component and the stack config both check.
 */

/** Retention AWS Backup accepts for a recovery point or a copy, in days. */
export const RETENTION_DAYS = { min: 1, max: 36500 } as const;
/** Point-in-time recovery (continuous backup) is kept 1 to 35 days. */
export const CONTINUOUS_RETENTION_DAYS = { min: 1, max: 35 } as const;
/** Compliance-mode Vault Lock: the cooling-off period is at least 72 hours. */
export const CHANGEABLE_FOR_DAYS_MIN = 3;
/** `cron(...)` (6 fields) or `rate(...)`, as AWS Backup and EventBridge Scheduler read them. */
export const SCHEDULE_EXPRESSION =
  /^(cron\((\S+ ){5}\S+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/;
export const BREAK_GLASS_ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** Restore testing plan names: 1 to 50 letters, digits and underscores. */
export const RESTORE_TESTING_PLAN_NAME = /^[A-Za-z0-9_]{1,50}$/;

/** One problem with the args of a backup component. */
export interface BackupProblem {
  readonly field: string;
  readonly received: unknown;
  readonly message: string;
}

export function formatBackupProblems(component: string, problems: readonly BackupProblem[]): string {
  return `Invalid ${component} arguments:\n${problems
    .map((p) => `- ${p.field} (received ${JSON.stringify(p.received)}): ${p.message}`)
    .join("\n")}`;
}
