/**
 * RDS for PostgreSQL: a primary (Multi-AZ when asked) and read replicas in the data subnets,
 * reachable on 5432 only from the given security groups, encrypted with the RDS key, TLS enforced,
 * backed up (optionally with copies of the automated backups in another region,
 * docs/decisions/0026), monitored, and with a master password generated here, kept in a Secrets
 * Manager secret the program owns and rotated by Secrets Manager (docs/decisions/0110, which
 * supersedes the RDS-managed password of 0020: RDS refuses replicas of such an instance).
 *
 * Steps: `postgres-parameters.ts` (parameter group), `postgres-monitoring.ts` (enhanced-monitoring
 * role, log groups), `postgres-master-secret.ts` (master password, its secret and rotation) and
 * `postgres-instances.ts` (primary, replicas, cross-region backups).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StatefulArgs } from "../shared/stateful";
import { createDataSecurityGroup, type DataStoreArgs, wiringProblems } from "./network-access";
import {
  POSTGRES_PORT,
  createBackupReplication,
  createPrimaryInstance,
  createReadReplicas,
  replicaIdentifier,
} from "./postgres-instances";
import {
  ROTATION_DAYS,
  createMasterPassword,
  createMasterRotation,
  createMasterSecret,
  createRotationSecurityGroup,
} from "./postgres-master-secret";
import { createMonitoringRole } from "./postgres-monitoring";
import { createPostgresParameterGroup } from "./postgres-parameters";
import {
  BACKUP_RETENTION_DAYS,
  type PostgresSettings,
  type SettingProblem,
  formatSettingProblems,
  postgresSettingsProblems,
} from "./rules";

export { POSTGRES_PORT, RDS_CA_CERT } from "./postgres-instances";
export { POSTGRES_LOG_EXPORTS } from "./postgres-monitoring";
export { postgresParameters } from "./postgres-parameters";

/** Copies of the primary's automated backups kept in another region (docs/decisions/0026). */
export interface CrossRegionBackupArgs {
  /**
   * AWS provider of the destination (disaster-recovery) region, a region other than the primary's:
   * RDS creates the replication from the destination region.
   */
  readonly provider: pulumi.ProviderResource;
  /** ARN of a customer-managed KMS key in the destination region that encrypts the copies. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Days the copies (and point-in-time recovery in the destination region) are kept, 1 to 35. */
  readonly retentionDays: number;
}

