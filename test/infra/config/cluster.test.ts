import { checkCluster, clusterSchema, type ClusterConfig } from "../../../infra/config/cluster";
import { zodProblems } from "../../../infra/config/problems";

const PRODUCTION = {
  name: "platform-production",
  version: "1.33",
  endpointPublicAccess: false,
  apiAccessCidrs: ["10.100.0.0/16", "172.20.8.0/24"],
  adminRoleArns: ["arn:aws:iam::123456789012:role/PlatformAdmin"],
  logRetentionDays: 90,
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
      labels: { workload: "gpu" },
      taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }],
    },
  },
  clusterAutoscaler: { chartVersion: "9.50.1", imageTag: "v1.33.0" },
  metricsServer: { chartVersion: "3.13.0" },
  nvidiaDevicePlugin: { chartVersion: "0.17.3" },
};

type Raw = typeof PRODUCTION;
const parse = (raw: unknown): ClusterConfig => clusterSchema.parse(raw);
const schemaProblems = (raw: unknown) => {
  const result = clusterSchema.safeParse(raw);
  return result.success
    ? []
    : zodProblems("platform:cluster", raw, result.error).map((p) => `${p.key}: ${p.message}`);
};
const crossProblems = (raw: unknown, environment = "production") =>
  checkCluster(parse(raw), environment).map((p) => `${p.key}: ${p.message}`);
const withGroup = (group: keyof Raw["nodeGroups"], change: Record<string, unknown>): Raw => ({
  ...PRODUCTION,
  nodeGroups: { ...PRODUCTION.nodeGroups, [group]: { ...PRODUCTION.nodeGroups[group], ...change } },
});

