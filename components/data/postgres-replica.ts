/**
 * A cross-region read replica of an RDS for PostgreSQL primary that lives in another stack and
 * region: the warm standby of the disaster-recovery stack (docs/decisions/0140). Encrypted with a
 * key of its own region (RDS requires one for a cross-region replica of an encrypted source), in
 * its own subnet group and security group, with the same TLS and logging parameters as the primary,
 * and automated backups kept so that it can be promoted with backups (`aws rds promote-read-replica`).
 *
 * It has no user name, password or database name of its own: those are the primary's, replicated.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StatefulArgs } from "../shared/stateful";
import { statefulOptions } from "../shared/stateful";
import { createDataSecurityGroup, type DataStoreArgs, wiringProblems } from "./network-access";
import { POSTGRES_PORT, RDS_CA_CERT } from "./postgres-instances";
import { POSTGRES_LOG_EXPORTS, createInstanceLogGroups, createMonitoringRole } from "./postgres-monitoring";
import { createPostgresParameterGroup } from "./postgres-parameters";
import {
  BACKUP_RETENTION_DAYS,
  DB_INSTANCE_FAMILIES,
  POSTGRES_MAJOR_VERSIONS,
  type SettingProblem,
  formatSettingProblems,
} from "./rules";

/** ARN of an RDS DB instance: `arn:<partition>:rds:<region>:<account>:db:<identifier>`. */
const DB_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:db:[a-z][a-z0-9-]*$/;
const IDENTIFIER = /^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z]$/;

export interface PostgresReplicaArgs extends Omit<DataStoreArgs, "secretsReplica"> {
  /**
   * ARN of the source DB instance in another region (a cross-region replica must name its source by
   * ARN). Known only once the source exists: an input.
   */
  readonly sourceDbArn: pulumi.Input<string>;
  /**
   * DB instance identifier in this region.
   * @default the component name
   */
  readonly identifier?: string;
  /** The source's PostgreSQL major version (the parameter group's family). */
  readonly engineMajorVersion: number;
  /** Instance class; the primary's, so that the promoted replica carries the production load. */
  readonly instanceClass: string;
  /**
   * The source's allocated storage in GiB: a replica's storage is at least its source's (storage
   * autoscaling then grows both up to `maxAllocatedStorage`).
   */
  readonly allocatedStorage: number;
  /** Storage autoscaling limit in GiB. */
  readonly maxAllocatedStorage: number;
  /**
   * A synchronous standby of the replica in a second AZ (carried over by a promotion).
   * @default true
   */
  readonly multiAz?: boolean;
  /** Days of automated backups once promoted, 1 to 35 (0 would make a promotion start without backups). */
  readonly backupRetentionDays: number;
  /** Daily UTC backup window `hh24:mi-hh24:mi`. */
  readonly backupWindow: string;
  /** Weekly UTC maintenance window `ddd:hh24:mi-ddd:hh24:mi`. */
  readonly maintenanceWindow: string;
  /**
   * Refuse `DeleteDBInstance` on the replica: it is the standby the recovery time objective counts on.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Performance Insights retention in days.
   * @default 7
   */
  readonly performanceInsightsRetentionDays?: number;
  /**
   * Enhanced monitoring interval in seconds.
   * @default 60
   */
  readonly monitoringIntervalSeconds?: number;
  /** Retention of the exported PostgreSQL logs, in days CloudWatch Logs accepts. */
  readonly logRetentionDays: number;
  /**
   * `log_min_duration_statement` in milliseconds, as on the primary.
   * @default 1000
   */
  readonly slowStatementThresholdMs?: number;
  /**
   * ARN of the secret holding the master credentials the replica shares with its source (a copy of
   * the primary's secret in this region); passed through to `masterUserSecretArn`.
   */
  readonly masterUserSecretArn: pulumi.Input<string>;
}

type Resolved = Required<Omit<PostgresReplicaArgs, keyof StatefulArgs>>;

