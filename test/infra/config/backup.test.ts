import { backupSchema, checkBackup, recoverySchema, type BackupConfig } from "../../../infra/config/backup";
import { zodProblems } from "../../../infra/config/problems";

const PRODUCTION = {
  schedule: "cron(0 0/6 * * ? *)",
  retentionDays: 30,
  copyRetentionDays: 30,
  vaultLock: { mode: "governance", minRetentionDays: 7, maxRetentionDays: 365 },
  breakGlassRoleArn: "arn:aws:iam::123456789012:role/BackupBreakGlass",
  restoreTesting: { schedule: "cron(0 5 ? * SUN *)", validationWindowHours: 24 },
};
const parsed = (raw: unknown) => backupSchema.parse(raw) as BackupConfig;
const messages = (raw: Record<string, unknown>, env = "production") =>
  checkBackup(parsed(raw), env).map((p) => `${p.key}: ${p.message} (received ${JSON.stringify(p.received)})`);

test("the production values are valid", () => {
  expect(messages(PRODUCTION)).toEqual([]);
});

test.each<[string, Record<string, unknown>, string]>([
  [
    "retention",
    { retentionDays: 14 },
    "platform:backup.retentionDays: must be at least 30 days in production (seeds: backups kept 30 days) (received 14)",
  ],
  [
    "copies",
    { copyRetentionDays: 7 },
    "platform:backup.copyRetentionDays: must be at least 30 days in production (seeds: copies kept 30 days) (received 7)",
  ],
  [
    "lock",
    { vaultLock: undefined },
    "platform:backup.vaultLock: is required in production: a lock keeps recovery points from early deletion (decision 0112) (received undefined)",
  ],
  [
    "break-glass",
    { breakGlassRoleArn: undefined },
    "platform:backup.breakGlassRoleArn: is required in production: the one role allowed to delete recovery points (received undefined)",
  ],
  [
    "lock bounds",
    { vaultLock: { mode: "governance", minRetentionDays: 400, maxRetentionDays: 365 } },
    "platform:backup.vaultLock.minRetentionDays: must not exceed maxRetentionDays (365) (received 400)",
  ],
  [
    "compliance",
    { vaultLock: { mode: "compliance", minRetentionDays: 7, maxRetentionDays: 365 } },
    "platform:backup.vaultLock.changeableForDays: is required in compliance mode: the days (at least 3) before the lock becomes immutable (received undefined)",
  ],
])("production refuses a changed %s", (_, change, message) => {
  expect(messages({ ...PRODUCTION, ...change })).toEqual([message]);
});

test("dev may keep a week, without lock or break-glass role", () => {
  const dev = {
    ...PRODUCTION,
    retentionDays: 7,
    copyRetentionDays: 7,
    vaultLock: undefined,
    breakGlassRoleArn: undefined,
  };
  expect(messages(dev, "dev")).toEqual([]);
});

test("schema: malformed schedule, role ARN and validation window are reported at their key", () => {
  const raw = {
    ...PRODUCTION,
    schedule: "0 */6 * * *",
    breakGlassRoleArn: "BreakGlass",
    restoreTesting: { schedule: "cron(0 5 ? * SUN *)", validationWindowHours: 200 },
  };
  const result = backupSchema.safeParse(raw);
  expect(result.success).toBe(false);
  expect(zodProblems("platform:backup", raw, result.error!).map((p) => `${p.key}: ${p.message}`)).toEqual([
    "platform:backup.schedule: must be an AWS schedule expression such as cron(0 0/6 * * ? *)",
    "platform:backup.breakGlassRoleArn: must be an IAM role ARN such as arn:aws:iam::123456789012:role/BreakGlass",
    "platform:backup.restoreTesting.validationWindowHours: must be an integer from 1 to 168",
  ]);
});

test("recovery objectives are whole minutes of at least 1", () => {
  expect(recoverySchema.parse({ rpoMinutes: 5, rtoMinutes: 15 })).toEqual({ rpoMinutes: 5, rtoMinutes: 15 });
  const result = recoverySchema.safeParse({ rpoMinutes: 0, rtoMinutes: 2.5 });
  expect(zodProblems("platform:recovery", {}, result.error!).map((p) => `${p.key}: ${p.message}`)).toEqual([
    "platform:recovery.rpoMinutes: must be a whole number of minutes, at least 1",
    "platform:recovery.rtoMinutes: must be a whole number of minutes, at least 1",
  ]);
});

test("manageRegionSettings: off unless set (an account singleton), a boolean when set", () => {
  expect(parsed(PRODUCTION).manageRegionSettings).toBe(false);
  expect(parsed({ ...PRODUCTION, manageRegionSettings: true }).manageRegionSettings).toBe(true);
  const raw = { ...PRODUCTION, manageRegionSettings: 1 };
  const result = backupSchema.safeParse(raw);
  expect(zodProblems("platform:backup", raw, result.error!).map((p) => `${p.key}: ${p.message}`)).toEqual([
    "platform:backup.manageRegionSettings: must be true or false",
  ]);
});
