/**
 * The EKS cluster: control plane (IAM role, security groups, encrypted log group, secrets
 * encryption, private endpoint, access entries), the IAM OIDC provider, managed add-ons with their
 * own workload identities, managed node groups, and the Kubernetes objects the cluster needs
 * (default encrypted StorageClass, Cluster Autoscaler, metrics-server, NVIDIA device plugin).
 *
 * Built on `@pulumi/aws` resources, not `@pulumi/eks`: every child is visible to previews, tests and
 * the policy pack (docs/decisions/0010-eks-on-aws-resources.md).
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  ADDONS,
  type AddonName,
  NODE_PREREQUISITE_ADDONS,
  type Taint,
  clusterAutoscalerPolicy,
  corednsConfiguration,
  createAddon,
  ebsCsiConfiguration,
  ebsCsiKmsPolicy,
  vpcCniConfiguration,
} from "./addons";
import {
  CHART_REPOSITORIES,
  CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
  type Placement,
  clusterAutoscalerValues,
  createDefaultStorageClass,
  createRelease,
  metricsServerValues,
  nvidiaDevicePluginValues,
} from "./charts";
import { buildKubeconfig } from "./kubeconfig";
import { GPU_PRESENT_LABEL, type NodeGroupSpec, createNodeGroup, nodeLabels } from "./node-group";
import { WorkloadIdentity } from "./workload-identity";

/** Control-plane log types; all of them go to CloudWatch. */
export const CONTROL_PLANE_LOG_TYPES = [
  "api",
  "audit",
  "authenticator",
  "controllerManager",
  "scheduler",
] as const;
export const CLUSTER_ADMIN_POLICY_ARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

const IAM_ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

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
}

