/**
 * Backup policies: an AWS Backup plan covers the stack's tagged resources on a schedule, copies each
 * recovery point to another region, and its vaults refuse early deletion.
 */
import type { PolicyResource } from "@pulumi/policy";
import { asArray, asRecord, effectiveTags, parseJsonish, subjects, violation } from "./lib/props";
import type { PlatformStackPolicy } from "./lib/types";

export const BACKUP_PLAN = "aws:backup/plan:Plan";
export const BACKUP_SELECTION = "aws:backup/selection:Selection";
export const BACKUP_VAULT = "aws:backup/vault:Vault";
const VAULT_POLICY = "aws:backup/vaultPolicy:VaultPolicy";
const VAULT_LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration";
const RDS_INSTANCE = "aws:rds/instance:Instance";

/** The tag that selects resources for backup (the governance tag). */
export const SELECTION_TAG = "BackupRequired";

/**
 * Hours between two runs of an AWS schedule expression, or undefined when it cannot be read.
 * `rate(n unit)`; `cron(min hour dom month dow year)`: a step `a/n` or `* /n` in the hour field runs
 * every n hours, a list every smallest gap, `*` hourly, one hour daily (weekly when a weekday is set).
 */
export function scheduleIntervalHours(expression: unknown): number | undefined {
  if (typeof expression !== "string") {
    return undefined;
  }
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    return rate[2].startsWith("minute") ? n / 60 : rate[2].startsWith("hour") ? n : n * 24;
  }
  const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression);
  if (!cron) {
    return undefined;
  }
  const [, , hour, dom, , dow] = cron;
  const days = dow !== "*" && dow !== "?" ? 7 * 24 : dom !== "*" && dom !== "?" ? 28 * 24 : 24;
  if (hour === "*") {
    return 1;
  }
  const step = /^(\*|\d+)\/(\d+)$/.exec(hour);
  if (step) {
    return Math.min(Number(step[2]), days);
  }
  if (/^\d+(,\d+)+$/.test(hour)) {
    const hours = hour
      .split(",")
      .map(Number)
      .sort((a, b) => a - b);
    const gaps = hours.map((h, i) => (i === 0 ? h + 24 - hours[hours.length - 1] : h - hours[i - 1]));
    return Math.max(...gaps);
  }
  return /^\d+$/.test(hour) ? days : undefined;
}

/** A plan rule as the provider takes it. */
interface Rule {
  readonly ruleName: string;
  readonly intervalHours?: number;
  readonly retentionDays?: number;
  readonly continuous: boolean;
  readonly copies: number;
}

export function rulesOf(plan: PolicyResource): Rule[] {
  return asArray(plan.props.rules).map((raw) => {
    const r = asRecord(raw);
    const days = asRecord(r.lifecycle).deleteAfter;
    return {
      ruleName: String(r.ruleName ?? "?"),
      intervalHours: scheduleIntervalHours(r.schedule),
      retentionDays: typeof days === "number" ? days : undefined,
      continuous: r.enableContinuousBackup === true,
      copies: asArray(r.copyActions).length,
    };
  });
}

/** Does a selection pick resources by `BackupRequired=true` (tags, or conditions on the resource tag)? */
export function selectsByTag(selection: PolicyResource): boolean {
  const tags = asArray(selection.props.selectionTags).map(asRecord);
  if (tags.some((t) => t.key === SELECTION_TAG && t.value === "true")) {
    return true;
  }
  return asArray(selection.props.conditions)
    .flatMap((c) => asArray(asRecord(c).stringEquals))
    .map(asRecord)
    .some((c) => c.key === `aws:ResourceTag/${SELECTION_TAG}` && c.value === "true");
}

/** The selections of a plan: those depending on it (their `planId`). */
export function selectionsOf(resources: readonly PolicyResource[], plan: PolicyResource): PolicyResource[] {
  return resources.filter(
    (r) => r.type === BACKUP_SELECTION && r.dependencies.some((d) => d.urn === plan.urn),
  );
}

/** The region of a resource: its provider's `region`, else undefined (the stack's default). */
export function regionOf(resource: PolicyResource): string | undefined {
  const region = parseJsonish(resource.provider?.props.region);
  return typeof region === "string" ? region : undefined;
}

