import {
  eksAddonVersionPinned,
  eksControlPlaneLogging,
  eksEndpointPrivateAccess,
  eksImdsv2Required,
  eksNodeGroupMultiAz,
  eksNodeGroupNoSsh,
  eksNodeGroupScalable,
  eksPublicEndpointRestricted,
  eksSecretsEncryption,
  eksSpotInstanceDiversity,
  eksSupportedVersion,
  eksSystemNodeGroup,
} from "../../policy/eks";
import { describeResourcePolicies } from "./cases";
import { messages, res } from "./helpers";

const CLUSTER = "aws:eks/cluster:Cluster";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const cluster = {
  version: "1.33",
  vpcConfig: {
    endpointPrivateAccess: true,
    endpointPublicAccess: true,
    publicAccessCidrs: ["203.0.113.0/24"],
  },
  enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
  encryptionConfig: {
    resources: ["secrets"],
    provider: { keyArn: "arn:aws:kms:us-west-2:123456789012:key/k" },
  },
};
const spot = {
  capacityType: "SPOT",
  instanceTypes: ["m5.xlarge", "m5a.xlarge"],
  scalingConfig: { minSize: 3, desiredSize: 6, maxSize: 20 },
  launchTemplate: { id: "lt-1", version: "1" },
};

describeResourcePolicies([
  {
    policy: eksEndpointPrivateAccess,
    type: CLUSTER,
    name: "eks",
    valid: cluster,
    failures: [
      [
        "vpcConfig.endpointPrivateAccess",
        false,
        "Cluster 'eks' has no private API endpoint. Remediation: set 'vpcConfig.endpointPrivateAccess: true' on cluster 'eks'.",
      ],
    ],
  },
  {
    policy: eksPublicEndpointRestricted,
    type: CLUSTER,
    name: "eks",
    valid: cluster,
    failures: [
      [
        "vpcConfig.publicAccessCidrs",
        ["0.0.0.0/0"],
        "Cluster 'eks' exposes its API endpoint to the whole internet. Remediation: set 'vpcConfig.endpointPublicAccess: false' or restrict 'vpcConfig.publicAccessCidrs' on cluster 'eks'.",
      ],
      [
        "vpcConfig.publicAccessCidrs",
        undefined,
        "Cluster 'eks' exposes its API endpoint to the whole internet. Remediation: set 'vpcConfig.endpointPublicAccess: false' or restrict 'vpcConfig.publicAccessCidrs' on cluster 'eks'.",
      ],
    ],
  },
  {
    policy: eksControlPlaneLogging,
    type: CLUSTER,
    name: "eks",
    valid: cluster,
    failures: [
      [
        "enabledClusterLogTypes",
        ["api", "audit"],
        "Cluster 'eks' does not log authenticator, controllerManager, scheduler. Remediation: add authenticator, controllerManager, scheduler to 'enabledClusterLogTypes' on cluster 'eks'.",
      ],
    ],
  },
  {
    policy: eksSecretsEncryption,
    type: CLUSTER,
    name: "eks",
    valid: cluster,
    failures: [
      [
        "encryptionConfig",
        undefined,
        "Cluster 'eks' does not encrypt secrets with a KMS key. Remediation: set 'encryptionConfig' with 'resources: [\"secrets\"]' and 'provider.keyArn' on cluster 'eks'.",
      ],
    ],
  },
  {
    policy: eksSupportedVersion,
    type: CLUSTER,
    name: "eks",
    valid: cluster,
    failures: [
      [
        "version",
        "1.28",
        "Cluster 'eks' runs Kubernetes 1.28, older than 1.32. Remediation: set 'version' to 1.32 or newer on cluster 'eks'.",
      ],
      [
        "version",
        undefined,
        "Cluster 'eks' does not pin a Kubernetes version. Remediation: set 'version' to 1.32 or newer on cluster 'eks'.",
      ],
    ],
  },
  {
    policy: eksImdsv2Required,
    type: "aws:ec2/launchTemplate:LaunchTemplate",
    name: "lt",
    valid: { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } },
    failures: [
      [
        "metadataOptions.httpTokens",
        "optional",
        "Launch template 'lt' allows IMDSv1. Remediation: set 'metadataOptions.httpTokens: \"required\"' on launch template 'lt'.",
      ],
      [
        "metadataOptions.httpPutResponseHopLimit",
        2,
        "Launch template 'lt' lets IMDS answers travel 2 hops, more than 1. Remediation: set 'metadataOptions.httpPutResponseHopLimit' to 1 on launch template 'lt'.",
      ],
    ],
  },
  {
    policy: eksImdsv2Required,
    type: NODE_GROUP,
    name: "app",
    valid: spot,
    failures: [
      [
        "launchTemplate",
        undefined,
        "Node group 'app' has no launch template, so IMDSv2 and volume encryption are not enforced. Remediation: set 'launchTemplate' on node group 'app' to a template requiring IMDSv2.",
      ],
    ],
  },
  {
    policy: eksSpotInstanceDiversity,
    type: NODE_GROUP,
    name: "app",
    valid: spot,
    failures: [
      [
        "instanceTypes",
        ["m5.xlarge"],
        "Spot node group 'app' offers 1 instance type(s), fewer than 2. Remediation: list at least 2 similar types in 'instanceTypes' of node group 'app'.",
      ],
    ],
  },
  {
    policy: eksNodeGroupScalable,
    type: NODE_GROUP,
    name: "app",
    valid: spot,
    failures: [
      [
        "scalingConfig.maxSize",
        3,
        "Node group 'app' cannot scale (min 3, desired 6, max 3). Remediation: set 'scalingConfig.maxSize' above 'scalingConfig.minSize', with 'desiredSize' between them, on node group 'app'.",
      ],
    ],
  },
  {
    policy: eksAddonVersionPinned,
    type: "aws:eks/addon:Addon",
    name: "coredns",
    valid: { addonName: "coredns", addonVersion: "v1.11.4-eksbuild.2" },
    failures: [
      [
        "addonVersion",
        undefined,
        "Add-on 'coredns' floats on the default version. Remediation: set 'addonVersion' on add-on 'coredns'.",
      ],
    ],
  },
]);

