/** Data policies: RDS PostgreSQL and ElastiCache Redis exposure, encryption, availability, backups, TLS. */
import * as aws from "@pulumi/aws";
import { type PolicyResource, validateResourceOfType } from "@pulumi/policy";
import { asArray, asRecord, asStrings, dependenciesOfType, subjects, violation } from "./lib/props";
import type { PlatformResourcePolicy, PlatformStackPolicy } from "./lib/types";

export const rdsNotPublic: PlatformResourcePolicy = {
  name: "rds-not-publicly-accessible",
  description: "RDS instances are not publicly accessible.",
  severity: "critical",
  enforcementLevel: "mandatory",
  category: "Network Security",
  references: ["AWS FSBP RDS.2", "Checkov CKV_AWS_17"],
  validateResource: validateResourceOfType(aws.rds.Instance, (db, args, report) => {
    if (db.publiclyAccessible === true) {
      report(
        violation(
          `Database '${args.name}' is publicly accessible`,
          `set 'publiclyAccessible: false' on database '${args.name}'.`,
        ),
      );
    }
  }),
};

/**
 * A read replica whose source is given by identifier (not ARN): RDS resolves it in the replica's own
 * region. A source ARN may name another region, where the replica needs a key of its own region.
 */
function isSameRegionReplica(source: string | undefined): boolean {
  return typeof source === "string" && source !== "" && !source.startsWith("arn:");
}

export const rdsEncryptedCmk: PlatformResourcePolicy = {
  name: "rds-encrypted-cmk",
  description: "RDS storage and Performance Insights are encrypted with a customer-managed KMS key.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Storage and Backup",
  references: ["AWS FSBP RDS.3", "Checkov CKV_AWS_16", "Checkov CKV_AWS_354"],
  validateResource: validateResourceOfType(aws.rds.Instance, (db, args, report) => {
    // A replica of an instance named by identifier is in the same region: RDS encrypts it with its
    // source's key and refuses a kmsKeyId (InvalidParameterCombination). The source is judged itself.
    if (db.storageEncrypted !== true || (!db.kmsKeyId && !isSameRegionReplica(db.replicateSourceDb))) {
      report(
        violation(
          `Database '${args.name}' storage is not encrypted with a customer-managed key`,
          `set 'storageEncrypted: true' and 'kmsKeyId' on database '${args.name}'.`,
        ),
      );
    }
    if (db.performanceInsightsEnabled === true && !db.performanceInsightsKmsKeyId) {
      report(
        violation(
          `Database '${args.name}' Performance Insights data is not encrypted with a customer-managed key`,
          `set 'performanceInsightsKmsKeyId' on database '${args.name}'.`,
        ),
      );
    }
  }),
};

export const rdsMultiAz: PlatformResourcePolicy = {
  name: "rds-multi-az",
  description: "RDS instances run Multi-AZ with a synchronous standby.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Disaster Recovery",
  references: ["AWS FSBP RDS.5", "Checkov CKV_AWS_157"],
  validateResource: validateResourceOfType(aws.rds.Instance, (db, args, report) => {
    // A same-region replica follows its source; a cross-region one is a standby to be promoted
    // (decision 0143): its own availability counts.
    if (isSameRegionReplica(db.replicateSourceDb)) {
      args.notApplicable("Read replicas follow their source's availability");
    }
    if (db.multiAz !== true) {
      report(
        violation(
          `Database '${args.name}' runs in a single availability zone`,
          `set 'multiAz: true' on database '${args.name}'.`,
        ),
      );
    }
  }),
};

export const rdsBackupRetention: PlatformResourcePolicy = {
  name: "rds-backup-retention",
  description: "RDS automated backups are kept at least the configured number of days.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Storage and Backup",
  references: ["AWS FSBP RDS.11", "Checkov CKV_AWS_133"],
  configSchema: { properties: { minDays: { type: "integer", minimum: 1, maximum: 35, default: 7 } } },
  validateResource: validateResourceOfType(aws.rds.Instance, (db, args, report) => {
    const { minDays } = args.getConfig<{ minDays: number }>();
    // A cross-region replica keeps backups so that it is promoted with them (decision 0143).
    if (isSameRegionReplica(db.replicateSourceDb)) {
      args.notApplicable("Read replicas have no automated backups of their own");
    }
    const days = db.backupRetentionPeriod ?? 1; // RDS default for the API
    if (days < minDays) {
      report(
        violation(
          `Database '${args.name}' keeps backups ${days} day(s), less than ${minDays}`,
          `set 'backupRetentionPeriod' to at least ${minDays} on database '${args.name}'.`,
        ),
      );
    }
  }),
};

