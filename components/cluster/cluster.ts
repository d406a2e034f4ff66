/**
 * The EKS cluster: control plane (IAM role, security groups, encrypted log group, secrets
 * encryption, private endpoint), admin access entries, the IAM OIDC provider, managed add-ons with
 * their own workload identities, managed node groups, and the Kubernetes objects the cluster needs
 * (default encrypted StorageClass, Cluster Autoscaler, metrics-server, NVIDIA device plugin).
 *
 * The constructor is the table of contents; each step lives in a file named after what it builds:
 * `control-plane.ts`, `security-groups.ts`, `access.ts`, `addons.ts`, `node-group.ts`,
 * `kubeconfig.ts` (the Kubernetes provider), `charts.ts` (StorageClass and Helm releases) and
 * `placement.ts` (taints, tolerations, node selectors).
 *
 * Built on `@pulumi/aws` resources, not `@pulumi/eks`: every child is visible to previews, tests and
 * the policy pack (docs/decisions/0010-eks-on-aws-resources.md).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { adminEntryKey, createAdminAccess } from "./access";
import { apiAccessCidrProblem, apiAccessKey, createApiAccessRules } from "./api-access";
import {
  type AddonName,
  NODE_DEPENDENT_ADDONS,
  NODE_PREREQUISITE_ADDONS,
  addonConfiguration,
  createAddonIdentities,
  createAddons,
} from "./addons";
import { DEFAULT_STORAGE_CLASS, createClusterCharts, createDefaultStorageClass } from "./charts";
import { createControlPlane, createControlPlaneRole } from "./control-plane";
import { createKubernetesProvider } from "./kubeconfig";
import { type NodeGroupSpec, createNodeGroups } from "./node-group";
import { type PodPlacement, placementFor, podPlacement } from "./placement";
import { createClusterSecurityGroups } from "./security-groups";

export { CLUSTER_ADMIN_POLICY_ARN } from "./access";
export { CONTROL_PLANE_LOG_TYPES } from "./control-plane";

const IAM_ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** Kubernetes object names such as a StorageClass's. */
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export interface EksClusterArgs {
  /** EKS cluster name (also the subnet tag `kubernetes.io/cluster/<name>`); see {@link clusterNameFor}. */
  readonly clusterName: string;
  /** Kubernetes minor version, e.g. `1.33`. Upgrade one minor at a time (docs/cluster.md). */
  readonly version: string;
  /** AWS region of the cluster (for `aws eks get-token` and the Cluster Autoscaler). */
  readonly region: string;
  /** VPC of the cluster. */
  readonly vpcId: pulumi.Input<string>;
  /** One private subnet per AZ, in the order of `availabilityZones`: control plane ENIs and nodes. */
  readonly privateSubnetIds: pulumi.Input<string>[];
  /** The AZs of `privateSubnetIds` (at least 2). */
  readonly availabilityZones: readonly string[];
  /** Customer-managed keys (from the KMS component). */
  readonly keys: {
    /** Envelope encryption of Kubernetes secrets. */
    readonly eksSecretsKeyArn: pulumi.Input<string>;
    /** Encryption of the control-plane log group. */
    readonly logsKeyArn: pulumi.Input<string>;
    /** Node root volumes and the default StorageClass. */
    readonly ebsKeyArn: pulumi.Input<string>;
  };
  /** Governance tags, repeated on instances and volumes (default tags do not reach ASG launches). */
  readonly tags: Readonly<Record<string, string>>;
  /**
   * Public API endpoint; the private endpoint is always on.
   * @default false (reachable only from the VPC and peered networks)
   */
  readonly endpointPublicAccess?: boolean;
  /** CIDRs allowed on the public endpoint; required when it is on, ignored otherwise. */
  readonly publicAccessCidrs?: readonly string[];
  /**
   * Private CIDRs admitted on 443 to the private endpoint (operator VPN, CI runners, peered
   * networks, or the subnet of a runner inside the VPC): one ingress rule each on the control
   * plane's security group. With the public endpoint off, whoever runs `pulumi up` must be in one
   * of them, or the Kubernetes provider and every Helm release time out (docs/decisions/0120).
   * @default none: only the nodes reach the API
   */
  readonly apiAccessCidrs?: readonly string[];
  /**
   * More security groups for every node (and so every pod), e.g. the platform's data-clients group
   * that the data stores admit (docs/decisions/0121). Attached through the launch templates.
   * @default none
   */
  readonly additionalNodeSecurityGroupIds?: readonly pulumi.Input<string>[];
  /**
   * IAM role ARNs mapped to AmazonEKSClusterAdminPolicy through access entries.
   * @default none: then the identity that creates the cluster keeps admin access (bootstrap)
   */
  readonly adminRoleArns?: readonly string[];
  /**
   * Retention of the control-plane log group, in days.
   * @default 90
   */
  readonly logRetentionDays?: number;
  /**
   * EKS deletion protection on the cluster.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /** Pinned add-on versions (`vX.Y.Z-eksbuild.N`) for `version`. */
  readonly addonVersions: Readonly<Record<AddonName, string>>;
  /**
   * CoreDNS replicas.
   * @default 2
   */
  readonly corednsReplicas?: number;
  /** Node groups by stable key; exactly one has role `system`. */
  readonly nodeGroups: Readonly<Record<string, NodeGroupSpec>>;
  /** Cluster Autoscaler chart version and image tag (same minor as `version`). */
  readonly clusterAutoscaler: { readonly chartVersion: string; readonly imageTag: string };
  /** metrics-server chart version and replicas (@default replicas 2). */
  readonly metricsServer: { readonly chartVersion: string; readonly replicas?: number };
  /** NVIDIA device plugin chart version; deployed only when a gpu group exists. */
  readonly nvidiaDevicePlugin: { readonly chartVersion: string };
  /**
   * Name of the default StorageClass (encrypted gp3 with the EBS key).
   * @default "gp3-encrypted"
   */
  readonly storageClassName?: string;
}

