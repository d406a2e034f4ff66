/**
 * EKS managed add-ons: their configuration values (pure builders, tested on their own), the IAM
 * policies and workload identities of the add-ons that call AWS APIs, and the add-ons themselves.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type Placement, type Taint, tolerationsFor } from "./placement";
import { WorkloadIdentity } from "./workload-identity";

/** The add-ons every cluster gets, in the order EKS needs them. */
export const ADDONS = [
  "vpc-cni",
  "eks-pod-identity-agent",
  "kube-proxy",
  "coredns",
  "aws-ebs-csi-driver",
] as const;
export type AddonName = (typeof ADDONS)[number];
/** Add-ons nodes need to become Ready (networking, credentials): created before any node group. */
export const NODE_PREREQUISITE_ADDONS: readonly AddonName[] = [
  "vpc-cni",
  "eks-pod-identity-agent",
  "kube-proxy",
];
/** Add-ons that need running nodes (DNS, the EBS CSI controller): created after the node groups. */
export const NODE_DEPENDENT_ADDONS: readonly AddonName[] = ADDONS.filter(
  (n) => !NODE_PREREQUISITE_ADDONS.includes(n),
);

/**
 * VPC CNI: network policy enforcement (the node agent) and prefix delegation (a /28 per ENI slot,
 * many more pods per node and faster pod start), keeping one spare prefix warm.
 */
export function vpcCniConfiguration(): string {
  return JSON.stringify({
    enableNetworkPolicy: "true",
    env: { ENABLE_PREFIX_DELEGATION: "true", WARM_PREFIX_TARGET: "1" },
  });
}

/**
 * CoreDNS: the configured replicas on system nodes, spread across zones and nodes so neither a node
 * nor an AZ outage takes DNS down, tolerating the system taints.
 */
export function corednsConfiguration(
  replicas: number,
  systemNodeSelector: Readonly<Record<string, string>>,
  systemTaints: readonly Taint[],
): string {
  const selector = { matchLabels: { "k8s-app": "kube-dns" } };
  return JSON.stringify({
    replicaCount: replicas,
    nodeSelector: systemNodeSelector,
    tolerations: tolerationsFor(systemTaints),
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: { labelSelector: selector, topologyKey: "kubernetes.io/hostname" },
          },
        ],
      },
    },
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: selector,
      },
      {
        maxSkew: 1,
        topologyKey: "kubernetes.io/hostname",
        whenUnsatisfiable: "DoNotSchedule",
        labelSelector: selector,
      },
    ],
  });
}

/** EBS CSI controller on system nodes; the node DaemonSet tolerates every taint by default. */
export function ebsCsiConfiguration(
  systemNodeSelector: Readonly<Record<string, string>>,
  systemTaints: readonly Taint[],
): string {
  return JSON.stringify({
    controller: { nodeSelector: systemNodeSelector, tolerations: tolerationsFor(systemTaints) },
  });
}

/**
 * Lets the EBS CSI driver use the customer-managed EBS key for the volumes it creates (the managed
 * AmazonEBSCSIDriverPolicy covers EC2 calls but not customer-managed keys).
 */
export function ebsCsiKmsPolicy(ebsKeyArn: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "GrantsForAttachedVolumes",
        Effect: "Allow",
        Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
        Resource: [ebsKeyArn],
        Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
      {
        Sid: "UseKeyForVolumes",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        Resource: [ebsKeyArn],
      },
    ],
  });
}

/**
 * Cluster Autoscaler: read-only discovery of Auto Scaling and EC2, descriptions of this cluster's node
 * groups only, and scaling only of the Auto Scaling groups EKS tags
 * `k8s.io/cluster-autoscaler/<cluster>=owned` (every managed node group of this cluster).
 */