export interface PostgresDatabaseArgs extends DataStoreArgs {
  /**
   * DB instance identifier (unique per account and region); replicas get `<identifier>-replica-<n>`.
   * @default the component name
   */
  readonly identifier?: string;
  /** PostgreSQL major version (16 or 17); RDS applies minor versions in the maintenance window. */
  readonly engineMajorVersion: number;
  /**
   * Let a change of `engineMajorVersion` upgrade the running instance.
   * @default false (a major version change is refused until this is set on purpose)
   */
  readonly allowMajorVersionUpgrade?: boolean;
  /** Instance class of the primary and the replicas, e.g. `db.r6g.xlarge`. */
  readonly instanceClass: string;
  /** Initial gp3 storage in GiB (20 to 65536). */
  readonly allocatedStorage: number;
  /** Storage autoscaling limit in GiB, at least 10% above `allocatedStorage`. */
  readonly maxAllocatedStorage: number;
  /**
   * Synchronous standby in another AZ with automatic failover.
   * @default true
   */
  readonly multiAz?: boolean;
  /**
   * Number of read replicas, named `<identifier>-replica-1` to `-<n>`; lowering it removes the
   * highest-numbered ones.
   * @default 0
   */
  readonly readReplicas?: number;
  /** Days of automated backups and point-in-time recovery (1 to 35). */
  readonly backupRetentionDays: number;
  /** Daily UTC backup window `hh24:mi-hh24:mi`, at least 30 minutes, disjoint from maintenance. */
  readonly backupWindow: string;
  /** Weekly UTC maintenance window `ddd:hh24:mi-ddd:hh24:mi`, at least 30 minutes. */
  readonly maintenanceWindow: string;
  /**
   * Refuse `DeleteDBInstance` on the primary. Read replicas never get it: lowering `readReplicas`
   * removes one (a replica holds no data of its own).
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Performance Insights retention in days: 7, 731 or a multiple of 31.
   * @default 7 (the free tier)
   */
  readonly performanceInsightsRetentionDays?: number;
  /**
   * Enhanced monitoring interval in seconds (1, 5, 10, 15, 30 or 60).
   * @default 60
   */
  readonly monitoringIntervalSeconds?: number;
  /** Retention of the exported PostgreSQL and upgrade logs, in days CloudWatch Logs accepts. */
  readonly logRetentionDays: number;
  /**
   * Database created with the instance.
   * @default "app"
   */
  readonly databaseName?: string;
  /**
   * Master user name (its password lives only in the secret of `masterUserSecretArn`).
   * @default "platform_admin"
   */
  readonly masterUsername?: string;
  /**
   * Days between rotations of the master password by Secrets Manager, 1 to 1000.
   * @default 30 (the seeds' rotation period)
   */
  readonly masterPasswordRotationDays?: number;
  /**
   * Version of the write-only master password sent to RDS and to the secret. Raise it (by one) to
   * send the current generated password again, e.g. after a restore or a manual reset; it is never
   * lowered.
   * @default 1
   */
  readonly masterPasswordVersion?: number;
  /**
   * Subnets the rotation function runs in: they must reach the database and, through a NAT gateway
   * or a VPC endpoint, the Secrets Manager API (the VPC's private subnets).
   */
  readonly rotationSubnetIds: pulumi.Input<string>[];
  /**
   * `log_min_duration_statement`: statements slower than this many milliseconds are logged.
   * @default 1000
   */
  readonly slowStatementThresholdMs?: number;
  /**
   * Replicate the primary's automated backups (snapshots and transaction logs) to another region,
   * so the database can be restored there, to a point in time, when the primary's region is lost.
   * @default none: backups stay in the primary's region only
   */
  readonly crossRegionBackup?: CrossRegionBackupArgs;
}

/** The args with every default applied (what the steps of the component read). */
export type ResolvedPostgresDatabaseArgs = Required<
  Omit<PostgresDatabaseArgs, keyof StatefulArgs | "crossRegionBackup" | "secretsReplica">
> &
  Pick<PostgresDatabaseArgs, "crossRegionBackup" | "secretsReplica">;
type Resolved = ResolvedPostgresDatabaseArgs;

const IDENTIFIER = /^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z]$/;
const PG_NAME = /^[a-z][a-z0-9_]{0,62}$/;
/** Role names RDS for PostgreSQL keeps for itself or PostgreSQL reserves (plus every `pg_` name). */
const RESERVED_USERS = ["rdsadmin", "rdsrepladmin", "rds_superuser", "public"];

function resolve(name: string, args: PostgresDatabaseArgs): Resolved {
  return {
    ...args,
    identifier: args.identifier ?? name,
    allowMajorVersionUpgrade: args.allowMajorVersionUpgrade ?? false,
    multiAz: args.multiAz ?? true,
    readReplicas: args.readReplicas ?? 0,
    deletionProtection: args.deletionProtection ?? true,
    performanceInsightsRetentionDays: args.performanceInsightsRetentionDays ?? 7,
    monitoringIntervalSeconds: args.monitoringIntervalSeconds ?? 60,
    databaseName: args.databaseName ?? "app",
    masterUsername: args.masterUsername ?? "platform_admin",
    masterPasswordRotationDays: args.masterPasswordRotationDays ?? 30,
    masterPasswordVersion: args.masterPasswordVersion ?? 1,
    slowStatementThresholdMs: args.slowStatementThresholdMs ?? 1000,
  };
}