export const rdsDeletionProtection: PlatformResourcePolicy = {
  name: "rds-deletion-protection",
  description:
    "RDS instances (not read replicas) have deletion protection on and take a final snapshot when deleted.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Disaster Recovery",
  references: ["AWS FSBP RDS.8", "Checkov CKV_AWS_293"],
  validateResource: validateResourceOfType(aws.rds.Instance, (db, args, report) => {
    // A read replica holds no data of its own and must stay removable (lowering the replica count);
    // a cross-region replica is the standby the recovery time counts on (decision 0143).
    if (db.deletionProtection !== true && !isSameRegionReplica(db.replicateSourceDb)) {
      report(
        violation(
          `Database '${args.name}' can be deleted without protection`,
          `set 'deletionProtection: true' on database '${args.name}'.`,
        ),
      );
    }
    // RDS takes no final snapshot of a read replica: it holds no data of its own.
    if (!db.replicateSourceDb && (db.skipFinalSnapshot === true || !db.finalSnapshotIdentifier)) {
      report(
        violation(
          `Database '${args.name}' would be deleted without a final snapshot`,
          `set 'skipFinalSnapshot: false' and 'finalSnapshotIdentifier' on database '${args.name}'.`,
        ),
      );
    }
  }),
};

export const rdsMonitoringEnabled: PlatformResourcePolicy = {
  name: "rds-monitoring-enabled",
  description: "RDS instances have enhanced monitoring, Performance Insights and engine logs in CloudWatch.",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "Monitoring and Observability",
  references: ["AWS FSBP RDS.9", "Checkov CKV_AWS_118", "Checkov CKV_AWS_353"],
  configSchema: {
    properties: { requiredLogExports: { type: "array", items: { type: "string" }, default: ["postgresql"] } },
  },
  validateResource: validateResourceOfType(aws.rds.Instance, (db, args, report) => {
    const { requiredLogExports } = args.getConfig<{ requiredLogExports: string[] }>();
    if (!db.monitoringInterval || !db.monitoringRoleArn) {
      report(
        violation(
          `Database '${args.name}' has no enhanced monitoring`,
          `set 'monitoringInterval' (e.g. 60) and 'monitoringRoleArn' on database '${args.name}'.`,
        ),
      );
    }
    if (db.performanceInsightsEnabled !== true) {
      report(
        violation(
          `Database '${args.name}' has no Performance Insights`,
          `set 'performanceInsightsEnabled: true' on database '${args.name}'.`,
        ),
      );
    }
    const exports = asStrings(db.enabledCloudwatchLogsExports);
    const missing = requiredLogExports.filter((l) => !exports.includes(l));
    if (missing.length > 0) {
      report(
        violation(
          `Database '${args.name}' does not export ${missing.join(", ")} logs`,
          `add ${missing.join(", ")} to 'enabledCloudwatchLogsExports' on database '${args.name}'.`,
        ),
      );
    }
  }),
};

