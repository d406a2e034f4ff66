/**
 * Warm standby (docs/decisions/0143): what each stateful component of a stack delivers when its
 * whole region is lost, and whether a standby stack's replicas can be promoted.
 *
 * A primary stack's plan holds one side of the pair only. It counts the standby for a component when
 * the stack declares its standby stack (the `StandbyStack` tag on the backup plan that states the
 * objectives) AND its own plan carries its side of that component's replication:
 * - PostgreSQL: the standby's cross-region read replica lives in the standby's plan; the primary
 *   counts it on the declaration, and the standby's own pack run (`standby-replicas-promotable`
 *   with `requireStandby`) proves the replica exists and is promotable;
 * - Redis: a Global Datastore whose primary member is the group;
 * - Vault: the Raft snapshots replicated to another region (an S3 replication of the snapshot bucket),
 *   restored into the standby's running Vault.
 * The figures are planning estimates, not AWS guarantees (table {@link REGION_ESTIMATES}).
 */
import type { PolicyResource } from "@pulumi/policy";
import { asRecord, violation } from "./lib/props";
import type { PlatformStackPolicy } from "./lib/types";

/**
 * Minutes each cross-region mechanism takes. Sources: RDS read replica promotion takes "a few
 * minutes" (10 kept, as for a same-region promotion) and replica lag is typically seconds;
 * ElastiCache Global Datastore promotion of a secondary typically takes under a minute, replication
 * lag typically under a second; restoring a Raft snapshot into a running Vault, a few minutes;
 * restoring RDS from replicated automated backups: 20 minutes plus about 6 s per GiB.
 */
export const REGION_ESTIMATES = {
  crossRegionReplicaLag: 1,
  crossRegionPromotion: 10,
  globalDatastoreFailover: 2,
  vaultSnapshotRestore: 5,
  rdsRestoreBase: 20,
  rdsRestorePerGiB: 0.1,
} as const;

const RDS = "aws:rds/instance:Instance";
const CACHE = "aws:elasticache/replicationGroup:ReplicationGroup";
const GLOBAL_DATASTORE = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup";
const BACKUP_REPLICATION = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication";
const BUCKET_REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";
const BACKUP_PLAN = "aws:backup/plan:Plan";
const RELEASE = "kubernetes:helm.sh/v3:Release";

/** Recovery when the component's region is lost; `Infinity` when nothing outside the region recovers it. */
export interface RegionRecovery {
  readonly rpoMinutes: number;
  readonly rtoMinutes: number;
  readonly how: string;
}

/** The stack holding this stack's warm standby: the `StandbyStack` tag of a backup plan. */
export function declaredStandby(resources: readonly PolicyResource[]): string | undefined {
  for (const plan of resources.filter((r) => r.type === BACKUP_PLAN)) {
    const standby = asRecord(plan.props.tags).StandbyStack;
    if (typeof standby === "string" && standby !== "") {
      return standby;
    }
  }
  return undefined;
}

const NOTHING: RegionRecovery = {
  rpoMinutes: Infinity,
  rtoMinutes: Infinity,
  how: "nothing outside the region",
};

const dependsOn = (r: PolicyResource, target: PolicyResource) =>
  r.dependencies.some((d) => d.urn === target.urn);

/** What an RDS primary delivers when its region is lost. */
export function postgresRegionRecovery(
  db: PolicyResource,
  resources: readonly PolicyResource[],
): RegionRecovery {
  const e = REGION_ESTIMATES;
  const standby = declaredStandby(resources);
  if (standby) {
    return {
      rpoMinutes: e.crossRegionReplicaLag,
      rtoMinutes: e.crossRegionPromotion,
      how: `promotion of the cross-region read replica in ${standby}`,
    };
  }
  if (resources.some((r) => r.type === BACKUP_REPLICATION && dependsOn(r, db))) {
    const storage = Number(db.props.allocatedStorage ?? 0);
    return {
      rpoMinutes: 5,
      rtoMinutes: Math.ceil(e.rdsRestoreBase + e.rdsRestorePerGiB * storage),
      how: `point-in-time restore from the backups replicated to another region (${storage} GiB)`,
    };
  }
  return NOTHING;
}

