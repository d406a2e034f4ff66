/**
 * Recovery policies: the recovery objectives the stack declares are computed from the mechanisms in
 * the plan (not claimed), and the database and cache credentials rotate.
 *
 * The recovery model (`recoveryModel`) reads each stateful component of the plan (RDS primaries,
 * ElastiCache replication groups, Vault's Raft cluster) and gives, for two scenarios, the recovery
 * point (minutes of data lost) and time (minutes unavailable) its mechanisms deliver:
 * - `failover`: its instance, node or availability zone is lost (what the objectives are checked on);
 * - `restore`: its data must be rebuilt from backups (corruption, deletion); for the runbook;
 * - `region`: its whole region is lost (policy/standby.ts: a warm standby's replicas, or copies);
 *   checked against the RTO when the policy's `regionLoss` is on (decision 0143).
 * The figures are planning estimates (table {@link RECOVERY_ESTIMATES}), not AWS guarantees.
 */
import type { PolicyResource } from "@pulumi/policy";
import { BACKUP_PLAN, rulesOf, selectionsOf, selectsByTag } from "./backup";
import { asArray, asRecord, effectiveTags, parseJsonish, violation } from "./lib/props";
import type { PlatformStackPolicy } from "./lib/types";
import { postgresRegionRecovery, redisRegionRecovery, vaultRegionRecovery } from "./standby";

/**
 * Minutes each mechanism delivers. Sources: RDS uploads transaction logs every 5 minutes (PITR
 * `LatestRestorableTime`); RDS Multi-AZ failover typically 60-120 s; ElastiCache failover to a replica
 * typically under a minute plus DNS; restore times are estimates of creating a new instance (RDS:
 * 20 minutes plus about 6 s per GiB; a cache or a Vault cluster: 20 and 30 minutes).
 */
export const RECOVERY_ESTIMATES = {
  pitrRpo: 5,
  rdsMultiAzFailover: 2,
  rdsReplicaPromotion: 10,
  rdsRestoreBase: 20,
  rdsRestorePerGiB: 0.1,
  cacheReplicationRpo: 1,
  cacheFailover: 2,
  cacheRestore: 20,
  raftElection: 1,
  vaultRestore: 30,
} as const;

/** One scenario's figures; `Infinity` when no mechanism recovers. */
export interface Recovery {
  readonly rpoMinutes: number;
  readonly rtoMinutes: number;
  /** The mechanisms, in words. */
  readonly how: string;
}

export interface ComponentRecovery {
  /** Resource name in the plan. */
  readonly component: string;
  readonly kind: "PostgreSQL (RDS)" | "Redis (ElastiCache)" | "Vault (Raft)";
  readonly urn: string;
  readonly failover: Recovery;
  readonly restore: Recovery;
  readonly region: Recovery;
}

const RDS = "aws:rds/instance:Instance";
const CACHE = "aws:elasticache/replicationGroup:ReplicationGroup";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const CRONJOB = "kubernetes:batch/v1:CronJob";

/** Hours between runs of the fastest AWS Backup snapshot rule selecting by tag; undefined without one. */
function backupPlanHours(resources: readonly PolicyResource[]): number | undefined {
  const hours = resources
    .filter((p) => p.type === BACKUP_PLAN && selectionsOf(resources, p).some(selectsByTag))
    .flatMap((p) => rulesOf(p).filter((r) => !r.continuous))
    .map((r) => r.intervalHours)
    .filter((h): h is number => h !== undefined);
  return hours.length ? Math.min(...hours) : undefined;
}

function hasContinuousBackup(resources: readonly PolicyResource[]): boolean {
  return resources.some(
    (p) =>
      p.type === BACKUP_PLAN &&
      rulesOf(p).some((r) => r.continuous) &&
      selectionsOf(resources, p).some(selectsByTag),
  );
}

