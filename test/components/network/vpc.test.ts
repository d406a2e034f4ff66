import type { NetworkArgs } from "../../../components/network/vpc";
import {
  byName,
  json,
  ofType,
  runProgram,
  type OfflineRun,
  type RecordedResource,
} from "../../support/offline";

const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  igw: "aws:ec2/internetGateway:InternetGateway",
  eip: "aws:ec2/eip:Eip",
  nat: "aws:ec2/natGateway:NatGateway",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  flowLog: "aws:ec2/flowLog:FlowLog",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  component: "platform:network:Network",
};

const AZS3 = ["us-west-2a", "us-west-2b", "us-west-2c"];
const LOGS_KEY_ARN = "arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555";
const ENDPOINTS = ["ec2", "ecr.api", "ecr.dkr", "sts", "logs", "monitoring", "elasticloadbalancing"];
/** Written out, not imported: the test must fail if the component accepted another list. */
const RETENTIONS =
  "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653";

function baseArgs(overrides: Partial<NetworkArgs> = {}): NetworkArgs {
  return {
    cidrBlock: "10.0.0.0/16",
    region: "us-west-2",
    availabilityZones: AZS3,
    subnets: {
      private: { newBits: 3, netnumStart: 0 },
      public: { newBits: 8, netnumStart: 128 },
      data: { newBits: 8, netnumStart: 144 },
    },
    natStrategy: "perAz",
    flowLogRetentionDays: 30,
    flowLogKmsKeyArn: LOGS_KEY_ARN,
    interfaceEndpoints: ENDPOINTS,
    ...overrides,
  };
}

async function build(args: NetworkArgs): Promise<OfflineRun> {
  return runProgram(async () => {
    const { Network } = await import("../../../components/network/vpc");
    const net = new Network("net", args);
    return {
      vpcId: net.vpcId,
      vpcCidrBlock: net.vpcCidrBlock,
      availabilityZones: net.availabilityZones,
      publicSubnetIds: net.publicSubnetIds,
      privateSubnetIds: net.privateSubnetIds,
      dataSubnetIds: net.dataSubnetIds,
      publicSubnetCidrs: net.publicSubnetCidrs,
      privateSubnetCidrs: net.privateSubnetCidrs,
      dataSubnetCidrs: net.dataSubnetCidrs,
      natGatewayIds: net.natGatewayIds,
      privateRouteTableIds: net.privateRouteTableIds,
      dataRouteTableIds: net.dataRouteTableIds,
      endpointSecurityGroupId: net.endpointSecurityGroupId,
      flowLogGroupName: net.flowLogGroupName,
      defaultSecurityGroupId: net.defaultSecurityGroupId,
    };
  });
}

function typeCounts(run: OfflineRun): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of run.resources) {
    counts[r.type] = (counts[r.type] ?? 0) + 1;
  }
  return counts;
}

const names = (run: OfflineRun, type: string) =>
  ofType(run, type)
    .map((r) => r.name)
    .sort();
type Route = Record<string, unknown>;
const routesOf = (table: RecordedResource) => (table.inputs.routes ?? []) as Route[];

