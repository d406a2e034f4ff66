/**
 * `platform:cluster`: the EKS control plane, its add-ons, node groups and cluster-level Helm charts.
 */
import { z } from "zod";
import { parseCidr } from "../../components/network/cidr";
import { instanceTypeProblem } from "./aws";
import { retentionDays } from "./network";
import { apiAccessProblems } from "./api-access";
import type { ConfigProblem } from "./problems";

/**
 * Kubernetes minors EKS gives standard support to and this program is tested with. Raise the upper
 * bound (and pin the matching add-on versions) when EKS releases a minor; see docs/cluster.md.
 */
export const SUPPORTED_KUBERNETES_VERSIONS = ["1.32", "1.33", "1.34"] as const;

/** AMI types for managed node groups with a launch template and no custom AMI (AL2 ended with 1.32). */
export const AMI_TYPES = [
  "AL2023_x86_64_STANDARD",
  "AL2023_ARM_64_STANDARD",
  "AL2023_x86_64_NVIDIA",
  "AL2023_ARM_64_NVIDIA",
  "AL2023_x86_64_NEURON",
] as const;
export const NVIDIA_AMI_TYPES: readonly string[] = ["AL2023_x86_64_NVIDIA", "AL2023_ARM_64_NVIDIA"];

export const NODE_ROLES = ["system", "application", "gpu"] as const;
export const CAPACITY_TYPES = ["ON_DEMAND", "SPOT"] as const;
export const TAINT_EFFECTS = ["NoSchedule", "NoExecute", "PreferNoSchedule"] as const;
export const ADDON_NAMES = [
  "vpc-cni",
  "coredns",
  "kube-proxy",
  "eks-pod-identity-agent",
  "aws-ebs-csi-driver",
] as const;

const ADDON_VERSION = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;
const CHART_VERSION = /^\d+\.\d+\.\d+$/;
const IAM_ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** Kubernetes label key (optional DNS prefix + name) and value. */
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

const count = z.number().int({ message: "must be a whole number" }).min(0, { message: "must be 0 or more" });

const nodeGroupSchema = z.strictObject({
  /** What runs on the group: `system` (add-ons, tainted CriticalAddonsOnly), `application`, `gpu`. */
  role: z.enum(NODE_ROLES, { message: `must be one of ${NODE_ROLES.join(", ")}` }),
  capacityType: z.enum(CAPACITY_TYPES, { message: `must be ON_DEMAND or SPOT` }),
  instanceTypes: z
    .array(
      z.string({ message: "must be an EC2 instance type like m5.large" }).superRefine((value, ctx) => {
        const message = instanceTypeProblem(value);
        if (message !== undefined) {
          ctx.addIssue({ code: "custom", message });
        }
      }),
    )
    .min(1, { message: "must list at least one instance type" }),
  amiType: z.enum(AMI_TYPES, { message: `must be one of ${AMI_TYPES.join(", ")}` }),
  minSize: count,
  maxSize: count
    .min(1, { message: "must be 1 or more (EKS requires it)" })
    .max(1000, { message: "must be at most 1000" }),
  desiredSize: count,
  /** Root volume size (encrypted gp3). */
  diskSizeGiB: z
    .number()
    .int()
    .min(20, { message: "must be a whole number from 20 to 16384 GiB" })
    .max(16384, {
      message: "must be a whole number from 20 to 16384 GiB",
    }),
  labels: z
    .record(
      z.string().regex(LABEL_KEY, {
        message: "label keys must be Kubernetes label keys like workload or example.com/tier",
      }),
      z
        .string()
        .regex(LABEL_VALUE, { message: "label values must be at most 63 letters, digits, '-', '_' or '.'" }),
    )
    .default({}),
  taints: z
    .array(
      z.strictObject({
        key: z.string().regex(LABEL_KEY, { message: "must be a Kubernetes label key" }),
        value: z
          .string()
          .regex(LABEL_VALUE, { message: "must be at most 63 letters, digits, '-', '_' or '.'" }),
        effect: z.enum(TAINT_EFFECTS, { message: `must be one of ${TAINT_EFFECTS.join(", ")}` }),
      }),
    )
    .max(50, { message: "EKS allows at most 50 taints per node group" })
    .default([]),
  /** Share of nodes replaced at once during an update. */
  maxUnavailablePercentage: z
    .number()
    .int()
    .min(1, { message: "must be a whole number from 1 to 100" })
    .max(100, { message: "must be a whole number from 1 to 100" })
    .default(33),
});