function postgres(db: PolicyResource, resources: readonly PolicyResource[]): ComponentRecovery {
  const e = RECOVERY_ESTIMATES;
  const replicas = resources.filter(
    (r) => r.type === RDS && r.props.replicateSourceDb && r.dependencies.some((d) => d.urn === db.urn),
  );
  const tagged = effectiveTags(db.props, db.provider).BackupRequired === "true";
  const pitr = Number(db.props.backupRetentionPeriod ?? 1) > 0 || (tagged && hasContinuousBackup(resources));
  const planHours = tagged ? backupPlanHours(resources) : undefined;
  const restoreRpo = pitr ? e.pitrRpo : planHours !== undefined ? planHours * 60 : Infinity;
  const storage = Number(db.props.allocatedStorage ?? 0);
  const restore: Recovery = {
    rpoMinutes: restoreRpo,
    rtoMinutes:
      restoreRpo === Infinity ? Infinity : Math.ceil(e.rdsRestoreBase + e.rdsRestorePerGiB * storage),
    how: pitr
      ? `point-in-time restore (${storage} GiB)`
      : planHours !== undefined
        ? `restore of a ${planHours}-hourly snapshot`
        : "no backup",
  };
  const failover: Recovery =
    db.props.multiAz === true
      ? {
          rpoMinutes: 0,
          rtoMinutes: e.rdsMultiAzFailover,
          how: "Multi-AZ synchronous standby, automatic failover",
        }
      : replicas.length > 0
        ? {
            rpoMinutes: 1,
            rtoMinutes: e.rdsReplicaPromotion,
            how: "promotion of an asynchronous read replica",
          }
        : { ...restore, how: `no standby: ${restore.how}` };
  const region = postgresRegionRecovery(db, resources);
  return { component: db.name, kind: "PostgreSQL (RDS)", urn: db.urn, failover, restore, region };
}

function redis(rg: PolicyResource, resources: readonly PolicyResource[]): ComponentRecovery {
  const e = RECOVERY_ESTIMATES;
  const snapshots = Number(rg.props.snapshotRetentionLimit ?? 0) > 0;
  const restore: Recovery = snapshots
    ? {
        rpoMinutes: 24 * 60,
        rtoMinutes: e.cacheRestore,
        how: "new replication group from the daily snapshot",
      }
    : { rpoMinutes: Infinity, rtoMinutes: Infinity, how: "no snapshot" };
  const replicated = Number(rg.props.numCacheClusters ?? 1) > 1 && rg.props.automaticFailoverEnabled === true;
  const failover: Recovery = replicated
    ? {
        rpoMinutes: e.cacheReplicationRpo,
        rtoMinutes: e.cacheFailover,
        how: "asynchronous replica, automatic failover",
      }
    : { ...restore, how: `no replica: ${restore.how}` };
  const region = redisRegionRecovery(rg, resources);
  return { component: rg.name, kind: "Redis (ElastiCache)", urn: rg.urn, failover, restore, region };
}

/** Hours between runs of a 5-field Kubernetes cron schedule (`0 *\/6 * * *` gives 6). */
export function kubernetesCronHours(schedule: unknown): number | undefined {
  const f = typeof schedule === "string" ? schedule.trim().split(/\s+/) : [];
  if (f.length !== 5) {
    return undefined;
  }
  const step = /^(\*|\d+)\/(\d+)$/.exec(f[1]);
  return f[1] === "*"
    ? 1
    : step
      ? Number(step[2])
      : /^\d+$/.test(f[1])
        ? f[4] === "*"
          ? 24
          : 168
        : undefined;
}