export const rdsTlsEnforced: PlatformStackPolicy = {
  name: "rds-tls-enforced",
  description: "RDS PostgreSQL instances use a parameter group that sets rds.force_ssl=1.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Network Security",
  references: ["Checkov CKV2_AWS_69", "AWS FSBP RDS (encryption in transit)"],
  validateStack: (args, report) => {
    // A replica names no engine: it is PostgreSQL when its parameter group's family is.
    const postgresFamily = (r: PolicyResource) =>
      dependenciesOfType(r, "aws:rds/parameterGroup:ParameterGroup").some((g) =>
        String(g.props.family).startsWith("postgres"),
      );
    const dbs = subjects(
      args,
      (r) =>
        r.type === "aws:rds/instance:Instance" &&
        (String(r.props.engine).startsWith("postgres") || (!!r.props.replicateSourceDb && postgresFamily(r))),
      "PostgreSQL database",
    );
    for (const db of dbs) {
      const groups = dependenciesOfType(db, "aws:rds/parameterGroup:ParameterGroup");
      const forced = groups.some((g) =>
        asArray(g.props.parameters).some(
          (p) => asRecord(p).name === "rds.force_ssl" && String(asRecord(p).value) === "1",
        ),
      );
      if (!forced) {
        report(
          violation(
            `Database '${db.name}' does not force TLS`,
            `set 'parameterGroupName' of database '${db.name}' to a parameter group with parameter rds.force_ssl = "1".`,
          ),
          db.urn,
        );
      }
    }
  },
};

const RDS_INSTANCE = "aws:rds/instance:Instance";
const BACKUP_REPLICATION = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication";

const KMS_KEY = "aws:kms/key:Key";

/**
 * The backup replications of a database. A replication whose `sourceDbInstanceArn` came from an
 * instance of the stack depends on it (decision 0031): it belongs to the instance it depends on.
 * Otherwise its source is a literal ARN, matched against the database's `arn` or
 * `arn:...:rds:<region>:<account>:db:<identifier>`. Unknown values are never read.
 */
function backupReplicationsOf(resources: readonly PolicyResource[], db: PolicyResource): PolicyResource[] {
  return resources.filter((r) => {
    if (r.type !== BACKUP_REPLICATION) {
      return false;
    }
    const sources = dependenciesOfType(r, RDS_INSTANCE);
    if (sources.length > 0) {
      return sources.some((d) => d.urn === db.urn);
    }
    const source = r.props.sourceDbInstanceArn;
    const { arn, identifier } = db.props;
    return (
      typeof source === "string" &&
      (source === arn ||
        (typeof identifier === "string" &&
          /^arn:[^:]+:rds:/.test(source) &&
          source.endsWith(`:db:${identifier}`)))
    );
  });
}

/** Encrypted with a customer-managed key: `kmsKeyId` from a key of the stack, or a literal key ARN. */
function replicationEncrypted(replication: PolicyResource): boolean {
  if (dependenciesOfType(replication, KMS_KEY).length > 0) {
    return true;
  }
  const key = replication.props.kmsKeyId;
  return typeof key === "string" && key.length > 0;
}

export const rdsCrossRegionBackup: PlatformStackPolicy = {
  name: "rds-cross-region-backup",
  description:
    "RDS primary instances replicate their automated backups to another region, encrypted with a customer-managed key.",
  severity: "high",
  enforcementLevel: "advisory",
  category: "Disaster Recovery",
  references: [
    "AWS Well-Architected REL09 (back up data, copies in another region)",
    "AWS Well-Architected REL13 (plan for disaster recovery)",
  ],
  validateStack: (args, report) => {
    const primaries = subjects(
      args,
      (r) => r.type === RDS_INSTANCE && !r.props.replicateSourceDb,
      "RDS primary database",
    );
    for (const db of primaries) {
      const replications = backupReplicationsOf(args.resources, db);
      if (replications.length === 0) {
        report(
          violation(
            `Database '${db.name}' has no copy of its automated backups in another region`,
            `add an aws.rds.InstanceAutomatedBackupsReplication with 'sourceDbInstanceArn' set to the ARN of database '${db.name}', created with a provider of another region.`,
          ),
          db.urn,
        );
      } else if (!replications.some(replicationEncrypted)) {
        report(
          violation(
            `Database '${db.name}' has its automated backups copied to another region without a customer-managed key`,
            `set 'kmsKeyId' on backup replication '${replications[0].name}' to a KMS key of its region.`,
          ),
          db.urn,
        );
      }
    }
  },
};

