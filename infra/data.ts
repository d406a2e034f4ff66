/**
 * Step "data": PostgreSQL and Redis in the data subnets, admitting the data-clients group only,
 * encrypted with the platform's keys; the database's backups copied to the disaster-recovery region
 * when the stack has one.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { PostgresDatabase } from "../components/data/postgres";
import { PostgresReplica } from "../components/data/postgres-replica";
import type { DataStoreArgs } from "../components/data/network-access";
import { RedisCache } from "../components/data/redis";
import type { Network } from "../components/network/vpc";
import type { PlatformConfig } from "./config";
import { redisReplicationGroupId } from "./config/names";
import type { PlatformKeys } from "./keys";
import type { DisasterRecovery } from "./providers";
import type { PrimaryStack } from "./standby";

/**
 * The data tier: a primary database, or in a standby stack the cross-region replica of the primary
 * stack's (docs/decisions/0140); a Redis group, primary or secondary of a Global Datastore.
 */
export interface DataTier {
  readonly postgres: PostgresDatabase | PostgresReplica;
  readonly redis: RedisCache;
}

export function createDataTier(
  config: PlatformConfig,
  provider: aws.Provider,
  placement: {
    network: Network;
    dataClients: aws.ec2.SecurityGroup;
    keys: PlatformKeys;
    dr?: DisasterRecovery;
    /** Set in a standby stack: the data tier is built as replicas of this stack's. */
    primary?: PrimaryStack;
  },
): DataTier {
  const { network, dataClients, dr, primary } = placement;
  const { kms, drKms } = placement.keys;
  const awsOpts = { providers: [provider] };
  const dataAccess = {
    vpcId: network.vpcId,
    dataSubnetIds: network.dataSubnetIds,
    // The data-clients group every node carries (infra/data-clients.ts): not the EKS-created cluster
    // group, which exists only once the control plane does and which our nodes do not carry.
    allowedSecurityGroupIds: [dataClients.id],
    logsKmsKeyArn: kms.keyArns.logs,
    secretsKmsKeyArn: kms.keyArns.secrets,
    // A standby's primary: the credential secrets are replicated to the standby's region (decision 0145).
    secretsReplica:
      dr && placement.keys.drSecretsKmsKeyArn
        ? { region: dr.region, kmsKeyArn: placement.keys.drSecretsKmsKeyArn }
        : undefined,
    protect: config.protectStatefulResources,
  };
  const pg = config.data.postgres;
  const postgres = primary
    ? new PostgresReplica(
        "postgres",
        {
          ...dataAccess,
          // The key of this region: RDS requires one for a cross-region replica of an encrypted source.
          kmsKeyArn: kms.keyArns.rds,
          identifier: `${config.project}-${config.stack}`,
          sourceDbArn: primary.postgresArn,
          engineMajorVersion: pg.engineMajorVersion,
          instanceClass: pg.instanceClass,
          allocatedStorage: pg.allocatedStorage,
          maxAllocatedStorage: pg.maxAllocatedStorage,
          multiAz: pg.multiAz,
          backupRetentionDays: pg.backupRetentionDays,
          backupWindow: pg.backupWindow,
          maintenanceWindow: pg.maintenanceWindow,
          deletionProtection: pg.deletionProtection,
          performanceInsightsRetentionDays: pg.performanceInsightsRetentionDays,
          monitoringIntervalSeconds: pg.monitoringIntervalSeconds,
          logRetentionDays: pg.logRetentionDays,
          masterUserSecretArn: primary.postgresMasterUserSecretArn,
        },
        awsOpts,
      )
    : createPrimaryDatabase(
        config,
        dataAccess,
        kms.keyArns.rds,
        network.privateSubnetIds,
        dr,
        drKms,
        awsOpts,
      );
  const standby = config.standby;
  const redis = new RedisCache(
    "redis",
    {
      ...dataAccess,
      ...config.data.redis,
      kmsKeyArn: kms.keyArns.elasticache,
      replicationGroupId: redisReplicationGroupId(config.data.redis, config.project, config.stack),
      globalDatastore: standby?.role === "primary" ? { idSuffix: standby.globalDatastoreSuffix } : undefined,
      secondaryOf: primary
        ? {
            globalReplicationGroupId: primary.redisGlobalReplicationGroupId,
            authTokenSecretArn: primary.redisAuthTokenSecretArn,
          }
        : undefined,
    },
    awsOpts,
  );
  return { postgres, redis };
}

function createPrimaryDatabase(
  config: PlatformConfig,
  dataAccess: Omit<DataStoreArgs, "kmsKeyArn">,
  rdsKeyArn: pulumi.Input<string>,
  rotationSubnetIds: pulumi.Input<string>[],
  dr: DisasterRecovery | undefined,
  drKms: PlatformKeys["drKms"],
  awsOpts: pulumi.ComponentResourceOptions,
): PostgresDatabase {
  return new PostgresDatabase(
    "postgres",
    {
      ...dataAccess,
      ...config.data.postgres,
      kmsKeyArn: rdsKeyArn,
      identifier: `${config.project}-${config.stack}`,
      // The master password's rotation function reaches Secrets Manager through the NAT gateways.
      rotationSubnetIds,
      // The config names the region; the component gets that region's provider and key.
      crossRegionBackup:
        dr && drKms
          ? { provider: dr.provider, kmsKeyArn: drKms.keyArns.rds, retentionDays: dr.retentionDays }
          : undefined,
    },
    awsOpts,
  );
}
