/**
 * One managed node group and its launch template: IMDSv2 only, encrypted gp3 root volume with the
 * EBS key, no SSH key, instance and volume tags, rolling updates that respect PodDisruptionBudgets.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Taint } from "./placement";
import { serviceTrustPolicy } from "./trust";

/** What runs on a node group. */
export type NodeRole = "system" | "application" | "gpu";

/** A node group as the stack describes it (the `platform:cluster.nodeGroups.<key>` shape). */
export interface NodeGroupSpec {
  /** `system` (add-ons), `application` or `gpu` (gets the NVIDIA device plugin). */
  readonly role: NodeRole;
  readonly capacityType: "ON_DEMAND" | "SPOT";
  /** Interchangeable instance types; SPOT groups should list several. */
  readonly instanceTypes: readonly string[];
  /** EKS AMI type, e.g. `AL2023_x86_64_STANDARD`, `AL2023_x86_64_NVIDIA`. */
  readonly amiType: string;
  readonly minSize: number;
  readonly maxSize: number;
  /** Initial size; afterwards the Cluster Autoscaler owns it (changes are ignored). */
  readonly desiredSize: number;
  /** Root volume size in GiB (gp3, encrypted). */
  readonly diskSizeGiB: number;
  /**
   * Kubernetes node labels.
   * @default none (gpu groups always get `nvidia.com/gpu.present=true`)
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Kubernetes node taints.
   * @default none
   */
  readonly taints?: readonly Taint[];
  /**
   * Share of nodes replaced at once during an update.
   * @default 33
   */
  readonly maxUnavailablePercentage?: number;
}

/** Label the NVIDIA device plugin's default node affinity selects. */
export const GPU_PRESENT_LABEL = "nvidia.com/gpu.present";

const EKS_TAINT_EFFECT: Record<Taint["effect"], string> = {
  NoSchedule: "NO_SCHEDULE",
  NoExecute: "NO_EXECUTE",
  PreferNoSchedule: "PREFER_NO_SCHEDULE",
};

/** Node labels as applied: the configured ones plus the GPU marker on gpu groups. */
export function nodeLabels(spec: NodeGroupSpec): Record<string, string> {
  return spec.role === "gpu"
    ? { ...(spec.labels ?? {}), [GPU_PRESENT_LABEL]: "true" }
    : { ...(spec.labels ?? {}) };
}

export interface NodeGroupInputs {
  readonly clusterName: pulumi.Input<string>;
  /** Kubernetes version of the control plane; nodes follow it after it is upgraded. */
  readonly version: pulumi.Input<string>;
  readonly group: string;
  readonly spec: NodeGroupSpec;
  readonly nodeRoleArn: pulumi.Input<string>;
  readonly subnetIds: pulumi.Input<string>[];
  readonly nodeSecurityGroupId: pulumi.Input<string>;
  /** More groups for every node and pod (e.g. the data-clients group), after the node group. */
  readonly additionalSecurityGroupIds: readonly pulumi.Input<string>[];
  readonly ebsKeyArn: pulumi.Input<string>;
  readonly tags: Readonly<Record<string, string>>;
}

