/**
 * Step "backup": AWS Backup for everything tagged `BackupRequired=true` (decisions 0111, 0112), with
 * copies in the disaster-recovery region when the stack has one, the stack's recovery objectives
 * stated on the plan, and the Vault snapshot bucket replicated to that region.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { Backup } from "../components/backup/backup";
import { BucketReplica } from "../components/backup/bucket-replica";
import type { Network } from "../components/network/vpc";
import type { PlatformConfig } from "./config";
import type { DataTier } from "./data";
import type { PlatformKeys } from "./keys";
import type { DisasterRecovery } from "./providers";
import type { SecretsTier } from "./secrets";

/** What the step built. */
export interface BackupTier {
  readonly backup: Backup;
  /** The copy of the Vault snapshot bucket in the DR region; only with one. */
  readonly vaultSnapshotReplica?: BucketReplica;
}

export function createBackup(
  config: PlatformConfig,
  provider: aws.Provider,
  platform: {
    keys: PlatformKeys;
    dr?: DisasterRecovery;
    network: Network;
    data: DataTier;
    secrets: SecretsTier;
    /** The observability tier's critical topic, once it exists; without it, the component creates one. */
    alertTopicArn?: pulumi.Input<string>;
  },
): BackupTier {
  const { keys, dr, network, data, secrets } = platform;
  const { drKms } = keys;
  const awsOpts = { providers: [provider] };
  const {
    schedule,
    retentionDays,
    copyRetentionDays,
    vaultLock,
    breakGlassRoleArn,
    restoreTesting,
    manageRegionSettings,
  } = config.backup;
  const backup = new Backup(
    "backup",
    {
      namePrefix: `${config.project}-${config.stack}`,
      kmsKeyArn: keys.kms.keyArns.backup,
      schedule,
      retentionDays,
      // Equal to the database's own retention: AWS Backup then manages its PITR without drift.
      continuousRetentionDays: config.data.postgres.backupRetentionDays,
      copies:
        dr && drKms
          ? { provider: dr.provider, kmsKeyArn: drKms.keyArns.backup, retentionDays: copyRetentionDays }
          : undefined,
      vaultLock,
      breakGlassRoleArn,
      restoreTesting: {
        ...restoreTesting,
        // The database's subnets, behind an isolating group of the component's (never the live
        // database's group: the restored copy holds production data).
        rds: { subnetGroupName: data.postgres.subnetGroupName, vpcId: network.vpcId },
      },
      alertTopicArn: platform.alertTopicArn,
      recoveryObjectives: {
        ...config.recovery,
        standbyStack: config.standby?.role === "primary" ? config.standby.standbyStack : undefined,
      },
      manageRegionSettings,
      protect: config.protectStatefulResources,
    },
    awsOpts,
  );
  const vaultSnapshotReplica =
    dr && drKms
      ? new BucketReplica(
          "vault-snapshots-dr",
          {
            sourceBucketName: secrets.vault.snapshotBucketName,
            sourceKmsKeyArn: keys.kms.keyArns.backup,
            destinationProvider: dr.provider,
            destinationKmsKeyArn: drKms.keyArns.backup,
            expirationDays: config.vault.snapshotRetentionDays,
            protect: config.protectStatefulResources,
          },
          // After the Vault component: its bucket must be versioned before replication is set.
          { ...awsOpts, dependsOn: [secrets.vault] },
        )
      : undefined;
  return { backup, vaultSnapshotReplica };
}
