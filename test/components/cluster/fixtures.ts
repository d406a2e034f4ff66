/** Realistic args for EksCluster: the production seeds, as infra/cluster.ts passes them. */
import type { EksClusterArgs } from "../../../components/cluster/cluster";

export const KEYS = {
  eksSecretsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/eks",
  logsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/logs",
  ebsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/ebs",
};
export const SUBNETS = ["subnet-a", "subnet-b", "subnet-c"];
export const ADMIN = "arn:aws:iam::123456789012:role/PlatformAdmin";

export const PRODUCTION_ARGS: EksClusterArgs = {
  clusterName: "platform-production",
  version: "1.33",
  region: "us-west-2",
  vpcId: "vpc-123",
  privateSubnetIds: SUBNETS,
  availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
  keys: KEYS,
  tags: { Environment: "production", Project: "platform" },
  endpointPublicAccess: false,
  adminRoleArns: [ADMIN, "arn:aws:iam::123456789012:role/ops/BreakGlass"],
  logRetentionDays: 90,
  deletionProtection: true,
  addonVersions: {
    "vpc-cni": "v1.20.1-eksbuild.3",
    coredns: "v1.12.1-eksbuild.2",
    "kube-proxy": "v1.33.0-eksbuild.2",
    "eks-pod-identity-agent": "v1.3.8-eksbuild.2",
    "aws-ebs-csi-driver": "v1.46.0-eksbuild.1",
  },
  corednsReplicas: 3,
  nodeGroups: {
    system: {
      role: "system",
      capacityType: "ON_DEMAND",
      instanceTypes: ["m5.large", "m5a.large"],
      amiType: "AL2023_x86_64_STANDARD",
      minSize: 2,
      maxSize: 4,
      desiredSize: 2,
      diskSizeGiB: 50,
      labels: { workload: "system" },
      taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" }],
      maxUnavailablePercentage: 33,
    },
    application: {
      role: "application",
      capacityType: "SPOT",
      instanceTypes: ["m5.xlarge", "m5a.xlarge", "m5n.xlarge"],
      amiType: "AL2023_x86_64_STANDARD",
      minSize: 3,
      maxSize: 20,
      desiredSize: 6,
      diskSizeGiB: 100,
      labels: { workload: "application", lifecycle: "spot" },
      taints: [],
      maxUnavailablePercentage: 33,
    },
    gpu: {
      role: "gpu",
      capacityType: "SPOT",
      instanceTypes: ["g4dn.xlarge", "g4dn.2xlarge"],
      amiType: "AL2023_x86_64_NVIDIA",
      minSize: 0,
      maxSize: 5,
      desiredSize: 1,
      diskSizeGiB: 100,
      labels: { workload: "gpu", lifecycle: "spot" },
      taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }],
      maxUnavailablePercentage: 33,
    },
  },
  clusterAutoscaler: { chartVersion: "9.50.1", imageTag: "v1.33.0" },
  metricsServer: { chartVersion: "3.13.0", replicas: 2 },
  nvidiaDevicePlugin: { chartVersion: "0.17.3" },
};