export function clusterAutoscalerPolicy(clusterName: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(clusterName).apply((cluster) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "Discover",
          Effect: "Allow",
          Action: [
            "autoscaling:DescribeAutoScalingGroups",
            "autoscaling:DescribeAutoScalingInstances",
            "autoscaling:DescribeLaunchConfigurations",
            "autoscaling:DescribeScalingActivities",
            "autoscaling:DescribeTags",
            "ec2:DescribeImages",
            "ec2:DescribeInstanceTypes",
            "ec2:DescribeLaunchTemplateVersions",
            "ec2:GetInstanceTypesFromInstanceRequirements",
          ],
          Resource: "*",
        },
        {
          // Labels and taints of this cluster's node groups, for scaling a group up from zero.
          Sid: "DescribeOwnNodegroups",
          Effect: "Allow",
          Action: "eks:DescribeNodegroup",
          Resource: `arn:aws:eks:*:*:nodegroup/${cluster}/*`,
        },
        {
          Sid: "ScaleOwnedGroups",
          Effect: "Allow",
          Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
          Resource: "*",
          Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${cluster}`]: "owned" } },
        },
      ],
    }),
  );
}

export interface AddonSpec {
  readonly clusterName: pulumi.Input<string>;
  readonly addonName: AddonName;
  readonly version: string;
  readonly configurationValues?: string;
}

/** One managed add-on; Pulumi is the source of truth for its settings (OVERWRITE on create and update). */
export function createAddon(
  name: string,
  spec: AddonSpec,
  opts: pulumi.CustomResourceOptions,
): aws.eks.Addon {
  return new aws.eks.Addon(
    `${name}-${spec.addonName}`,
    {
      clusterName: spec.clusterName,
      addonName: spec.addonName,
      addonVersion: spec.version,
      configurationValues: spec.configurationValues,
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
    },
    opts,
  );
}

/** What every add-on of one cluster shares: the cluster, pinned versions, configuration, identities. */
export interface ClusterAddonSettings {
  readonly clusterName: pulumi.Input<string>;
  /** Pinned version of every add-on. */
  readonly versions: Readonly<Record<AddonName, string>>;
  /** Configuration values of the add-ons that take some. */
  readonly configuration: Partial<Record<AddonName, string>>;
  /** Workload identity of the add-ons that call AWS APIs: each add-on waits for its own. */
  readonly identities: Partial<Record<AddonName, pulumi.Resource>>;
}

/**
 * Configuration values of the configurable add-ons: VPC CNI (network policies, prefix delegation),
 * CoreDNS and the EBS CSI controller on the system nodes.
 */
export function addonConfiguration(
  corednsReplicas: number,
  system: Placement,
): Partial<Record<AddonName, string>> {
  return {
    "vpc-cni": vpcCniConfiguration(),
    coredns: corednsConfiguration(corednsReplicas, system.nodeSelector, system.taints),
    "aws-ebs-csi-driver": ebsCsiConfiguration(system.nodeSelector, system.taints),
  };
}

/**
 * Workload identities `${name}-vpc-cni` (the CNI policy) and `${name}-ebs-csi` (the EBS CSI policy
 * plus use of the customer-managed EBS key), for the service accounts the add-ons run as.
 */
export function createAddonIdentities(
  name: string,
  clusterName: pulumi.Input<string>,
  ebsKeyArn: pulumi.Input<string>,
  parent: pulumi.Resource,
): Partial<Record<AddonName, WorkloadIdentity>> {
  const vpcCni = new WorkloadIdentity(
    `${name}-vpc-cni`,
    {
      clusterName,
      namespace: "kube-system",
      serviceAccount: "aws-node",
      managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"],
    },
    { parent },
  );
  const ebsCsi = new WorkloadIdentity(
    `${name}-ebs-csi`,
    {
      clusterName,
      namespace: "kube-system",
      serviceAccount: "ebs-csi-controller-sa",
      managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"],
      policyJson: ebsCsiKmsPolicy(ebsKeyArn),
    },
    { parent },
  );
  return { "vpc-cni": vpcCni, "aws-ebs-csi-driver": ebsCsi };
}

/** The add-ons in `addonNames`, in that order, each after `dependsOn` and its own workload identity. */
export function createAddons(
  name: string,
  settings: ClusterAddonSettings,
  addonNames: readonly AddonName[],
  dependsOn: readonly pulumi.Resource[],
  parent: pulumi.Resource,
): aws.eks.Addon[] {
  return addonNames.map((addonName) => {
    const identity = settings.identities[addonName];
    return createAddon(
      name,
      {
        clusterName: settings.clusterName,
        addonName,
        version: settings.versions[addonName],
        configurationValues: settings.configuration[addonName],
      },
      { parent, dependsOn: [...dependsOn, ...(identity ? [identity] : [])] },
    );
  });
}
