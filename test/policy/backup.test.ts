import {
  backupCrossRegionCopy,
  backupPlanCoverage,
  backupVaultProtected,
  scheduleIntervalHours,
} from "../../policy/backup";
import type { PlanResource } from "../../tools/policy/plan-input";
import { GOVERNANCE_TAGS, awsProvider, messages, res, urnOf, withPath } from "./helpers";

const PLAN = "aws:backup/plan:Plan";
const SELECTION = "aws:backup/selection:Selection";
const VAULT = "aws:backup/vault:Vault";
const DR_PROVIDER: PlanResource = {
  urn: urnOf("pulumi:providers:aws", "aws-dr"),
  type: "pulumi:providers:aws",
  name: "aws-dr",
  custom: true,
  props: { region: "us-east-1" },
  protect: false,
  dependencies: [],
};
const provider = awsProvider({ ...GOVERNANCE_TAGS, BackupRequired: "true" });
const db = res("aws:rds/instance:Instance", "db", { engine: "postgres" }, { provider: true });
const vault = res(VAULT, "vault", { name: "v" }, { provider: true });
const drVault: PlanResource = { ...res(VAULT, "dr-vault", { name: "v-dr" }), providerUrn: DR_PROVIDER.urn };
const rule = {
  ruleName: "snapshots",
  schedule: "cron(0 0/6 * * ? *)",
  lifecycle: { deleteAfter: 30 },
  copyActions: [{ lifecycle: { deleteAfter: 30 } }],
};
const plan = (r: Record<string, unknown> = rule) =>
  res(PLAN, "plan", { rules: [r] }, { provider: true, dependsOn: [vault, drVault] });
const selection = (p: PlanResource, props: Record<string, unknown> = {}) =>
  res(
    SELECTION,
    "selection",
    {
      resources: ["*"],
      conditions: [{ stringEquals: [{ key: "aws:ResourceTag/BackupRequired", value: "true" }] }],
      ...props,
    },
    { dependsOn: [p] },
  );
const stack = (p = plan(), s = selection(p), extra: PlanResource[] = []) => [
  provider,
  DR_PROVIDER,
  db,
  vault,
  drVault,
  p,
  s,
  ...extra,
];
const PRODUCTION = { "backup-plan-coverage": { maxIntervalHours: 6, minRetentionDays: 30 } };

test.each([
  ["cron(0 0/6 * * ? *)", 6],
  ["cron(0 */6 * * ? *)", 6],
  ["cron(0 3 * * ? *)", 24],
  ["cron(0 5 ? * SUN *)", 168],
  ["cron(0 0,6,12,18 * * ? *)", 6],
  ["cron(0 0,12,20 * * ? *)", 12],
  ["cron(0 * * * ? *)", 1],
  ["rate(2 hours)", 2],
  ["rate(1 day)", 24],
  ["rate(30 minutes)", 0.5],
  ["every 6 hours", undefined],
])("scheduleIntervalHours(%s) = %s", (expression, hours) => {
  expect(scheduleIntervalHours(expression)).toBe(hours);
});

describe("backup-plan-coverage", () => {
  test("a 6-hourly plan kept 30 days selecting BackupRequired=true, and the database tagged: passes", async () => {
    expect(await messages(backupPlanCoverage, stack(), PRODUCTION)).toEqual([]);
  });

  test("selection tags (STRINGEQUALS) count as the tag selection too", async () => {
    const p = plan();
    const s = res(
      SELECTION,
      "selection",
      { selectionTags: [{ type: "STRINGEQUALS", key: "BackupRequired", value: "true" }] },
      { dependsOn: [p] },
    );
    expect(await messages(backupPlanCoverage, stack(p, s), PRODUCTION)).toEqual([]);
  });

  test("a daily schedule fails production's 6 hours", async () => {
    expect(
      await messages(backupPlanCoverage, stack(plan({ ...rule, schedule: "cron(0 3 * * ? *)" })), PRODUCTION),
    ).toEqual([
      "No AWS Backup plan rule runs at least every 6 h and keeps recovery points 30 days ('plan' rule 'snapshots' every 24 h kept 30 days). Remediation: add an aws.backup.Plan with a rule scheduled at least every 6 hours whose 'lifecycle.deleteAfter' is at least 30, and an aws.backup.Selection of it by the tag BackupRequired=true.",
    ]);
  });

  test("a shorter retention fails", async () => {
    const msgs = await messages(
      backupPlanCoverage,
      stack(plan(withPath(rule, "lifecycle.deleteAfter", 7))),
      PRODUCTION,
    );
    expect(msgs[0]).toMatch(
      /^No AWS Backup plan rule runs at least every 6 h and keeps recovery points 30 days \('plan' rule 'snapshots' every 6 h kept 7 days\)/,
    );
  });

  test("a selection by another tag fails", async () => {
    const p = plan();
    const s = selection(p, { conditions: [{ stringEquals: [{ key: "aws:ResourceTag/Team", value: "x" }] }] });
    expect((await messages(backupPlanCoverage, stack(p, s), PRODUCTION))[0]).toMatch(
      /^No AWS Backup plan selects the resources tagged BackupRequired=true\. Remediation:/,
    );
  });

  test("a database whose tags say BackupRequired=false is named", async () => {
    const untagged = res(
      "aws:rds/instance:Instance",
      "db",
      { engine: "postgres", tags: { BackupRequired: "false" } },
      { provider: true },
    );
    const resources = stack().map((r) => (r.urn === db.urn ? untagged : r));
    expect(await messages(backupPlanCoverage, resources, PRODUCTION)).toEqual([
      "Database 'db' is not tagged BackupRequired=true, so no backup plan selects it. Remediation: set the tag BackupRequired=true on database 'db' (or in the provider's default tags).",
    ]);
  });
});