describeResourcePolicies([
  {
    policy: eksNodeGroupNoSsh,
    type: NODE_GROUP,
    name: "apps",
    valid: spot,
    failures: [
      [
        "remoteAccess",
        { ec2SshKey: "ops" },
        "Node group 'apps' opens SSH to its nodes ('remoteAccess'). Remediation: remove 'remoteAccess' from node group 'apps' and reach nodes through SSM Session Manager.",
      ],
    ],
  },
  {
    policy: eksNodeGroupNoSsh,
    type: "aws:ec2/launchTemplate:LaunchTemplate",
    name: "nodes",
    valid: { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } },
    failures: [
      [
        "keyName",
        "ops",
        "Launch template 'nodes' installs SSH key pair 'ops' on its instances. Remediation: remove 'keyName' from launch template 'nodes' and reach nodes through SSM Session Manager.",
      ],
    ],
  },
]);

describe("eks stack policies", () => {
  const eks = res(CLUSTER, "eks", cluster);
  const subnets = ["a", "b", "c"].map((z) =>
    res("aws:ec2/subnet:Subnet", `private-${z}`, { availabilityZone: `us-west-2${z}` }),
  );

  test("eks-node-group-multi-az: three zones pass, two fail the default", async () => {
    expect(
      await messages(eksNodeGroupMultiAz, [...subnets, res(NODE_GROUP, "ng", {}, { dependsOn: subnets })]),
    ).toEqual([]);
    expect(
      await messages(eksNodeGroupMultiAz, [
        ...subnets,
        res(NODE_GROUP, "ng", {}, { dependsOn: subnets.slice(0, 2) }),
      ]),
    ).toEqual([
      "Node group 'ng' spans 2 availability zone(s) (us-west-2a, us-west-2b), fewer than 3. Remediation: set 'subnetIds' of node group 'ng' to private subnets in at least 3 zones.",
    ]);
  });

  test("eks-system-node-group", async () => {
    const system = {
      capacityType: "ON_DEMAND",
      taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }],
    };
    expect(
      await messages(eksSystemNodeGroup, [eks, res(NODE_GROUP, "system", system, { dependsOn: [eks] })]),
    ).toEqual([]);
    expect(
      await messages(eksSystemNodeGroup, [
        eks,
        res(NODE_GROUP, "system", { ...system, taints: [] }, { dependsOn: [eks] }),
      ]),
    ).toEqual([
      "Cluster 'eks' has no on-demand node group tainted CriticalAddonsOnly=true:NoSchedule. Remediation: add a node group for cluster 'eks' with 'capacityType: \"ON_DEMAND\"' and 'taints' [{ key: \"CriticalAddonsOnly\", value: \"true\", effect: \"NO_SCHEDULE\" }].",
    ]);
  });
});
