/**
 * Step "data": PostgreSQL and Redis in the data subnets, admitting the data-clients group only,
 * encrypted with the platform's keys; the database's backups copied to the disaster-recovery region
 * when the stack has one.
 */
import type * as aws from "@pulumi/aws";
import { PostgresDatabase } from "../components/data/postgres";
import { RedisCache } from "../components/data/redis";
import type { Network } from "../components/network/vpc";
import type { PlatformConfig } from "./config";
import { redisReplicationGroupId } from "./config/names";
import type { PlatformKeys } from "./keys";
import type { DisasterRecovery } from "./providers";

/** The data tier. */
export interface DataTier {
  readonly postgres: PostgresDatabase;
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
  },
): DataTier {
  const { network, dataClients, dr } = placement;
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
    protect: config.protectStatefulResources,
  };
  const postgres = new PostgresDatabase(
    "postgres",
    {
      ...dataAccess,
      ...config.data.postgres,
      kmsKeyArn: kms.keyArns.rds,
      identifier: `${config.project}-${config.stack}`,
      // The config names the region; the component gets that region's provider and key.
      crossRegionBackup:
        dr && drKms
          ? { provider: dr.provider, kmsKeyArn: drKms.keyArns.rds, retentionDays: dr.retentionDays }
          : undefined,
    },
    awsOpts,
  );
  const redis = new RedisCache(
    "redis",
    {
      ...dataAccess,
      ...config.data.redis,
      kmsKeyArn: kms.keyArns.elasticache,
      replicationGroupId: redisReplicationGroupId(config.data.redis, config.project, config.stack),
    },
    awsOpts,
  );
  return { postgres, redis };
}
