/**
 * Step "cluster": the EKS cluster in the network's private subnets, encrypted with the platform's
 * keys, and where the platform's pods run on it.
 */
import type * as aws from "@pulumi/aws";
import { EksCluster } from "../components/cluster/cluster";
import type { Network } from "../components/network/vpc";
import type { KmsKeys } from "../components/security/kms";
import type { PodPlacement } from "../components/cluster/placement";
import type { PlatformConfig } from "./config";

export function createCluster(
  config: PlatformConfig,
  provider: aws.Provider,
  network: Network,
  kms: KmsKeys,
  dataClients: aws.ec2.SecurityGroup,
): EksCluster {
  return new EksCluster(
    "platform",
    {
      ...config.cluster,
      clusterName: config.cluster.name,
      region: config.region,
      vpcId: network.vpcId,
      privateSubnetIds: network.privateSubnetIds,
      additionalNodeSecurityGroupIds: [dataClients.id],
      availabilityZones: network.availabilityZones,
      keys: { eksSecretsKeyArn: kms.keyArns.eks, logsKeyArn: kms.keyArns.logs, ebsKeyArn: kms.keyArns.ebs },
      tags: config.tags,
    },
    { providers: [provider] },
  );
}

/** The labels of the stack's node group with this role; every group carries EKS's capacity-type label. */
export function nodeGroupLabels(
  config: PlatformConfig,
  role: "system" | "application",
): Record<string, string> {
  const group = Object.values(config.cluster.nodeGroups).find((g) => g.role === role);
  const labels = group?.labels ?? {};
  return Object.keys(labels).length > 0
    ? { ...labels }
    : { "eks.amazonaws.com/capacityType": group?.capacityType ?? "ON_DEMAND" };
}

/** One label that selects the system nodes (the ingress controller takes a single label). */
export function systemNodeLabel(config: PlatformConfig): { key: string; value: string } {
  const [key, value] = Object.entries(nodeGroupLabels(config, "system"))[0];
  return { key, value };
}

/**
 * Where platform add-ons (the ALB controller, cert-manager, Vault) run: the on-demand system nodes,
 * selected by one of their labels, tolerating exactly the taints the cluster gives the system group
 * (one source: `platform:cluster.nodeGroups.<system>.taints`).
 */
export function systemPlacement(config: PlatformConfig, cluster: EksCluster): PodPlacement {
  const label = systemNodeLabel(config);
  return { nodeSelector: { [label.key]: label.value }, tolerations: cluster.systemPlacement.tolerations };
}
