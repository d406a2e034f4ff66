/**
 * `platform:data`: the RDS PostgreSQL database and the ElastiCache Redis cache. The AWS limits
 * live in components/data/rules.ts (shared with the components' own validation); this file adds
 * the types and the rules each environment must follow.
 */
import { z } from "zod";
import {
  AUTH_TOKEN_UPDATE_STRATEGIES,
  BACKUP_RETENTION_DAYS,
  MAXMEMORY_POLICIES,
  REDIS_ENGINE_VERSIONS,
  type SettingProblem,
  isBurstable,
  postgresSettingsProblems,
  redisSettingsProblems,
} from "../../components/data/rules";
import { CACHE_NODE_TYPES, RDS_INSTANCE_CLASSES, sizeTypoProblem, regionProblem } from "./aws";
import { retentionDays } from "./network";
import type { ConfigProblem } from "./problems";

const int = (what: string) => z.number({ message: `must be ${what}` }).int({ message: `must be ${what}` });
const bool = z.boolean({ message: "must be true or false" });
const text = z.string({ message: "must be a string" });

/**
 * Reports the shared AWS-limit problems as zod issues on the field they concern, skipping fields
 * the field schemas already rejected (an enum, the retention list) so nothing is reported twice.
 */
function reportInto(ctx: z.RefinementCtx, problems: SettingProblem[]): void {
  const rejected = new Set(ctx.issues.map((issue) => String(issue.path?.[0])));
  for (const p of problems.filter((problem) => !rejected.has(problem.field))) {
    ctx.addIssue({ code: "custom", path: [p.field], message: p.message });
  }
}

/**
 * Run the cross-field rules even when single fields failed, so a stack file gets every problem in
 * one pass; only a wrong type or a missing field (which the rules cannot read) stops them.
 */
const whenTyped = {
  when: (payload: { issues: readonly { code?: string }[] }) =>
    payload.issues.every((i) => i.code !== "invalid_type"),
};

/**
 * A class or node type whose size is misspelt gets its did-you-mean here; any other family is
 * left to the family rules of components/data/rules.ts, which list the supported families.
 */
const knownOrFar = (known: readonly string[], what: string) =>
  text.superRefine((value, ctx) => {
    const message = sizeTypoProblem(value, known, what);
    if (message !== undefined) {
      ctx.addIssue({ code: "custom", message });
    }
  });

/** The AWS partition of a region: replication never crosses partitions. */
function partitionOf(region: string): string {
  return region.startsWith("cn-") ? "aws-cn" : region.includes("-gov-") ? "aws-us-gov" : "aws";
}

/** Copies of the automated backups in a second region (docs/decisions/0026). */
export const crossRegionBackupSchema = z.strictObject({
  /** The disaster-recovery region the copies live in; not the stack's region. */
  region: text.superRefine((value, ctx) => {
    const message = regionProblem(value);
    if (message !== undefined) {
      ctx.addIssue({ code: "custom", message });
    }
  }),
  /** Days the copies are kept there (point-in-time recovery window in that region). */
  retentionDays: int("an integer number of days").refine(
    (days) => days >= BACKUP_RETENTION_DAYS.min && days <= BACKUP_RETENTION_DAYS.max,
    {
      message: `must be an integer from ${BACKUP_RETENTION_DAYS.min} to ${BACKUP_RETENTION_DAYS.max} (the range AWS accepts for replicated backups)`,
    },
  ),
});

export const postgresSchema = z
  .strictObject({
    /** PostgreSQL major version, 16 or 17. */
    engineMajorVersion: int("an integer major version such as 17"),
    /** Set to true for the one `pulumi up` that moves engineMajorVersion up. */
    allowMajorVersionUpgrade: bool.default(false),
    instanceClass: knownOrFar(RDS_INSTANCE_CLASSES, "an RDS instance class"),
    allocatedStorage: int("an integer number of GiB"),
    maxAllocatedStorage: int("an integer number of GiB"),
    multiAz: bool,
    readReplicas: int("an integer number of replicas"),
    backupRetentionDays: int("an integer number of days"),
    backupWindow: text,
    maintenanceWindow: text,
    deletionProtection: bool,
    performanceInsightsRetentionDays: int("an integer number of days").default(7),
    monitoringIntervalSeconds: int("an integer number of seconds").default(60),
    logRetentionDays: retentionDays,
    /** Days between rotations of the master password by Secrets Manager (decision 0110). */
    masterPasswordRotationDays: int("an integer number of days from 1 to 1000")
      .min(1, {
        message: "must be an integer number of days from 1 to 1000 (the range Secrets Manager accepts)",
      })
      .max(1000, {
        message: "must be an integer number of days from 1 to 1000 (the range Secrets Manager accepts)",
      })
      .default(30),
    /**
     * Version of the write-only master password (RDS and the secret): raise it by one to send the
     * current generated password again (docs/runbooks/disaster-recovery.md, after a restore).
     */
    masterPasswordVersion: int("an integer of 1 or more")
      .min(1, { message: "must be an integer of 1 or more; raise it by one to send the password again" })
      .default(1),
    /** Left out: backups stay in the stack's region only (not allowed in production). */
    crossRegionBackup: crossRegionBackupSchema.optional(),
  })
  .superRefine((value, ctx) => reportInto(ctx, postgresSettingsProblems(value)), whenTyped);

