/** Network policies: AZ spread, flow logs, security groups, subnet placement of nodes and data, endpoints. */
import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import type { PolicyResource } from "@pulumi/policy";
import {
  asArray,
  asRecord,
  asStrings,
  dependenciesOfType,
  dependents,
  OPEN_CIDRS,
  subjects,
  violation,
} from "./lib/props";
import { natGatewaysOf, subnetExposure, T, zonesOf } from "./lib/routing";
import type { PlatformResourcePolicy, PlatformStackPolicy } from "./lib/types";

export const vpcMinAvailabilityZones: PlatformStackPolicy = {
  name: "vpc-min-availability-zones",
  description: "Every VPC has subnets in at least the configured number of availability zones.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Disaster Recovery",
  references: [
    "EKS Best Practices Guide: Reliability (spread across AZs)",
    "AWS Well-Architected REL10-BP01",
  ],
  configSchema: { properties: { minAzs: { type: "integer", minimum: 1, default: 3 } } },
  validateStack: (args, report) => {
    const { minAzs } = args.getConfig<{ minAzs: number }>();
    for (const vpc of subjects(args, (r) => r.type === T.vpc, "VPC")) {
      const zones = zonesOf(dependents(args.resources, vpc, T.subnet));
      if (zones.length < minAzs) {
        report(
          violation(
            `VPC '${vpc.name}' has subnets in ${zones.length} availability zone(s) (${zones.join(", ") || "none"}), fewer than ${minAzs}`,
            `add subnets (property 'availabilityZone') in at least ${minAzs} zones to VPC '${vpc.name}'.`,
          ),
          vpc.urn,
        );
      }
    }
  },
};

export const vpcFlowLogsEnabled: PlatformStackPolicy = {
  name: "vpc-flow-logs-enabled",
  description: "Every VPC has a flow log capturing all traffic.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Monitoring and Observability",
  references: ["AWS FSBP EC2.6", "CIS AWS Foundations 3.7", "Checkov CKV2_AWS_11"],
  validateStack: (args, report) => {
    for (const vpc of subjects(args, (r) => r.type === T.vpc, "VPC")) {
      const logs = dependents(args.resources, vpc, "aws:ec2/flowLog:FlowLog");
      if (logs.length === 0) {
        report(
          violation(
            `VPC '${vpc.name}' has no flow log`,
            `add an aws.ec2.FlowLog with 'vpcId' of VPC '${vpc.name}' and 'trafficType: "ALL"'.`,
          ),
          vpc.urn,
        );
      } else if (!logs.some((l) => l.props.trafficType === "ALL")) {
        report(
          violation(
            `The flow logs of VPC '${vpc.name}' do not capture all traffic`,
            `set 'trafficType: "ALL"' on flow log '${logs[0].name}'.`,
          ),
          vpc.urn,
        );
      }
    }
  },
};

const SG = "aws:ec2/securityGroup:SecurityGroup";
const SG_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const LOAD_BALANCER_TYPES = ["aws:lb/loadBalancer:LoadBalancer", "aws:elb/loadBalancer:LoadBalancer"];

/**
 * Checks one ingress rule (inline in a security group, `aws.vpc.SecurityGroupIngressRule` or an
 * ingress `aws.ec2.SecurityGroupRule`): open to the internet only on one allowed TCP port, and only
 * when its security group belongs to a load balancer.
 */
function checkPublicRule(
  rule: Record<string, unknown>,
  where: string,
  property: string,
  allowed: readonly number[],
  onLoadBalancer: boolean,
  report: (message: string) => void,
): void {
  const cidrs = [
    ...asStrings(rule.cidrBlocks),
    ...asStrings(rule.ipv6CidrBlocks),
    rule.cidrIpv4,
    rule.cidrIpv6,
  ];
  const open = cidrs.find((c): c is string => typeof c === "string" && OPEN_CIDRS.includes(c));
  if (!open) {
    return;
  }
  const from = Number(rule.fromPort);
  const to = Number(rule.toPort);
  const protocol = String(rule.protocol ?? rule.ipProtocol);
  const allowedRange = protocol === "tcp" && from === to && allowed.includes(from);
  const ports = protocol === "-1" ? "all ports" : `${protocol} ${from}-${to}`;
  if (!allowedRange) {
    report(
      violation(
        `${where} allows ${open} on ${ports}; only ${allowed.join("/")} of a load balancer may be public`,
        `restrict '${property}' of ${where} to known CIDRs or security groups.`,
      ),
    );
  } else if (!onLoadBalancer) {
    report(
      violation(
        `${where} allows ${open} on ${ports} but its security group is attached to no load balancer`,
        `remove the public '${property}' of ${where}, or use its security group only in 'securityGroups' of a load balancer.`,
      ),
    );
  }
}