/** The cluster name a stack uses: give the network component the same value for its subnet tags. */
export function clusterNameFor(project: string, environment: string): string {
  return `${project}-${environment}`;
}

/** Every problem with the args, as sentences; empty when valid. */
export function validateEksClusterArgs(args: EksClusterArgs): string[] {
  const problems: string[] = [];
  if (!/^[a-zA-Z][a-zA-Z0-9_-]{0,99}$/.test(args.clusterName)) {
    problems.push(
      `clusterName '${args.clusterName}' must start with a letter and have at most 100 letters, digits, '-' or '_'`,
    );
  }
  if (!/^1\.\d{2}$/.test(args.version)) {
    problems.push(`version '${args.version}' must be a Kubernetes minor version like 1.33`);
  }
  if (args.availabilityZones.length < 2) {
    problems.push(
      `availabilityZones lists ${args.availabilityZones.length}; EKS needs subnets in at least 2 AZs`,
    );
  }
  if (args.privateSubnetIds.length !== args.availabilityZones.length) {
    problems.push(
      `privateSubnetIds has ${args.privateSubnetIds.length} subnets for ${args.availabilityZones.length} AZs; give one per AZ`,
    );
  }
  const publicCidrs = args.publicAccessCidrs ?? [];
  if (args.endpointPublicAccess === true && publicCidrs.length === 0) {
    problems.push(
      "endpointPublicAccess is on but publicAccessCidrs is empty; list the CIDRs allowed (EKS would open 0.0.0.0/0)",
    );
  }
  for (const cidr of args.apiAccessCidrs ?? []) {
    const problem = apiAccessCidrProblem(cidr);
    if (problem !== undefined) {
      problems.push(`apiAccessCidrs entry '${cidr}' ${problem}`);
    }
  }
  const apiKeys = (args.apiAccessCidrs ?? []).map(apiAccessKey);
  if (new Set(apiKeys).size !== apiKeys.length) {
    problems.push("apiAccessCidrs lists a CIDR twice; list each once (each is one rule)");
  }
  const adminKeys = new Map<string, string>();
  for (const arn of args.adminRoleArns ?? []) {
    if (!IAM_ROLE_ARN.test(arn)) {
      problems.push(`adminRoleArns entry '${arn}' is not an IAM role ARN`);
    }
    // The role name (last path segment) names the access entry's child resources.
    const key = adminEntryKey(arn);
    const first = adminKeys.get(key);
    if (first !== undefined) {
      problems.push(
        `adminRoleArns entries '${first}' and '${arn}' share the role name '${key}'; list each role once (two roles of one name would collide as children)`,
      );
    } else {
      adminKeys.set(key, arn);
    }
  }
  const storageClass = args.storageClassName;
  if (storageClass !== undefined && !DNS_SUBDOMAIN.test(storageClass)) {
    problems.push(
      `storageClassName '${storageClass}' must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.')`,
    );
  }
  const groups = Object.entries(args.nodeGroups);
  const systems = groups.filter(([, g]) => g.role === "system").length;
  if (systems !== 1) {
    problems.push(`nodeGroups needs exactly one group with role system, found ${systems}`);
  }
  for (const [key, g] of groups) {
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(key)) {
      problems.push(`nodeGroups key '${key}' must be a lowercase name of at most 31 characters`);
    }
    if (g.instanceTypes.length === 0) {
      problems.push(`nodeGroups.${key} lists no instance types`);
    }
    if (g.maxSize < 1 || g.maxSize < g.minSize || g.desiredSize < g.minSize || g.desiredSize > g.maxSize) {
      problems.push(
        `nodeGroups.${key} sizes must satisfy 0 <= minSize <= desiredSize <= maxSize and maxSize >= 1 (got ${g.minSize}/${g.desiredSize}/${g.maxSize})`,
      );
    }
  }
  return problems;
}