/** Every problem with the (resolved) args; empty when valid. */
export function postgresDatabaseArgsProblems(args: Resolved): SettingProblem[] {
  const problems: SettingProblem[] = [
    ...wiringProblems(args),
    ...postgresSettingsProblems(args as PostgresSettings),
  ];
  const longest =
    args.readReplicas > 0 ? replicaIdentifier(args.identifier, args.readReplicas) : args.identifier;
  if (!IDENTIFIER.test(args.identifier) || longest.length > 63) {
    problems.push({
      field: "identifier",
      received: args.identifier,
      message:
        "must start with a lowercase letter, contain only lowercase letters, digits and single hyphens, not end with a hyphen, " +
        "and stay within 63 characters including the '-replica-<n>' suffix of replicas",
    });
  }
  if (!PG_NAME.test(args.databaseName)) {
    problems.push({
      field: "databaseName",
      received: args.databaseName,
      message: "must be 1 to 63 lowercase letters, digits or '_', starting with a letter",
    });
  }
  if (
    !PG_NAME.test(args.masterUsername) ||
    RESERVED_USERS.includes(args.masterUsername) ||
    args.masterUsername.startsWith("pg_")
  ) {
    problems.push({
      field: "masterUsername",
      received: args.masterUsername,
      message: `must be 1 to 63 lowercase letters, digits or '_', starting with a letter, not start with 'pg_' nor be one of ${RESERVED_USERS.join(", ")}`,
    });
  }
  if (!Number.isInteger(args.slowStatementThresholdMs) || args.slowStatementThresholdMs < 0) {
    problems.push({
      field: "slowStatementThresholdMs",
      received: args.slowStatementThresholdMs,
      message: "must be an integer of 0 or more milliseconds",
    });
  }
  const rotation = args.masterPasswordRotationDays;
  if (!Number.isInteger(rotation) || rotation < ROTATION_DAYS.min || rotation > ROTATION_DAYS.max) {
    problems.push({
      field: "masterPasswordRotationDays",
      received: rotation,
      message: `must be an integer from ${ROTATION_DAYS.min} to ${ROTATION_DAYS.max} (the range Secrets Manager accepts)`,
    });
  }
  if (!Number.isInteger(args.masterPasswordVersion) || args.masterPasswordVersion < 1) {
    problems.push({
      field: "masterPasswordVersion",
      received: args.masterPasswordVersion,
      message: "must be an integer of 1 or more (raise it by one to send the password again)",
    });
  }
  if (args.rotationSubnetIds.length === 0) {
    problems.push({
      field: "rotationSubnetIds",
      received: [],
      message: "must list at least one subnet for the master password rotation function",
    });
  }
  const copies = args.crossRegionBackup?.retentionDays;
  if (
    copies !== undefined &&
    (!Number.isInteger(copies) || copies < BACKUP_RETENTION_DAYS.min || copies > BACKUP_RETENTION_DAYS.max)
  ) {
    problems.push({
      field: "crossRegionBackup.retentionDays",
      received: copies,
      message: `must be an integer from ${BACKUP_RETENTION_DAYS.min} to ${BACKUP_RETENTION_DAYS.max} (the range AWS accepts for replicated backups)`,
    });
  }
  return problems;
}

/** Throws one error listing every problem; returns the args with defaults applied. */
export function validatePostgresDatabaseArgs(name: string, args: PostgresDatabaseArgs): Resolved {
  const resolved = resolve(name, args);
  const problems = postgresDatabaseArgsProblems(resolved);
  if (problems.length > 0) {
    throw new Error(formatSettingProblems("PostgresDatabase", problems));
  }
  return resolved;
}