export const securityGroupNoPublicIngress: PlatformStackPolicy = {
  name: "security-group-no-public-ingress",
  description:
    "No security group allows ingress from 0.0.0.0/0 or ::/0, except TCP 80/443 on a load balancer's security group.",
  severity: "critical",
  enforcementLevel: "mandatory",
  category: "Network Security",
  references: [
    "AWS FSBP EC2.18",
    "AWS FSBP EC2.19",
    "CIS AWS Foundations 5.2",
    "Checkov CKV_AWS_24",
    "Checkov CKV_AWS_260",
  ],
  configSchema: {
    properties: { allowedPublicPorts: { type: "array", items: { type: "integer" }, default: [80, 443] } },
  },
  validateStack: (args, report) => {
    const { allowedPublicPorts } = args.getConfig<{ allowedPublicPorts: number[] }>();
    const onLoadBalancer = (groups: readonly PolicyResource[]) =>
      groups.length > 0 &&
      groups.every((sg) => LOAD_BALANCER_TYPES.some((t) => dependents(args.resources, sg, t).length > 0));
    const holders = subjects(
      args,
      (r) =>
        r.type === SG || r.type === SG_INGRESS_RULE || (r.type === SG_RULE && r.props.type === "ingress"),
      "security group or ingress rule",
    );
    for (const r of holders) {
      const at = (message: string) => report(message, r.urn);
      if (r.type === SG) {
        for (const rule of asArray(r.props.ingress)) {
          const where = `security group '${r.name}'`;
          checkPublicRule(
            asRecord(rule),
            where,
            "ingress[].cidrBlocks",
            allowedPublicPorts,
            onLoadBalancer([r]),
            at,
          );
        }
      } else {
        const where = `${r.type === SG_RULE ? "security group rule" : "ingress rule"} '${r.name}'`;
        const property = r.type === SG_RULE ? "cidrBlocks/ipv6CidrBlocks" : "cidrIpv4/cidrIpv6";
        const groups = dependenciesOfType(r, SG);
        checkPublicRule(r.props, where, property, allowedPublicPorts, onLoadBalancer(groups), at);
      }
    }
  },
};

