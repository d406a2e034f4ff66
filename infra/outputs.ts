/**
 * The stack outputs: what operators, CI and other stacks read (endpoints, IDs, ARNs of secrets,
 * never a secret value; the kubeconfig is a secret output).
 */
import * as pulumi from "@pulumi/pulumi";
import type { EksCluster } from "../components/cluster/cluster";
import type { GithubDeliveryIdentity } from "../components/delivery/github-oidc";
import type { Network } from "../components/network/vpc";
import type { AwsLoadBalancerController } from "../components/workloads/ingress-controller";
import type { PlatformService } from "../components/workloads/service";
import { KEY_PURPOSES } from "../components/security/kms";
import type { PlatformConfig } from "./config";
import type { DataTier } from "./data";
import type { PlatformKeys } from "./keys";
import type { DisasterRecovery } from "./providers";
import type { DnsFailover } from "../components/dns/failover";
import type { SecretsTier } from "./secrets";
import type { BackupTier } from "./backup";

/** Everything the platform built, as the outputs read it. */
export interface BuiltPlatform {
  readonly keys: PlatformKeys;
  readonly dr?: DisasterRecovery;
  readonly network: Network;
  readonly cluster: EksCluster;
  readonly data: DataTier;
  readonly secrets: SecretsTier;
  readonly albController: AwsLoadBalancerController;
  readonly services: PlatformService[];
  readonly backup: BackupTier;
  readonly delivery: GithubDeliveryIdentity;
  readonly cost: { readonly budgetName: pulumi.Output<string> };
  readonly dns?: DnsFailover;
}

/** The ARN of a secret's replica in `region`: Secrets Manager keeps the name and changes the region. */
export function secretArnIn(arn: pulumi.Input<string>, region: string): pulumi.Output<string> {
  return pulumi.output(arn).apply((a) => a.replace(/^(arn:[^:]+:secretsmanager:)[^:]+:/, `$1${region}:`));
}

export function platformOutputs(config: PlatformConfig, built: BuiltPlatform) {
  const { network, cluster, dr, albController, services } = built;
  const { kms, drKms } = built.keys;
  const { postgres, redis } = built.data;
  const { vault } = built.secrets;
  const { delivery } = built;
  const declared = config.services.services;
  return {
    region: config.region,
    // Keys
    kmsKeyArns: kms.keyArns,
    kmsAliases: Object.fromEntries(KEY_PURPOSES.map((p) => [p, kms.keys[p].aliasName])),
    // Network
    vpcId: network.vpcId,
    vpcCidrBlock: network.vpcCidrBlock,
    availabilityZones: network.availabilityZones,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
    dataSubnetIds: network.dataSubnetIds,
    subnetCidrs: {
      public: network.publicSubnetCidrs,
      private: network.privateSubnetCidrs,
      data: network.dataSubnetCidrs,
    },
    natGatewayIds: network.natGatewayIds,
    endpointSecurityGroupId: network.endpointSecurityGroupId,
    flowLogGroupName: network.flowLogGroupName,
    // Cluster
    clusterName: cluster.clusterName,
    clusterArn: cluster.clusterArn,
    clusterEndpoint: cluster.endpoint,
    oidcProviderArn: cluster.oidcProviderArn,
    oidcIssuer: cluster.oidcIssuer,
    clusterSecurityGroupId: cluster.clusterSecurityGroupId,
    nodeSecurityGroupId: cluster.nodeSecurityGroupId,
    nodeGroupNames: cluster.nodeGroupNames,
    storageClassName: cluster.storageClassName,
    kubeconfig: pulumi.secret(cluster.kubeconfig),
    // Data
    postgresEndpoint: postgres.endpoint,
    postgresAddress: postgres.address,
    postgresPort: postgres.port,
    postgresReadReplicaAddresses: postgres.readReplicaAddresses,
    postgresSecurityGroupId: postgres.securityGroupId,
    postgresMasterUserSecretArn: postgres.masterUserSecretArn,
    // What a standby stack replicates (docs/decisions/0140).
    postgresArn: postgres.arn,
    // Disaster recovery: absent without platform:data.postgres.crossRegionBackup.
    ...(dr && drKms
      ? {
          drRegion: dr.region,
          drKmsKeyArns: drKms.keyArns,
          postgresCrossRegionBackupArn: postgres.crossRegionBackupArn,
        }
      : {}),
    // The replica of the Vault seal key a standby's Vault unseals with (docs/decisions/0144).
    ...(kms.replicaKeyArns.vault ? { vaultSealKeyReplicaArn: kms.replicaKeyArns.vault } : {}),
    // The replicas of the credential secrets a standby reads (docs/decisions/0145).
    ...(dr && built.keys.drSecretsKmsKeyArn
      ? {
          postgresMasterUserSecretReplicaArn: secretArnIn(postgres.masterUserSecretArn, dr.region),
          redisAuthTokenSecretReplicaArn: secretArnIn(redis.authTokenSecretArn, dr.region),
        }
      : {}),
    redisPrimaryEndpoint: redis.primaryEndpoint,
    redisReaderEndpoint: redis.readerEndpoint,
    redisPort: redis.port,
    redisSecurityGroupId: redis.securityGroupId,
    redisAuthTokenSecretArn: redis.authTokenSecretArn,
    ...(redis.globalReplicationGroupId
      ? { redisGlobalReplicationGroupId: redis.globalReplicationGroupId }
      : {}),
    // Workloads
    albControllerRoleArn: albController.roleArn,
    // Load balancer hostname of each exposed service: what DNS failover records point to.
    publicEndpoints: Object.fromEntries(
      services.flatMap((s, i) =>
        s.loadBalancerHostname ? [[declared[i].name, s.loadBalancerHostname]] : [],
      ),
    ),
    services: Object.fromEntries(
      services.map((s, i) => [declared[i].name, { namespace: s.namespace, clusterHost: s.clusterHost }]),
    ),
    // Vault
    vaultNamespace: vault.namespace,
    vaultAddress: vault.address,
    vaultRecoveryKeysSecretArn: vault.recoveryKeysSecretArn,
    vaultRootTokenSecretArn: vault.rootTokenSecretArn,
    vaultSnapshotBucket: vault.snapshotBucketName,
    // Backup (decision 0111): the DR copies exist only with a disaster-recovery region.
    backupVaultArn: built.backup.backup.vaultArn,
    backupAlertTopicArn: built.backup.backup.alertTopicArn,
    ...(built.backup.backup.drVaultArn ? { backupDrVaultArn: built.backup.backup.drVaultArn } : {}),
    ...(built.backup.vaultSnapshotReplica
      ? { vaultSnapshotDrBucket: built.backup.vaultSnapshotReplica.bucketName }
      : {}),
    vaultServerRoleArn: vault.serverRoleArn,
    // Delivery
    deliveryPreviewRoleArn: delivery.previewRoleArn,
    deliveryDriftRoleArn: delivery.driftRoleArn,
    deliveryDeployRoleArn: delivery.deployRoleArn,
    // Cost
    costBudgetName: built.cost.budgetName,
    // A standby's DNS failover: the health check to invert to force a failover (docs/runbooks/failover.md).
    ...(built.dns ? { dnsFailoverHealthCheckIds: built.dns.healthCheckIds } : {}),
  };
}