function resolve(name: string, args: PostgresReplicaArgs): Resolved {
  return {
    ...args,
    identifier: args.identifier ?? name,
    multiAz: args.multiAz ?? true,
    deletionProtection: args.deletionProtection ?? true,
    performanceInsightsRetentionDays: args.performanceInsightsRetentionDays ?? 7,
    monitoringIntervalSeconds: args.monitoringIntervalSeconds ?? 60,
    slowStatementThresholdMs: args.slowStatementThresholdMs ?? 1000,
  };
}

/** Every problem with the (resolved) args; empty when valid. */
export function postgresReplicaArgsProblems(a: Resolved): SettingProblem[] {
  const problems: SettingProblem[] = [...wiringProblems(a)];
  const add = (field: string, received: unknown, message: string) =>
    problems.push({ field, received, message });
  if (typeof a.sourceDbArn === "string" && !DB_ARN.test(a.sourceDbArn)) {
    add(
      "sourceDbArn",
      a.sourceDbArn,
      "must be the ARN of the source DB instance, arn:aws:rds:<region>:<account>:db:<identifier>: a cross-region replica names its source by ARN",
    );
  }
  if (!IDENTIFIER.test(a.identifier) || a.identifier.length > 63) {
    add(
      "identifier",
      a.identifier,
      "must be 1 to 63 lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen",
    );
  }
  if (!(POSTGRES_MAJOR_VERSIONS as readonly number[]).includes(a.engineMajorVersion)) {
    add("engineMajorVersion", a.engineMajorVersion, `must be one of ${POSTGRES_MAJOR_VERSIONS.join(", ")}`);
  }
  if (
    !Number.isInteger(a.allocatedStorage) ||
    a.allocatedStorage < 20 ||
    a.allocatedStorage > a.maxAllocatedStorage
  ) {
    add(
      "allocatedStorage",
      a.allocatedStorage,
      `must be an integer number of GiB from 20 to maxAllocatedStorage (${a.maxAllocatedStorage})`,
    );
  }
  if (!DB_INSTANCE_FAMILIES.some((f) => a.instanceClass.startsWith(`${f}.`))) {
    add("instanceClass", a.instanceClass, `must be of a family of ${DB_INSTANCE_FAMILIES.join(", ")}`);
  }
  const days = a.backupRetentionDays;
  if (!Number.isInteger(days) || days < BACKUP_RETENTION_DAYS.min || days > BACKUP_RETENTION_DAYS.max) {
    add(
      "backupRetentionDays",
      days,
      `must be an integer from ${BACKUP_RETENTION_DAYS.min} to ${BACKUP_RETENTION_DAYS.max}: the promoted replica keeps automated backups from its first minute`,
    );
  }
  return problems;
}

/** Throws one error listing every problem; returns the args with defaults applied. */
export function validatePostgresReplicaArgs(name: string, args: PostgresReplicaArgs): Resolved {
  const resolved = resolve(name, args);
  const problems = postgresReplicaArgsProblems(resolved);
  if (problems.length > 0) {
    throw new Error(formatSettingProblems("PostgresReplica", problems));
  }
  return resolved;
}

/** A promotable cross-region read replica of a PostgreSQL primary. */
export class PostgresReplica extends pulumi.ComponentResource {
  /** `address:port` of the replica (the writer once promoted). */
  public readonly endpoint: pulumi.Output<string>;
  public readonly address: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;
  /** Always empty: the standby has no replicas of its own until it is promoted. */
  public readonly readReplicaAddresses: pulumi.Output<string[]>;
  /** Security group of the replica (5432 from the allowed groups only). */
  public readonly securityGroupId: pulumi.Output<string>;
  /** The master credentials' secret in this region (see the arg). */
  public readonly masterUserSecretArn: pulumi.Output<string>;
  public readonly subnetGroupName: pulumi.Output<string>;
  public readonly instanceIdentifier: pulumi.Output<string>;
  public readonly arn: pulumi.Output<string>;
  /** Always `undefined`: a replica's backups are not copied (the primary's are). */
  public readonly crossRegionBackupArn: pulumi.Output<string> | undefined = undefined;