export const backupPlanCoverage: PlatformStackPolicy = {
  name: "backup-plan-coverage",
  description:
    "An AWS Backup plan selects every resource tagged BackupRequired=true on a schedule, kept long enough, and the databases carry the tag.",
  severity: "high",
  enforcementLevel: "advisory",
  category: "Storage and Backup",
  group: "Reliability",
  references: ["AWS FSBP Backup.1 (recovery points)", "AWS Well-Architected REL09-BP03 (automatic backups)"],
  configSchema: {
    properties: {
      maxIntervalHours: { type: "number", minimum: 1, default: 24 },
      minRetentionDays: { type: "integer", minimum: 1, default: 7 },
    },
  },
  validateStack: (args, report) => {
    const { maxIntervalHours, minRetentionDays } = args.getConfig<{
      maxIntervalHours: number;
      minRetentionDays: number;
    }>();
    const databases = subjects(
      args,
      (r) => r.type === RDS_INSTANCE && !r.props.replicateSourceDb,
      "RDS primary database",
    );
    const plans = args.resources.filter((r) => r.type === BACKUP_PLAN);
    const covering = plans.filter((p) => selectionsOf(args.resources, p).some(selectsByTag));
    const good = covering.filter((p) =>
      rulesOf(p).some(
        (r) =>
          !r.continuous &&
          r.intervalHours !== undefined &&
          r.intervalHours <= maxIntervalHours &&
          (r.retentionDays ?? 0) >= minRetentionDays,
      ),
    );
    if (good.length === 0) {
      const seen = covering.flatMap((p) =>
        rulesOf(p).map(
          (r) =>
            `'${p.name}' rule '${r.ruleName}' every ${r.intervalHours ?? "?"} h kept ${r.retentionDays ?? "?"} days`,
        ),
      );
      report(
        violation(
          covering.length === 0
            ? `No AWS Backup plan selects the resources tagged ${SELECTION_TAG}=true`
            : `No AWS Backup plan rule runs at least every ${maxIntervalHours} h and keeps recovery points ${minRetentionDays} days (${seen.join("; ")})`,
          `add an aws.backup.Plan with a rule scheduled at least every ${maxIntervalHours} hours whose 'lifecycle.deleteAfter' is at least ${minRetentionDays}, and an aws.backup.Selection of it by the tag ${SELECTION_TAG}=true.`,
        ),
      );
    }
    for (const db of databases) {
      const tags = effectiveTags(db.props, db.provider);
      if (tags[SELECTION_TAG] !== "true") {
        report(
          violation(
            `Database '${db.name}' is not tagged ${SELECTION_TAG}=true, so no backup plan selects it`,
            `set the tag ${SELECTION_TAG}=true on database '${db.name}' (or in the provider's default tags).`,
          ),
          db.urn,
        );
      }
    }
  },
};

export const backupCrossRegionCopy: PlatformStackPolicy = {
  name: "backup-cross-region-copy",
  description: "Every AWS Backup snapshot rule copies its recovery points to a vault in another region.",
  severity: "high",
  enforcementLevel: "advisory",
  category: "Disaster Recovery",
  group: "Reliability",
  references: ["AWS Well-Architected REL09-BP02 (secure and encrypt backups, copies in another Region)"],
  validateStack: (args, report) => {
    const plans = subjects(args, (r) => r.type === BACKUP_PLAN, "AWS Backup plan");
    for (const plan of plans) {
      const home = regionOf(plan);
      const elsewhere = plan.dependencies.filter(
        (d) => d.type === BACKUP_VAULT && regionOf(d) !== undefined && regionOf(d) !== home,
      );
      for (const rule of rulesOf(plan).filter((r) => !r.continuous)) {
        if (rule.copies === 0 || elsewhere.length === 0) {
          report(
            violation(
              `Backup plan '${plan.name}' rule '${rule.ruleName}' keeps its recovery points in one region only`,
              `add a 'copyActions' entry to rule '${rule.ruleName}' whose 'destinationVaultArn' is a vault created with a provider of another region.`,
            ),
            plan.urn,
          );
        }
      }
    }
  },
};

export const backupVaultProtected: PlatformStackPolicy = {
  name: "backup-vault-deletion-protected",
  description:
    "Backup vaults deny deleting recovery points (but to a break-glass role) and, where required, carry a Vault Lock.",
  severity: "high",
  enforcementLevel: "advisory",
  category: "Disaster Recovery",
  group: "Reliability",
  references: ["AWS Backup Vault Lock", "AWS Well-Architected SEC09 / REL09 (protect backups from deletion)"],
  configSchema: { properties: { requireLock: { type: "boolean", default: false } } },
  validateStack: (args, report) => {
    const { requireLock } = args.getConfig<{ requireLock: boolean }>();
    const vaults = subjects(args, (r) => r.type === BACKUP_VAULT, "AWS Backup vault");
    const attached = (vault: PolicyResource, type: string) =>
      args.resources.filter((r) => r.type === type && r.dependencies.some((d) => d.urn === vault.urn));
    for (const vault of vaults) {
      const denies = attached(vault, VAULT_POLICY).some((p) => {
        const doc = asRecord(parseJsonish(p.props.policy));
        return asArray(doc.Statement)
          .map(asRecord)
          .some(
            (s) =>
              s.Effect === "Deny" &&
              asArray(s.Action).concat(s.Action).includes("backup:DeleteRecoveryPoint"),
          );
      });
      if (!denies) {
        report(
          violation(
            `Backup vault '${vault.name}' lets any allowed principal delete its recovery points`,
            `attach an aws.backup.VaultPolicy to '${vault.name}' that denies backup:DeleteRecoveryPoint to every principal but a break-glass role.`,
          ),
          vault.urn,
        );
      }
      if (requireLock && attached(vault, VAULT_LOCK).length === 0) {
        report(
          violation(
            `Backup vault '${vault.name}' has no Vault Lock`,
            `add an aws.backup.VaultLockConfiguration for '${vault.name}' with minRetentionDays and maxRetentionDays.`,
          ),
          vault.urn,
        );
      }
    }
  },
};

export const backupPolicies: readonly PlatformStackPolicy[] = [
  backupPlanCoverage,
  backupCrossRegionCopy,
  backupVaultProtected,
];
