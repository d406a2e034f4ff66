/**
 * Builds one environment of the platform from its validated configuration. No branching on the
 * stack name: every difference between environments is a value in `Pulumi.<stack>.yaml`.
 *
 * Order: provider (default tags) -> KMS keys -> network -> EKS -> data tier -> ingress controller
 * -> cert-manager and Vault -> services.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EksCluster } from "../components/cluster/cluster";
import { PostgresDatabase } from "../components/data/postgres";
import { RedisCache } from "../components/data/redis";
import { Network } from "../components/network/vpc";
import { CertManager } from "../components/secrets/cert-manager";
import { Vault } from "../components/secrets/vault";
import { KEY_PURPOSES, KmsKeys } from "../components/security/kms";
import { AwsLoadBalancerController } from "../components/workloads/ingress-controller";
import { PlatformService } from "../components/workloads/service";
import { callersByService, vaultWorkloads } from "../components/workloads/spec";
import type { PlatformConfig } from "./config";
import { createCostControls } from "./cost";

/** The AWS provider every component uses: region and governance tags applied once, as default tags. */
export function createAwsProvider(config: PlatformConfig): aws.Provider {
  return new aws.Provider("aws", {
    region: config.region as aws.Region,
    defaultTags: { tags: { ...config.tags } },
  });
}

/** Where platform add-ons (Vault, cert-manager, the ALB controller) run: the on-demand system nodes. */
const SYSTEM_TAINT = {
  key: "CriticalAddonsOnly",
  operator: "Equal",
  value: "true",
  effect: "NoSchedule",
} as const;

/** The labels of the stack's node group with this role; every group carries EKS's capacity-type label. */
function nodeGroupLabels(config: PlatformConfig, role: "system" | "application"): Record<string, string> {
  const group = Object.values(config.cluster.nodeGroups).find((g) => g.role === role);
  const labels = group?.labels ?? {};
  return Object.keys(labels).length > 0
    ? { ...labels }
    : { "eks.amazonaws.com/capacityType": group?.capacityType ?? "ON_DEMAND" };
}

function systemNodeLabel(config: PlatformConfig): { key: string; value: string } {
  const [key, value] = Object.entries(nodeGroupLabels(config, "system"))[0];
  return { key, value };
}