export const defaultSecurityGroupNoRules: PlatformStackPolicy = {
  name: "default-security-group-no-rules",
  description: "Every VPC's default security group is managed and has no ingress or egress rules.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Network Security",
  references: ["AWS FSBP EC2.2", "CIS AWS Foundations 5.4", "Checkov CKV2_AWS_12"],
  validateStack: (args, report) => {
    for (const vpc of subjects(args, (r) => r.type === T.vpc, "VPC")) {
      const defaults = dependents(args.resources, vpc, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
      if (defaults.length === 0) {
        report(
          violation(
            `The default security group of VPC '${vpc.name}' is not managed, so it keeps AWS's allow rules`,
            `add an aws.ec2.DefaultSecurityGroup with 'vpcId' of VPC '${vpc.name}' and no 'ingress' or 'egress'.`,
          ),
          vpc.urn,
        );
      }
      for (const sg of defaults) {
        if (asArray(sg.props.ingress).length > 0 || asArray(sg.props.egress).length > 0) {
          report(
            violation(
              `Default security group '${sg.name}' has rules`,
              `remove 'ingress' and 'egress' from default security group '${sg.name}'.`,
            ),
            sg.urn,
          );
        }
      }
    }
  },
};

export const subnetNoAutoPublicIp: PlatformResourcePolicy = {
  name: "subnet-no-auto-public-ip",
  description: "Subnets do not assign public IPs on launch (NAT gateways and load balancers get their own).",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "Network Security",
  references: ["AWS FSBP EC2.15", "Checkov CKV_AWS_130"],
  validateResource: validateResourceOfType(aws.ec2.Subnet, (subnet, args, report) => {
    if (subnet.mapPublicIpOnLaunch === true) {
      report(
        violation(
          `Subnet '${args.name}' assigns public IPs on launch`,
          `set 'mapPublicIpOnLaunch: false' on subnet '${args.name}'.`,
        ),
      );
    }
  }),
};

export const eksNodesInPrivateSubnets: PlatformStackPolicy = {
  name: "eks-nodes-in-private-subnets",
  description:
    "EKS node groups and the cluster's network interfaces use subnets without an internet gateway route.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Network Security",
  references: ["CIS EKS Benchmark 5.4.3", "EKS Best Practices Guide: Network security"],
  validateStack: (args, report) => {
    const holders = subjects(
      args,
      (r) => r.type === "aws:eks/nodeGroup:NodeGroup" || r.type === "aws:eks/cluster:Cluster",
      "EKS cluster or node group",
    );
    for (const holder of holders) {
      for (const subnet of dependenciesOfType(holder, T.subnet)) {
        if (subnetExposure(subnet, args.resources) === "public") {
          report(
            violation(
              `'${holder.name}' uses subnet '${subnet.name}', which routes to an internet gateway`,
              `use private subnets in 'subnetIds' of '${holder.name}'.`,
            ),
            holder.urn,
          );
        }
      }
    }
  },
};

export const dataInIsolatedSubnets: PlatformStackPolicy = {
  name: "data-in-isolated-subnets",
  description:
    "Database and cache subnet groups use subnets with no route to the internet (no internet gateway, no NAT).",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Network Security",
  references: ["AWS FSBP RDS.2 (defence in depth)", "AWS Well-Architected SEC05-BP01"],
  validateStack: (args, report) => {
    const groups = subjects(
      args,
      (r) =>
        r.type === "aws:rds/subnetGroup:SubnetGroup" || r.type === "aws:elasticache/subnetGroup:SubnetGroup",
      "database or cache subnet group",
    );
    for (const group of groups) {
      for (const subnet of dependenciesOfType(group, T.subnet)) {
        const exposure = subnetExposure(subnet, args.resources);
        if (exposure !== "isolated") {
          report(
            violation(
              `Subnet group '${group.name}' uses subnet '${subnet.name}', which has a ${exposure === "public" ? "route to an internet gateway" : "NAT route"}`,
              `use isolated data subnets in 'subnetIds' of subnet group '${group.name}'.`,
            ),
            group.urn,
          );
        }
      }
    }
  },
};

export const vpcEndpointsPresent: PlatformStackPolicy = {
  name: "vpc-endpoints-present",
  description: "Every VPC has endpoints for the AWS services nodes call, so that traffic stays off the NAT.",
  severity: "low",
  enforcementLevel: "advisory",
  category: "Cloud Integration",
  references: ["EKS Best Practices Guide: Private clusters (VPC endpoints)", "AWS FSBP EC2.10"],
  configSchema: {
    properties: {
      requiredServices: {
        type: "array",
        items: { type: "string" },
        default: ["s3", "ecr.api", "ecr.dkr", "logs", "sts"],
      },
    },
  },
  validateStack: (args, report) => {
    const { requiredServices } = args.getConfig<{ requiredServices: string[] }>();
    for (const vpc of subjects(args, (r) => r.type === T.vpc, "VPC")) {
      const names = dependents(args.resources, vpc, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) =>
        String(e.props.serviceName),
      );
      const missing = requiredServices.filter((s) => !names.some((n) => n.endsWith(`.${s}`)));
      if (missing.length > 0) {
        report(
          violation(
            `VPC '${vpc.name}' has no endpoint for ${missing.join(", ")}`,
            `add aws.ec2.VpcEndpoint resources ('serviceName') for ${missing.join(", ")} to VPC '${vpc.name}'.`,
          ),
          vpc.urn,
        );
      }
    }
  },
};

export const natGatewayPerAz: PlatformStackPolicy = {
  name: "nat-gateway-per-az",
  description:
    "Every private subnet reaches the internet through a NAT gateway in its own availability zone, so losing one zone cuts no other zone's egress.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Disaster Recovery",
  references: [
    "AWS VPC User Guide: NAT gateways (one per Availability Zone for resilience)",
    "AWS Well-Architected REL10-BP01",
  ],
  validateStack: (args, report) => {
    const privateSubnets = subjects(
      args,
      (r) => r.type === T.subnet && natGatewaysOf(r, args.resources).length > 0,
      "subnet routing to the internet through a NAT gateway",
    );
    for (const subnet of privateSubnets) {
      const zone = zonesOf([subnet])[0];
      for (const nat of natGatewaysOf(subnet, args.resources)) {
        const natZone = zonesOf(dependenciesOfType(nat, T.subnet))[0];
        if (zone === undefined || natZone !== zone) {
          report(
            violation(
              `Subnet '${subnet.name}' (${zone ?? "zone unknown"}) reaches the internet through NAT gateway '${nat.name}' in ${natZone ?? "an unknown zone"}: losing that zone cuts its egress`,
              `add a NAT gateway in a public subnet of ${zone ?? "the subnet's zone"} and route '0.0.0.0/0' of subnet '${subnet.name}' to it (natStrategy: perAz).`,
            ),
            subnet.urn,
          );
        }
      }
    }
  },
};

export const networkPolicies = [
  vpcMinAvailabilityZones,
  vpcFlowLogsEnabled,
  securityGroupNoPublicIngress,
  defaultSecurityGroupNoRules,
  subnetNoAutoPublicIp,
  eksNodesInPrivateSubnets,
  dataInIsolatedSubnets,
  vpcEndpointsPresent,
  natGatewayPerAz,
];