/** Stable key of an admin role in child names: the role name, the last segment of its ARN. */
function adminEntryKey(arn: string): string {
  return arn.split("/").pop()!;
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

/** Placement of pods on the groups with `role`: their labels as selector (shared ones), their taints tolerated. */
function placementFor(
  nodeGroups: Readonly<Record<string, NodeGroupSpec>>,
  role: NodeGroupSpec["role"],
): Placement {
  const specs = Object.values(nodeGroups).filter((g) => g.role === role);
  if (role === "gpu") {
    const taints = new Map<string, Taint>();
    specs.flatMap((g) => g.taints ?? []).forEach((t) => taints.set(`${t.key}=${t.value}:${t.effect}`, t));
    return { nodeSelector: { [GPU_PRESENT_LABEL]: "true" }, taints: [...taints.values()] };
  }
  return { nodeSelector: nodeLabels(specs[0]), taints: specs[0].taints ?? [] };
}

function roleTrust(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
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
  /** Kubeconfig using `aws eks get-token` (secret). */
  public readonly kubeconfig: pulumi.Output<string>;
  /** Kubernetes provider for this cluster, for components that deploy into it. */
  public readonly provider: k8s.Provider;
  /** EKS node group names by config key. */
  public readonly nodeGroupNames: Record<string, pulumi.Output<string>>;
  /** The default encrypted gp3 StorageClass. */
  public readonly storageClassName: pulumi.Output<string>;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:cluster:EksCluster", name, {}, opts);
    const problems = validateEksClusterArgs(args);
    if (problems.length > 0) {
      throw new Error(`EksCluster '${name}' has invalid arguments:\n  - ${problems.join("\n  - ")}`);
    }
    const admins = args.adminRoleArns ?? [];
    const publicAccess = args.endpointPublicAccess ?? false;
    const parent = { parent: this };

    // --- IAM role of the control plane ---------------------------------------------------------
    const clusterRole = new aws.iam.Role(
      `${name}-cluster`,
      { assumeRolePolicy: roleTrust("eks.amazonaws.com") },
      parent,
    );
    const clusterRolePolicies = new aws.iam.RolePolicyAttachmentsExclusive(
      `${name}-cluster`,
      { roleName: clusterRole.name, policyArns: ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"] },
      parent,
    );
    // Envelope encryption of Secrets: the EKS key's policy delegates to IAM (root statement), so the
    // control plane's role is granted exactly the calls EKS makes with that key, and nothing else.
    const clusterEncryptionPolicy = new aws.iam.RolePolicy(
      `${name}-cluster-encryption`,
      {
        role: clusterRole.name,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "SecretsEnvelopeEncryption",
              Effect: "Allow",
              Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
              Resource: args.keys.eksSecretsKeyArn,
            },
          ],
        }),
      },
      parent,
    );

    // --- Security groups: control plane <-> nodes, explicit ----------------------------------
    const controlPlaneSg = new aws.ec2.SecurityGroup(
      `${name}-control-plane`,
      {
        vpcId: args.vpcId,
        description: `EKS ${args.clusterName} control plane: API from nodes, kubelet and webhooks to nodes`,
        tags: { Name: `${args.clusterName}-control-plane` },
      },
      parent,
    );
    const nodeSg = new aws.ec2.SecurityGroup(
      `${name}-node`,
      {
        vpcId: args.vpcId,
        description: `EKS ${args.clusterName} nodes and pods`,
        // The AWS Load Balancer Controller finds the node security group by this tag.
        tags: { Name: `${args.clusterName}-node`, [`kubernetes.io/cluster/${args.clusterName}`]: "owned" },
      },
      parent,
    );
    const rules: [string, "ingress" | "egress", aws.vpc.SecurityGroupIngressRuleArgs][] = [
      [
        "cp-from-nodes-https",
        "ingress",
        {
          securityGroupId: controlPlaneSg.id,
          referencedSecurityGroupId: nodeSg.id,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          description: "Nodes and pods to the API server",
        },
      ],
      [
        "cp-to-nodes-https",
        "egress",
        {
          securityGroupId: controlPlaneSg.id,
          referencedSecurityGroupId: nodeSg.id,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          description: "API server to webhooks on 443",
        },
      ],
      [
        "cp-to-nodes-high",
        "egress",
        {
          securityGroupId: controlPlaneSg.id,
          referencedSecurityGroupId: nodeSg.id,
          ipProtocol: "tcp",
          fromPort: 1025,
          toPort: 65535,
          description: "API server to kubelet (10250), webhooks and metrics-server",
        },
      ],
      [
        "node-from-cp-https",
        "ingress",
        {
          securityGroupId: nodeSg.id,
          referencedSecurityGroupId: controlPlaneSg.id,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          description: "API server to webhooks on 443",
        },
      ],
      [
        "node-from-cp-high",
        "ingress",
        {
          securityGroupId: nodeSg.id,
          referencedSecurityGroupId: controlPlaneSg.id,
          ipProtocol: "tcp",
          fromPort: 1025,
          toPort: 65535,
          description: "API server to kubelet (10250), webhooks and metrics-server",
        },
      ],
      [
        "node-from-nodes",
        "ingress",
        {
          securityGroupId: nodeSg.id,
          referencedSecurityGroupId: nodeSg.id,
          ipProtocol: "-1",
          description: "Node to node and pod to pod (network policies narrow it)",
        },
      ],
      [
        "node-egress",
        "egress",
        {
          securityGroupId: nodeSg.id,
          cidrIpv4: "0.0.0.0/0",
          ipProtocol: "-1",
          description: "Nodes to AWS APIs, registries and the internet through NAT",
        },
      ],
    ];
    for (const [key, direction, ruleArgs] of rules) {
      if (direction === "ingress") {
        new aws.vpc.SecurityGroupIngressRule(`${name}-${key}`, ruleArgs, parent);
      } else {
        new aws.vpc.SecurityGroupEgressRule(`${name}-${key}`, ruleArgs, parent);
      }
    }

    // --- Log group first, so EKS never creates an unencrypted one ------------------------------
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-control-plane-logs`,
      {
        name: `/aws/eks/${args.clusterName}/cluster`,
        kmsKeyId: args.keys.logsKeyArn,
        retentionInDays: args.logRetentionDays ?? 90,
      },
      parent,
    );

    // --- Control plane --------------------------------------------------------------------------
    const cluster = new aws.eks.Cluster(
      name,
      {
        name: args.clusterName,
        version: args.version,
        roleArn: clusterRole.arn,
        vpcConfig: {
          subnetIds: args.privateSubnetIds,
          securityGroupIds: [controlPlaneSg.id],
          endpointPrivateAccess: true,
          endpointPublicAccess: publicAccess,
          publicAccessCidrs: publicAccess ? [...(args.publicAccessCidrs ?? [])] : undefined,
        },
        encryptionConfig: { provider: { keyArn: args.keys.eksSecretsKeyArn }, resources: ["secrets"] },
        enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
        accessConfig: {
          authenticationMode: "API",
          // With admins configured, nobody gets implicit admin; without, the creator keeps it.
          bootstrapClusterCreatorAdminPermissions: admins.length === 0,
        },
        // Add-ons are managed below (versions pinned, configured); EKS installs no unmanaged copies.
        bootstrapSelfManagedAddons: false,
        upgradePolicy: { supportType: "STANDARD" },
        deletionProtection: args.deletionProtection ?? true,
      },
      {
        parent: this,
        dependsOn: [logGroup, clusterRolePolicies, clusterEncryptionPolicy],
        // EKS reads this flag only in CreateCluster and the provider replaces the cluster when it
        // changes: adding the first admin role later must not destroy and recreate the cluster.
        // The creator's bootstrap access entry then stays until removed by hand (docs/cluster.md).
        ignoreChanges: ["accessConfig.bootstrapClusterCreatorAdminPermissions"],
      },
    );
    const clusterName = cluster.name;
    const issuerUrl = cluster.identities.apply((ids) => ids[0].oidcs![0].issuer!);
    this.oidcIssuer = issuerUrl.apply((url) => url.replace(/^https:\/\//, ""));

    const oidcProvider = new aws.iam.OpenIdConnectProvider(
      `${name}-oidc`,
      { url: issuerUrl, clientIdLists: ["sts.amazonaws.com"] },
      parent,
    );

    // --- Admin access entries ---------------------------------------------------------------------
    for (const arn of admins) {
      const key = adminEntryKey(arn);
      const entry = new aws.eks.AccessEntry(
        `${name}-admin-${key}`,
        { clusterName, principalArn: arn, type: "STANDARD" },
        parent,
      );
      new aws.eks.AccessPolicyAssociation(
        `${name}-admin-${key}`,
        {
          clusterName,
          principalArn: entry.principalArn,
          policyArn: CLUSTER_ADMIN_POLICY_ARN,
          accessScope: { type: "cluster" },
        },
        parent,
      );
    }

    // --- Workload identities of the add-ons ---------------------------------------------------
    const vpcCniIdentity = new WorkloadIdentity(
      `${name}-vpc-cni`,
      {
        clusterName,
        namespace: "kube-system",
        serviceAccount: "aws-node",
        managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"],
      },
      parent,
    );
    const ebsCsiIdentity = new WorkloadIdentity(
      `${name}-ebs-csi`,
      {
        clusterName,
        namespace: "kube-system",
        serviceAccount: "ebs-csi-controller-sa",
        managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"],
        policyJson: ebsCsiKmsPolicy(args.keys.ebsKeyArn),
      },
      parent,
    );

    // --- Add-ons nodes need, before any node group ----------------------------------------------
    const system = placementFor(args.nodeGroups, "system");
    const configuration: Partial<Record<AddonName, string>> = {
      "vpc-cni": vpcCniConfiguration(),
      coredns: corednsConfiguration(args.corednsReplicas ?? 2, system.nodeSelector, system.taints),
      "aws-ebs-csi-driver": ebsCsiConfiguration(system.nodeSelector, system.taints),
    };
    const addonIdentities: Partial<Record<AddonName, pulumi.Resource>> = {
      "vpc-cni": vpcCniIdentity,
      "aws-ebs-csi-driver": ebsCsiIdentity,
    };
    const addon = (addonName: AddonName, dependsOn: pulumi.Resource[]) =>
      createAddon(
        name,
        {
          clusterName,
          addonName,
          version: args.addonVersions[addonName],
          configurationValues: configuration[addonName],
        },
        {
          parent: this,
          dependsOn: [...dependsOn, ...(addonIdentities[addonName] ? [addonIdentities[addonName]] : [])],
        },
      );
    const prerequisites = NODE_PREREQUISITE_ADDONS.map((n) => addon(n, []));

    // --- Nodes ---------------------------------------------------------------------------------
    const nodeRole = new aws.iam.Role(
      `${name}-node`,
      { assumeRolePolicy: roleTrust("ec2.amazonaws.com") },
      parent,
    );
    const nodeRolePolicies = new aws.iam.RolePolicyAttachmentsExclusive(
      `${name}-node`,
      {
        roleName: nodeRole.name,
        policyArns: [
          "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
          "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
          "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        ],
      },
      parent,
    );
    const nodeGroups = Object.entries(args.nodeGroups).map(([group, spec]) => {
      const created = createNodeGroup(
        name,
        {
          clusterName,
          version: cluster.version,
          group,
          spec,
          nodeRoleArn: nodeRole.arn,
          subnetIds: args.privateSubnetIds,
          nodeSecurityGroupId: nodeSg.id,
          ebsKeyArn: args.keys.ebsKeyArn,
          tags: args.tags,
        },
        { parent: this, dependsOn: [...prerequisites, nodeRolePolicies] },
      );
      return [group, created.nodeGroup] as const;
    });
    const nodeGroupResources = nodeGroups.map(([, ng]) => ng);

    // --- Add-ons that need nodes -------------------------------------------------------------------
    const lateAddons = ADDONS.filter((n) => !NODE_PREREQUISITE_ADDONS.includes(n)).map((n) =>
      addon(n, nodeGroupResources),
    );

    // --- Kubernetes provider and objects -----------------------------------------------------------
    this.kubeconfig = pulumi.secret(
      buildKubeconfig({
        clusterName,
        endpoint: cluster.endpoint,
        certificateAuthority: cluster.certificateAuthority.apply((ca) => ca.data!),
        region: args.region,
      }),
    );
    // The provider waits for the nodes and the add-ons that need them (DNS, EBS CSI): every object
    // deployed through it, here or by other components (ALB controller, services, Vault), then
    // waits too, and on destroy those objects go before the nodes that run their controllers.
    const clusterReady = [...nodeGroupResources, ...lateAddons];
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig, enableServerSideApply: true },
      { parent: this, dependsOn: clusterReady },
    );
    const inCluster = { parent: this, provider: this.provider, dependsOn: clusterReady };

    const storageClass = createDefaultStorageClass(`${name}-gp3-encrypted`, args.keys.ebsKeyArn, inCluster);

    const autoscalerIdentity = new WorkloadIdentity(
      `${name}-cluster-autoscaler`,
      {
        clusterName,
        namespace: "kube-system",
        serviceAccount: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
        policyJson: clusterAutoscalerPolicy(clusterName),
      },
      parent,
    );
    createRelease(
      `${name}-cluster-autoscaler`,
      {
        chart: "cluster-autoscaler",
        version: args.clusterAutoscaler.chartVersion,
        repo: CHART_REPOSITORIES.clusterAutoscaler,
        values: clusterAutoscalerValues(
          args.clusterName,
          args.region,
          args.clusterAutoscaler.imageTag,
          system,
        ),
      },
      { ...inCluster, dependsOn: [...inCluster.dependsOn, autoscalerIdentity] },
    );
    createRelease(
      `${name}-metrics-server`,
      {
        chart: "metrics-server",
        version: args.metricsServer.chartVersion,
        repo: CHART_REPOSITORIES.metricsServer,
        values: metricsServerValues(args.metricsServer.replicas ?? 2, system),
      },
      inCluster,
    );
    if (Object.values(args.nodeGroups).some((g) => g.role === "gpu")) {
      createRelease(
        `${name}-nvidia-device-plugin`,
        {
          chart: "nvidia-device-plugin",
          version: args.nvidiaDevicePlugin.chartVersion,
          repo: CHART_REPOSITORIES.nvidiaDevicePlugin,
          values: nvidiaDevicePluginValues(placementFor(args.nodeGroups, "gpu")),
        },
        inCluster,
      );
    }

    this.clusterName = clusterName;
    this.clusterArn = cluster.arn;
    this.endpoint = cluster.endpoint;
    this.oidcProviderArn = oidcProvider.arn;
    this.clusterSecurityGroupId = cluster.vpcConfig.apply((v) => v.clusterSecurityGroupId);
    this.nodeSecurityGroupId = nodeSg.id;
    this.nodeGroupNames = Object.fromEntries(nodeGroups.map(([group, ng]) => [group, ng.nodeGroupName]));
    this.storageClassName = storageClass.metadata.name;
    this.registerOutputs({
      clusterName: this.clusterName,
      clusterArn: this.clusterArn,
      endpoint: this.endpoint,
      oidcProviderArn: this.oidcProviderArn,
      oidcIssuer: this.oidcIssuer,
      clusterSecurityGroupId: this.clusterSecurityGroupId,
      nodeSecurityGroupId: this.nodeSecurityGroupId,
      kubeconfig: this.kubeconfig,
      nodeGroupNames: this.nodeGroupNames,
      storageClassName: this.storageClassName,
    });
  }
}