function vault(release: PolicyResource, resources: readonly PolicyResource[]): ComponentRecovery {
  const e = RECOVERY_ESTIMATES;
  const server = asRecord(asRecord(parseJsonish(release.props.values)).server);
  const ha = asRecord(server.ha);
  const replicas = ha.enabled === true ? Number(ha.replicas ?? 3) : 1;
  const namespace = release.props.namespace;
  const hours = resources
    .filter((r) => r.type === CRONJOB && String(asRecord(r.props.metadata).name ?? "").includes("snapshot"))
    .filter((r) => asRecord(r.props.metadata).namespace === namespace)
    .map((r) => kubernetesCronHours(asRecord(r.props.spec).schedule))
    .filter((h): h is number => h !== undefined);
  const restore: Recovery = hours.length
    ? {
        rpoMinutes: Math.min(...hours) * 60,
        rtoMinutes: e.vaultRestore,
        how: `Raft snapshot every ${Math.min(...hours)} h`,
      }
    : { rpoMinutes: Infinity, rtoMinutes: Infinity, how: "no snapshot" };
  const failover: Recovery =
    asRecord(ha.raft).enabled === true && replicas >= 3
      ? { rpoMinutes: 0, rtoMinutes: e.raftElection, how: `Raft quorum of ${replicas}, leader election` }
      : { ...restore, how: `single server: ${restore.how}` };
  const region = vaultRegionRecovery(resources, hours.length ? Math.min(...hours) : undefined);
  return { component: release.name, kind: "Vault (Raft)", urn: release.urn, failover, restore, region };
}

/** Every stateful component of the plan with what its mechanisms deliver. */
export function recoveryModel(resources: readonly PolicyResource[]): ComponentRecovery[] {
  return [
    ...resources
      .filter((r) => r.type === RDS && !r.props.replicateSourceDb)
      .map((r) => postgres(r, resources)),
    // A Global Datastore secondary is the standby of another stack's group, not a component here.
    ...resources
      .filter((r) => r.type === CACHE && !r.props.globalReplicationGroupId)
      .map((r) => redis(r, resources)),
    ...resources
      .filter((r) => r.type === RELEASE && r.props.chart === "vault")
      .map((r) => vault(r, resources)),
  ];
}

/** The objectives declared on a backup plan's tags; undefined when none declares both. */
export function declaredObjectives(
  resources: readonly PolicyResource[],
): { rpo: number; rto: number } | undefined {
  for (const plan of resources.filter((r) => r.type === BACKUP_PLAN)) {
    const tags = asRecord(plan.props.tags);
    const rpo = Number(tags.RecoveryPointObjectiveMinutes);
    const rto = Number(tags.RecoveryTimeObjectiveMinutes);
    if (Number.isFinite(rpo) && Number.isFinite(rto) && rpo > 0 && rto > 0) {
      return { rpo, rto };
    }
  }
  return undefined;
}

const fmt = (minutes: number) => (minutes === Infinity ? "never" : `${minutes} min`);

export const recoveryObjectivesAchievable: PlatformStackPolicy = {
  name: "recovery-objectives-achievable",
  description:
    "The stack declares RPO and RTO, and each stateful component's mechanisms (standbys, replicas, PITR, snapshots) achieve them when it is lost.",
  severity: "high",
  enforcementLevel: "advisory",
  category: "Disaster Recovery",
  group: "Reliability",
  references: [
    "AWS Well-Architected REL13-BP01 (define recovery objectives)",
    "REL13-BP02 (recovery strategies that meet them)",
  ],
  configSchema: { properties: { regionLoss: { type: "boolean", default: false } } },
  validateStack: (args, report) => {
    const { regionLoss } = args.getConfig<{ regionLoss: boolean }>();
    const components = recoveryModel(args.resources);
    if (components.length === 0) {
      args.notApplicable("No stateful component (RDS, ElastiCache, Vault) in the stack");
    }
    const objectives = declaredObjectives(args.resources);
    if (!objectives) {
      report(
        violation(
          "The stack declares no recovery objectives",
          "tag an aws.backup.Plan with RecoveryPointObjectiveMinutes and RecoveryTimeObjectiveMinutes (platform:recovery).",
        ),
      );
      return;
    }
    for (const c of components) {
      const f = c.failover;
      const misses = [
        ...(f.rpoMinutes > objectives.rpo
          ? [
              `${f.rpoMinutes === Infinity ? "loses all its data" : `loses up to ${fmt(f.rpoMinutes)} of data`} (RPO ${objectives.rpo} min)`,
            ]
          : []),
        ...(f.rtoMinutes > objectives.rto
          ? [`is back after ${fmt(f.rtoMinutes)} (RTO ${objectives.rto} min)`]
          : []),
      ];
      if (misses.length > 0) {
        report(
          violation(
            `${c.kind} '${c.component}' ${misses.join(" and ")}: its recovery relies on ${f.how}`,
            `add a standby or replica with automatic failover to '${c.component}' (Multi-AZ, replicas, Raft quorum), or declare objectives it can meet.`,
          ),
          c.urn,
        );
      }
      // Losing the region: the time only (decision 0143); the data lost is in the failover runbook.
      if (regionLoss && c.region.rtoMinutes > objectives.rto) {
        report(
          violation(
            `${c.kind} '${c.component}' is back after ${fmt(c.region.rtoMinutes)} when its region is lost (RTO ${objectives.rto} min): its recovery relies on ${c.region.how}`,
            `give the stack a warm standby (platform:standby, docs/runbooks/failover.md) that holds a promotable replica of '${c.component}', or declare an RTO its copies can meet.`,
          ),
          c.urn,
        );
      }
    }
  },
};