export type NodeGroupConfig = z.infer<typeof nodeGroupSchema>;

const chart = z.string().regex(CHART_VERSION, { message: "must be a pinned chart version like 9.50.1" });

export const clusterSchema = z.strictObject({
  /** EKS cluster name; the network component tags subnets with it, so give both the same value. */
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,99}$/, {
    message: "must start with a letter and contain at most 100 letters, digits, '-' or '_'",
  }),
  version: z
    .string()
    .regex(/^1\.\d{2}$/, {
      message: "must be a Kubernetes minor version like 1.33 (a quoted string)",
      abort: true,
    })
    .refine((v) => (SUPPORTED_KUBERNETES_VERSIONS as readonly string[]).includes(v), {
      message: `must be a version EKS supports: ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}`,
    }),
  endpointPublicAccess: z.boolean({ message: "must be true or false" }),
  /** CIDRs allowed to reach the public endpoint; required when it is on. */
  publicAccessCidrs: z.array(z.string()).default([]),
  /**
   * Private CIDRs admitted on 443 to the private endpoint (infra/config/api-access.ts); required
   * when the public endpoint is off.
   */
  apiAccessCidrs: z.array(z.string({ message: "must be a CIDR string" })).default([]),
  /** IAM role ARNs given AmazonEKSClusterAdminPolicy through access entries. */
  adminRoleArns: z
    .array(
      z.string().regex(IAM_ROLE_ARN, {
        message: "must be an IAM role ARN like arn:aws:iam::123456789012:role/Admin",
      }),
    )
    .default([]),
  logRetentionDays: retentionDays,
  /** Refuse `DeleteCluster` until turned off. */
  deletionProtection: z.boolean({ message: "must be true or false" }).default(true),
  addonVersions: z.strictObject(
    Object.fromEntries(
      ADDON_NAMES.map((n) => [
        n,
        z.string().regex(ADDON_VERSION, { message: "must be an EKS add-on version like v1.20.1-eksbuild.1" }),
      ]),
    ) as Record<(typeof ADDON_NAMES)[number], z.ZodString>,
  ),
  corednsReplicas: z.number().int().min(1, { message: "must be a whole number from 1 to 10" }).max(10, {
    message: "must be a whole number from 1 to 10",
  }),
  nodeGroups: z.record(
    z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, {
      message: "node group keys must be lowercase names like system (at most 31 characters)",
    }),
    nodeGroupSchema,
  ),
  clusterAutoscaler: z.strictObject({
    chartVersion: chart,
    /** Cluster Autoscaler image tag; its minor must match the cluster's. */
    imageTag: z.string().regex(/^v1\.\d{2}\.\d+$/, { message: "must be an image tag like v1.33.0" }),
  }),
  metricsServer: z.strictObject({
    chartVersion: chart,
    replicas: z
      .number()
      .int()
      .min(1, { message: "must be 1 or 2" })
      .max(2, { message: "must be 1 or 2" })
      .default(2),
  }),
  nvidiaDevicePlugin: z.strictObject({ chartVersion: chart }),
});

export type ClusterConfig = z.infer<typeof clusterSchema>;

const KEY = "platform:cluster";

