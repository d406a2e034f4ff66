/** EKS policies: endpoint access, control-plane logs, secrets encryption, version, node groups, IMDSv2. */
import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import {
  asArray,
  asRecord,
  asStrings,
  compareVersions,
  dependenciesOfType,
  OPEN_CIDRS,
  parseVersion,
  subjects,
  violation,
} from "./lib/props";
import { T, zonesOf } from "./lib/routing";
import type { PlatformResourcePolicy, PlatformStackPolicy } from "./lib/types";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

export const eksEndpointPrivateAccess: PlatformResourcePolicy = {
  name: "eks-endpoint-private-access",
  description: "The EKS API endpoint is reachable privately from the VPC.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Network Security",
  references: ["CIS EKS Benchmark 5.4.2", "EKS Best Practices Guide: Cluster endpoint access"],
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, args, report) => {
    if (cluster.vpcConfig?.endpointPrivateAccess !== true) {
      report(
        violation(
          `Cluster '${args.name}' has no private API endpoint`,
          `set 'vpcConfig.endpointPrivateAccess: true' on cluster '${args.name}'.`,
        ),
      );
    }
  }),
};

export const eksPublicEndpointRestricted: PlatformResourcePolicy = {
  name: "eks-public-endpoint-restricted",
  description: "The EKS public API endpoint is off, or limited to known CIDRs.",
  severity: "critical",
  enforcementLevel: "mandatory",
  category: "Network Security",
  references: ["AWS FSBP EKS.1", "CIS EKS Benchmark 5.4.2", "Checkov CKV_AWS_38", "Checkov CKV_AWS_39"],
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, args, report) => {
    const vpc = cluster.vpcConfig;
    if (vpc?.endpointPublicAccess === false) {
      return;
    }
    // Left out, AWS turns the public endpoint on for 0.0.0.0/0.
    const cidrs = asStrings(vpc?.publicAccessCidrs);
    if (cidrs.length === 0 || cidrs.some((c) => OPEN_CIDRS.includes(c))) {
      report(
        violation(
          `Cluster '${args.name}' exposes its API endpoint to the whole internet`,
          `set 'vpcConfig.endpointPublicAccess: false' or restrict 'vpcConfig.publicAccessCidrs' on cluster '${args.name}'.`,
        ),
      );
    }
  }),
};

const ALL_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export const eksControlPlaneLogging: PlatformResourcePolicy = {
  name: "eks-control-plane-logging",
  description: "The EKS control plane sends every log type to CloudWatch.",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "Monitoring and Observability",
  references: ["AWS FSBP EKS.8", "CIS EKS Benchmark 2.1.1", "Checkov CKV_AWS_37"],
  configSchema: {
    properties: { requiredLogTypes: { type: "array", items: { type: "string" }, default: ALL_LOG_TYPES } },
  },
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, args, report) => {
    const { requiredLogTypes } = args.getConfig<{ requiredLogTypes: string[] }>();
    const enabled = asStrings(cluster.enabledClusterLogTypes);
    const missing = requiredLogTypes.filter((t) => !enabled.includes(t));
    if (missing.length > 0) {
      report(
        violation(
          `Cluster '${args.name}' does not log ${missing.join(", ")}`,
          `add ${missing.join(", ")} to 'enabledClusterLogTypes' on cluster '${args.name}'.`,
        ),
      );
    }
  }),
};

export const eksSecretsEncryption: PlatformResourcePolicy = {
  name: "eks-secrets-encryption",
  description: "Kubernetes secrets are envelope-encrypted with a customer-managed KMS key.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Container Orchestration",
  references: ["AWS FSBP EKS.3", "CIS EKS Benchmark 5.3.1", "Checkov CKV_AWS_58"],
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, args, report) => {
    const config = cluster.encryptionConfig;
    if (!asStrings(config?.resources).includes("secrets") || !config?.provider?.keyArn) {
      report(
        violation(
          `Cluster '${args.name}' does not encrypt secrets with a KMS key`,
          `set 'encryptionConfig' with 'resources: ["secrets"]' and 'provider.keyArn' on cluster '${args.name}'.`,
        ),
      );
    }
  }),
};

