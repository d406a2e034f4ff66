import {
  dataInIsolatedSubnets,
  defaultSecurityGroupNoRules,
  eksNodesInPrivateSubnets,
  securityGroupNoPublicIngress,
  subnetNoAutoPublicIp,
  vpcEndpointsPresent,
  vpcFlowLogsEnabled,
  vpcMinAvailabilityZones,
  natGatewayPerAz,
} from "../../policy/network";
import { describeResourcePolicies } from "./cases";
import type { PlanResource } from "../../tools/policy/plan-input";
import { messages, res, run, withPath } from "./helpers";

describeResourcePolicies([
  {
    policy: subnetNoAutoPublicIp,
    type: "aws:ec2/subnet:Subnet",
    name: "public-a",
    valid: { mapPublicIpOnLaunch: false },
    failures: [
      [
        "mapPublicIpOnLaunch",
        true,
        "Subnet 'public-a' assigns public IPs on launch. Remediation: set 'mapPublicIpOnLaunch: false' on subnet 'public-a'.",
      ],
    ],
  },
]);

/** A VPC with a public, a private (NAT) and an isolated subnet in each of `zones`. */
function network(zones: string[]) {
  const vpc = res("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" });
  const igw = res("aws:ec2/internetGateway:InternetGateway", "igw", {}, { dependsOn: [vpc] });
  const nat = res("aws:ec2/natGateway:NatGateway", "nat", {}, { dependsOn: [vpc] });
  const publicRt = res(
    "aws:ec2/routeTable:RouteTable",
    "public",
    { routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-1" }] },
    { dependsOn: [vpc, igw] },
  );
  const privateRt = res("aws:ec2/routeTable:RouteTable", "private", {}, { dependsOn: [vpc] });
  const natRoute = res(
    "aws:ec2/route:Route",
    "private-default",
    { destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" },
    { dependsOn: [privateRt, nat] },
  );
  const dataRt = res("aws:ec2/routeTable:RouteTable", "data", {}, { dependsOn: [vpc] });
  const subnets: Record<string, ReturnType<typeof res>[]> = { public: [], private: [], data: [] };
  const assocs = [];
  for (const [tier, rt] of [
    ["public", publicRt],
    ["private", privateRt],
    ["data", dataRt],
  ] as const) {
    for (const az of zones) {
      const s = res("aws:ec2/subnet:Subnet", `${tier}-${az}`, { availabilityZone: az }, { dependsOn: [vpc] });
      subnets[tier].push(s);
      assocs.push(
        res(
          "aws:ec2/routeTableAssociation:RouteTableAssociation",
          `${tier}-${az}`,
          {},
          { dependsOn: [s, rt] },
        ),
      );
    }
  }
  const base = [
    vpc,
    igw,
    nat,
    publicRt,
    privateRt,
    natRoute,
    dataRt,
    ...Object.values(subnets).flat(),
    ...assocs,
  ];
  return { vpc, subnets, base };
}

describe("network stack policies", () => {
  const { vpc, subnets, base } = network(["us-west-2a", "us-west-2b", "us-west-2c"]);

  test("vpc-min-availability-zones: three zones pass; two fail the default and pass a config of 2", async () => {
    expect(await messages(vpcMinAvailabilityZones, base)).toEqual([]);
    const two = network(["us-west-2a", "us-west-2b"]).base;
    expect(await messages(vpcMinAvailabilityZones, two)).toEqual([
      "VPC 'vpc' has subnets in 2 availability zone(s) (us-west-2a, us-west-2b), fewer than 3. Remediation: add subnets (property 'availabilityZone') in at least 3 zones to VPC 'vpc'.",
    ]);
    expect(
      await messages(vpcMinAvailabilityZones, two, { "vpc-min-availability-zones": { minAzs: 2 } }),
    ).toEqual([]);
  });

  test("vpc-flow-logs-enabled", async () => {
    const log = (trafficType: string) =>
      res("aws:ec2/flowLog:FlowLog", "fl", { trafficType }, { dependsOn: [vpc] });
    expect(await messages(vpcFlowLogsEnabled, [...base, log("ALL")])).toEqual([]);
    expect(await messages(vpcFlowLogsEnabled, [...base, log("REJECT")])).toEqual([
      "The flow logs of VPC 'vpc' do not capture all traffic. Remediation: set 'trafficType: \"ALL\"' on flow log 'fl'.",
    ]);
    expect(await messages(vpcFlowLogsEnabled, base)).toEqual([
      "VPC 'vpc' has no flow log. Remediation: add an aws.ec2.FlowLog with 'vpcId' of VPC 'vpc' and 'trafficType: \"ALL\"'.",
    ]);
  });

  test("default-security-group-no-rules", async () => {
    const dsg = (props: Record<string, unknown>) =>
      res("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "default", props, { dependsOn: [vpc] });
    expect(await messages(defaultSecurityGroupNoRules, [...base, dsg({})])).toEqual([]);
    expect(
      await messages(defaultSecurityGroupNoRules, [
        ...base,
        dsg({ egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] }),
      ]),
    ).toEqual([
      "Default security group 'default' has rules. Remediation: remove 'ingress' and 'egress' from default security group 'default'.",
    ]);
    expect(await messages(defaultSecurityGroupNoRules, base)).toEqual([
      "The default security group of VPC 'vpc' is not managed, so it keeps AWS's allow rules. Remediation: add an aws.ec2.DefaultSecurityGroup with 'vpcId' of VPC 'vpc' and no 'ingress' or 'egress'.",
    ]);
  });

  test("eks-nodes-in-private-subnets", async () => {
    const group = (tier: string) =>
      res("aws:eks/nodeGroup:NodeGroup", "ng", {}, { dependsOn: subnets[tier] });
    expect(await messages(eksNodesInPrivateSubnets, [...base, group("private")])).toEqual([]);
    const found = await messages(eksNodesInPrivateSubnets, [...base, group("public")]);
    expect(found).toHaveLength(3);
    expect(found[0]).toBe(
      "'ng' uses subnet 'public-us-west-2a', which routes to an internet gateway. Remediation: use private subnets in 'subnetIds' of 'ng'.",
    );
  });

  test("data-in-isolated-subnets", async () => {
    const group = (tier: string) =>
      res("aws:rds/subnetGroup:SubnetGroup", "db", {}, { dependsOn: subnets[tier].slice(0, 1) });
    expect(await messages(dataInIsolatedSubnets, [...base, group("data")])).toEqual([]);
    expect(await messages(dataInIsolatedSubnets, [...base, group("private")])).toEqual([
      "Subnet group 'db' uses subnet 'private-us-west-2a', which has a NAT route. Remediation: use isolated data subnets in 'subnetIds' of subnet group 'db'.",
    ]);
  });

  test("vpc-endpoints-present", async () => {
    const endpoints = ["s3", "ecr.api", "ecr.dkr", "logs", "sts"].map((s) =>
      res(
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        s,
        { serviceName: `com.amazonaws.us-west-2.${s}` },
        { dependsOn: [vpc] },
      ),
    );
    expect(await messages(vpcEndpointsPresent, [...base, ...endpoints])).toEqual([]);
    expect(await messages(vpcEndpointsPresent, [...base, ...endpoints.slice(1)])).toEqual([
      "VPC 'vpc' has no endpoint for s3. Remediation: add aws.ec2.VpcEndpoint resources ('serviceName') for s3 to VPC 'vpc'.",
    ]);
  });
});

describe("nat-gateway-per-az", () => {
  const vpc = res("aws:ec2/vpc:Vpc", "vpc", {});
  const subnet = (name: string, az: string) =>
    res("aws:ec2/subnet:Subnet", name, { availabilityZone: az }, { dependsOn: [vpc] });
  /** Private subnets in `zones`, each routed to the NAT gateway of `natZone(zone)`. */
  function egress(zones: string[], natZone: (zone: string) => string) {
    const publics = new Map(zones.map((z) => [z, subnet(`public-${z}`, z)]));
    const nats = new Map(
      zones.map((z) => [
        z,
        res("aws:ec2/natGateway:NatGateway", `nat-${z}`, {}, { dependsOn: [publics.get(z)!] }),
      ]),
    );
    const rest = zones.flatMap((z) => {
      const s = subnet(`private-${z}`, z);
      const rt = res("aws:ec2/routeTable:RouteTable", `private-${z}`, {}, { dependsOn: [vpc] });
      const route = res(
        "aws:ec2/route:Route",
        `private-${z}`,
        { destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" },
        { dependsOn: [rt, nats.get(natZone(z))!] },
      );
      const assoc = res(
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        `private-${z}`,
        {},
        { dependsOn: [s, rt] },
      );
      return [s, rt, route, assoc];
    });
    return [vpc, ...publics.values(), ...nats.values(), ...rest];
  }
  const zones = ["us-west-2a", "us-west-2b"];

  test("each private subnet routed to the NAT of its own zone passes", async () => {
    const result = await run(
      natGatewayPerAz,
      egress(zones, (z) => z),
    );
    expect(result.violations).toEqual([]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 1, passed: 1 });
  });

  test("one NAT for every zone (natStrategy: single) fails for the other zone", async () => {
    expect(
      await messages(
        natGatewayPerAz,
        egress(zones, () => "us-west-2a"),
      ),
    ).toEqual([
      "Subnet 'private-us-west-2b' (us-west-2b) reaches the internet through NAT gateway 'nat-us-west-2a' in us-west-2a: losing that zone cuts its egress. Remediation: add a NAT gateway in a public subnet of us-west-2b and route '0.0.0.0/0' of subnet 'private-us-west-2b' to it (natStrategy: perAz).",
    ]);
  });

  test("a stack without NAT egress is not applicable", async () => {
    expect((await run(natGatewayPerAz, [vpc, subnet("data-a", "us-west-2a")])).outcomes[0]).toMatchObject({
      assessed: 0,
      notApplicable: ["No subnet routing to the internet through a NAT gateway in the stack"],
    });
  });
});

describe("security-group-no-public-ingress", () => {
  const SG = "aws:ec2/securityGroup:SecurityGroup";
  const lbGroup = res(SG, "lb", {
    ingress: [
      { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
      { protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["10.0.0.0/16"] },
    ],
  });
  const alb = (groups: PlanResource[]) =>
    res("aws:lb/loadBalancer:LoadBalancer", "alb", { internal: false }, { dependsOn: groups });
  const check = (resources: PlanResource[], config?: unknown) =>
    messages(securityGroupNoPublicIngress, resources, config);

  test("443 open on a load balancer's group passes and the stack is assessed", async () => {
    const result = await run(securityGroupNoPublicIngress, [lbGroup, alb([lbGroup])]);
    expect(result.violations).toEqual([]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 1, passed: 1 });
  });

  test("a stack without security groups is not assessed", async () => {
    const result = await run(securityGroupNoPublicIngress, [res("aws:iam/role:Role", "other", {})]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 0, passed: 0 });
  });

  test.each([
    [
      "ingress[0].toPort",
      8443,
      "security group 'lb' allows 0.0.0.0/0 on tcp 443-8443; only 80/443 of a load balancer may be public. Remediation: restrict 'ingress[].cidrBlocks' of security group 'lb' to known CIDRs or security groups.",
    ],
    [
      "ingress[1].cidrBlocks",
      ["::/0"],
      "security group 'lb' allows ::/0 on tcp 5432-5432; only 80/443 of a load balancer may be public. Remediation: restrict 'ingress[].cidrBlocks' of security group 'lb' to known CIDRs or security groups.",
    ],
  ])("%s = %j fails", async (path, value, message) => {
    const changed = { ...lbGroup, props: withPath(lbGroup.props, path, value) };
    expect(await check([changed, alb([changed])])).toEqual([message]);
  });

  test("443 open on a group no load balancer uses fails, at the group", async () => {
    const result = await run(securityGroupNoPublicIngress, [lbGroup]);
    expect(result.violations.map((v) => [v.urn, v.message])).toEqual([
      [
        lbGroup.urn,
        "security group 'lb' allows 0.0.0.0/0 on tcp 443-443 but its security group is attached to no load balancer. Remediation: remove the public 'ingress[].cidrBlocks' of security group 'lb', or use its security group only in 'securityGroups' of a load balancer.",
      ],
    ]);
  });

  test("standalone ingress rules: judged with their group; egress rules are ignored", async () => {
    const nodes = res(SG, "nodes", {});
    const rule = (props: Record<string, unknown>, groups = [nodes]) =>
      res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "r", props, { dependsOn: groups });
    const http = { ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIpv4: "0.0.0.0/0" };
    expect(await check([nodes, rule(http), alb([nodes])])).toEqual([]);
    expect(await check([nodes, rule({ ...http, ipProtocol: "-1" }), alb([nodes])])).toEqual([
      "ingress rule 'r' allows 0.0.0.0/0 on all ports; only 80/443 of a load balancer may be public. Remediation: restrict 'cidrIpv4/cidrIpv6' of ingress rule 'r' to known CIDRs or security groups.",
    ]);
    expect(await check([nodes, rule(http)])).toEqual([
      "ingress rule 'r' allows 0.0.0.0/0 on tcp 80-80 but its security group is attached to no load balancer. Remediation: remove the public 'cidrIpv4/cidrIpv6' of ingress rule 'r', or use its security group only in 'securityGroups' of a load balancer.",
    ]);
    const legacy = (type: string) =>
      res(
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        "legacy",
        { type, protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] },
        { dependsOn: [nodes] },
      );
    expect(await check([nodes, legacy("egress")])).toEqual([]);
    expect(await check([nodes, legacy("ingress")])).toEqual([
      "security group rule 'legacy' allows 0.0.0.0/0 on tcp 22-22; only 80/443 of a load balancer may be public. Remediation: restrict 'cidrBlocks/ipv6CidrBlocks' of security group rule 'legacy' to known CIDRs or security groups.",
    ]);
  });
});