/** Days between rotations of a SecretRotation, or undefined when it has no readable schedule. */
export function rotationDays(rotation: PolicyResource): number | undefined {
  const rules = asRecord(rotation.props.rotationRules);
  if (typeof rules.automaticallyAfterDays === "number") {
    return rules.automaticallyAfterDays;
  }
  const rate = /^rate\((\d+) days?\)$/.exec(String(rules.scheduleExpression ?? ""));
  return rate ? Number(rate[1]) : undefined;
}

export const secretRotationEnabled: PlatformStackPolicy = {
  name: "secret-rotation-enabled",
  description:
    "Database master credentials rotate through Secrets Manager, and cache AUTH tokens declare their rotation, at most every N days.",
  severity: "high",
  enforcementLevel: "advisory",
  category: "Storage and Backup",
  group: "Security",
  references: [
    "AWS FSBP SecretsManager.1 / SecretsManager.4 (rotation, within 90 days)",
    "CIS AWS 1.x (rotate credentials)",
  ],
  configSchema: { properties: { maxDays: { type: "integer", minimum: 1, default: 30 } } },
  validateStack: (args, report) => {
    const { maxDays } = args.getConfig<{ maxDays: number }>();
    const dbs = args.resources.filter((r) => r.type === RDS && !r.props.replicateSourceDb);
    const caches = args.resources.filter(
      (r) =>
        r.type === CACHE && r.props.authToken !== undefined && asArray(r.props.userGroupIds).length === 0,
    );
    if (dbs.length + caches.length === 0) {
      args.notApplicable("No database or cache credential in the stack");
    }
    const rotations = args.resources.filter(
      (r) => r.type === "aws:secretsmanager/secretRotation:SecretRotation",
    );
    for (const db of dbs) {
      // The rotation of the database's secret: registered by the same component (same parent).
      const own = rotations.filter((r) => r.parent !== undefined && r.parent.urn === db.parent?.urn);
      const days = own.map(rotationDays).filter((d): d is number => d !== undefined);
      if (days.length === 0 || Math.min(...days) > maxDays) {
        report(
          violation(
            days.length === 0
              ? `Database '${db.name}' has no rotation of its master credential`
              : `Database '${db.name}' rotates its master credential every ${Math.min(...days)} days, more than ${maxDays}`,
            `add an aws.secretsmanager.SecretRotation of the master secret of '${db.name}' with 'rotationRules.automaticallyAfterDays' at most ${maxDays}.`,
          ),
          db.urn,
        );
      }
    }
    for (const rg of caches) {
      const declared = Number(asRecord(rg.props.tags).AuthTokenRotationDays);
      if (!Number.isFinite(declared) || declared > maxDays) {
        report(
          violation(
            `Cache '${rg.name}' has an AUTH token without a rotation period of at most ${maxDays} days`,
            `rotate the AUTH token (ROTATE then SET, docs/runbooks/disaster-recovery.md) and tag '${rg.name}' AuthTokenRotationDays with a period of at most ${maxDays}, or use IAM authentication (user groups).`,
          ),
          rg.urn,
        );
      }
    }
  },
};

export const recoveryPolicies: readonly PlatformStackPolicy[] = [
  recoveryObjectivesAchievable,
  secretRotationEnabled,
];