export const eksSupportedVersion: PlatformResourcePolicy = {
  name: "eks-supported-version",
  description: "The EKS cluster pins a Kubernetes version in EKS standard support.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Container Orchestration",
  references: ["AWS FSBP EKS.2", "EKS Best Practices Guide: Cluster upgrades"],
  configSchema: { properties: { minVersion: { type: "string", pattern: "^\\d+\\.\\d+$", default: "1.32" } } },
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, args, report) => {
    const { minVersion } = args.getConfig<{ minVersion: string }>();
    const version = parseVersion(cluster.version);
    if (!version || compareVersions(version, parseVersion(minVersion)!) < 0) {
      report(
        violation(
          `Cluster '${args.name}' ${version ? `runs Kubernetes ${cluster.version}, older than ${minVersion}` : "does not pin a Kubernetes version"}`,
          `set 'version' to ${minVersion} or newer on cluster '${args.name}'.`,
        ),
      );
    }
  }),
};

export const eksNodeGroupMultiAz: PlatformStackPolicy = {
  name: "eks-node-group-multi-az",
  description: "Every EKS node group spans at least the configured number of availability zones.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Disaster Recovery",
  references: ["EKS Best Practices Guide: Reliability (data plane across AZs)"],
  configSchema: { properties: { minAzs: { type: "integer", minimum: 1, default: 3 } } },
  validateStack: (args, report) => {
    const { minAzs } = args.getConfig<{ minAzs: number }>();
    for (const group of subjects(args, (r) => r.type === NODE_GROUP, "EKS node group")) {
      const zones = zonesOf(dependenciesOfType(group, T.subnet));
      if (zones.length < minAzs) {
        report(
          violation(
            `Node group '${group.name}' spans ${zones.length} availability zone(s) (${zones.join(", ") || "none known"}), fewer than ${minAzs}`,
            `set 'subnetIds' of node group '${group.name}' to private subnets in at least ${minAzs} zones.`,
          ),
          group.urn,
        );
      }
    }
  },
};

export const eksImdsv2Required: PlatformResourcePolicy = {
  name: "eks-imdsv2-required",
  description: "Nodes require IMDSv2 with a hop limit that keeps pods away from the node's credentials.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Container Orchestration",
  references: [
    "AWS FSBP EC2.8",
    "EKS Best Practices Guide: Restrict access to IMDS",
    "Checkov CKV_AWS_79",
    "Checkov CKV_AWS_341",
  ],
  configSchema: { properties: { maxHopLimit: { type: "integer", minimum: 1, maximum: 64, default: 1 } } },
  validateResource: [
    validateResourceOfType(aws.ec2.LaunchTemplate, (lt, args, report) => {
      const { maxHopLimit } = args.getConfig<{ maxHopLimit: number }>();
      const md = lt.metadataOptions;
      if (md?.httpTokens !== "required") {
        report(
          violation(
            `Launch template '${args.name}' allows IMDSv1`,
            `set 'metadataOptions.httpTokens: "required"' on launch template '${args.name}'.`,
          ),
        );
      }
      const hops = md?.httpPutResponseHopLimit ?? 1;
      if (hops > maxHopLimit) {
        report(
          violation(
            `Launch template '${args.name}' lets IMDS answers travel ${hops} hops, more than ${maxHopLimit}`,
            `set 'metadataOptions.httpPutResponseHopLimit' to ${maxHopLimit} on launch template '${args.name}'.`,
          ),
        );
      }
    }),
    validateResourceOfType(aws.eks.NodeGroup, (group, args, report) => {
      if (!group.launchTemplate) {
        report(
          violation(
            `Node group '${args.name}' has no launch template, so IMDSv2 and volume encryption are not enforced`,
            `set 'launchTemplate' on node group '${args.name}' to a template requiring IMDSv2.`,
          ),
        );
      }
    }),
  ],
};

function isSystemGroup(props: Record<string, unknown>): boolean {
  const onDemand = (props.capacityType ?? "ON_DEMAND") === "ON_DEMAND";
  const tainted = asArray(props.taints).some(
    (t) => asRecord(t).key === "CriticalAddonsOnly" && asRecord(t).effect === "NO_SCHEDULE",
  );
  return onDemand && tainted;
}

export const eksSystemNodeGroup: PlatformStackPolicy = {
  name: "eks-system-node-group",
  description:
    "Each cluster has an on-demand system node group tainted CriticalAddonsOnly for cluster add-ons.",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "Container Orchestration",
  references: ["EKS Best Practices Guide: Reliability (isolate critical add-ons)"],
  validateStack: (args, report) => {
    for (const cluster of subjects(args, (r) => r.type === "aws:eks/cluster:Cluster", "EKS cluster")) {
      const groups = args.resources.filter(
        (r) => r.type === NODE_GROUP && r.dependencies.some((d) => d.urn === cluster.urn),
      );
      if (!groups.some((g) => isSystemGroup(g.props))) {
        report(
          violation(
            `Cluster '${cluster.name}' has no on-demand node group tainted CriticalAddonsOnly=true:NoSchedule`,
            `add a node group for cluster '${cluster.name}' with 'capacityType: "ON_DEMAND"' and 'taints' [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }].`,
          ),
          cluster.urn,
        );
      }
    }
  },
};