export const redisSchema = z
  .strictObject({
    engineVersion: z
      .enum(REDIS_ENGINE_VERSIONS, { message: `must be one of ${REDIS_ENGINE_VERSIONS.join(", ")}` })
      .default("7.1"),
    nodeType: knownOrFar(CACHE_NODE_TYPES, "an ElastiCache node type"),
    numCacheClusters: int("an integer number of nodes"),
    automaticFailover: bool,
    multiAz: bool,
    snapshotRetentionDays: int("an integer number of days"),
    snapshotWindow: text,
    maintenanceWindow: text,
    maxmemoryPolicy: z
      .enum(MAXMEMORY_POLICIES, { message: `must be one of ${MAXMEMORY_POLICIES.join(", ")}` })
      .default("volatile-lru"),
    logRetentionDays: retentionDays,
    /**
     * ElastiCache replication group ID (at most 40 characters). Default `${project}-${stack}`; set it
     * when that is longer (infra/config/names.ts). Changing it replaces the cache.
     */
    replicationGroupId: z.string({ message: "must be a string" }).optional(),
    /** Raise by one to generate a new AUTH token. */
    authTokenVersion: int("an integer of 1 or more").default(1),
    authTokenUpdateStrategy: z
      .enum(AUTH_TOKEN_UPDATE_STRATEGIES, {
        message: `must be one of ${AUTH_TOKEN_UPDATE_STRATEGIES.join(", ")}`,
      })
      .default("ROTATE"),
    /** Days between AUTH token rotations (ROTATE, then SET with a token change; decisions 0113, 0119); production at most 30. */
    authTokenRotationDays: int("an integer number of days of 1 or more")
      .min(1, { message: "must be an integer number of days of 1 or more" })
      .default(30),
  })
  .superRefine((value, ctx) => reportInto(ctx, redisSettingsProblems(value)), whenTyped);

export const dataSchema = z.strictObject({ postgres: postgresSchema, redis: redisSchema });

export type DataConfig = z.infer<typeof dataSchema>;

/**
 * What staging and production require on top of the AWS limits. `region` is the stack's
 * `aws:region`; without it the rules comparing the backup copies' region to it are skipped.
 */
export function checkData(
  data: DataConfig,
  environment: string,
  region?: string,
  standbyRole?: "primary" | "standby",
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const pg = (field: keyof DataConfig["postgres"], message: string) =>
    problems.push({ key: `platform:data.postgres.${field}`, received: data.postgres[field], message });
  const redis = (field: keyof DataConfig["redis"], message: string) =>
    problems.push({ key: `platform:data.redis.${field}`, received: data.redis[field], message });
  const production = environment === "production";
  // A standby's database is a replica of the primary's: its copies and replicas are the primary's
  // (platform:standby, checked in infra/config/standby.ts).
  const replica = standbyRole === "standby";
  const copies = data.postgres.crossRegionBackup;
  const copiesAt = (field: "region" | "retentionDays", message: string) =>
    problems.push({
      key: `platform:data.postgres.crossRegionBackup.${field}`,
      received: copies?.[field],
      message,
    });

  if (copies && region !== undefined && region !== "") {
    if (copies.region === region) {
      copiesAt(
        "region",
        `must be a region other than the stack's region ${region}: copies in the same region are lost with it`,
      );
    } else if (partitionOf(copies.region) !== partitionOf(region)) {
      copiesAt(
        "region",
        `must be in the same AWS partition as the stack's region ${region} (${partitionOf(region)}): RDS does not replicate backups across partitions`,
      );
    }
  }
  if (production && !copies && !replica) {
    pg(
      "crossRegionBackup",
      "is required in production, e.g. { region: us-east-1, retentionDays: 30 }: copies of the automated backups in a second region are what a restore uses when the stack's region is lost",
    );
  }
  if (production && copies && copies.retentionDays < 7) {
    copiesAt("retentionDays", "must be at least 7 days in production (seeds: backups kept 30 days)");
  }

  if ((production || environment === "staging") && !data.postgres.multiAz) {
    pg(
      "multiAz",
      `must be true in ${environment}: a standby in a second AZ takes over when the primary's AZ fails`,
    );
  }
  if (production) {
    if (data.postgres.readReplicas < 1 && !replica) {
      pg("readReplicas", "must be at least 1 in production (seeds: 2) to serve reads and keep a warm copy");
    }
    if (data.postgres.masterPasswordRotationDays > 30) {
      pg(
        "masterPasswordRotationDays",
        "must be at most 30 days in production (seeds: credentials rotated every 30 days)",
      );
    }
    if (data.postgres.backupRetentionDays < 7) {
      pg("backupRetentionDays", "must be at least 7 days in production (seeds: 35)");
    }
    if (!data.postgres.deletionProtection) {
      pg("deletionProtection", "must be true in production");
    }
    if (isBurstable(data.postgres.instanceClass)) {
      pg(
        "instanceClass",
        "must not be a burstable (t) class in production: sustained load exhausts its CPU credits",
      );
    }
    if (!data.redis.automaticFailover) {
      redis("automaticFailover", "must be true in production: a replica takes over when the primary fails");
    }
    if (!data.redis.multiAz) {
      redis("multiAz", "must be true in production: nodes in several AZs survive the loss of one");
    }
    if (data.redis.authTokenRotationDays > 30 || data.redis.authTokenRotationDays < 1) {
      redis(
        "authTokenRotationDays",
        "must be from 1 to 30 days in production (seeds: credentials rotated every 30 days)",
      );
    }
    if (data.redis.snapshotRetentionDays < 7) {
      redis("snapshotRetentionDays", "must be at least 7 days in production");
    }
    if (isBurstable(data.redis.nodeType)) {
      redis(
        "nodeType",
        "must not be a burstable (t) node type in production: sustained load exhausts its CPU credits",
      );
    }
  }
  return problems;
}