/** The args with every default applied (what the steps of the component read). */
export type ResolvedEksClusterArgs = EksClusterArgs &
  Required<
    Pick<
      EksClusterArgs,
      | "endpointPublicAccess"
      | "publicAccessCidrs"
      | "apiAccessCidrs"
      | "additionalNodeSecurityGroupIds"
      | "adminRoleArns"
      | "logRetentionDays"
      | "deletionProtection"
      | "corednsReplicas"
      | "storageClassName"
    >
  >;

/** Validates `args` (one error listing every problem) and applies the documented defaults. */
export function resolveEksClusterArgs(name: string, args: EksClusterArgs): ResolvedEksClusterArgs {
  const problems = validateEksClusterArgs(args);
  if (problems.length > 0) {
    throw new Error(`EksCluster '${name}' has invalid arguments:\n  - ${problems.join("\n  - ")}`);
  }
  return {
    ...args,
    endpointPublicAccess: args.endpointPublicAccess ?? false,
    publicAccessCidrs: args.publicAccessCidrs ?? [],
    apiAccessCidrs: args.apiAccessCidrs ?? [],
    additionalNodeSecurityGroupIds: args.additionalNodeSecurityGroupIds ?? [],
    adminRoleArns: args.adminRoleArns ?? [],
    logRetentionDays: args.logRetentionDays ?? 90,
    deletionProtection: args.deletionProtection ?? true,
    corednsReplicas: args.corednsReplicas ?? 2,
    storageClassName: args.storageClassName ?? DEFAULT_STORAGE_CLASS,
  };
}

/** An EKS cluster with node groups, add-ons and a Kubernetes provider for the components that follow. */
export class EksCluster extends pulumi.ComponentResource {
  public readonly clusterName: pulumi.Output<string>;
  public readonly clusterArn: pulumi.Output<string>;
  /** HTTPS endpoint of the API server. */
  public readonly endpoint: pulumi.Output<string>;
  /** ARN of the IAM OIDC provider (for IRSA consumers). */
  public readonly oidcProviderArn: pulumi.Output<string>;
  /** OIDC issuer without `https://` (the prefix of IRSA condition keys). */
  public readonly oidcIssuer: pulumi.Output<string>;
  /** Security group EKS creates for the cluster. */
  public readonly clusterSecurityGroupId: pulumi.Output<string>;
  /** Security group of every node (and so of every pod): the data tier admits traffic from it. */
  public readonly nodeSecurityGroupId: pulumi.Output<string>;
  /** ARN of the role every node runs as (what pulls images: the registry's repository policies name it). */
  public readonly nodeRoleArn: pulumi.Output<string>;
  /** Kubeconfig using `aws eks get-token` (secret). */
  public readonly kubeconfig: pulumi.Output<string>;
  /** Kubernetes provider for this cluster, for components that deploy into it. */
  public readonly provider: k8s.Provider;
  /** EKS node group names by config key. */
  public readonly nodeGroupNames: Record<string, pulumi.Output<string>>;
  /** The default encrypted gp3 StorageClass. */
  public readonly storageClassName: pulumi.Output<string>;
  /**
   * Where platform add-ons belong: the system node group's labels as node selector, tolerating
   * exactly its taints (what CoreDNS, the EBS CSI controller, the autoscaler and metrics-server
   * get). Give it to the components deployed next to them (ingress controller, cert-manager, Vault).
   */
  public readonly systemPlacement: PodPlacement;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:cluster:EksCluster", name, {}, opts);
    const a = resolveEksClusterArgs(name, args);
    const system = placementFor(a.nodeGroups, "system");