export const eksSpotInstanceDiversity: PlatformResourcePolicy = {
  name: "eks-spot-instance-diversity",
  description:
    "Spot node groups offer several instance types so that capacity can be found when one pool is reclaimed.",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "Auto-scaling",
  references: ["EKS Best Practices Guide: Cost optimization (diversify Spot instance types)"],
  configSchema: { properties: { minInstanceTypes: { type: "integer", minimum: 1, default: 2 } } },
  validateResource: validateResourceOfType(aws.eks.NodeGroup, (group, args, report) => {
    const { minInstanceTypes } = args.getConfig<{ minInstanceTypes: number }>();
    const types = asStrings(group.instanceTypes);
    if (group.capacityType === "SPOT" && types.length < minInstanceTypes) {
      report(
        violation(
          `Spot node group '${args.name}' offers ${types.length} instance type(s), fewer than ${minInstanceTypes}`,
          `list at least ${minInstanceTypes} similar types in 'instanceTypes' of node group '${args.name}'.`,
        ),
      );
    }
  }),
};

export const eksNodeGroupScalable: PlatformResourcePolicy = {
  name: "eks-node-group-scalable",
  description: "Node groups can scale: maxSize is above minSize and desiredSize lies between them.",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "Auto-scaling",
  references: ["EKS Best Practices Guide: Cluster Autoscaling"],
  validateResource: validateResourceOfType(aws.eks.NodeGroup, (group, args, report) => {
    const { minSize, maxSize, desiredSize } = group.scalingConfig;
    if (!(maxSize > minSize) || desiredSize < minSize || desiredSize > maxSize) {
      report(
        violation(
          `Node group '${args.name}' cannot scale (min ${minSize}, desired ${desiredSize}, max ${maxSize})`,
          `set 'scalingConfig.maxSize' above 'scalingConfig.minSize', with 'desiredSize' between them, on node group '${args.name}'.`,
        ),
      );
    }
  }),
};

export const eksAddonVersionPinned: PlatformResourcePolicy = {
  name: "eks-addon-version-pinned",
  description: "EKS add-ons pin their version so that upgrades happen in a reviewed change.",
  severity: "low",
  enforcementLevel: "advisory",
  category: "Infrastructure as Code",
  references: ["EKS Best Practices Guide: Cluster upgrades (add-on versions)"],
  validateResource: validateResourceOfType(aws.eks.Addon, (addon, args, report) => {
    if (!addon.addonVersion) {
      report(
        violation(
          `Add-on '${args.name}' floats on the default version`,
          `set 'addonVersion' on add-on '${args.name}'.`,
        ),
      );
    }
  }),
};

export const eksNodeGroupNoSsh: PlatformResourcePolicy = {
  name: "eks-node-group-no-ssh",
  description: "Nodes offer no SSH: node groups set no remoteAccess and launch templates no key pair.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Container Orchestration",
  references: [
    "EKS Best Practices Guide: Minimize access to worker nodes (use SSM, not SSH)",
    "Checkov CKV_AWS_100",
    "AWS FSBP EKS (node access)",
  ],
  validateResource: [
    validateResourceOfType(aws.eks.NodeGroup, (group, args, report) => {
      if (group.remoteAccess !== undefined) {
        report(
          violation(
            `Node group '${args.name}' opens SSH to its nodes ('remoteAccess')`,
            `remove 'remoteAccess' from node group '${args.name}' and reach nodes through SSM Session Manager.`,
          ),
        );
      }
    }),
    validateResourceOfType(aws.ec2.LaunchTemplate, (lt, args, report) => {
      if (lt.keyName !== undefined && lt.keyName !== "") {
        report(
          violation(
            `Launch template '${args.name}' installs SSH key pair '${String(lt.keyName)}' on its instances`,
            `remove 'keyName' from launch template '${args.name}' and reach nodes through SSM Session Manager.`,
          ),
        );
      }
    }),
  ],
};

export const eksPolicies = [
  eksEndpointPrivateAccess,
  eksPublicEndpointRestricted,
  eksControlPlaneLogging,
  eksSecretsEncryption,
  eksSupportedVersion,
  eksNodeGroupMultiAz,
  eksImdsv2Required,
  eksSystemNodeGroup,
  eksSpotInstanceDiversity,
  eksNodeGroupScalable,
  eksAddonVersionPinned,
  eksNodeGroupNoSsh,
];