describe("backup-cross-region-copy", () => {
  test("a copy action to a vault of another region passes", async () => {
    expect(await messages(backupCrossRegionCopy, stack())).toEqual([]);
  });

  test("no copy action fails", async () => {
    expect(await messages(backupCrossRegionCopy, stack(plan({ ...rule, copyActions: [] })))).toEqual([
      "Backup plan 'plan' rule 'snapshots' keeps its recovery points in one region only. Remediation: add a 'copyActions' entry to rule 'snapshots' whose 'destinationVaultArn' is a vault created with a provider of another region.",
    ]);
  });

  test("a copy to a vault of the same region fails", async () => {
    const p = res(PLAN, "plan", { rules: [rule] }, { provider: true, dependsOn: [vault] });
    expect(await messages(backupCrossRegionCopy, stack(p))).toHaveLength(1);
  });

  test("continuous-backup rules need no copy", async () => {
    const p = plan({
      ruleName: "pitr",
      schedule: rule.schedule,
      enableContinuousBackup: true,
      lifecycle: { deleteAfter: 35 },
    });
    expect(await messages(backupCrossRegionCopy, stack(p))).toEqual([]);
  });
});

describe("backup-vault-deletion-protected", () => {
  const denyPolicy = (v: PlanResource, action = "backup:DeleteRecoveryPoint") =>
    res(
      "aws:backup/vaultPolicy:VaultPolicy",
      `${v.name}-policy`,
      {
        policy: JSON.stringify({
          Statement: [{ Effect: "Deny", Principal: { AWS: "*" }, Action: [action], Resource: "*" }],
        }),
      },
      { dependsOn: [v] },
    );
  const lock = (v: PlanResource) =>
    res(
      "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
      `${v.name}-lock`,
      { minRetentionDays: 7, maxRetentionDays: 365 },
      { dependsOn: [v] },
    );
  const all = [vault, drVault, denyPolicy(vault), denyPolicy(drVault), lock(vault), lock(drVault)];

  test("deny policies and locks on both vaults pass with requireLock", async () => {
    expect(
      await messages(backupVaultProtected, all, { "backup-vault-deletion-protected": { requireLock: true } }),
    ).toEqual([]);
  });

  test("a policy that denies something else fails", async () => {
    const resources = all.map((r) =>
      r.name === "dr-vault-policy" ? denyPolicy(drVault, "backup:StartBackupJob") : r,
    );
    expect(await messages(backupVaultProtected, resources)).toEqual([
      "Backup vault 'dr-vault' lets any allowed principal delete its recovery points. Remediation: attach an aws.backup.VaultPolicy to 'dr-vault' that denies backup:DeleteRecoveryPoint to every principal but a break-glass role.",
    ]);
  });

  test("a missing lock fails only when required", async () => {
    const resources = all.filter((r) => r.name !== "vault-lock");
    expect(await messages(backupVaultProtected, resources)).toEqual([]);
    expect(
      await messages(backupVaultProtected, resources, {
        "backup-vault-deletion-protected": { requireLock: true },
      }),
    ).toEqual([
      "Backup vault 'vault' has no Vault Lock. Remediation: add an aws.backup.VaultLockConfiguration for 'vault' with minRetentionDays and maxRetentionDays.",
    ]);
  });
});