describe("platform:cluster", () => {
  test("the production seeds pass, with defaults applied", () => {
    const cluster = parse(PRODUCTION);
    expect(checkCluster(cluster, "production")).toEqual([]);
    expect(cluster.deletionProtection).toBe(true);
    expect(cluster.publicAccessCidrs).toEqual([]);
    expect(cluster.metricsServer.replicas).toBe(2);
    expect(cluster.nodeGroups.application.maxUnavailablePercentage).toBe(33);
    expect(cluster.nodeGroups.application.taints).toEqual([]);
  });

  test.each<[string, unknown, string]>([
    [
      "version with a patch",
      { ...PRODUCTION, version: "1.33.2" },
      "platform:cluster.version: must be a Kubernetes minor version like 1.33 (a quoted string)",
    ],
    [
      "unsupported version",
      { ...PRODUCTION, version: "1.28" },
      "platform:cluster.version: must be a version EKS supports: 1.32, 1.33, 1.34",
    ],
    [
      "unknown capacity type",
      withGroup("application", { capacityType: "PREEMPTIBLE" }),
      "platform:cluster.nodeGroups.application.capacityType: must be ON_DEMAND or SPOT",
    ],
    [
      "empty instance types",
      withGroup("system", { instanceTypes: [] }),
      "platform:cluster.nodeGroups.system.instanceTypes: must list at least one instance type",
    ],
    [
      "bad instance type",
      withGroup("system", { instanceTypes: ["large"] }),
      "platform:cluster.nodeGroups.system.instanceTypes[0]: must be an EC2 instance type; see the ec2.InstanceType list of @pulumi/aws; a type newer than that list needs a newer @pulumi/aws",
    ],
    [
      "misspelt instance type",
      withGroup("system", { instanceTypes: ["m5.lage"] }),
      "platform:cluster.nodeGroups.system.instanceTypes[0]: is not an EC2 instance type; did you mean m5.large?",
    ],
    [
      "unknown AMI type",
      withGroup("system", { amiType: "AL2_x86_64" }),
      "platform:cluster.nodeGroups.system.amiType: must be one of AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD, AL2023_x86_64_NVIDIA, AL2023_ARM_64_NVIDIA, AL2023_x86_64_NEURON",
    ],
    [
      "unknown taint effect",
      withGroup("system", { taints: [{ key: "a", value: "b", effect: "NO_SCHEDULE" }] }),
      "platform:cluster.nodeGroups.system.taints[0].effect: must be one of NoSchedule, NoExecute, PreferNoSchedule",
    ],
    [
      "bad admin ARN",
      { ...PRODUCTION, adminRoleArns: ["arn:aws:iam::123456789012:user/alice"] },
      "platform:cluster.adminRoleArns[0]: must be an IAM role ARN like arn:aws:iam::123456789012:role/Admin",
    ],
    [
      "bad add-on version",
      { ...PRODUCTION, addonVersions: { ...PRODUCTION.addonVersions, coredns: "1.12.1" } },
      "platform:cluster.addonVersions.coredns: must be an EKS add-on version like v1.20.1-eksbuild.1",
    ],
    [
      "unknown field",
      { ...PRODUCTION, karpenter: true },
      "platform:cluster: unknown key 'karpenter'; check the spelling against the documented keys",
    ],
    [
      "bad retention",
      { ...PRODUCTION, logRetentionDays: 10 },
      expect.stringMatching(
        /^platform:cluster\.logRetentionDays: must be a retention CloudWatch Logs accepts/,
      ) as unknown as string,
    ],
  ])("schema rejects %s", (_, raw, message) => {
    expect(schemaProblems(raw)).toEqual([message]);
  });

  test.each<[string, unknown, string]>([
    [
      "max < min",
      withGroup("application", { minSize: 5, maxSize: 4, desiredSize: 4 }),
      "platform:cluster.nodeGroups.application.maxSize: must be at least minSize (5)",
    ],
    [
      "desired below min",
      withGroup("application", { desiredSize: 2 }),
      "platform:cluster.nodeGroups.application.desiredSize: must be within minSize..maxSize (3..20); EKS rejects anything else",
    ],
    [
      "desired above max",
      withGroup("gpu", { desiredSize: 6 }),
      "platform:cluster.nodeGroups.gpu.desiredSize: must be within minSize..maxSize (0..5); EKS rejects anything else",
    ],
    [
      "SPOT with one type",
      withGroup("gpu", { instanceTypes: ["g4dn.xlarge"] }),
      "platform:cluster.nodeGroups.gpu.instanceTypes: SPOT groups need at least 2 interchangeable instance types, so one interrupted pool does not empty the group",
    ],
    [
      "production SPOT application with two types",
      withGroup("application", { instanceTypes: ["m5.xlarge", "m5a.xlarge"] }),
      "platform:cluster.nodeGroups.application.instanceTypes: SPOT groups need at least 3 interchangeable instance types for production applications, so one interrupted pool does not empty the group",
    ],
    [
      "gpu without NVIDIA AMI",
      withGroup("gpu", { amiType: "AL2023_x86_64_STANDARD" }),
      "platform:cluster.nodeGroups.gpu.amiType: gpu groups need an NVIDIA AMI type (AL2023_x86_64_NVIDIA, AL2023_ARM_64_NVIDIA)",
    ],
    [
      "gpu without taint",
      withGroup("gpu", { taints: [] }),
      "platform:cluster.nodeGroups.gpu.taints: gpu groups need the taint nvidia.com/gpu=true:NoSchedule so only pods that tolerate it land on GPU nodes",
    ],
    [
      "two system groups",
      { ...PRODUCTION, nodeGroups: { ...PRODUCTION.nodeGroups, system2: PRODUCTION.nodeGroups.system } },
      "platform:cluster.nodeGroups: needs exactly one group with role system (for CoreDNS, autoscaler and metrics-server), found 2",
    ],
    [
      "spot system group",
      withGroup("system", { capacityType: "SPOT" }),
      "platform:cluster.nodeGroups.system.capacityType: the system group must be ON_DEMAND: add-ons must not be interrupted",
    ],
    [
      "system group with a taint the platform add-ons do not tolerate",
      withGroup("system", { taints: [{ key: "dedicated", value: "system", effect: "NoSchedule" }] }),
      "platform:cluster.nodeGroups.system.taints: the system group may carry only the taint CriticalAddonsOnly=true:NoSchedule, which every platform add-on tolerates; other taints would leave them Pending",
    ],
    [
      "kube-proxy of another minor",
      { ...PRODUCTION, addonVersions: { ...PRODUCTION.addonVersions, "kube-proxy": "v1.32.6-eksbuild.2" } },
      "platform:cluster.addonVersions.kube-proxy: must be a v1.33.x build to match the cluster version 1.33",
    ],
    [
      "autoscaler of another minor",
      { ...PRODUCTION, clusterAutoscaler: { chartVersion: "9.50.1", imageTag: "v1.32.1" } },
      "platform:cluster.clusterAutoscaler.imageTag: must be a v1.33.x release to match the cluster version 1.33",
    ],
    [
      "public endpoint open to the internet in production",
      { ...PRODUCTION, endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] },
      "platform:cluster.publicAccessCidrs[0]: production must not open the API endpoint to the whole internet; list your office or VPN CIDRs",
    ],
    [
      "public endpoint without CIDRs",
      { ...PRODUCTION, endpointPublicAccess: true },
      "platform:cluster.publicAccessCidrs: must list the CIDRs allowed to reach the public endpoint (EKS would otherwise open it to 0.0.0.0/0); or set endpointPublicAccess: false",
    ],
    [
      "CIDRs without public endpoint",
      { ...PRODUCTION, publicAccessCidrs: ["203.0.113.0/24"] },
      "platform:cluster.publicAccessCidrs: is only used when endpointPublicAccess is true; remove it",
    ],
    [
      "bad CIDR",
      { ...PRODUCTION, endpointPublicAccess: true, publicAccessCidrs: ["10.0.0.0/33"] },
      "platform:cluster.publicAccessCidrs[0]: is not an IPv4 CIDR block of the form a.b.c.d/n",
    ],
    [
      "private endpoint and no network allowed to reach it",
      { ...PRODUCTION, apiAccessCidrs: [] },
      "platform:cluster.apiAccessCidrs: must list the private networks `pulumi up` runs from (operator VPN, CI runners, peered networks, or a runner's subnet inside the VPC): the endpoint is private and the stack manages Kubernetes objects, so the Kubernetes provider and every Helm release would time out",
    ],
    [
      "API access from anywhere",
      { ...PRODUCTION, apiAccessCidrs: ["0.0.0.0/0"] },
      "platform:cluster.apiAccessCidrs[0]: must lie inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10): the endpoint is private, so a public range (let alone 0.0.0.0/0) can never reach it; use endpointPublicAccess with publicAccessCidrs for that",
    ],
    [
      "API access from a public range",
      { ...PRODUCTION, apiAccessCidrs: ["10.100.0.0/16", "203.0.113.0/24"] },
      "platform:cluster.apiAccessCidrs[1]: must lie inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10): the endpoint is private, so a public range (let alone 0.0.0.0/0) can never reach it; use endpointPublicAccess with publicAccessCidrs for that",
    ],
    [
      "API access CIDR not a CIDR",
      { ...PRODUCTION, apiAccessCidrs: ["10.100.0.1/16"] },
      "platform:cluster.apiAccessCidrs[0]: has host bits set; the network address is 10.100.0.0/16",
    ],
    [
      "API access CIDR twice",
      { ...PRODUCTION, apiAccessCidrs: ["10.100.0.0/16", "10.100.0.0/16"] },
      "platform:cluster.apiAccessCidrs: lists a CIDR twice",
    ],
    [
      "production without admins",
      { ...PRODUCTION, adminRoleArns: [] },
      "platform:cluster.adminRoleArns: production needs at least one admin role ARN (the deployer gets no implicit admin access)",
    ],
    [
      "production without deletion protection",
      { ...PRODUCTION, deletionProtection: false },
      "platform:cluster.deletionProtection: must be true in production",
    ],
    [
      "production with one CoreDNS",
      { ...PRODUCTION, corednsReplicas: 1 },
      "platform:cluster.corednsReplicas: production needs at least 2 CoreDNS replicas",
    ],
  ])("checkCluster rejects %s", (_, raw, message) => {
    expect(crossProblems(raw)).toEqual([message]);
  });

  test("dev may open the endpoint to the internet, run without admins and with one CoreDNS", () => {
    expect(
      crossProblems(
        {
          ...PRODUCTION,
          endpointPublicAccess: true,
          publicAccessCidrs: ["0.0.0.0/0"],
          adminRoleArns: [],
          corednsReplicas: 1,
        },
        "dev",
      ),
    ).toEqual([]);
    expect(
      crossProblems(withGroup("application", { instanceTypes: ["m5.xlarge", "m5a.xlarge"] }), "dev"),
    ).toEqual([]);
  });

  test("reports every problem of a badly written stack at once", () => {
    const raw = {
      ...PRODUCTION,
      endpointPublicAccess: true,
      publicAccessCidrs: ["0.0.0.0/0"],
      adminRoleArns: [],
      nodeGroups: {
        system: { ...PRODUCTION.nodeGroups.system, minSize: 1, desiredSize: 1 },
        application: {
          ...PRODUCTION.nodeGroups.application,
          minSize: 10,
          maxSize: 5,
          desiredSize: 5,
          instanceTypes: ["m5.xlarge"],
        },
      },
    };
    expect(crossProblems(raw)).toEqual(
      [
        "platform:cluster.nodeGroups.system.minSize: production needs at least 2 system nodes so add-ons survive losing one",
        "platform:cluster.nodeGroups.application.maxSize: must be at least minSize (10)",
        "platform:cluster.nodeGroups.application.instanceTypes: SPOT groups need at least 3 interchangeable instance types for production applications, so one interrupted pool does not empty the group",
        "platform:cluster.publicAccessCidrs[0]: production must not open the API endpoint to the whole internet; list your office or VPN CIDRs",
        "platform:cluster.adminRoleArns: production needs at least one admin role ARN (the deployer gets no implicit admin access)",
      ].sort((a, b) => order(a) - order(b)),
    );
  });
});

/** checkCluster reports per group first, then system-group rules, then the rest. */
function order(message: string): number {
  return [".maxSize", "instanceTypes", "system.minSize", "publicAccessCidrs", "adminRoleArns"].findIndex(
    (k) => message.includes(k),
  );
}
