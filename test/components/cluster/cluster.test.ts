import {
  byName,
  json,
  ofType,
  runProgram,
  type OfflineRun,
  type RecordedResource,
} from "../../support/offline";
import { validateEksClusterArgs, type EksClusterArgs } from "../../../components/cluster/cluster";
import { ADMIN, KEYS, PRODUCTION_ARGS, SUBNETS } from "./fixtures";

async function build(args: EksClusterArgs): Promise<OfflineRun> {
  return runProgram(async () => {
    const { EksCluster } = await import("../../../components/cluster/cluster");
    const c = new EksCluster("eks", args);
    return {
      kubeconfig: c.kubeconfig,
      clusterName: c.clusterName,
      oidcIssuer: c.oidcIssuer,
      clusterSecurityGroupId: c.clusterSecurityGroupId,
      nodeSecurityGroupId: c.nodeSecurityGroupId,
      storageClassName: c.storageClassName,
      systemPlacement: c.systemPlacement,
    };
  });
}

const T = {
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  addon: "aws:eks/addon:Addon",
  role: "aws:iam/role:Role",
  assoc: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  release: "kubernetes:helm.sh/v3:Release",
};

const names = (run: OfflineRun, type: string) =>
  ofType(run, type)
    .map((r) => r.name)
    .sort();
const dependsOn = (run: OfflineRun, r: RecordedResource, type: string, name: string) =>
  r.dependencies.includes(byName(run, type, name).urn);