describe("Network, 3 AZs, NAT per AZ, cluster tags", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await build(baseArgs({ clusterName: "platform-prod" }));
  });

  test("creates exactly the expected children, all parented to the component", () => {
    expect(typeCounts(run)).toEqual({
      "pulumi:pulumi:Stack": 1,
      [T.component]: 1,
      [T.vpc]: 1,
      [T.defaultSg]: 1,
      [T.subnet]: 9,
      [T.igw]: 1,
      [T.eip]: 3,
      [T.nat]: 3,
      [T.routeTable]: 7,
      [T.association]: 9,
      [T.logGroup]: 1,
      [T.role]: 1,
      [T.rolePolicy]: 1,
      [T.flowLog]: 1,
      [T.endpoint]: 1 + ENDPOINTS.length,
      [T.sg]: 1,
      [T.ingress]: 1,
    });
    const component = byName(run, T.component, "net");
    for (const r of run.resources.filter((r) => r.custom)) {
      expect([r.name, r.parent]).toEqual([r.name, component.urn]);
    }
  });

  test("children have stable names keyed by AZ and service", () => {
    const perAz = (prefix: string) => AZS3.map((az) => `net-${prefix}-${az}`);
    expect(names(run, T.subnet)).toEqual([...perAz("data"), ...perAz("private"), ...perAz("public")]);
    expect(names(run, T.routeTable)).toEqual([
      ...perAz("data"),
      "net-private-us-west-2a",
      "net-private-us-west-2b",
      "net-private-us-west-2c",
      "net-public",
    ]);
    expect(names(run, T.association)).toEqual([...perAz("data"), ...perAz("private"), ...perAz("public")]);
    expect(names(run, T.nat)).toEqual(perAz("nat"));
    expect(names(run, T.eip)).toEqual(perAz("nat"));
    expect(names(run, T.endpoint)).toEqual(["net-s3", ...ENDPOINTS.map((s) => `net-${s}`)].sort());
    expect(names(run, T.vpc)).toEqual(["net"]);
    expect(names(run, T.flowLog)).toEqual(["net"]);
  });

  test("VPC has DNS support and hostnames", () => {
    expect(byName(run, T.vpc, "net").inputs).toMatchObject({
      cidrBlock: "10.0.0.0/16",
      enableDnsSupport: true,
      enableDnsHostnames: true,
    });
  });

  test.each([
    ["private", ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"]],
    ["public", ["10.0.128.0/24", "10.0.129.0/24", "10.0.130.0/24"]],
    ["data", ["10.0.144.0/24", "10.0.145.0/24", "10.0.146.0/24"]],
  ])("%s subnets: one per AZ with the layout's CIDR and no public IPs", (tier, cidrs) => {
    AZS3.forEach((az, i) => {
      const subnet = byName(run, T.subnet, `net-${tier}-${az}`);
      expect(subnet.inputs).toMatchObject({
        availabilityZone: az,
        cidrBlock: cidrs[i],
        mapPublicIpOnLaunch: false,
      });
      expect(subnet.inputs.vpcId).toBe(byName(run, T.vpc, "net").id);
    });
    expect(run.outputs[`${tier}SubnetCidrs`]).toEqual(cidrs);
  });

  test("subnet tags: Name and Tier everywhere, load balancer and cluster tags on public and private only", () => {
    expect(byName(run, T.subnet, "net-public-us-west-2a").inputs.tags).toEqual({
      Name: "net-public-us-west-2a",
      Tier: "public",
      "kubernetes.io/role/elb": "1",
      "kubernetes.io/cluster/platform-prod": "shared",
    });
    expect(byName(run, T.subnet, "net-private-us-west-2b").inputs.tags).toEqual({
      Name: "net-private-us-west-2b",
      Tier: "private",
      "kubernetes.io/role/internal-elb": "1",
      "kubernetes.io/cluster/platform-prod": "shared",
    });
    expect(byName(run, T.subnet, "net-data-us-west-2c").inputs.tags).toEqual({
      Name: "net-data-us-west-2c",
      Tier: "data",
    });
  });

  test("NAT gateways: one per AZ in that AZ's public subnet, each with its own VPC Elastic IP", () => {
    for (const az of AZS3) {
      const eip = byName(run, T.eip, `net-nat-${az}`);
      expect(eip.inputs.domain).toBe("vpc");
      const nat = byName(run, T.nat, `net-nat-${az}`);
      expect(nat.inputs).toMatchObject({
        allocationId: eip.id,
        subnetId: byName(run, T.subnet, `net-public-${az}`).id,
        connectivityType: "public",
      });
      expect(nat.dependencies).toContain(byName(run, T.igw, "net").urn);
    }
  });

  test("public route table: default route to the internet gateway, associated with every public subnet", () => {
    const table = byName(run, T.routeTable, "net-public");
    expect(routesOf(table)).toEqual([{ cidrBlock: "0.0.0.0/0", gatewayId: byName(run, T.igw, "net").id }]);
    for (const az of AZS3) {
      expect(byName(run, T.association, `net-public-${az}`).inputs).toEqual({
        subnetId: byName(run, T.subnet, `net-public-${az}`).id,
        routeTableId: table.id,
      });
    }
  });

  test("private route tables: default route to their own AZ's NAT gateway", () => {
    for (const az of AZS3) {
      const table = byName(run, T.routeTable, `net-private-${az}`);
      expect(routesOf(table)).toEqual([
        { cidrBlock: "0.0.0.0/0", natGatewayId: byName(run, T.nat, `net-nat-${az}`).id },
      ]);
      expect(byName(run, T.association, `net-private-${az}`).inputs).toEqual({
        subnetId: byName(run, T.subnet, `net-private-${az}`).id,
        routeTableId: table.id,
      });
    }
  });

  test("data route tables: no route at all besides local, and no separate Route resource anywhere", () => {
    for (const az of AZS3) {
      const table = byName(run, T.routeTable, `net-data-${az}`);
      // An explicit empty list, not an absent one: the provider then removes any route added by hand.
      expect(table.inputs.routes).toEqual([]);
      expect(byName(run, T.association, `net-data-${az}`).inputs).toEqual({
        subnetId: byName(run, T.subnet, `net-data-${az}`).id,
        routeTableId: table.id,
      });
    }
    expect(ofType(run, T.route)).toEqual([]);
    const internetTargets = [byName(run, T.igw, "net").id, ...ofType(run, T.nat).map((n) => n.id)];
    const dataTableIds = AZS3.map((az) => byName(run, T.routeTable, `net-data-${az}`).id);
    const dataRoutes = ofType(run, T.routeTable)
      .filter((t) => dataTableIds.includes(t.id))
      .flatMap(routesOf);
    expect(
      dataRoutes.filter((r) => Object.values(r).some((v) => internetTargets.includes(v as string))),
    ).toEqual([]);
  });

  test("flow logs: all traffic at 60 s into the KMS-encrypted log group through the role", () => {
    const group = byName(run, T.logGroup, "net-flow-logs");
    expect(group.inputs).toMatchObject({ kmsKeyId: LOGS_KEY_ARN, retentionInDays: 30 });
    const role = byName(run, T.role, "net-flow-logs");
    const flowLog = byName(run, T.flowLog, "net");
    expect(flowLog.inputs).toMatchObject({
      vpcId: byName(run, T.vpc, "net").id,
      trafficType: "ALL",
      maxAggregationInterval: 60,
      logDestinationType: "cloud-watch-logs",
      logDestination: "arn:aws:logs:us-west-2:123456789012:log-group:net-flow-logs",
      iamRoleArn: `arn:aws:iam::123456789012:role/${role.name}`,
    });
    expect(flowLog.dependencies).toContain(byName(run, T.rolePolicy, "net-flow-logs").urn);
    expect(run.outputs.flowLogGroupName).toBe("net-flow-logs");
  });

  test("flow log role: trusted only by the flow logs service of this account, writes only to its log group", () => {
    expect(json(byName(run, T.role, "net-flow-logs").inputs.assumeRolePolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "vpc-flow-logs.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnLike: { "aws:SourceArn": "arn:aws:ec2:us-west-2:123456789012:vpc-flow-log/*" },
          },
        },
      ],
    });
    const policy = byName(run, T.rolePolicy, "net-flow-logs");
    expect(policy.inputs.role).toBe("net-flow-logs");
    const group = "arn:aws:logs:us-west-2:123456789012:log-group:net-flow-logs";
    expect(json(policy.inputs.policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "WriteFlowLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: [group, `${group}:*`],
        },
        // AWS's example flow-log role has both Describe calls; without them delivery can show "Access error".
        { Sid: "FindLogGroup", Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: "*" },
      ],
    });
  });

  test("S3 gateway endpoint serves the private and data route tables", () => {
    const tables = [...AZS3.map((az) => `net-private-${az}`), ...AZS3.map((az) => `net-data-${az}`)];
    expect(byName(run, T.endpoint, "net-s3").inputs).toEqual({
      vpcId: byName(run, T.vpc, "net").id,
      serviceName: "com.amazonaws.us-west-2.s3",
      vpcEndpointType: "Gateway",
      routeTableIds: tables.map((t) => byName(run, T.routeTable, t).id),
      tags: { Name: "net-s3" },
    });
  });

  test.each(ENDPOINTS)(
    "interface endpoint %s: private subnets, private DNS, the endpoint security group",
    (service) => {
      expect(byName(run, T.endpoint, `net-${service}`).inputs).toMatchObject({
        serviceName: `com.amazonaws.us-west-2.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: AZS3.map((az) => byName(run, T.subnet, `net-private-${az}`).id),
        securityGroupIds: [byName(run, T.sg, "net-endpoints").id],
      });
    },
  );

  test("endpoint security group admits only HTTPS from the VPC CIDR and has no inline or egress rules", () => {
    const sg = byName(run, T.sg, "net-endpoints");
    expect(sg.inputs.ingress).toBeUndefined();
    expect(sg.inputs.egress).toBeUndefined();
    expect(ofType(run, T.egress)).toEqual([]);
    const rules = ofType(run, T.ingress);
    expect(rules.map((r) => r.inputs)).toEqual([
      {
        securityGroupId: sg.id,
        description: "HTTPS from the VPC",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "10.0.0.0/16",
      },
    ]);
    expect(run.outputs.endpointSecurityGroupId).toBe(sg.id);
  });

  test("no resource anywhere admits 0.0.0.0/0", () => {
    for (const r of [...ofType(run, T.ingress), ...ofType(run, T.sg), ...ofType(run, T.defaultSg)]) {
      expect(JSON.stringify(r.inputs.ingress ?? r.inputs.cidrIpv4 ?? "")).not.toContain("0.0.0.0/0");
    }
  });

  test("default security group is adopted with no ingress and no egress rules", () => {
    const sg = byName(run, T.defaultSg, "net-default");
    expect(sg.inputs.vpcId).toBe(byName(run, T.vpc, "net").id);
    expect(sg.inputs.ingress ?? []).toEqual([]);
    expect(sg.inputs.egress ?? []).toEqual([]);
    expect(run.outputs.defaultSecurityGroupId).toBe(sg.id);
  });

  test("outputs list IDs and CIDRs in AZ order", () => {
    const ids = (type: string, prefix: string) =>
      AZS3.map((az) => byName(run, type, `net-${prefix}-${az}`).id);
    expect(run.outputs).toMatchObject({
      vpcId: byName(run, T.vpc, "net").id,
      vpcCidrBlock: "10.0.0.0/16",
      availabilityZones: AZS3,
      publicSubnetIds: ids(T.subnet, "public"),
      privateSubnetIds: ids(T.subnet, "private"),
      dataSubnetIds: ids(T.subnet, "data"),
      natGatewayIds: ids(T.nat, "nat"),
      privateRouteTableIds: ids(T.routeTable, "private"),
      dataRouteTableIds: ids(T.routeTable, "data"),
    });
  });
});

describe("Network, 2 AZs, single NAT, no cluster", () => {
  const azs = ["us-west-2a", "us-west-2b"];
  let run: OfflineRun;
  beforeAll(async () => {
    run = await build(
      baseArgs({
        cidrBlock: "10.2.0.0/16",
        availabilityZones: azs,
        subnets: {
          private: { newBits: 4, netnumStart: 0 },
          public: { newBits: 8, netnumStart: 128 },
          data: { newBits: 8, netnumStart: 144 },
        },
        natStrategy: "single",
        flowLogRetentionDays: 7,
        interfaceEndpoints: [],
      }),
    );
  });

  test("one NAT gateway and one Elastic IP, in the first AZ's public subnet", () => {
    expect(names(run, T.nat)).toEqual(["net-nat-us-west-2a"]);
    expect(names(run, T.eip)).toEqual(["net-nat-us-west-2a"]);
    expect(byName(run, T.nat, "net-nat-us-west-2a").inputs.subnetId).toBe(
      byName(run, T.subnet, "net-public-us-west-2a").id,
    );
    expect(run.outputs.natGatewayIds).toEqual([byName(run, T.nat, "net-nat-us-west-2a").id]);
  });

  test("both private route tables send 0.0.0.0/0 to the single NAT gateway", () => {
    const nat = byName(run, T.nat, "net-nat-us-west-2a");
    for (const az of azs) {
      expect(routesOf(byName(run, T.routeTable, `net-private-${az}`))).toEqual([
        { cidrBlock: "0.0.0.0/0", natGatewayId: nat.id },
      ]);
    }
  });

  test("layout, counts and retention follow the args; no interface endpoints, no cluster tags", () => {
    expect(run.outputs.privateSubnetCidrs).toEqual(["10.2.0.0/20", "10.2.16.0/20"]);
    expect(run.outputs.publicSubnetCidrs).toEqual(["10.2.128.0/24", "10.2.129.0/24"]);
    expect(run.outputs.dataSubnetCidrs).toEqual(["10.2.144.0/24", "10.2.145.0/24"]);
    expect(ofType(run, T.subnet)).toHaveLength(6);
    expect(ofType(run, T.routeTable)).toHaveLength(5);
    expect(ofType(run, T.association)).toHaveLength(6);
    expect(names(run, T.endpoint)).toEqual(["net-s3"]);
    expect(byName(run, T.logGroup, "net-flow-logs").inputs.retentionInDays).toBe(7);
    expect(byName(run, T.subnet, "net-public-us-west-2b").inputs.tags).toEqual({
      Name: "net-public-us-west-2b",
      Tier: "public",
      "kubernetes.io/role/elb": "1",
    });
  });
});

describe("validateNetworkArgs", () => {
  let validate: (args: NetworkArgs) => void;
  beforeAll(async () => {
    ({ validateNetworkArgs: validate } = await import("../../../components/network/vpc"));
  });

  const one = (problem: string) => `Invalid Network args (1 problem):\n  - ${problem}`;

  test("accepts the production layout", () => {
    expect(() => validate(baseArgs())).not.toThrow();
  });

  test.each<[string, Partial<NetworkArgs>, string]>([
    [
      "one AZ",
      { availabilityZones: ["us-west-2a"] },
      "availabilityZones lists 1 AZ(s) [us-west-2a]; at least 2 are needed (EKS and load balancers require two AZs)",
    ],
    [
      "repeated AZ",
      { availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2a"] },
      "availabilityZones lists us-west-2a more than once; list each AZ once",
    ],
    [
      "AZ of another region",
      { availabilityZones: ["us-west-2a", "us-east-1b"] },
      "availabilityZones us-east-1b are not in region us-west-2",
    ],
    [
      "bad region",
      { region: "uswest2", availabilityZones: ["us-west-2a", "us-west-2b"] },
      "region 'uswest2' is not an AWS region name such as us-west-2",
    ],
    [
      "malformed CIDR",
      { cidrBlock: "10.0.0/16" },
      "cidrBlock '10.0.0/16' is not an IPv4 CIDR block of the form a.b.c.d/n",
    ],
    [
      "host bits set",
      { cidrBlock: "10.0.0.1/16" },
      "cidrBlock '10.0.0.1/16' has host bits set; the network address is 10.0.0.0/16",
    ],
    [
      "VPC too large",
      { cidrBlock: "10.0.0.0/8" },
      "cidrBlock '10.0.0.0/8' must have a prefix length from /16 to /28, the range AWS accepts for a VPC",
    ],
    [
      "tier does not fit",
      {
        subnets: {
          private: { newBits: 2, netnumStart: 2 },
          public: { newBits: 8, netnumStart: 16 },
          data: { newBits: 8, netnumStart: 32 },
        },
      },
      "subnets.private needs subnets 2..4 of /18, but 10.0.0.0/16 has only 4; lower netnumStart or newBits",
    ],
    [
      "subnet smaller than /28",
      {
        subnets: {
          private: { newBits: 3, netnumStart: 0 },
          public: { newBits: 13, netnumStart: 4096 },
          data: { newBits: 8, netnumStart: 144 },
        },
      },
      "subnets.public.newBits 13 gives /29 subnets in a /16 VPC; AWS subnets are /28 at the smallest",
    ],
    [
      "newBits zero",
      {
        subnets: {
          private: { newBits: 3, netnumStart: 0 },
          public: { newBits: 0, netnumStart: 0 },
          data: { newBits: 8, netnumStart: 144 },
        },
      },
      "subnets.public.newBits must be a whole number of at least 1, received 0",
    ],
    [
      "negative netnumStart",
      {
        subnets: {
          private: { newBits: 3, netnumStart: 0 },
          public: { newBits: 8, netnumStart: 128 },
          data: { newBits: 8, netnumStart: -1 },
        },
      },
      "subnets.data.netnumStart must be a whole number of at least 0, received -1",
    ],
    [
      "tiers overlap",
      {
        subnets: {
          private: { newBits: 3, netnumStart: 0 },
          public: { newBits: 8, netnumStart: 64 },
          data: { newBits: 8, netnumStart: 144 },
        },
      },
      "subnets.private: private subnet 10.0.64.0/19 (us-west-2c) overlaps public subnet 10.0.64.0/24 (us-west-2a); move one tier's netnumStart",
    ],
    [
      "zero retention",
      { flowLogRetentionDays: 0 },
      `flowLogRetentionDays 0 is not a retention CloudWatch Logs accepts: ${RETENTIONS} days`,
    ],
    [
      "fractional retention",
      { flowLogRetentionDays: 1.5 },
      `flowLogRetentionDays 1.5 is not a retention CloudWatch Logs accepts: ${RETENTIONS} days`,
    ],
    [
      "a whole number of days CloudWatch Logs refuses",
      { flowLogRetentionDays: 31 },
      `flowLogRetentionDays 31 is not a retention CloudWatch Logs accepts: ${RETENTIONS} days`,
    ],
    [
      "repeated endpoint",
      { interfaceEndpoints: ["sts", "ecr.api", "sts"] },
      "interfaceEndpoints lists sts more than once; list each service once",
    ],
    [
      "s3 as interface endpoint",
      { interfaceEndpoints: ["s3"] },
      "interfaceEndpoints must not list 's3': the S3 gateway endpoint is always created for the private and data subnets",
    ],
    [
      "malformed service",
      { interfaceEndpoints: ["ECR api"] },
      "interfaceEndpoints 'ECR api' are not service names like 'ecr.api'",
    ],
    [
      "empty cluster name",
      { clusterName: "" },
      "clusterName '' is not an EKS cluster name (1 to 100 letters, digits, '-' or '_', starting with a letter or digit)",
    ],
  ])("rejects %s", (_label, overrides, problem) => {
    expect(() => validate(baseArgs(overrides))).toThrow(one(problem));
  });

  test("reports every problem at once, and the component refuses to build", async () => {
    const args = baseArgs({
      availabilityZones: ["us-west-2a"],
      cidrBlock: "10.0.0.0/33",
      flowLogRetentionDays: -7,
      interfaceEndpoints: ["sts", "sts"],
    });
    const expected = [
      "Invalid Network args (4 problems):",
      "  - availabilityZones lists 1 AZ(s) [us-west-2a]; at least 2 are needed (EKS and load balancers require two AZs)",
      "  - cidrBlock '10.0.0.0/33' is not an IPv4 CIDR block of the form a.b.c.d/n",
      `  - flowLogRetentionDays -7 is not a retention CloudWatch Logs accepts: ${RETENTIONS} days`,
      "  - interfaceEndpoints lists sts more than once; list each service once",
    ].join("\n");
    expect(() => validate(args)).toThrow(expected);
    await expect(build(args)).rejects.toThrow(expected);
  });
});
