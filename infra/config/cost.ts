/**
 * `platform:cost`: the stack's monthly budget and its alerts, opt-in anomaly detection, the working
 * hours outside which a non-production stack sleeps, and the usage assumptions the offline cost
 * estimate (`npm run cost`) prices. Defaults are documented in docs/configuration.md.
 */
import { z } from "zod";
import { MAX_BUDGET_EMAILS } from "../../components/cost/budget";
import {
  MAX_DATABASE_LEAD_MINUTES,
  WEEKDAYS,
  type WorkingHours,
  workingHoursProblems,
} from "../../components/cost/sleep-schedule";
import type { Tags } from "./core";
import type { DataConfig } from "./data";
import type { ConfigProblem } from "./problems";

const bool = z.boolean({ message: "must be true or false" });
const dollars = z
  .number({ message: "must be a number of US dollars over 0" })
  .positive({ message: "must be a number of US dollars over 0" });
const gigabytes = z
  .number({ message: "must be a number of GB, 0 or more" })
  .nonnegative({ message: "must be a number of GB, 0 or more" });
const percent = (what: string) =>
  z
    .number({ message: `must be an integer percentage from 1 to 1000 (${what})` })
    .int({ message: `must be an integer percentage from 1 to 1000 (${what})` })
    .min(1, { message: `must be an integer percentage from 1 to 1000 (${what})` })
    .max(1000, { message: `must be an integer percentage from 1 to 1000 (${what})` });
const TIME = "must be a time HH:MM (24-hour clock)";
const time = z.string({ message: TIME }).regex(/^([01]\d|2[0-3]):([0-5]\d)$/, { message: TIME });
const EMAILS = `must list 1 to ${MAX_BUDGET_EMAILS} email addresses (AWS Budgets' limit per alert)`;

export const budgetSchema = z.strictObject({
  /** Monthly limit in US dollars the alerts are measured against. */
  monthlyLimitUsd: dollars,
  /** Who is alerted (until the observability warning topic exists, email is the only channel). */
  alertEmails: z
    .array(z.email({ message: "must be an email address" }), { message: EMAILS })
    .min(1, { message: EMAILS })
    .max(MAX_BUDGET_EMAILS, { message: EMAILS }),
  /** Alert when the spending so far passes this share of the limit. */
  actualAlertPercent: percent("of the limit actually spent").default(80),
  /** Alert when the month's forecast passes this share of the limit. */
  forecastAlertPercent: percent("of the limit forecast").default(100),
});

export const anomalyDetectionSchema = z.strictObject({
  /** Account-level (one service monitor per account): turn it on in one stack of the account. */
  enabled: bool.default(false),
  /** Alert when an anomaly's total impact reaches this many dollars. */
  thresholdUsd: dollars.default(100),
});

export const autoShutdownSchema = z
  .strictObject({
    /** The stack sleeps outside working hours; must agree with the `AutoShutdown` tag. */
    enabled: bool,
    /** IANA time zone of the working hours; required when enabled. */
    timeZone: z.string({ message: "must be an IANA time zone name such as Europe/Berlin" }).optional(),
    days: z
      .array(z.enum(WEEKDAYS, { message: `must be one of ${WEEKDAYS.join(", ")}` }))
      .default(["MON", "TUE", "WED", "THU", "FRI"]),
    wakeAt: time.default("07:00"),
    sleepAt: time.default("20:00"),
    databaseLeadMinutes: z
      .number({ message: `must be an integer from 0 to ${MAX_DATABASE_LEAD_MINUTES}` })
      .default(30),
  })
  .superRefine((value, ctx) => {
    if (!value.enabled) {
      return;
    }
    if (value.timeZone === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["timeZone"],
        message: "is required when enabled: the working hours are read in it (e.g. Europe/Berlin)",
      });
      return;
    }
    const rejected = new Set(ctx.issues.map((issue) => String(issue.path?.[0])));
    for (const p of workingHoursProblems(value as WorkingHours).filter((q) => !rejected.has(q.field))) {
      ctx.addIssue({ code: "custom", path: [p.field], message: p.message });
    }
  });