/** Sizes, instance types, Spot diversity, GPU AMI and taint of one node group. */
function nodeGroupProblems(group: string, ng: NodeGroupConfig, production: boolean): ConfigProblem[] {
  const at = `${KEY}.nodeGroups.${group}`;
  const problems: ConfigProblem[] = [];
  if (ng.maxSize < ng.minSize) {
    problems.push({
      key: `${at}.maxSize`,
      received: ng.maxSize,
      message: `must be at least minSize (${ng.minSize})`,
    });
  } else if (ng.desiredSize < ng.minSize || ng.desiredSize > ng.maxSize) {
    problems.push({
      key: `${at}.desiredSize`,
      received: ng.desiredSize,
      message: `must be within minSize..maxSize (${ng.minSize}..${ng.maxSize}); EKS rejects anything else`,
    });
  }
  if (new Set(ng.instanceTypes).size !== ng.instanceTypes.length) {
    problems.push({
      key: `${at}.instanceTypes`,
      received: ng.instanceTypes,
      message: "lists an instance type twice",
    });
  }
  if (ng.capacityType === "SPOT") {
    const needed = production && ng.role === "application" ? 3 : 2;
    if (ng.instanceTypes.length < needed) {
      problems.push({
        key: `${at}.instanceTypes`,
        received: ng.instanceTypes,
        message: `SPOT groups need at least ${needed} interchangeable instance types${needed === 3 ? " for production applications" : ""}, so one interrupted pool does not empty the group`,
      });
    }
  }
  return [...problems, ...gpuProblems(at, ng)];
}

/** GPU groups use an NVIDIA AMI and the GPU taint; other groups do not use an NVIDIA AMI. */
function gpuProblems(at: string, ng: NodeGroupConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const nvidia = NVIDIA_AMI_TYPES.includes(ng.amiType);
  if (ng.role === "gpu" && !nvidia) {
    problems.push({
      key: `${at}.amiType`,
      received: ng.amiType,
      message: `gpu groups need an NVIDIA AMI type (${NVIDIA_AMI_TYPES.join(", ")})`,
    });
  }
  if (ng.role !== "gpu" && nvidia) {
    problems.push({
      key: `${at}.amiType`,
      received: ng.amiType,
      message: "NVIDIA AMI types are for groups with role gpu",
    });
  }
  if (ng.role === "gpu" && !ng.taints.some((t) => t.key === "nvidia.com/gpu" && t.effect === "NoSchedule")) {
    problems.push({
      key: `${at}.taints`,
      received: ng.taints,
      message:
        "gpu groups need the taint nvidia.com/gpu=true:NoSchedule so only pods that tolerate it land on GPU nodes",
    });
  }
  return problems;
}

/** Exactly one system group: on-demand, tainted only CriticalAddonsOnly, 2+ nodes in production. */
function systemGroupProblems(cluster: ClusterConfig, production: boolean): ConfigProblem[] {
  const systemGroups = Object.entries(cluster.nodeGroups).filter(([, ng]) => ng.role === "system");
  if (systemGroups.length !== 1) {
    return [
      {
        key: `${KEY}.nodeGroups`,
        received: systemGroups.map(([g]) => g),
        message: `needs exactly one group with role system (for CoreDNS, autoscaler and metrics-server), found ${systemGroups.length}`,
      },
    ];
  }
  const problems: ConfigProblem[] = [];
  const [group, system] = systemGroups[0];
  if (system.capacityType !== "ON_DEMAND") {
    problems.push({
      key: `${KEY}.nodeGroups.${group}.capacityType`,
      received: system.capacityType,
      message: "the system group must be ON_DEMAND: add-ons must not be interrupted",
    });
  }
  // The ALB controller, cert-manager and Vault are placed on system nodes tolerating exactly this
  // taint (infra/platform.ts): any other taint there would leave them Pending.
  const foreign = system.taints.filter(
    (t) => !(t.key === "CriticalAddonsOnly" && t.value === "true" && t.effect === "NoSchedule"),
  );
  if (foreign.length > 0) {
    problems.push({
      key: `${KEY}.nodeGroups.${group}.taints`,
      received: system.taints,
      message:
        "the system group may carry only the taint CriticalAddonsOnly=true:NoSchedule, which every platform add-on tolerates; other taints would leave them Pending",
    });
  }
  if (production && system.minSize < 2) {
    problems.push({
      key: `${KEY}.nodeGroups.${group}.minSize`,
      received: system.minSize,
      message: "production needs at least 2 system nodes so add-ons survive losing one",
    });
  }
  return problems;
}