    // Control plane: its role, the security groups of the control plane and the nodes, the cluster.
    const role = createControlPlaneRole(name, a.keys.eksSecretsKeyArn, this);
    const securityGroups = createClusterSecurityGroups(name, a.vpcId, a.clusterName, this);
    const apiAccess = createApiAccessRules(name, securityGroups.controlPlane.id, a.apiAccessCidrs, this);
    const controlPlane = createControlPlane(name, a, role, securityGroups.controlPlane, this);
    const cluster = controlPlane.cluster;
    const clusterName = cluster.name;

    // Access: admin roles through access entries (the deployer's among them when any are listed).
    const adminAccess = createAdminAccess(name, clusterName, a.adminRoleArns, this);

    // Add-ons nodes need (networking, credentials), the node groups, then the add-ons that need nodes.
    const addons = {
      clusterName,
      versions: a.addonVersions,
      configuration: addonConfiguration(a.corednsReplicas, system),
      identities: createAddonIdentities(name, clusterName, a.keys.ebsKeyArn, this),
    };
    const prerequisites = createAddons(name, addons, NODE_PREREQUISITE_ADDONS, [], this);
    const { nodeGroups, nodeRoleArn } = createNodeGroups(
      name,
      a,
      cluster,
      securityGroups.node,
      prerequisites,
      this,
    );
    const nodes = Object.values(nodeGroups);
    const nodeDependent = createAddons(name, addons, NODE_DEPENDENT_ADDONS, nodes, this);

    // Kubernetes: the provider waits for the nodes and their add-ons, for the admin access policy
    // associations (until the deployer's is in place its calls are refused) and for the API access
    // rules (until then its calls time out).
    const clusterReady = [...nodes, ...nodeDependent];
    const kubernetes = createKubernetesProvider(
      name,
      cluster,
      a.region,
      [...clusterReady, ...adminAccess, ...apiAccess],
      this,
    );
    const inCluster = { parent: this, provider: kubernetes.provider, dependsOn: clusterReady };
    const storageClass = createDefaultStorageClass(
      `${name}-gp3-encrypted`,
      { name: a.storageClassName, ebsKeyArn: a.keys.ebsKeyArn },
      inCluster,
    );
    createClusterCharts(name, { ...a, clusterNameOutput: clusterName }, inCluster);

    this.kubeconfig = kubernetes.kubeconfig;
    this.provider = kubernetes.provider;
    this.clusterName = clusterName;
    this.clusterArn = cluster.arn;
    this.endpoint = cluster.endpoint;
    this.oidcProviderArn = controlPlane.oidcProvider.arn;
    this.oidcIssuer = controlPlane.oidcIssuer;
    this.clusterSecurityGroupId = cluster.vpcConfig.apply((v) => v.clusterSecurityGroupId);
    this.nodeSecurityGroupId = securityGroups.node.id;
    this.nodeRoleArn = nodeRoleArn;
    this.nodeGroupNames = Object.fromEntries(
      Object.entries(nodeGroups).map(([group, ng]) => [group, ng.nodeGroupName]),
    );
    this.storageClassName = storageClass.metadata.name;
    this.systemPlacement = podPlacement(system);
    this.registerOutputs({
      clusterName: this.clusterName,
      clusterArn: this.clusterArn,
      endpoint: this.endpoint,
      oidcProviderArn: this.oidcProviderArn,
      oidcIssuer: this.oidcIssuer,
      clusterSecurityGroupId: this.clusterSecurityGroupId,
      nodeSecurityGroupId: this.nodeSecurityGroupId,
      nodeRoleArn: this.nodeRoleArn,
      kubeconfig: this.kubeconfig,
      nodeGroupNames: this.nodeGroupNames,
      storageClassName: this.storageClassName,
      systemPlacement: this.systemPlacement,
    });
  }
}