  constructor(name: string, args: PostgresReplicaArgs, opts?: pulumi.ComponentResourceOptions) {
    const a = validatePostgresReplicaArgs(name, args);
    super("platform:data:PostgresReplica", name, {}, opts);

    const securityGroup = createDataSecurityGroup(
      `${name}-sg`,
      {
        vpcId: a.vpcId,
        port: POSTGRES_PORT,
        allowedSecurityGroupIds: a.allowedSecurityGroupIds,
        description: `PostgreSQL ${a.identifier}: ${POSTGRES_PORT} from the EKS cluster only`,
        ruleDescription: "PostgreSQL from the EKS cluster",
      },
      this,
    );
    // A cross-region replica cannot use the source's subnet group: it gets one in its own VPC.
    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      { description: `Data subnets of ${a.identifier}`, subnetIds: a.dataSubnetIds },
      { parent: this },
    );
    const parameterGroup = createPostgresParameterGroup(name, a, this);
    const monitoringRole = createMonitoringRole(name, this);
    const replica = new aws.rds.Instance(
      `${name}-replica`,
      {
        identifier: a.identifier,
        // Cross-region: the source by ARN, and a key of this region (RDS refuses an encrypted
        // cross-region replica without one). No engine, storage size, user, password or database
        // name: all of them are the source's.
        replicateSourceDb: a.sourceDbArn,
        kmsKeyId: a.kmsKeyArn,
        storageEncrypted: true,
        instanceClass: a.instanceClass,
        storageType: "gp3",
        allocatedStorage: a.allocatedStorage,
        maxAllocatedStorage: a.maxAllocatedStorage,
        multiAz: a.multiAz,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [securityGroup.id],
        parameterGroupName: parameterGroup.name,
        publiclyAccessible: false,
        port: POSTGRES_PORT,
        caCertIdentifier: RDS_CA_CERT,
        iamDatabaseAuthenticationEnabled: true,
        autoMinorVersionUpgrade: true,
        applyImmediately: false,
        maintenanceWindow: a.maintenanceWindow,
        // Promotable with backups: retention above 0 from the start (PromoteReadReplica keeps it).
        backupRetentionPeriod: a.backupRetentionDays,
        backupWindow: a.backupWindow,
        deleteAutomatedBackups: false,
        deletionProtection: a.deletionProtection,
        copyTagsToSnapshot: true,
        // RDS refuses a final snapshot of a read replica; once promoted, the stack sets one.
        skipFinalSnapshot: true,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: a.kmsKeyArn,
        performanceInsightsRetentionPeriod: a.performanceInsightsRetentionDays,
        monitoringInterval: a.monitoringIntervalSeconds,
        monitoringRoleArn: monitoringRole.arn,
        enabledCloudwatchLogsExports: [...POSTGRES_LOG_EXPORTS],
        // Not selected by AWS Backup: a replica's data is the primary's (decision 0111).
        tags: { Name: a.identifier, BackupRequired: "false", StandbyRole: "replica" },
      },
      // Protected: the standby is what the recovery time objective counts on.
      statefulOptions(this, args.protect, {
        dependsOn: createInstanceLogGroups(`${name}-replica`, a.identifier, a, this),
      }),
    );

    this.endpoint = replica.endpoint;
    this.address = replica.address;
    this.port = replica.port;
    this.readReplicaAddresses = pulumi.output([]);
    this.securityGroupId = securityGroup.id;
    this.masterUserSecretArn = pulumi.output(a.masterUserSecretArn);
    this.subnetGroupName = subnetGroup.name;
    this.instanceIdentifier = replica.identifier;
    this.arn = replica.arn;
    this.registerOutputs({
      endpoint: this.endpoint,
      address: this.address,
      port: this.port,
      securityGroupId: this.securityGroupId,
      masterUserSecretArn: this.masterUserSecretArn,
      subnetGroupName: this.subnetGroupName,
      instanceIdentifier: this.instanceIdentifier,
      arn: this.arn,
    });
  }
}