/** kube-proxy and the Cluster Autoscaler image follow the cluster's minor version. */
function versionProblems(cluster: ClusterConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const minor = cluster.version.split(".")[1];
  const kubeProxyMinor = /^v1\.(\d+)\./.exec(cluster.addonVersions["kube-proxy"])?.[1];
  if (kubeProxyMinor !== minor) {
    problems.push({
      key: `${KEY}.addonVersions.kube-proxy`,
      received: cluster.addonVersions["kube-proxy"],
      message: `must be a v${cluster.version}.x build to match the cluster version ${cluster.version}`,
    });
  }
  if (/^v1\.(\d+)\./.exec(cluster.clusterAutoscaler.imageTag)?.[1] !== minor) {
    problems.push({
      key: `${KEY}.clusterAutoscaler.imageTag`,
      received: cluster.clusterAutoscaler.imageTag,
      message: `must be a v${cluster.version}.x release to match the cluster version ${cluster.version}`,
    });
  }
  return problems;
}

/** The public endpoint's CIDRs: valid, never the whole internet in production, only when it is on. */
function endpointProblems(cluster: ClusterConfig, production: boolean): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  cluster.publicAccessCidrs.forEach((cidr, i) => {
    const parsed = parseCidr(cidr);
    if (typeof parsed === "string") {
      problems.push({ key: `${KEY}.publicAccessCidrs[${i}]`, received: cidr, message: parsed });
    } else if (production && parsed.prefixLength === 0) {
      problems.push({
        key: `${KEY}.publicAccessCidrs[${i}]`,
        received: cidr,
        message:
          "production must not open the API endpoint to the whole internet; list your office or VPN CIDRs",
      });
    }
  });
  if (cluster.endpointPublicAccess && cluster.publicAccessCidrs.length === 0) {
    problems.push({
      key: `${KEY}.publicAccessCidrs`,
      received: cluster.publicAccessCidrs,
      message:
        "must list the CIDRs allowed to reach the public endpoint (EKS would otherwise open it to 0.0.0.0/0); or set endpointPublicAccess: false",
    });
  }
  if (!cluster.endpointPublicAccess && cluster.publicAccessCidrs.length > 0) {
    problems.push({
      key: `${KEY}.publicAccessCidrs`,
      received: cluster.publicAccessCidrs,
      message: "is only used when endpointPublicAccess is true; remove it",
    });
  }
  return problems;
}

/** Admin roles listed once (and at least one in production); production keeps deletion protection and 2+ CoreDNS. */
function accessAndProductionProblems(cluster: ClusterConfig, production: boolean): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (new Set(cluster.adminRoleArns).size !== cluster.adminRoleArns.length) {
    problems.push({
      key: `${KEY}.adminRoleArns`,
      received: cluster.adminRoleArns,
      message: "lists a role twice",
    });
  }
  if (!production) {
    return problems;
  }
  if (cluster.adminRoleArns.length === 0) {
    problems.push({
      key: `${KEY}.adminRoleArns`,
      received: cluster.adminRoleArns,
      message: "production needs at least one admin role ARN (the deployer gets no implicit admin access)",
    });
  }
  if (!cluster.deletionProtection) {
    problems.push({
      key: `${KEY}.deletionProtection`,
      received: false,
      message: "must be true in production",
    });
  }
  if (cluster.corednsReplicas < 2) {
    problems.push({
      key: `${KEY}.corednsReplicas`,
      received: cluster.corednsReplicas,
      message: "production needs at least 2 CoreDNS replicas",
    });
  }
  return problems;
}

/**
 * Cross-field rules: sizes, spot diversity, one system group, versions in step, production access.
 * Reported per node group first, then the system-group rules, then the rest.
 */
export function checkCluster(cluster: ClusterConfig, environment: string): ConfigProblem[] {
  const production = environment === "production";
  return [
    ...Object.entries(cluster.nodeGroups).flatMap(([group, ng]) => nodeGroupProblems(group, ng, production)),
    ...systemGroupProblems(cluster, production),
    ...versionProblems(cluster),
    ...endpointProblems(cluster, production),
    ...accessAndProductionProblems(cluster, production),
    ...apiAccessProblems(cluster),
  ];
}