describe("EksCluster with the production values", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await build(PRODUCTION_ARGS);
  });

  test("every child is parented inside the component tree", () => {
    const component = byName(run, "platform:cluster:EksCluster", "eks");
    const urns = new Set(
      run.resources.filter((r) => r.type.startsWith("platform:cluster:")).map((r) => r.urn),
    );
    for (const r of run.resources.filter((x) => x.custom && x.type !== "pulumi:providers:kubernetes")) {
      expect(urns.has(r.parent ?? "")).toBe(true);
    }
    expect(byName(run, "pulumi:providers:kubernetes", "eks-k8s").parent).toBe(component.urn);
  });

  describe("control plane", () => {
    let cluster: RecordedResource;
    beforeAll(() => {
      cluster = byName(run, "aws:eks/cluster:Cluster", "eks");
    });

    test("version, private endpoint only, subnets in every AZ, its own security group", () => {
      expect(cluster.inputs.name).toBe("platform-production");
      expect(cluster.inputs.version).toBe("1.33");
      expect(cluster.inputs.vpcConfig).toEqual({
        subnetIds: SUBNETS,
        securityGroupIds: [byName(run, "aws:ec2/securityGroup:SecurityGroup", "eks-control-plane").id],
        endpointPrivateAccess: true,
        endpointPublicAccess: false,
      });
    });

    test("secrets envelope encryption with the EKS key, all log types, API authentication", () => {
      expect(cluster.inputs.encryptionConfig).toEqual({
        provider: { keyArn: KEYS.eksSecretsKeyArn },
        resources: ["secrets"],
      });
      expect(cluster.inputs.enabledClusterLogTypes).toEqual([
        "api",
        "audit",
        "authenticator",
        "controllerManager",
        "scheduler",
      ]);
      expect(cluster.inputs.accessConfig).toEqual({
        authenticationMode: "API",
        bootstrapClusterCreatorAdminPermissions: false,
      });
      expect(cluster.inputs.bootstrapSelfManagedAddons).toBe(false);
      expect(cluster.inputs.deletionProtection).toBe(true);
      expect(cluster.inputs.upgradePolicy).toEqual({ supportType: "STANDARD" });
    });

    test("the log group exists first, encrypted with the logs key and retained as configured", () => {
      const logs = byName(run, "aws:cloudwatch/logGroup:LogGroup", "eks-control-plane-logs");
      expect(logs.inputs).toMatchObject({
        name: "/aws/eks/platform-production/cluster",
        kmsKeyId: KEYS.logsKeyArn,
        retentionInDays: 90,
      });
      expect(dependsOn(run, cluster, "aws:cloudwatch/logGroup:LogGroup", "eks-control-plane-logs")).toBe(
        true,
      );
    });

    test("the cluster role trusts EKS and holds only AmazonEKSClusterPolicy", () => {
      expect(json(byName(run, T.role, "eks-cluster").inputs.assumeRolePolicy)).toEqual({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      });
      expect(
        byName(run, "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "eks-cluster")
          .inputs.policyArns,
      ).toEqual(["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"]);
    });

    test("the cluster role may use only the EKS secrets key, for envelope encryption, before the cluster exists", () => {
      const policy = byName(run, "aws:iam/rolePolicy:RolePolicy", "eks-cluster-encryption");
      expect(json(policy.inputs.policy)).toEqual({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "SecretsEnvelopeEncryption",
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
            Resource: (
              byName(run, "aws:eks/cluster:Cluster", "eks").inputs.encryptionConfig as {
                provider: { keyArn: string };
              }
            ).provider.keyArn,
          },
        ],
      });
      expect(
        dependsOn(
          run,
          byName(run, "aws:eks/cluster:Cluster", "eks"),
          "aws:iam/rolePolicy:RolePolicy",
          "eks-cluster-encryption",
        ),
      ).toBe(true);
    });

    test("access entries map each admin role to cluster admin at cluster scope", () => {
      expect(names(run, "aws:eks/accessEntry:AccessEntry")).toEqual([
        "eks-admin-BreakGlass",
        "eks-admin-PlatformAdmin",
      ]);
      expect(byName(run, "aws:eks/accessEntry:AccessEntry", "eks-admin-PlatformAdmin").inputs).toEqual({
        clusterName: "platform-production",
        principalArn: ADMIN,
        type: "STANDARD",
      });
      for (const assoc of ofType(run, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")) {
        expect(assoc.inputs.policyArn).toBe(
          "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        );
        expect(assoc.inputs.accessScope).toEqual({ type: "cluster" });
      }
      expect(ofType(run, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")).toHaveLength(2);
    });

    test("the OIDC provider uses the cluster issuer with the STS audience", () => {
      const oidc = byName(run, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "eks-oidc");
      expect(oidc.inputs.url).toBe(`https://${run.outputs.oidcIssuer as string}`);
      expect(oidc.inputs.clientIdLists).toEqual(["sts.amazonaws.com"]);
      expect(run.outputs.oidcIssuer).toMatch(/^oidc\.eks\.us-west-2\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
    });

    test("security group rules are explicit: API from nodes, kubelet/webhooks to nodes, node to node", () => {
      const cp = byName(run, "aws:ec2/securityGroup:SecurityGroup", "eks-control-plane").id;
      const node = byName(run, "aws:ec2/securityGroup:SecurityGroup", "eks-node").id;
      const rule = (type: string, n: string) => {
        const { securityGroupId, referencedSecurityGroupId, cidrIpv4, ipProtocol, fromPort, toPort } = byName(
          run,
          type,
          n,
        ).inputs;
        return { securityGroupId, referencedSecurityGroupId, cidrIpv4, ipProtocol, fromPort, toPort };
      };
      const ing = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
      const eg = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
      expect(names(run, ing)).toEqual([
        "eks-cp-from-nodes-https",
        "eks-node-from-cp-high",
        "eks-node-from-cp-https",
        "eks-node-from-nodes",
      ]);
      expect(names(run, eg)).toEqual(["eks-cp-to-nodes-high", "eks-cp-to-nodes-https", "eks-node-egress"]);
      expect(rule(ing, "eks-cp-from-nodes-https")).toEqual({
        securityGroupId: cp,
        referencedSecurityGroupId: node,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
      });
      expect(rule(ing, "eks-node-from-cp-high")).toEqual({
        securityGroupId: node,
        referencedSecurityGroupId: cp,
        ipProtocol: "tcp",
        fromPort: 1025,
        toPort: 65535,
      });
      expect(rule(ing, "eks-node-from-nodes")).toEqual({
        securityGroupId: node,
        referencedSecurityGroupId: node,
        ipProtocol: "-1",
      });
      expect(rule(eg, "eks-node-egress")).toEqual({
        securityGroupId: node,
        cidrIpv4: "0.0.0.0/0",
        ipProtocol: "-1",
      });
      expect(run.outputs.nodeSecurityGroupId).toBe(node);
      expect(run.outputs.clusterSecurityGroupId).toMatch(/^sg-/);
      expect(byName(run, "aws:ec2/securityGroup:SecurityGroup", "eks-node").inputs.tags).toEqual({
        Name: "platform-production-node",
        "kubernetes.io/cluster/platform-production": "owned",
      });
    });
  });

  describe("node groups", () => {
    test("exactly the configured groups, each with its launch template", () => {
      expect(names(run, T.nodeGroup)).toEqual(["eks-application", "eks-gpu", "eks-system"]);
      expect(names(run, T.launchTemplate)).toEqual(["eks-application", "eks-gpu", "eks-system"]);
    });

    test.each([
      [
        "system",
        "ON_DEMAND",
        ["m5.large", "m5a.large"],
        "AL2023_x86_64_STANDARD",
        { minSize: 2, maxSize: 4, desiredSize: 2 },
        { workload: "system" },
        [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }],
      ],
      [
        "application",
        "SPOT",
        ["m5.xlarge", "m5a.xlarge", "m5n.xlarge"],
        "AL2023_x86_64_STANDARD",
        { minSize: 3, maxSize: 20, desiredSize: 6 },
        { workload: "application", lifecycle: "spot" },
        [],
      ],
      [
        "gpu",
        "SPOT",
        ["g4dn.xlarge", "g4dn.2xlarge"],
        "AL2023_x86_64_NVIDIA",
        { minSize: 0, maxSize: 5, desiredSize: 1 },
        { workload: "gpu", lifecycle: "spot", "nvidia.com/gpu.present": "true" },
        [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }],
      ],
    ])(
      "%s: capacity %s, types, AMI, scaling, labels, taints, subnets, rolling update",
      (group, capacityType, instanceTypes, amiType, scaling, labels, taints) => {
        const ng = byName(run, T.nodeGroup, `eks-${group}`);
        const lt = byName(run, T.launchTemplate, `eks-${group}`);
        expect(ng.inputs).toMatchObject({
          clusterName: "platform-production",
          version: "1.33",
          capacityType,
          instanceTypes,
          amiType,
          scalingConfig: scaling,
          labels,
          subnetIds: SUBNETS,
          updateConfig: { maxUnavailablePercentage: 33 },
          forceUpdateVersion: false,
          nodeRoleArn: "arn:aws:iam::123456789012:role/eks-node",
        });
        expect(ng.inputs.taints).toEqual(taints);
        expect(ng.inputs.diskSize).toBeUndefined();
        expect(ng.inputs.remoteAccess).toBeUndefined();
        expect((ng.inputs.launchTemplate as { id: string }).id).toBe(lt.id);
      },
    );

    test("node groups wait for the add-ons nodes need, and for the node role's policies", () => {
      for (const ng of ofType(run, T.nodeGroup)) {
        for (const addon of ["eks-vpc-cni", "eks-eks-pod-identity-agent", "eks-kube-proxy"]) {
          expect(dependsOn(run, ng, T.addon, addon)).toBe(true);
        }
        expect(
          dependsOn(
            run,
            ng,
            "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
            "eks-node",
          ),
        ).toBe(true);
        expect(dependsOn(run, ng, T.addon, "eks-coredns")).toBe(false);
      }
    });

    test.each(["system", "application", "gpu"])(
      "%s launch template: IMDSv2 only, encrypted gp3 root with the EBS key, no key pair, tags",
      (group) => {
        const lt = byName(run, T.launchTemplate, `eks-${group}`);
        expect(lt.inputs.metadataOptions).toEqual({
          httpEndpoint: "enabled",
          httpTokens: "required",
          httpPutResponseHopLimit: 1,
          instanceMetadataTags: "disabled",
        });
        expect(lt.inputs.blockDeviceMappings).toEqual([
          {
            deviceName: "/dev/xvda",
            ebs: {
              volumeType: "gp3",
              volumeSize: group === "system" ? 50 : 100,
              encrypted: "true",
              kmsKeyId: KEYS.ebsKeyArn,
              deleteOnTermination: "true",
            },
          },
        ]);
        expect(lt.inputs.keyName).toBeUndefined();
        expect(lt.inputs.imageId).toBeUndefined();
        expect(lt.inputs.vpcSecurityGroupIds).toEqual([
          byName(run, "aws:ec2/securityGroup:SecurityGroup", "eks-node").id,
        ]);
        const tags = { Environment: "production", Project: "platform", Name: `platform-production-${group}` };
        expect(lt.inputs.tagSpecifications).toEqual([
          { resourceType: "instance", tags },
          { resourceType: "volume", tags },
          { resourceType: "network-interface", tags },
        ]);
      },
    );

    test("the node role has only the node policies (no CNI policy, no SSM parameter reads)", () => {
      expect(json(byName(run, T.role, "eks-node").inputs.assumeRolePolicy)).toEqual({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      });
      expect(
        byName(run, "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "eks-node")
          .inputs.policyArns,
      ).toEqual([
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
      ]);
    });
  });

  describe("add-ons", () => {
    test("each add-on at its pinned version; coredns and EBS CSI after the node groups", () => {
      const versions = Object.fromEntries(
        ofType(run, T.addon).map((a) => [a.inputs.addonName, a.inputs.addonVersion]),
      );
      expect(versions).toEqual(PRODUCTION_ARGS.addonVersions);
      for (const a of ofType(run, T.addon)) {
        expect(a.inputs).toMatchObject({
          clusterName: "platform-production",
          resolveConflictsOnCreate: "OVERWRITE",
          resolveConflictsOnUpdate: "OVERWRITE",
        });
      }
      for (const late of ["eks-coredns", "eks-aws-ebs-csi-driver"]) {
        const addon = byName(run, T.addon, late);
        for (const g of ["system", "application", "gpu"]) {
          expect(dependsOn(run, addon, T.nodeGroup, `eks-${g}`)).toBe(true);
        }
      }
    });

    test("vpc-cni enforces network policies and uses prefix delegation", () => {
      expect(json(byName(run, T.addon, "eks-vpc-cni").inputs.configurationValues)).toEqual({
        enableNetworkPolicy: "true",
        env: { ENABLE_PREFIX_DELEGATION: "true", WARM_PREFIX_TARGET: "1" },
      });
    });

    test("coredns: replicas, on system nodes, tolerating the system taint, spread over nodes and zones", () => {
      const selector = { matchLabels: { "k8s-app": "kube-dns" } };
      expect(json(byName(run, T.addon, "eks-coredns").inputs.configurationValues)).toEqual({
        replicaCount: 3,
        nodeSelector: { workload: "system" },
        tolerations: [{ key: "CriticalAddonsOnly", operator: "Equal", value: "true", effect: "NoSchedule" }],
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
    });

    test("the system placement the cluster exposes is exactly what its own system add-ons get", () => {
      const placement = {
        nodeSelector: { workload: "system" },
        tolerations: [{ key: "CriticalAddonsOnly", operator: "Equal", value: "true", effect: "NoSchedule" }],
      };
      expect(run.outputs.systemPlacement).toEqual(placement);
      const coredns = json<{ nodeSelector: unknown; tolerations: unknown }>(
        byName(run, T.addon, "eks-coredns").inputs.configurationValues,
      );
      expect({ nodeSelector: coredns.nodeSelector, tolerations: coredns.tolerations }).toEqual(placement);
    });

    test("EBS CSI controller runs on system nodes", () => {
      expect(json(byName(run, T.addon, "eks-aws-ebs-csi-driver").inputs.configurationValues)).toEqual({
        controller: {
          nodeSelector: { workload: "system" },
          tolerations: [
            { key: "CriticalAddonsOnly", operator: "Equal", value: "true", effect: "NoSchedule" },
          ],
        },
      });
    });

    test.each([
      ["eks-vpc-cni", "aws-node"],
      ["eks-ebs-csi", "ebs-csi-controller-sa"],
      ["eks-cluster-autoscaler", "cluster-autoscaler"],
    ])("%s role trusts exactly kube-system/%s of this cluster", (identity, sa) => {
      const trust = json<{ Statement: { Condition: unknown }[] }>(
        byName(run, T.role, `${identity}-role`).inputs.assumeRolePolicy,
      );
      expect(trust.Statement).toHaveLength(1);
      expect(trust.Statement[0].Condition).toEqual({
        StringEquals: {
          "aws:RequestTag/eks-cluster-name": "platform-production",
          "aws:RequestTag/kubernetes-namespace": "kube-system",
          "aws:RequestTag/kubernetes-service-account": sa,
        },
      });
      expect(byName(run, T.assoc, `${identity}-association`).inputs).toMatchObject({
        clusterName: "platform-production",
        namespace: "kube-system",
        serviceAccount: sa,
      });
    });

    test("add-on roles: CNI policy on vpc-cni, EBS policy plus the EBS key on ebs-csi", () => {
      const managed = (n: string) =>
        byName(run, "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", n).inputs
          .policyArns;
      expect(managed("eks-vpc-cni-managed-policies")).toEqual([
        "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
      ]);
      expect(managed("eks-ebs-csi-managed-policies")).toEqual([
        "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
      ]);
      const kms = json<{ Statement: { Resource: string[]; Condition?: unknown }[] }>(
        byName(run, "aws:iam/rolePolicy:RolePolicy", "eks-ebs-csi-policy").inputs.policy,
      );
      expect(kms.Statement.map((s) => s.Resource)).toEqual([[KEYS.ebsKeyArn], [KEYS.ebsKeyArn]]);
      expect(kms.Statement[0].Condition).toEqual({ Bool: { "kms:GrantIsForAWSResource": "true" } });
      // Depending on the identity component means waiting for its children, the association included.
      expect(dependsOn(run, byName(run, T.addon, "eks-vpc-cni"), T.assoc, "eks-vpc-cni-association")).toBe(
        true,
      );
    });

    test("the autoscaler may describe only this cluster's node groups", () => {
      const policy = json<{ Statement: { Sid: string; Action: string | string[]; Resource: unknown }[] }>(
        byName(run, "aws:iam/rolePolicy:RolePolicy", "eks-cluster-autoscaler-policy").inputs.policy,
      );
      const describe = policy.Statement.filter((s) => [s.Action].flat().includes("eks:DescribeNodegroup"));
      expect(describe).toEqual([
        {
          Sid: "DescribeOwnNodegroups",
          Effect: "Allow",
          Action: "eks:DescribeNodegroup",
          Resource: "arn:aws:eks:*:*:nodegroup/platform-production/*",
        },
      ]);
    });

    test("the autoscaler may only scale Auto Scaling groups owned by this cluster", () => {
      const policy = json<{ Statement: { Sid: string; Action: string[]; Condition?: unknown }[] }>(
        byName(run, "aws:iam/rolePolicy:RolePolicy", "eks-cluster-autoscaler-policy").inputs.policy,
      );
      const scale = policy.Statement.find((s) => s.Sid === "ScaleOwnedGroups")!;
      expect(scale.Action).toEqual([
        "autoscaling:SetDesiredCapacity",
        "autoscaling:TerminateInstanceInAutoScalingGroup",
      ]);
      expect(scale.Condition).toEqual({
        StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/platform-production": "owned" },
      });
    });
  });

  describe("Kubernetes objects through the cluster's provider", () => {
    test("the provider waits for every node group and the add-ons that need nodes", () => {
      // Everything deployed through it (here and in other components) then waits for nodes and DNS,
      // and on destroy goes before the nodes that run its controllers.
      const provider = byName(run, "pulumi:providers:kubernetes", "eks-k8s");
      for (const g of ["system", "application", "gpu"]) {
        expect(dependsOn(run, provider, T.nodeGroup, `eks-${g}`)).toBe(true);
      }
      for (const a of ["eks-coredns", "eks-aws-ebs-csi-driver"]) {
        expect(dependsOn(run, provider, T.addon, a)).toBe(true);
      }
    });

    test("the provider waits for every admin access policy association (the deployer's first call is authorised)", () => {
      const provider = byName(run, "pulumi:providers:kubernetes", "eks-k8s");
      const associations = ofType(run, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
      expect(associations.map((a) => a.name).sort()).toEqual([
        "eks-admin-BreakGlass",
        "eks-admin-PlatformAdmin",
      ]);
      for (const association of associations) {
        expect(provider.dependencies).toContain(association.urn);
      }
    });

    test("the kubeconfig is a secret that authenticates with aws eks get-token", () => {
      expect(run.secretOutputs).toContain("kubeconfig");
      const provider = byName(run, "pulumi:providers:kubernetes", "eks-k8s");
      expect(provider.secretInputs).toContain("kubeconfig");
    });

    test("the default StorageClass is encrypted gp3 with the EBS key", () => {
      const sc = byName(run, "kubernetes:storage.k8s.io/v1:StorageClass", "eks-gp3-encrypted");
      expect(sc.inputs).toMatchObject({
        metadata: {
          name: "gp3-encrypted",
          annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
        },
        provisioner: "ebs.csi.aws.com",
        parameters: {
          type: "gp3",
          encrypted: "true",
          kmsKeyId: KEYS.ebsKeyArn,
          "csi.storage.k8s.io/fstype": "ext4",
        },
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
      });
      expect(sc.provider).toContain("eks-k8s");
      expect(run.outputs.storageClassName).toBe("gp3-encrypted");
    });

    test("Helm releases are pinned, from their repositories, on the cluster provider", () => {
      const releases = Object.fromEntries(ofType(run, T.release).map((r) => [r.name, r]));
      expect(Object.keys(releases).sort()).toEqual([
        "eks-cluster-autoscaler",
        "eks-metrics-server",
        "eks-nvidia-device-plugin",
      ]);
      expect(releases["eks-cluster-autoscaler"].inputs).toMatchObject({
        chart: "cluster-autoscaler",
        version: "9.50.1",
        repositoryOpts: { repo: "https://kubernetes.github.io/autoscaler" },
        namespace: "kube-system",
      });
      expect(releases["eks-metrics-server"].inputs).toMatchObject({
        chart: "metrics-server",
        version: "3.13.0",
        repositoryOpts: { repo: "https://kubernetes-sigs.github.io/metrics-server/" },
      });
      expect(releases["eks-nvidia-device-plugin"].inputs).toMatchObject({
        chart: "nvidia-device-plugin",
        version: "0.17.3",
        repositoryOpts: { repo: "https://nvidia.github.io/k8s-device-plugin" },
      });
      for (const r of Object.values(releases)) {
        expect(r.provider).toContain("eks-k8s");
      }
    });

    test("the autoscaler runs on system nodes as the service account its role trusts, aware of the cluster", () => {
      const values = byName(run, T.release, "eks-cluster-autoscaler").inputs.values as Record<
        string,
        unknown
      >;
      expect(values).toMatchObject({
        cloudProvider: "aws",
        awsRegion: "us-west-2",
        autoDiscovery: { clusterName: "platform-production" },
        image: { tag: "v1.33.0" },
        rbac: { serviceAccount: { create: true, name: "cluster-autoscaler" } },
        nodeSelector: { workload: "system" },
        tolerations: [{ key: "CriticalAddonsOnly", operator: "Equal", value: "true", effect: "NoSchedule" }],
      });
    });

    test("the NVIDIA device plugin runs only on GPU nodes and tolerates their taint", () => {
      expect(byName(run, T.release, "eks-nvidia-device-plugin").inputs.values).toEqual({
        nodeSelector: { "nvidia.com/gpu.present": "true" },
        tolerations: [{ key: "nvidia.com/gpu", operator: "Equal", value: "true", effect: "NoSchedule" }],
      });
    });
  });
});

describe("EksCluster with a dev-like configuration and another platform's conventions", () => {
  const DEDICATED = { key: "dedicated", value: "platform", effect: "NoSchedule" } as const;
  let run: OfflineRun;
  beforeAll(async () => {
    const { gpu: _gpu, ...groups } = PRODUCTION_ARGS.nodeGroups;
    void _gpu;
    run = await build({
      ...PRODUCTION_ARGS,
      clusterName: "platform-dev",
      privateSubnetIds: SUBNETS.slice(0, 2),
      availabilityZones: ["us-west-2a", "us-west-2b"],
      endpointPublicAccess: true,
      publicAccessCidrs: ["203.0.113.0/24"],
      adminRoleArns: [],
      storageClassName: "gp3",
      nodeGroups: {
        ...groups,
        system: { ...groups.system, labels: { "node-role": "platform" }, taints: [DEDICATED] },
        application: { ...groups.application, minSize: 1, maxSize: 3, desiredSize: 1 },
      },
    });
  });

  test("the system taint and labels come from the system group, for its add-ons and its consumers", () => {
    const placement = {
      nodeSelector: { "node-role": "platform" },
      tolerations: [{ ...DEDICATED, operator: "Equal" }],
    };
    expect(run.outputs.systemPlacement).toEqual(placement);
    expect(byName(run, T.nodeGroup, "eks-system").inputs.taints).toEqual([
      { key: "dedicated", value: "platform", effect: "NO_SCHEDULE" },
    ]);
    const values = byName(run, T.release, "eks-metrics-server").inputs.values as Record<string, unknown>;
    expect({ nodeSelector: values.nodeSelector, tolerations: values.tolerations }).toEqual(placement);
  });

  test("the default StorageClass takes the given name; its child name stays", () => {
    const sc = byName(run, "kubernetes:storage.k8s.io/v1:StorageClass", "eks-gp3-encrypted");
    expect((sc.inputs.metadata as { name: string }).name).toBe("gp3");
    expect(run.outputs.storageClassName).toBe("gp3");
  });

  test("no GPU group means no device plugin; sizes and subnets follow the args", () => {
    expect(names(run, T.nodeGroup)).toEqual(["eks-application", "eks-system"]);
    expect(names(run, T.release)).toEqual(["eks-cluster-autoscaler", "eks-metrics-server"]);
    expect(byName(run, T.nodeGroup, "eks-application").inputs.scalingConfig).toEqual({
      minSize: 1,
      maxSize: 3,
      desiredSize: 1,
    });
    expect(byName(run, T.nodeGroup, "eks-system").inputs.subnetIds).toEqual(SUBNETS.slice(0, 2));
  });

  test("public endpoint limited to the given CIDRs; without admins the creator keeps bootstrap access", () => {
    const cluster = byName(run, "aws:eks/cluster:Cluster", "eks");
    expect(cluster.inputs.vpcConfig).toMatchObject({
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: ["203.0.113.0/24"],
    });
    expect(cluster.inputs.accessConfig).toEqual({
      authenticationMode: "API",
      bootstrapClusterCreatorAdminPermissions: true,
    });
    expect(ofType(run, "aws:eks/accessEntry:AccessEntry")).toHaveLength(0);
  });
});

describe("EksCluster resource options", () => {
  test("adding admins later never replaces the cluster; the autoscaler owns desired sizes", async () => {
    const ignored: Record<string, string[] | undefined> = {};
    await runProgram(async () => {
      const { EksCluster } = await import("../../../components/cluster/cluster");
      new EksCluster("eks", PRODUCTION_ARGS, {
        transformations: [
          ({ type, name, opts }) => {
            if (type === "aws:eks/cluster:Cluster" || type === T.nodeGroup) {
              ignored[name] = opts.ignoreChanges;
            }
            return undefined;
          },
        ],
      });
    });
    expect(ignored).toEqual({
      eks: ["accessConfig.bootstrapClusterCreatorAdminPermissions"],
      "eks-system": ["scalingConfig.desiredSize"],
      "eks-application": ["scalingConfig.desiredSize"],
      "eks-gpu": ["scalingConfig.desiredSize"],
    });
  });
});

describe("validateEksClusterArgs", () => {
  test("accepts the production values", () => {
    expect(validateEksClusterArgs(PRODUCTION_ARGS)).toEqual([]);
  });

  test("two admin roles with one name (different paths) would collide as children", () => {
    expect(
      validateEksClusterArgs({
        ...PRODUCTION_ARGS,
        adminRoleArns: [ADMIN, "arn:aws:iam::123456789012:role/ops/PlatformAdmin"],
      }),
    ).toEqual([
      "adminRoleArns entries 'arn:aws:iam::123456789012:role/PlatformAdmin' and 'arn:aws:iam::123456789012:role/ops/PlatformAdmin' share the role name 'PlatformAdmin'; list each role once (two roles of one name would collide as children)",
    ]);
  });

  test("API access CIDRs: private ranges only, each once", () => {
    expect(
      validateEksClusterArgs({
        ...PRODUCTION_ARGS,
        apiAccessCidrs: ["10.100.0.0/16", "0.0.0.0/0", "10.100.0.0/16"],
      }),
    ).toEqual([
      "apiAccessCidrs entry '0.0.0.0/0' must lie inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10): the endpoint is private, so a public range (let alone 0.0.0.0/0) can never reach it; use endpointPublicAccess with publicAccessCidrs for that",
      "apiAccessCidrs lists a CIDR twice; list each once (each is one rule)",
    ]);
  });

  test("reports every problem at once", () => {
    const bad: EksClusterArgs = {
      ...PRODUCTION_ARGS,
      version: "1.33.1",
      privateSubnetIds: ["subnet-a"],
      endpointPublicAccess: true,
      publicAccessCidrs: [],
      adminRoleArns: ["arn:aws:iam::123456789012:user/alice"],
      storageClassName: "GP3_Encrypted",
      nodeGroups: {
        app: { ...PRODUCTION_ARGS.nodeGroups.application, instanceTypes: [], minSize: 4, maxSize: 3 },
      },
    };
    expect(validateEksClusterArgs(bad)).toEqual([
      "version '1.33.1' must be a Kubernetes minor version like 1.33",
      "privateSubnetIds has 1 subnets for 3 AZs; give one per AZ",
      "endpointPublicAccess is on but publicAccessCidrs is empty; list the CIDRs allowed (EKS would open 0.0.0.0/0)",
      "adminRoleArns entry 'arn:aws:iam::123456789012:user/alice' is not an IAM role ARN",
      "storageClassName 'GP3_Encrypted' must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.')",
      "nodeGroups needs exactly one group with role system, found 0",
      "nodeGroups.app lists no instance types",
      "nodeGroups.app sizes must satisfy 0 <= minSize <= desiredSize <= maxSize and maxSize >= 1 (got 4/6/3)",
    ]);
  });
});