/** Creates `${name}-${group}` launch template and node group. */
export function createNodeGroup(
  name: string,
  inputs: NodeGroupInputs,
  opts: pulumi.CustomResourceOptions,
): { launchTemplate: aws.ec2.LaunchTemplate; nodeGroup: aws.eks.NodeGroup } {
  const { group, spec } = inputs;
  const instanceTags = pulumi
    .output(inputs.clusterName)
    .apply((cluster) => ({ ...inputs.tags, Name: `${cluster}-${group}` }));
  const launchTemplate = new aws.ec2.LaunchTemplate(
    `${name}-${group}`,
    {
      description: `EKS node group ${group}: IMDSv2, encrypted gp3 root volume, no SSH key`,
      updateDefaultVersion: true,
      // Pods use EKS Pod Identity, so they never need the instance's credentials: one hop keeps
      // IMDS reachable from the node (and host-network add-ons) but not from pods.
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeType: "gp3",
            volumeSize: spec.diskSizeGiB,
            encrypted: "true",
            kmsKeyId: inputs.ebsKeyArn,
            deleteOnTermination: "true",
          },
        },
      ],
      vpcSecurityGroupIds: [inputs.nodeSecurityGroupId, ...inputs.additionalSecurityGroupIds],
      tagSpecifications: [
        { resourceType: "instance", tags: instanceTags },
        { resourceType: "volume", tags: instanceTags },
        { resourceType: "network-interface", tags: instanceTags },
      ],
    },
    opts,
  );

  const nodeGroup = new aws.eks.NodeGroup(
    `${name}-${group}`,
    {
      clusterName: inputs.clusterName,
      version: inputs.version,
      nodeRoleArn: inputs.nodeRoleArn,
      subnetIds: inputs.subnetIds,
      capacityType: spec.capacityType,
      instanceTypes: [...spec.instanceTypes],
      amiType: spec.amiType,
      scalingConfig: { minSize: spec.minSize, maxSize: spec.maxSize, desiredSize: spec.desiredSize },
      updateConfig: { maxUnavailablePercentage: spec.maxUnavailablePercentage ?? 33 },
      // Never force: a rollout that would violate a PodDisruptionBudget fails instead of evicting.
      forceUpdateVersion: false,
      launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply((v) => `${v}`) },
      labels: nodeLabels(spec),
      taints: (spec.taints ?? []).map((t) => ({
        key: t.key,
        value: t.value,
        effect: EKS_TAINT_EFFECT[t.effect],
      })),
      nodeRepairConfig: { enabled: true },
      tags: { Name: pulumi.interpolate`${inputs.clusterName}-${group}` },
    },
    // The Cluster Autoscaler owns the desired size once the group exists.
    pulumi.mergeOptions(opts, { ignoreChanges: ["scalingConfig.desiredSize"] }),
  );
  return { launchTemplate, nodeGroup };
}

/**
 * The role every node runs as: EKS worker and image pulls only. No CNI policy: the VPC CNI has its
 * own workload identity. No `AmazonSSMManagedInstanceCore`: it grants `ssm:GetParameter*` on every
 * parameter of the account to every node and host-network pod (decision 0131).
 */
export function createNodeRole(
  name: string,
  parent: pulumi.Resource,
): { role: aws.iam.Role; policies: aws.iam.RolePolicyAttachmentsExclusive } {
  const role = new aws.iam.Role(
    `${name}-node`,
    { assumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com") },
    { parent },
  );
  const policies = new aws.iam.RolePolicyAttachmentsExclusive(
    `${name}-node`,
    {
      roleName: role.name,
      policyArns: [
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
      ],
    },
    { parent },
  );
  return { role, policies };
}

/** What the node groups take from the cluster's args. */
export interface NodeGroupsSettings {
  /** Node groups by stable key. */
  readonly nodeGroups: Readonly<Record<string, NodeGroupSpec>>;
  readonly privateSubnetIds: pulumi.Input<string>[];
  /** Security groups every node gets besides the cluster's node group (see EksClusterArgs). */
  readonly additionalNodeSecurityGroupIds: readonly pulumi.Input<string>[];
  readonly keys: { readonly ebsKeyArn: pulumi.Input<string> };
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * The node role and one node group per entry of `nodeGroups` (by stable key), in the private
 * subnets behind `nodeSecurityGroup`, following the control plane's version; each after `dependsOn`
 * (the add-ons nodes need to become Ready) and the node role's policies.
 */
export function createNodeGroups(
  name: string,
  settings: NodeGroupsSettings,
  cluster: aws.eks.Cluster,
  nodeSecurityGroup: aws.ec2.SecurityGroup,
  dependsOn: readonly pulumi.Resource[],
  parent: pulumi.Resource,
): { nodeGroups: Record<string, aws.eks.NodeGroup>; nodeRoleArn: pulumi.Output<string> } {
  const nodeRole = createNodeRole(name, parent);
  const shared = {
    clusterName: cluster.name,
    version: cluster.version,
    nodeRoleArn: nodeRole.role.arn,
    subnetIds: settings.privateSubnetIds,
    nodeSecurityGroupId: nodeSecurityGroup.id,
    additionalSecurityGroupIds: settings.additionalNodeSecurityGroupIds,
    ebsKeyArn: settings.keys.ebsKeyArn,
    tags: settings.tags,
  };
  const nodeGroups = Object.fromEntries(
    Object.entries(settings.nodeGroups).map(([group, spec]) => {
      const created = createNodeGroup(
        name,
        { ...shared, group, spec },
        { parent, dependsOn: [...dependsOn, nodeRole.policies] },
      );
      return [group, created.nodeGroup];
    }),
  );
  return { nodeGroups, nodeRoleArn: nodeRole.role.arn };
}