/** A PostgreSQL database on RDS. */
export class PostgresDatabase extends pulumi.ComponentResource {
  /** `address:port` of the primary. */
  public readonly endpoint: pulumi.Output<string>;
  /** DNS name of the primary (follows a Multi-AZ failover). */
  public readonly address: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;
  /** DNS names of the read replicas, replica 1 first. */
  public readonly readReplicaAddresses: pulumi.Output<string[]>;
  /** Security group of the instances (5432 from the allowed groups only). */
  public readonly securityGroupId: pulumi.Output<string>;
  /**
   * ARN of the Secrets Manager secret holding the master user's `username` and `password` (plus the
   * `engine`, `host`, `dbname` and `port` its rotation function reads), rotated every
   * `masterPasswordRotationDays`.
   */
  public readonly masterUserSecretArn: pulumi.Output<string>;
  /** Name of the DB subnet group (what a restore into the same subnets takes). */
  public readonly subnetGroupName: pulumi.Output<string>;
  public readonly instanceIdentifier: pulumi.Output<string>;
  /** ARN of the primary instance: what a cross-region replica takes as its source (decision 0140). */
  public readonly arn: pulumi.Output<string>;
  /**
   * ARN of the replicated automated backups in the destination region
   * (`arn:aws:rds:<region>:<account>:auto-backup:ab-...`, the replication's ID: what a
   * point-in-time restore there takes as `sourceDbInstanceAutomatedBackupsArn`). `undefined`
   * without `crossRegionBackup`.
   */
  public readonly crossRegionBackupArn: pulumi.Output<string> | undefined;

  constructor(name: string, args: PostgresDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validated before anything is registered: invalid args leave no half-built component behind.
    const a = validatePostgresDatabaseArgs(name, args);
    super("platform:data:PostgresDatabase", name, {}, opts);

    // The rotation function's group first: the database's group admits it inline (decision 0022).
    const rotationSecurityGroup = createRotationSecurityGroup(name, a, this);
    const securityGroup = createDataSecurityGroup(
      `${name}-sg`,
      {
        vpcId: a.vpcId,
        port: POSTGRES_PORT,
        allowedSecurityGroupIds: a.allowedSecurityGroupIds,
        description: `PostgreSQL ${a.identifier}: ${POSTGRES_PORT} from the EKS cluster only`,
        ruleDescription: "PostgreSQL from the EKS cluster",
        additionalSources: [
          {
            securityGroupId: rotationSecurityGroup.id,
            description: "PostgreSQL from the master password rotation function",
          },
        ],
      },
      this,
    );
    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      { description: `Data subnets of ${a.identifier}`, subnetIds: a.dataSubnetIds },
      { parent: this },
    );
    const parameterGroup = createPostgresParameterGroup(name, a, this);
    const monitoringRole = createMonitoringRole(name, this);
    const deps = {
      securityGroupId: securityGroup.id,
      subnetGroupName: subnetGroup.name,
      parameterGroupName: parameterGroup.name,
      monitoringRoleArn: monitoringRole.arn,
    };
    const masterPassword = createMasterPassword(name, this);
    const primary = createPrimaryInstance(name, a, deps, masterPassword.result, this, args.protect);
    const master = createMasterSecret(name, a, primary, masterPassword, this, args.protect);
    createMasterRotation(
      name,
      a,
      { ...master, databaseSecurityGroup: securityGroup, rotationSecurityGroup },
      this,
    );
    const replicas = createReadReplicas(name, a, deps, primary, this);
    const backupReplication = a.crossRegionBackup
      ? createBackupReplication(name, a.crossRegionBackup, primary, this, args.protect)
      : undefined;

    this.endpoint = primary.endpoint;
    this.address = primary.address;
    this.port = primary.port;
    this.readReplicaAddresses = pulumi.all(replicas.map((r) => r.address));
    this.securityGroupId = securityGroup.id;
    this.masterUserSecretArn = master.secret.arn;
    this.subnetGroupName = subnetGroup.name;
    this.instanceIdentifier = primary.identifier;
    this.arn = primary.arn;
    this.crossRegionBackupArn = backupReplication?.id;
    this.registerOutputs({
      endpoint: this.endpoint,
      address: this.address,
      port: this.port,
      readReplicaAddresses: this.readReplicaAddresses,
      securityGroupId: this.securityGroupId,
      masterUserSecretArn: this.masterUserSecretArn,
      subnetGroupName: this.subnetGroupName,
      instanceIdentifier: this.instanceIdentifier,
      arn: this.arn,
      crossRegionBackupArn: this.crossRegionBackupArn,
    });
  }
}