/** What a Redis replication group delivers when its region is lost. */
export function redisRegionRecovery(
  rg: PolicyResource,
  resources: readonly PolicyResource[],
): RegionRecovery {
  const e = REGION_ESTIMATES;
  const standby = declaredStandby(resources);
  const global = resources.some((r) => r.type === GLOBAL_DATASTORE && dependsOn(r, rg));
  return standby && global
    ? {
        rpoMinutes: e.crossRegionReplicaLag,
        rtoMinutes: e.globalDatastoreFailover,
        how: `Global Datastore failover to the secondary in ${standby}`,
      }
    : { ...NOTHING, how: global ? "a Global Datastore without a declared standby stack" : NOTHING.how };
}

/** What Vault delivers when its region is lost, given its snapshot interval (hours). */
export function vaultRegionRecovery(
  resources: readonly PolicyResource[],
  snapshotHours: number | undefined,
): RegionRecovery {
  const standby = declaredStandby(resources);
  const replicated = resources.some((r) => r.type === BUCKET_REPLICATION);
  if (snapshotHours === undefined || !replicated) {
    return NOTHING;
  }
  return standby
    ? {
        rpoMinutes: snapshotHours * 60,
        rtoMinutes: REGION_ESTIMATES.vaultSnapshotRestore,
        how: `restore of the replicated Raft snapshot into the Vault of ${standby}`,
      }
    : {
        rpoMinutes: snapshotHours * 60,
        rtoMinutes: Infinity,
        how: "replicated Raft snapshots but no cluster to restore them into",
      };
}

/** An RDS instance replicating a source in another region (named by ARN). */
export function isCrossRegionReplica(r: PolicyResource): boolean {
  return (
    r.type === RDS &&
    typeof r.props.replicateSourceDb === "string" &&
    r.props.replicateSourceDb.startsWith("arn:")
  );
}

export const standbyReplicasPromotable: PlatformStackPolicy = {
  name: "standby-replicas-promotable",
  description:
    "A standby stack holds a promotable replica of each stateful component: a cross-region PostgreSQL read replica with backups and a key of its region, a Redis Global Datastore secondary, and Vault.",
  severity: "high",
  enforcementLevel: "advisory",
  category: "Disaster Recovery",
  group: "Reliability",
  references: [
    "AWS Well-Architected REL13-BP02 (recovery strategies: warm standby)",
    "Amazon RDS: promoting a read replica",
  ],
  configSchema: { properties: { requireStandby: { type: "boolean", default: false } } },
  validateStack: (args, report) => {
    const { requireStandby } = args.getConfig<{ requireStandby: boolean }>();
    const replicas = args.resources.filter(isCrossRegionReplica);
    const secondaries = args.resources.filter((r) => r.type === CACHE && r.props.globalReplicationGroupId);
    if (!requireStandby && replicas.length + secondaries.length === 0) {
      args.notApplicable(
        "No cross-region replica in the stack, and the stack is not required to be a standby",
      );
    }
    for (const db of replicas) {
      if (!(Number(db.props.backupRetentionPeriod ?? 0) > 0)) {
        report(
          violation(
            `Cross-region replica '${db.name}' keeps no automated backups: promoted, it starts without point-in-time recovery`,
            `set 'backupRetentionPeriod' (1 to 35) on '${db.name}'.`,
          ),
          db.urn,
        );
      }
      if (!db.props.kmsKeyId || db.props.storageEncrypted !== true) {
        report(
          violation(
            `Cross-region replica '${db.name}' names no KMS key of its region`,
            `set 'storageEncrypted: true' and 'kmsKeyId' to a key of the replica's region on '${db.name}'.`,
          ),
          db.urn,
        );
      }
    }
    if (requireStandby) {
      const missing = [
        ...(replicas.length === 0
          ? ["a cross-region PostgreSQL read replica (replicateSourceDb = the primary's ARN)"]
          : []),
        ...(secondaries.length === 0
          ? ["a Redis Global Datastore secondary (globalReplicationGroupId)"]
          : []),
        ...(args.resources.some((r) => r.type === RELEASE && r.props.chart === "vault")
          ? []
          : ["a Vault release"]),
      ];
      if (missing.length > 0) {
        report(
          violation(
            `The standby stack lacks ${missing.join(", ")}`,
            "build the stack with platform:standby.role: standby (docs/decisions/0140).",
          ),
        );
      }
    }
  },
};