export const elasticacheEncrypted: PlatformResourcePolicy = {
  name: "elasticache-encrypted",
  description:
    "ElastiCache replication groups encrypt at rest with a customer-managed key and in transit, with AUTH.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Storage and Backup",
  references: [
    "AWS FSBP ElastiCache.4",
    "AWS FSBP ElastiCache.5",
    "AWS FSBP ElastiCache.6",
    "Checkov CKV_AWS_29",
    "Checkov CKV_AWS_30",
    "Checkov CKV_AWS_31",
  ],
  validateResource: validateResourceOfType(aws.elasticache.ReplicationGroup, (rg, args, report) => {
    // A Global Datastore secondary inherits encryption at rest, TLS and the AUTH token from the
    // Global Datastore (ElastiCache refuses them on it; they are judged on the primary in its stack);
    // its data is still encrypted with a key of its own region, which it must name.
    if (rg.globalReplicationGroupId) {
      if (!rg.kmsKeyId) {
        report(
          violation(
            `Cache '${args.name}' (a Global Datastore secondary) is not encrypted with a customer-managed key of its region`,
            `set 'kmsKeyId' to a KMS key of the secondary's region on cache '${args.name}'.`,
          ),
        );
      }
      return;
    }
    if (rg.atRestEncryptionEnabled !== true || !rg.kmsKeyId) {
      report(
        violation(
          `Cache '${args.name}' is not encrypted at rest with a customer-managed key`,
          `set 'atRestEncryptionEnabled: true' and 'kmsKeyId' on cache '${args.name}'.`,
        ),
      );
    }
    if (rg.transitEncryptionEnabled !== true || (rg.transitEncryptionMode ?? "required") !== "required") {
      report(
        violation(
          `Cache '${args.name}' does not require TLS`,
          `set 'transitEncryptionEnabled: true' (and leave 'transitEncryptionMode' "required") on cache '${args.name}'.`,
        ),
      );
    }
    if (!rg.authToken && asArray(rg.userGroupIds).length === 0) {
      report(
        violation(
          `Cache '${args.name}' accepts clients without AUTH`,
          `set 'authToken' (a secret) or 'userGroupIds' on cache '${args.name}'.`,
        ),
      );
    }
  }),
};

export const elasticacheHighAvailability: PlatformResourcePolicy = {
  name: "elasticache-high-availability",
  description: "ElastiCache replication groups run replicas across AZs with automatic failover.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Disaster Recovery",
  references: ["AWS FSBP ElastiCache.3"],
  validateResource: validateResourceOfType(aws.elasticache.ReplicationGroup, (rg, args, report) => {
    const nodes = rg.numCacheClusters ?? 1;
    if (rg.automaticFailoverEnabled !== true || rg.multiAzEnabled !== true || nodes < 2) {
      report(
        violation(
          `Cache '${args.name}' cannot fail over to another zone`,
          `set 'automaticFailoverEnabled: true', 'multiAzEnabled: true' and 'numCacheClusters' of at least 2 on cache '${args.name}'.`,
        ),
      );
    }
  }),
};

export const elasticacheSnapshotRetention: PlatformResourcePolicy = {
  name: "elasticache-snapshot-retention",
  description:
    "ElastiCache replication groups keep automatic snapshots at least the configured number of days.",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "Storage and Backup",
  references: ["AWS FSBP ElastiCache.1", "Checkov CKV_AWS_134"],
  configSchema: { properties: { minDays: { type: "integer", minimum: 1, default: 1 } } },
  validateResource: validateResourceOfType(aws.elasticache.ReplicationGroup, (rg, args, report) => {
    const { minDays } = args.getConfig<{ minDays: number }>();
    const days = rg.snapshotRetentionLimit ?? 0;
    if (days < minDays) {
      report(
        violation(
          `Cache '${args.name}' keeps snapshots ${days} day(s), less than ${minDays}`,
          `set 'snapshotRetentionLimit' to at least ${minDays} on cache '${args.name}'.`,
        ),
      );
    }
  }),
};

export const dataPolicies = [
  rdsNotPublic,
  rdsEncryptedCmk,
  rdsMultiAz,
  rdsBackupRetention,
  rdsDeletionProtection,
  rdsMonitoringEnabled,
  rdsTlsEnforced,
  rdsCrossRegionBackup,
  elasticacheEncrypted,
  elasticacheHighAvailability,
  elasticacheSnapshotRetention,
];
