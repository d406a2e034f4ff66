/**
 * The limits AWS (RDS, ElastiCache) puts on the data tier's settings, as pure functions shared by
 * the components' arg validation and the `platform:data` config schema, so both report the same
 * problem with the same words.
 */
import { CLOUDWATCH_RETENTION_DAYS } from "../shared/logs";

/** One setting that AWS would reject (or that defeats the purpose), by field name. */
export interface SettingProblem {
  readonly field: string;
  readonly received: unknown;
  readonly message: string;
}

// ---------------------------------------------------------------------------------------------
// Maintenance, backup and snapshot windows (UTC)
// ---------------------------------------------------------------------------------------------

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const HHMM = "([01]\\d|2[0-3]):([0-5]\\d)";
const DAILY = new RegExp(`^${HHMM}-${HHMM}$`);
const WEEKLY = new RegExp(`^(${DAYS.join("|")}):${HHMM}-(${DAYS.join("|")}):${HHMM}$`);

/** A window on a circular clock: a day (daily windows) or a week (weekly windows), in minutes. */
export interface TimeWindow {
  readonly start: number;
  readonly length: number;
  readonly period: number;
}

function mod(value: number, period: number): number {
  return ((value % period) + period) % period;
}

/** Parses `hh24:mi-hh24:mi`; undefined when malformed. A window may cross midnight. */
export function parseDailyWindow(text: string): TimeWindow | undefined {
  const m = DAILY.exec(text);
  if (!m) {
    return undefined;
  }
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  return { start, length: mod(end - start, MINUTES_PER_DAY), period: MINUTES_PER_DAY };
}

/** Parses `ddd:hh24:mi-ddd:hh24:mi` (lowercase days, as AWS returns them); undefined when malformed. */
export function parseWeeklyWindow(text: string): TimeWindow | undefined {
  const m = WEEKLY.exec(text);
  if (!m) {
    return undefined;
  }
  const at = (day: string, h: string, mi: string) =>
    DAYS.indexOf(day as (typeof DAYS)[number]) * MINUTES_PER_DAY + Number(h) * 60 + Number(mi);
  const start = at(m[1], m[2], m[3]);
  return { start, length: mod(at(m[4], m[5], m[6]) - start, MINUTES_PER_WEEK), period: MINUTES_PER_WEEK };
}

/** Whether a daily window and a weekly window share a minute (windows that only touch do not). */
export function dailyOverlapsWeekly(daily: TimeWindow, weekly: TimeWindow): boolean {
  for (let day = 0; day < 7; day++) {
    const a = day * MINUTES_PER_DAY + daily.start;
    if (
      mod(weekly.start - a, MINUTES_PER_WEEK) < daily.length ||
      mod(a - weekly.start, MINUTES_PER_WEEK) < weekly.length
    ) {
      return true;
    }
  }
  return false;
}

/** The shape each kind of window must have, and how to parse it. */
const WINDOW_KINDS = {
  daily: {
    parse: parseDailyWindow,
    format: "must be a daily UTC window 'hh24:mi-hh24:mi', e.g. 03:00-04:00",
  },
  weekly: {
    parse: parseWeeklyWindow,
    format:
      "must be a weekly UTC window 'ddd:hh24:mi-ddd:hh24:mi' with lowercase days, e.g. sun:04:00-sun:05:00",
  },
} as const;