export const usageSchema = z.strictObject({
  /** Spot price as a discount on the on-demand price of the node group's first instance type. */
  spotDiscountPercent: z
    .number({ message: "must be a percentage from 0 to 95" })
    .min(0, { message: "must be a percentage from 0 to 95" })
    .max(95, { message: "must be a percentage from 0 to 95" })
    .default(60),
  /** Data through the NAT gateways per month, whole stack (split evenly between them). */
  natProcessedGbPerMonth: gigabytes.default(100),
  /** Data through the interface endpoints per month, whole stack. */
  endpointProcessedGbPerMonth: gigabytes.default(20),
  /** Average load balancer capacity units per hour, per load balancer. */
  loadBalancerCapacityUnits: gigabytes.default(1),
  /** CloudWatch Logs ingested per month, per log group of each kind. */
  logsGbPerMonth: z
    .strictObject({
      controlPlane: gigabytes.default(10),
      flowLogs: gigabytes.default(10),
      database: gigabytes.default(2),
      cache: gigabytes.default(0.5),
      other: gigabytes.default(0.1),
    })
    .prefault({}),
  /** Share of a database's storage that changes per day (incremental backups, cross-region copies). */
  databaseDailyChangePercent: z
    .number({ message: "must be a percentage from 0 to 100" })
    .min(0, { message: "must be a percentage from 0 to 100" })
    .max(100, { message: "must be a percentage from 0 to 100" })
    .default(2),
  /** Objects stored per S3 bucket. */
  objectStorageGbPerBucket: gigabytes.default(1),
  /** Requests per month through each WAF web ACL, in millions. */
  wafMillionRequestsPerMonth: gigabytes.default(10),
  /** Backups held per AWS Backup vault. */
  backupVaultGb: gigabytes.default(100),
});

export const costSchema = z.strictObject({
  budget: budgetSchema,
  anomalyDetection: anomalyDetectionSchema.prefault({}),
  autoShutdown: autoShutdownSchema.prefault({ enabled: false }),
  usage: usageSchema.prefault({}),
});

export type CostConfig = z.infer<typeof costSchema>;
export type UsageAssumptions = z.infer<typeof usageSchema>;

/** The working hours of an enabled schedule (config validation guarantees the time zone). */
export function workingHoursOf(cost: CostConfig): WorkingHours | undefined {
  const a = cost.autoShutdown;
  return a.enabled && a.timeZone !== undefined
    ? {
        timeZone: a.timeZone,
        days: a.days,
        wakeAt: a.wakeAt,
        sleepAt: a.sleepAt,
        databaseLeadMinutes: a.databaseLeadMinutes,
      }
    : undefined;
}

/** Production never sleeps. */
export function checkCost(cost: CostConfig, environment: string): ConfigProblem[] {
  return environment === "production" && cost.autoShutdown.enabled
    ? [
        {
          key: "platform:cost.autoShutdown.enabled",
          received: true,
          message: "production never sleeps: set it to false",
        },
      ]
    : [];
}

/**
 * Rules across sections: the `AutoShutdown` tag tells the truth (the schedule exists exactly when
 * the tag says "true"), and a sleeping database has no read replicas (RDS cannot stop it).
 */
export function checkCostAgainstStack(cost: CostConfig, tags: Tags, data: DataConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const tag = tags.AutoShutdown;
  const enabled = cost.autoShutdown.enabled;
  if (tag === "true" && !enabled) {
    problems.push({
      key: "platform:cost.autoShutdown.enabled",
      received: enabled,
      message:
        "the AutoShutdown tag is 'true' but nothing would shut the stack down: set enabled: true with a timeZone, or the tag to 'false'",
    });
  }
  if (enabled && tag !== "true") {
    problems.push({
      key: "platform:tags.AutoShutdown",
      received: tag,
      message:
        "platform:cost.autoShutdown is enabled: set this tag to 'true' so the resources say they sleep",
    });
  }
  if (enabled && data.postgres.readReplicas > 0) {
    problems.push({
      key: "platform:cost.autoShutdown.enabled",
      received: enabled,
      message: `RDS cannot stop a database that has read replicas (platform:data.postgres.readReplicas is ${data.postgres.readReplicas}): set readReplicas to 0 or disable the schedule`,
    });
  }
  return problems;
}
