/**
 * The RDS instances of a PostgreSQL database: the primary (encrypted, TLS, IAM authentication,
 * Performance Insights, enhanced monitoring, backups kept after deletion, final snapshot), its read
 * replicas, and the replication of its automated backups to another region.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { statefulOptions } from "../shared/stateful";
import { finalSnapshotName } from "./network-access";
import { POSTGRES_LOG_EXPORTS, createInstanceLogGroups } from "./postgres-monitoring";
import type { ResolvedPostgresDatabaseArgs } from "./postgres";

export const POSTGRES_PORT = 5432;
/** CA of the server certificates; clients verify the endpoint against it. */
export const RDS_CA_CERT = "rds-ca-rsa2048-g1";

/** Identifier of read replica `n` (from 1). */
export function replicaIdentifier(identifier: string, n: number): string {
  return `${identifier}-replica-${n}`;
}

/** The resources every instance uses, created before them. */
export interface InstanceDependencies {
  readonly securityGroupId: pulumi.Input<string>;
  readonly subnetGroupName: pulumi.Input<string>;
  readonly parameterGroupName: pulumi.Input<string>;
  readonly monitoringRoleArn: pulumi.Input<string>;
}

/** Settings the primary and its replicas share. */
function sharedInstanceArgs(a: ResolvedPostgresDatabaseArgs, deps: InstanceDependencies) {
  return {
    instanceClass: a.instanceClass,
    storageType: "gp3",
    maxAllocatedStorage: a.maxAllocatedStorage,
    storageEncrypted: true,
    publiclyAccessible: false,
    vpcSecurityGroupIds: [deps.securityGroupId],
    parameterGroupName: deps.parameterGroupName,
    port: POSTGRES_PORT,
    caCertIdentifier: RDS_CA_CERT,
    iamDatabaseAuthenticationEnabled: true,
    autoMinorVersionUpgrade: true,
    allowMajorVersionUpgrade: a.allowMajorVersionUpgrade,
    applyImmediately: false,
    maintenanceWindow: a.maintenanceWindow,
    copyTagsToSnapshot: true,
    performanceInsightsEnabled: true,
    performanceInsightsKmsKeyId: a.kmsKeyArn,
    performanceInsightsRetentionPeriod: a.performanceInsightsRetentionDays,
    monitoringInterval: a.monitoringIntervalSeconds,
    monitoringRoleArn: deps.monitoringRoleArn,
    enabledCloudwatchLogsExports: [...POSTGRES_LOG_EXPORTS],
  };
}

/** `${name}-primary`, protected unless `protect` is false, with its log groups created first. */
export function createPrimaryInstance(
  name: string,
  a: ResolvedPostgresDatabaseArgs,
  deps: InstanceDependencies,
  parent: pulumi.Resource,
  protect: boolean | undefined,
): aws.rds.Instance {
  return new aws.rds.Instance(
    `${name}-primary`,
    {
      ...sharedInstanceArgs(a, deps),
      identifier: a.identifier,
      kmsKeyId: a.kmsKeyArn,
      deletionProtection: a.deletionProtection,
      engine: "postgres",
      // A major version only: RDS picks the latest minor and auto-upgrades minors.
      engineVersion: String(a.engineMajorVersion),
      allocatedStorage: a.allocatedStorage,
      dbSubnetGroupName: deps.subnetGroupName,
      multiAz: a.multiAz,
      dbName: a.databaseName,
      username: a.masterUsername,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: a.secretsKmsKeyArn,
      backupRetentionPeriod: a.backupRetentionDays,
      backupWindow: a.backupWindow,
      // Automated backups survive the instance, so point-in-time recovery stays possible after a deletion.
      deleteAutomatedBackups: false,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: finalSnapshotName(`${name}-primary`, a.identifier, parent),
      tags: { Name: a.identifier },
    },
    statefulOptions(parent, protect, {
      dependsOn: createInstanceLogGroups(`${name}-primary`, a.identifier, a, parent),
    }),
  );
}

/**
 * `${name}-replica-1` to `-<readReplicas>`, same region as `primary`, each with its log groups;
 * encrypted with the primary's key (inherited), removable (no deletion protection).
 */
export function createReadReplicas(
  name: string,
  a: ResolvedPostgresDatabaseArgs,
  deps: InstanceDependencies,
  primary: aws.rds.Instance,
  parent: pulumi.Resource,
): aws.rds.Instance[] {
  const replicas: aws.rds.Instance[] = [];
  for (let n = 1; n <= a.readReplicas; n++) {
    const identifier = replicaIdentifier(a.identifier, n);
    replicas.push(
      new aws.rds.Instance(
        `${name}-replica-${n}`,
        {
          ...sharedInstanceArgs(a, deps),
          identifier,
          // Same region, no subnet group given: the replica joins the primary's subnet group.
          replicateSourceDb: primary.identifier,
          // No kmsKeyId: a same-region replica is always encrypted with its source's key, and RDS
          // refuses CreateDBInstanceReadReplica with one (InvalidParameterCombination). Only a
          // cross-region replica names a key (of its own region); this component creates none.
          // No deletion protection either: lowering `readReplicas` must be able to delete the
          // highest-numbered replica (it holds no data of its own; the primary keeps protection).
          deletionProtection: false,
          multiAz: false,
          // Replicas hold no data of their own; RDS refuses a final snapshot of a replica.
          skipFinalSnapshot: true,
          tags: { Name: identifier },
        },
        // Not protected: a replica is a copy that lowering `readReplicas` must be able to remove.
        { parent, dependsOn: createInstanceLogGroups(`${name}-replica-${n}`, identifier, a, parent) },
      ),
    );
  }
  return replicas;
}

/**
 * `${name}-backup-replication`, created in the destination region; the copies are state (a
 * point-in-time restore there needs them), and deleting the replication deletes them.
 */
export function createBackupReplication(
  name: string,
  backup: NonNullable<ResolvedPostgresDatabaseArgs["crossRegionBackup"]>,
  primary: aws.rds.Instance,
  parent: pulumi.Resource,
  protect: boolean | undefined,
): aws.rds.InstanceAutomatedBackupsReplication {
  return new aws.rds.InstanceAutomatedBackupsReplication(
    `${name}-backup-replication`,
    {
      sourceDbInstanceArn: primary.arn,
      kmsKeyId: backup.kmsKeyArn,
      retentionPeriod: backup.retentionDays,
    },
    statefulOptions(parent, protect, { provider: backup.provider }),
  );
}