export async function createPlatform(config: PlatformConfig) {
  const provider = createAwsProvider(config);
  const awsOpts = { providers: [provider] };

  // Disaster recovery (docs/decisions/0026): where the database's automated backups are copied.
  const { crossRegionBackup, ...postgresConfig } = config.data.postgres;
  const dr = crossRegionBackup && {
    // Same default tags: the copies are governed like the primary.
    provider: new aws.Provider("aws-dr", {
      region: crossRegionBackup.region as aws.Region,
      defaultTags: { tags: { ...config.tags } },
    }),
    region: crossRegionBackup.region,
    retentionDays: crossRegionBackup.retentionDays,
  };
  const drKms =
    dr &&
    new KmsKeys(
      "kms-dr",
      {
        purposes: ["rds"],
        // Aliases are regional: the DR key carries the same alias as the primary's RDS key.
        aliasPrefix: `${config.project}-${config.stack}`,
        region: dr.region,
        deletionWindowInDays: config.kms.deletionWindowInDays,
        rotationPeriodInDays: config.kms.rotationPeriodInDays,
        protect: config.protectStatefulResources,
      },
      { provider: dr.provider },
    );

  const kms = new KmsKeys(
    "kms",
    {
      aliasPrefix: `${config.project}-${config.stack}`,
      region: config.region,
      deletionWindowInDays: config.kms.deletionWindowInDays,
      rotationPeriodInDays: config.kms.rotationPeriodInDays,
      protect: config.protectStatefulResources,
    },
    awsOpts,
  );

  // AZ names become child names, so the stack files pin them; the lookup is the fallback.
  const availabilityZones =
    config.network.availabilityZones ??
    (
      await aws.getAvailabilityZones(
        { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
        { provider },
      )
    ).names.slice(0, config.network.azCount);

  const network = new Network(
    "platform",
    {
      cidrBlock: config.network.cidr,
      region: config.region,
      availabilityZones,
      subnets: config.network.subnets,
      natStrategy: config.network.natStrategy,
      flowLogRetentionDays: config.network.flowLogRetentionDays,
      flowLogKmsKeyArn: kms.keyArns.logs,
      interfaceEndpoints: config.network.interfaceEndpoints,
      clusterName: config.cluster.name,
    },
    awsOpts,
  );

  const cluster = new EksCluster(
    "platform",
    {
      ...config.cluster,
      clusterName: config.cluster.name,
      region: config.region,
      vpcId: network.vpcId,
      privateSubnetIds: network.privateSubnetIds,
      availabilityZones: network.availabilityZones,
      keys: { eksSecretsKeyArn: kms.keyArns.eks, logsKeyArn: kms.keyArns.logs, ebsKeyArn: kms.keyArns.ebs },
      tags: config.tags,
    },
    awsOpts,
  );

  const dataAccess = {
    vpcId: network.vpcId,
    dataSubnetIds: network.dataSubnetIds,
    allowedSecurityGroupIds: [cluster.clusterSecurityGroupId, cluster.nodeSecurityGroupId],
    logsKmsKeyArn: kms.keyArns.logs,
    secretsKmsKeyArn: kms.keyArns.secrets,
    protect: config.protectStatefulResources,
  };
  const postgres = new PostgresDatabase(
    "postgres",
    {
      ...dataAccess,
      ...postgresConfig,
      kmsKeyArn: kms.keyArns.rds,
      identifier: `${config.project}-${config.stack}`,
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
      replicationGroupId: `${config.project}-${config.stack}`,
    },
    awsOpts,
  );

  const systemLabel = systemNodeLabel(config);
  const k8sOpts = { providers: { kubernetes: cluster.provider, aws: provider } };
  const albController = new AwsLoadBalancerController(
    "alb-controller",
    {
      clusterName: cluster.clusterName,
      vpcId: network.vpcId,
      region: config.region,
      chartVersion: config.services.ingressController.chartVersion,
      replicas: config.services.ingressController.replicas,
      systemNodeLabel: systemLabel,
    },
    k8sOpts,
  );

  const systemPlacement = {
    nodeSelector: { [systemLabel.key]: systemLabel.value },
    tolerations: [SYSTEM_TAINT],
  };
  const { certManagerChartVersion, ...vaultConfig } = config.vault;
  const certManager = new CertManager(
    "cert-manager",
    { chartVersion: certManagerChartVersion, ...systemPlacement },
    k8sOpts,
  );
  const vault = new Vault(
    "vault",
    {
      ...vaultConfig,
      ...systemPlacement,
      protect: config.protectStatefulResources,
      clusterName: cluster.clusterName,
      region: config.region,
      kmsKeyArn: kms.keyArns.vault,
      backupKmsKeyArn: kms.keyArns.backup,
      secretsKmsKeyArn: kms.keyArns.secrets,
      storageClassName: cluster.storageClassName,
      certManager,
      // The Vault clients are the services that declare `vault` (decision 0056).
      workloads: vaultWorkloads(config.services.services),
      database: {
        host: postgres.address,
        port: postgres.port,
        masterSecretArn: postgres.masterUserSecretArn.apply((arn) => arn ?? ""),
        cidrBlocks: network.dataSubnetCidrs,
      },
    },
    k8sOpts,
  );

  const declared = config.services.services;
  const callers = callersByService(declared);
  const servicePorts = Object.fromEntries(declared.map((s) => [s.name, s.ports.http]));
  const services = declared.map(
    (s) =>
      new PlatformService(
        s.name,
        {
          ...s,
          clusterName: cluster.clusterName,
          dataCidrs: network.dataSubnetCidrs,
          publicCidrs: network.publicSubnetCidrs,
          servicePorts,
          callers: callers.get(s.name),
          postgres: { host: postgres.address, port: postgres.port },
          redis: { host: redis.primaryEndpoint, port: redis.port },
          nodeSelector: nodeGroupLabels(config, "application"),
          apiServerCidrs: network.privateSubnetCidrs,
        },
        // The controller's webhook admits pods in exposed namespaces: it must exist first. A Vault
        // client also waits for Vault: the injector, its CA ClusterIssuer and its role (bootstrap Job).
        { ...k8sOpts, dependsOn: s.vault ? [albController, vault] : [albController] },
      ),
  );

  // Budget on the Environment tag; where the stack sleeps, its nodes and database schedules.
  const cost = createCostControls(config, provider, { cluster, postgres });

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
    // Disaster recovery: absent without platform:data.postgres.crossRegionBackup.
    ...(dr && drKms
      ? {
          drRegion: dr.region,
          drKmsKeyArns: drKms.keyArns,
          postgresCrossRegionBackupArn: postgres.crossRegionBackupArn,
        }
      : {}),
    redisPrimaryEndpoint: redis.primaryEndpoint,
    redisReaderEndpoint: redis.readerEndpoint,
    redisPort: redis.port,
    redisSecurityGroupId: redis.securityGroupId,
    redisAuthTokenSecretArn: redis.authTokenSecretArn,
    // Workloads
    albControllerRoleArn: albController.roleArn,
    services: Object.fromEntries(
      services.map((s, i) => [declared[i].name, { namespace: s.namespace, clusterHost: s.clusterHost }]),
    ),
    // Vault
    vaultNamespace: vault.namespace,
    vaultAddress: vault.address,
    vaultRecoveryKeysSecretArn: vault.recoveryKeysSecretArn,
    vaultRootTokenSecretArn: vault.rootTokenSecretArn,
    vaultSnapshotBucket: vault.snapshotBucketName,
    vaultServerRoleArn: vault.serverRoleArn,
    costBudgetName: cost.budgetName,
  };
}