/** A window that is malformed or shorter than the service needs. */
function windowProblem(
  kind: keyof typeof WINDOW_KINDS,
  field: string,
  value: string,
  minMinutes: number,
  what: string,
): SettingProblem | undefined {
  const w = WINDOW_KINDS[kind].parse(value);
  if (!w) {
    return { field, received: value, message: WINDOW_KINDS[kind].format };
  }
  if (w.length < minMinutes) {
    return {
      field,
      received: value,
      message: `lasts ${w.length} minutes; ${what} needs at least ${minMinutes}`,
    };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Instance classes and node types
// ---------------------------------------------------------------------------------------------

/** Graviton and current Intel families RDS for PostgreSQL 16/17 offers and that we support. */
export const DB_INSTANCE_FAMILIES = [
  "db.t4g",
  "db.m6g",
  "db.m7g",
  "db.r6g",
  "db.r7g",
  "db.m6i",
  "db.r6i",
] as const;
/** Current-generation ElastiCache families (no data tiering, no previous generations). */
export const CACHE_NODE_FAMILIES = ["cache.t4g", "cache.m6g", "cache.m7g", "cache.r6g", "cache.r7g"] as const;
const SIZE = /^(micro|small|medium|large|xlarge|(2|4|8|12|16|24|32)xlarge)$/;

function familyProblem(
  field: string,
  value: string,
  families: readonly string[],
  example: string,
): SettingProblem | undefined {
  const dot = value.lastIndexOf(".");
  const family = value.slice(0, dot);
  if (dot < 0 || !families.includes(family) || !SIZE.test(value.slice(dot + 1))) {
    return {
      field,
      received: value,
      message: `must be <family>.<size> with a family from ${families.join(", ")}, e.g. ${example}`,
    };
  }
  return undefined;
}

/** Burstable classes (t-families) run out of CPU credits under sustained load. */
export function isBurstable(classOrNodeType: string): boolean {
  return /^(db|cache)\.t\d/.test(classOrNodeType);
}

// ---------------------------------------------------------------------------------------------
// Shared small checks
// ---------------------------------------------------------------------------------------------

function intRange(
  field: string,
  value: number,
  min: number,
  max: number,
  why = "the range AWS accepts",
): SettingProblem | undefined {
  if (!Number.isInteger(value) || value < min || value > max) {
    return { field, received: value, message: `must be an integer from ${min} to ${max} (${why})` };
  }
  return undefined;
}

function logRetentionProblem(field: string, value: number): SettingProblem | undefined {
  if (!(CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(value)) {
    return {
      field,
      received: value,
      message: `must be a retention CloudWatch Logs accepts: ${CLOUDWATCH_RETENTION_DAYS.join(", ")} days`,
    };
  }
  return undefined;
}

function defined(problems: (SettingProblem | undefined)[]): SettingProblem[] {
  return problems.filter((p): p is SettingProblem => p !== undefined);
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------------------------

export const POSTGRES_MAJOR_VERSIONS = [16, 17] as const;
export const STORAGE_GB = { min: 20, max: 65536 } as const;
/** RDS for PostgreSQL allows up to 15 read replicas per source. */
export const MAX_READ_REPLICAS = 15;
export const BACKUP_RETENTION_DAYS = { min: 1, max: 35 } as const;
export const MONITORING_INTERVALS = [1, 5, 10, 15, 30, 60] as const;

/** The PostgreSQL settings that vary per environment (all resolved, no defaults left). */
export interface PostgresSettings {
  readonly engineMajorVersion: number;
  readonly instanceClass: string;
  readonly allocatedStorage: number;
  readonly maxAllocatedStorage: number;
  readonly readReplicas: number;
  readonly backupRetentionDays: number;
  readonly backupWindow: string;
  readonly maintenanceWindow: string;
  readonly performanceInsightsRetentionDays: number;
  readonly monitoringIntervalSeconds: number;
  readonly logRetentionDays: number;
}

/** Performance Insights keeps 7 days (free tier), 731 days, or a whole number of 31-day months. */
export function isPerformanceInsightsRetention(days: number): boolean {
  return (
    days === 7 || days === 731 || (Number.isInteger(days) && days % 31 === 0 && days >= 31 && days <= 713)
  );
}

/** Every AWS limit the PostgreSQL settings break; empty when RDS would accept them. */
export function postgresSettingsProblems(s: PostgresSettings): SettingProblem[] {
  const problems = defined([
    (POSTGRES_MAJOR_VERSIONS as readonly number[]).includes(s.engineMajorVersion)
      ? undefined
      : {
          field: "engineMajorVersion",
          received: s.engineMajorVersion,
          message: `must be one of ${POSTGRES_MAJOR_VERSIONS.join(", ")} (majors in RDS standard support)`,
        },
    familyProblem("instanceClass", s.instanceClass, DB_INSTANCE_FAMILIES, "db.r6g.xlarge"),
    intRange(
      "allocatedStorage",
      s.allocatedStorage,
      STORAGE_GB.min,
      STORAGE_GB.max,
      "GiB of gp3 storage RDS accepts",
    ),
    intRange(
      "maxAllocatedStorage",
      s.maxAllocatedStorage,
      STORAGE_GB.min,
      STORAGE_GB.max,
      "GiB of gp3 storage RDS accepts",
    ),
    intRange(
      "readReplicas",
      s.readReplicas,
      0,
      MAX_READ_REPLICAS,
      "RDS for PostgreSQL allows at most 15 read replicas",
    ),
    Number.isInteger(s.backupRetentionDays) && s.backupRetentionDays === 0
      ? {
          field: "backupRetentionDays",
          received: 0,
          message: "0 turns off automated backups and point-in-time recovery; use 1 to 35 days",
        }
      : intRange(
          "backupRetentionDays",
          s.backupRetentionDays,
          BACKUP_RETENTION_DAYS.min,
          BACKUP_RETENTION_DAYS.max,
        ),
    windowProblem("daily", "backupWindow", s.backupWindow, 30, "an RDS backup window"),
    windowProblem("weekly", "maintenanceWindow", s.maintenanceWindow, 30, "an RDS maintenance window"),
    isPerformanceInsightsRetention(s.performanceInsightsRetentionDays)
      ? undefined
      : {
          field: "performanceInsightsRetentionDays",
          received: s.performanceInsightsRetentionDays,
          message: "must be 7, 731, or a multiple of 31 up to 713 (the values Performance Insights accepts)",
        },
    (MONITORING_INTERVALS as readonly number[]).includes(s.monitoringIntervalSeconds)
      ? undefined
      : {
          field: "monitoringIntervalSeconds",
          received: s.monitoringIntervalSeconds,
          message: `must be one of ${MONITORING_INTERVALS.join(", ")} seconds (0, which turns enhanced monitoring off, is not offered)`,
        },
    logRetentionProblem("logRetentionDays", s.logRetentionDays),
  ]);
  const minimumMax = Math.ceil((s.allocatedStorage * 11) / 10);
  if (
    Number.isInteger(s.allocatedStorage) &&
    Number.isInteger(s.maxAllocatedStorage) &&
    s.maxAllocatedStorage < minimumMax
  ) {
    problems.push({
      field: "maxAllocatedStorage",
      received: s.maxAllocatedStorage,
      message: `must be at least 10% above allocatedStorage (${s.allocatedStorage} GiB), i.e. ${minimumMax} or more, for storage autoscaling`,
    });
  }
  problems.push(...maintenanceOverlap(s.backupWindow, "backup", s.maintenanceWindow, "RDS"));
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Redis
// ---------------------------------------------------------------------------------------------

export const REDIS_ENGINE_VERSIONS = ["7.0", "7.1"] as const;
/** A primary plus at most 5 replicas in a cluster-mode-disabled replication group. */
export const CACHE_CLUSTERS = { min: 1, max: 6 } as const;
export const SNAPSHOT_RETENTION_DAYS = { min: 1, max: 35 } as const;
export const MAXMEMORY_POLICIES = ["volatile-lru", "allkeys-lru", "volatile-lfu", "allkeys-lfu"] as const;
/** ROTATE keeps the previous AUTH token valid next to the new one; SET leaves only the new one. */
export const AUTH_TOKEN_UPDATE_STRATEGIES = ["ROTATE", "SET"] as const;

/** The Redis settings that vary per environment (all resolved). */
export interface RedisSettings {
  readonly engineVersion: string;
  readonly nodeType: string;
  readonly numCacheClusters: number;
  readonly automaticFailover: boolean;
  readonly multiAz: boolean;
  readonly snapshotRetentionDays: number;
  readonly snapshotWindow: string;
  readonly maintenanceWindow: string;
  readonly maxmemoryPolicy: string;
  readonly logRetentionDays: number;
  readonly authTokenVersion: number;
  readonly authTokenUpdateStrategy: string;
}

/** Every AWS limit the Redis settings break; empty when ElastiCache would accept them. */
export function redisSettingsProblems(s: RedisSettings): SettingProblem[] {
  const problems = defined([
    (REDIS_ENGINE_VERSIONS as readonly string[]).includes(s.engineVersion)
      ? undefined
      : {
          field: "engineVersion",
          received: s.engineVersion,
          message: `must be one of ${REDIS_ENGINE_VERSIONS.join(", ")} (Redis 7, parameter family redis7)`,
        },
    familyProblem("nodeType", s.nodeType, CACHE_NODE_FAMILIES, "cache.r6g.large"),
    intRange(
      "numCacheClusters",
      s.numCacheClusters,
      CACHE_CLUSTERS.min,
      CACHE_CLUSTERS.max,
      "a primary plus up to 5 replicas",
    ),
    Number.isInteger(s.snapshotRetentionDays) && s.snapshotRetentionDays === 0
      ? {
          field: "snapshotRetentionDays",
          received: 0,
          message: "0 turns off automatic snapshots; use 1 to 35 days",
        }
      : intRange(
          "snapshotRetentionDays",
          s.snapshotRetentionDays,
          SNAPSHOT_RETENTION_DAYS.min,
          SNAPSHOT_RETENTION_DAYS.max,
        ),
    windowProblem("daily", "snapshotWindow", s.snapshotWindow, 60, "an ElastiCache snapshot window"),
    windowProblem(
      "weekly",
      "maintenanceWindow",
      s.maintenanceWindow,
      60,
      "an ElastiCache maintenance window",
    ),
    (MAXMEMORY_POLICIES as readonly string[]).includes(s.maxmemoryPolicy)
      ? undefined
      : {
          field: "maxmemoryPolicy",
          received: s.maxmemoryPolicy,
          message: `must be one of ${MAXMEMORY_POLICIES.join(", ")} (evicting policies suited to a cache)`,
        },
    logRetentionProblem("logRetentionDays", s.logRetentionDays),
    Number.isInteger(s.authTokenVersion) && s.authTokenVersion >= 1
      ? undefined
      : {
          field: "authTokenVersion",
          received: s.authTokenVersion,
          message: "must be an integer of 1 or more; raise it to rotate the AUTH token",
        },
    (AUTH_TOKEN_UPDATE_STRATEGIES as readonly string[]).includes(s.authTokenUpdateStrategy)
      ? undefined
      : {
          field: "authTokenUpdateStrategy",
          received: s.authTokenUpdateStrategy,
          message:
            "must be ROTATE (old and new token both valid while clients move) or SET (only the new token)",
        },
  ]);
  if (s.automaticFailover && s.numCacheClusters < 2) {
    problems.push({
      field: "automaticFailover",
      received: s.automaticFailover,
      message: `needs numCacheClusters of 2 or more (a replica to promote); numCacheClusters is ${s.numCacheClusters}`,
    });
  }
  if (s.multiAz && !s.automaticFailover) {
    problems.push({
      field: "multiAz",
      received: s.multiAz,
      message: "needs automaticFailover: true (ElastiCache Multi-AZ promotes a replica in another AZ)",
    });
  }
  problems.push(...maintenanceOverlap(s.snapshotWindow, "snapshot", s.maintenanceWindow, "ElastiCache"));
  return problems;
}

/** The weekly maintenance window must not overlap the daily backup/snapshot window. */
function maintenanceOverlap(
  daily: string,
  dailyKind: string,
  weekly: string,
  service: string,
): SettingProblem[] {
  const d = parseDailyWindow(daily);
  const w = parseWeeklyWindow(weekly);
  if (d && w && dailyOverlapsWeekly(d, w)) {
    return [
      {
        field: "maintenanceWindow",
        received: weekly,
        message: `overlaps the daily ${dailyKind} window ${daily}; ${service} requires them to be disjoint`,
      },
    ];
  }
  return [];
}

/** Renders problems for an args error: `field (received value): message`. */
export function formatSettingProblems(component: string, problems: readonly SettingProblem[]): string {
  return `Invalid ${component} arguments:\n- ${problems.map((p) => `${p.field} (received ${JSON.stringify(p.received)}): ${p.message}`).join("\n- ")}`;
}
