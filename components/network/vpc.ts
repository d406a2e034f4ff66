/**
 * `platform:network:Network`: a multi-AZ VPC built from plain `@pulumi/aws` resources, so every
 * child is visible to the policy pack and to the offline plan.
 *
 * Per AZ: a public subnet (load balancers, NAT gateways), a private subnet (EKS nodes and pods,
 * default route through NAT) and a data subnet (databases and caches, no route to the internet).
 * Flow logs go to a KMS-encrypted log group; AWS APIs are reached through an S3 gateway endpoint and
 * interface endpoints that admit HTTPS from the VPC only; the default security group is emptied.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { s3GatewayEndpointPolicy } from "./s3-endpoint-policy";
import { CLOUDWATCH_RETENTION_DAYS } from "../shared/logs";
import { SUBNET_TIERS, type SubnetTier, type TierLayout, parseCidr, subnetLayout } from "./cidr";
import { layoutProblems } from "./layout-rules";

export type NatStrategy = "perAz" | "single";

/** Inputs of {@link Network}. Mirrors `platform:network` (infra/config/network.ts). */
export interface NetworkArgs {
  /** IPv4 block of the VPC, `/16` to `/28`, with no host bits set, e.g. `10.0.0.0/16`. */
  readonly cidrBlock: string;
  /** Region of the provider; endpoint service names are `com.amazonaws.<region>.<service>`. */
  readonly region: string;
  /**
   * AZ names in a stable order (at least 2, each once). AZ `i` gets subnet number
   * `netnumStart + i` in every tier, so append new AZs at the end: reordering renumbers subnets.
   */
  readonly availabilityZones: readonly string[];
  /** Where each tier's subnets sit inside the VPC (Terraform `cidrsubnet` newBits and first netnum). */
  readonly subnets: Readonly<Record<SubnetTier, TierLayout>>;
  /**
   * `perAz`: one NAT gateway per AZ, each private route table uses its own AZ's (survives an AZ
   * outage). `single`: one NAT gateway in the first AZ shared by every AZ (cheaper, one point of failure).
   */
  readonly natStrategy: NatStrategy;
  /** Days CloudWatch Logs keeps the flow logs; one of the values it accepts (1, 3, 5, 7, 14, 30...). */
  readonly flowLogRetentionDays: number;
  /** ARN of the KMS key that encrypts the flow log group (its policy must let CloudWatch Logs use it). */
  readonly flowLogKmsKeyArn: pulumi.Input<string>;
  /**
   * Services reached through interface endpoints in the private subnets, e.g. `ecr.api`. S3 is always
   * served by a gateway endpoint and must not be listed. An empty list creates no interface endpoint.
   */
  readonly interfaceEndpoints: readonly string[];
  /**
   * Buckets of other accounts (names, `*` allowed) whose objects may be read through the S3 gateway
   * endpoint, beyond the AWS-owned ones nodes need (components/network/s3-endpoint-policy.ts).
   * @default none: only this account's buckets and the AWS-owned node buckets pass the endpoint
   */
  readonly s3EndpointExtraReadBuckets?: readonly string[];
  /**
   * EKS cluster that will use the public and private subnets.
   * @default no `kubernetes.io/cluster/<name>` tag (the role tags alone are enough for EKS and the
   * AWS Load Balancer Controller)
   */
  readonly clusterName?: string;
  /**
   * Networks outside the VPC that reach the private subnets (operator VPN, CI runners): replies to
   * them go through `transitGatewayId` instead of the NAT gateway, which would drop them.
   * @default none
   */
  readonly returnRoutes?: {
    readonly cidrs: readonly string[];
    readonly transitGatewayId: pulumi.Input<string>;
  };
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const SERVICE = /^[a-z0-9]+([.-][a-z0-9]+)*$/;
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
export const MIN_NETWORK_AZS = 2;

/** Every problem with `args`, as sentences naming the field, the value and what is allowed. */
export function networkArgsProblems(args: NetworkArgs): string[] {
  const problems: string[] = [];
  const regionValid = REGION.test(args.region);
  if (!regionValid) {
    problems.push(`region '${args.region}' is not an AWS region name such as us-west-2`);
  }

  const azs = args.availabilityZones;
  if (azs.length < MIN_NETWORK_AZS) {
    problems.push(
      `availabilityZones lists ${azs.length} AZ(s) [${azs.join(", ")}]; at least ${MIN_NETWORK_AZS} are needed (EKS and load balancers require two AZs)`,
    );
  }
  const repeatedAzs = [...new Set(azs.filter((az, i) => azs.indexOf(az) !== i))];
  if (repeatedAzs.length > 0) {
    problems.push(`availabilityZones lists ${repeatedAzs.join(", ")} more than once; list each AZ once`);
  }
  const foreignAzs = azs.filter((az) => !az.startsWith(args.region));
  if (regionValid && foreignAzs.length > 0) {
    problems.push(`availabilityZones ${foreignAzs.join(", ")} are not in region ${args.region}`);
  }

  const vpc = parseCidr(args.cidrBlock);
  if (typeof vpc === "string") {
    problems.push(`cidrBlock '${args.cidrBlock}' ${vpc}`);
  } else if (vpc.prefixLength < 16 || vpc.prefixLength > 28) {
    problems.push(
      `cidrBlock '${args.cidrBlock}' must have a prefix length from /16 to /28, the range AWS accepts for a VPC`,
    );
  } else {
    problems.push(...layoutProblems(vpc, args.subnets, azs));
  }

  if (!(CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(args.flowLogRetentionDays)) {
    problems.push(
      `flowLogRetentionDays ${args.flowLogRetentionDays} is not a retention CloudWatch Logs accepts: ${CLOUDWATCH_RETENTION_DAYS.join(", ")} days`,
    );
  }

  const services = args.interfaceEndpoints;
  const malformed = services.filter((s) => !SERVICE.test(s));
  if (malformed.length > 0) {
    problems.push(
      `interfaceEndpoints ${malformed.map((s) => `'${s}'`).join(", ")} are not service names like 'ecr.api'`,
    );
  }
  const repeatedServices = [...new Set(services.filter((s, i) => services.indexOf(s) !== i))];
  if (repeatedServices.length > 0) {
    problems.push(
      `interfaceEndpoints lists ${repeatedServices.join(", ")} more than once; list each service once`,
    );
  }
  if (services.includes("s3")) {
    problems.push(
      "interfaceEndpoints must not list 's3': the S3 gateway endpoint is always created for the private and data subnets",
    );
  }

  if (args.clusterName !== undefined && !EKS_CLUSTER_NAME.test(args.clusterName)) {
    problems.push(
      `clusterName '${args.clusterName}' is not an EKS cluster name (1 to 100 letters, digits, '-' or '_', starting with a letter or digit)`,
    );
  }
  return problems;
}

/** Throws one error listing every problem with `args` (see {@link networkArgsProblems}). */
export function validateNetworkArgs(args: NetworkArgs): void {
  const problems = networkArgsProblems(args);
  if (problems.length > 0) {
    const noun = problems.length === 1 ? "problem" : "problems";
    throw new Error(
      `Invalid Network args (${problems.length} ${noun}):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
}

/** Tags for a subnet: Name, Tier, and the discovery tags EKS and the AWS Load Balancer Controller read. */
export function subnetTags(
  name: string,
  tier: SubnetTier,
  az: string,
  clusterName?: string,
): Record<string, string> {
  const tags: Record<string, string> = { Name: `${name}-${tier}-${az}`, Tier: tier };
  if (tier === "data") {
    return tags;
  }
  tags[tier === "public" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"] = "1";
  if (clusterName !== undefined) {
    tags[`kubernetes.io/cluster/${clusterName}`] = "shared";
  }
  return tags;
}

/**
 * A multi-AZ VPC with public, private and data subnets, NAT, flow logs and VPC endpoints.
 *
 * ```ts
 * const network = new Network("platform", {
 *   cidrBlock: "10.0.0.0/16",
 *   region: "us-west-2",
 *   availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
 *   subnets: {
 *     private: { newBits: 3, netnumStart: 0 }, // /19 per AZ: room for pods
 *     public: { newBits: 8, netnumStart: 128 },
 *     data: { newBits: 8, netnumStart: 144 },
 *   },
 *   natStrategy: "perAz",
 *   flowLogRetentionDays: 30,
 *   flowLogKmsKeyArn: logsKey.arn,
 *   interfaceEndpoints: ["ecr.api", "ecr.dkr", "sts"],
 * });
 * ```
 */
export class Network extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  /** The VPC's IPv4 block, as given. */
  public readonly vpcCidrBlock: string;
  /** AZ names, in the order every per-AZ list below follows. */
  public readonly availabilityZones: string[];
  /** Public subnets (internet-facing load balancers, NAT gateways), one per AZ. */
  public readonly publicSubnetIds: pulumi.Output<string>[];
  /** Private subnets (EKS nodes and pods, internal load balancers), one per AZ. */
  public readonly privateSubnetIds: pulumi.Output<string>[];
  /** Data subnets (databases, caches), one per AZ, with no route to the internet. */
  public readonly dataSubnetIds: pulumi.Output<string>[];
  public readonly publicSubnetCidrs: string[];
  public readonly privateSubnetCidrs: string[];
  /** For security group rules that admit clients from the data tier, or database subnet groups. */
  public readonly dataSubnetCidrs: string[];
  /** One per AZ (`perAz`) or one (`single`). */
  public readonly natGatewayIds: pulumi.Output<string>[];
  /** One per AZ, in AZ order (for extra routes such as peering). */
  public readonly privateRouteTableIds: pulumi.Output<string>[];
  /** One per AZ, in AZ order; local routes and the S3 gateway endpoint only. */
  public readonly dataRouteTableIds: pulumi.Output<string>[];
  /** Security group of the interface endpoints (HTTPS from the VPC CIDR only). */
  public readonly endpointSecurityGroupId: pulumi.Output<string>;
  /** CloudWatch log group receiving the VPC flow logs. */
  public readonly flowLogGroupName: pulumi.Output<string>;
  /** The VPC's default security group, left with no rules so nothing can rely on it. */
  public readonly defaultSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    validateNetworkArgs(args);
    super("platform:network:Network", name, {}, opts);

    const azs = [...args.availabilityZones];
    const cidrs = subnetLayout(args.cidrBlock, args.subnets, azs.length);
    const opt = { parent: this };

    const vpc = new aws.ec2.Vpc(
      name,
      { cidrBlock: args.cidrBlock, enableDnsSupport: true, enableDnsHostnames: true, tags: { Name: name } },
      opt,
    );
    const defaultSg = new aws.ec2.DefaultSecurityGroup(
      `${name}-default`,
      { vpcId: vpc.id, ingress: [], egress: [], tags: { Name: `${name}-default-unused` } },
      opt,
    );

    const subnets = {} as Record<SubnetTier, aws.ec2.Subnet[]>;
    for (const tier of SUBNET_TIERS) {
      subnets[tier] = azs.map(
        (az, i) =>
          new aws.ec2.Subnet(
            `${name}-${tier}-${az}`,
            {
              vpcId: vpc.id,
              availabilityZone: az,
              cidrBlock: cidrs[tier][i],
              mapPublicIpOnLaunch: false,
              tags: subnetTags(name, tier, az, args.clusterName),
            },
            opt,
          ),
      );
    }

    const routing = this.createRouting(name, args.natStrategy, vpc, azs, subnets, args.returnRoutes);
    const flowLogGroup = this.createFlowLogs(name, args, vpc);
    const endpointSg = this.createEndpoints(name, args, vpc, subnets.private, [
      ...routing.privateRouteTables,
      ...routing.dataRouteTables,
    ]);

    this.vpcId = vpc.id;
    this.vpcCidrBlock = args.cidrBlock;
    this.availabilityZones = azs;
    this.publicSubnetIds = subnets.public.map((s) => s.id);
    this.privateSubnetIds = subnets.private.map((s) => s.id);
    this.dataSubnetIds = subnets.data.map((s) => s.id);
    this.publicSubnetCidrs = cidrs.public;
    this.privateSubnetCidrs = cidrs.private;
    this.dataSubnetCidrs = cidrs.data;
    this.natGatewayIds = routing.natGateways.map((n) => n.id);
    this.privateRouteTableIds = routing.privateRouteTables.map((t) => t.id);
    this.dataRouteTableIds = routing.dataRouteTables.map((t) => t.id);
    this.endpointSecurityGroupId = endpointSg.id;
    this.flowLogGroupName = flowLogGroup.name;
    this.defaultSecurityGroupId = defaultSg.id;
    this.registerOutputs({
      vpcId: this.vpcId,
      vpcCidrBlock: this.vpcCidrBlock,
      availabilityZones: this.availabilityZones,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      dataSubnetIds: this.dataSubnetIds,
      publicSubnetCidrs: this.publicSubnetCidrs,
      privateSubnetCidrs: this.privateSubnetCidrs,
      dataSubnetCidrs: this.dataSubnetCidrs,
      natGatewayIds: this.natGatewayIds,
      privateRouteTableIds: this.privateRouteTableIds,
      dataRouteTableIds: this.dataRouteTableIds,
      endpointSecurityGroupId: this.endpointSecurityGroupId,
      flowLogGroupName: this.flowLogGroupName,
      defaultSecurityGroupId: this.defaultSecurityGroupId,
    });
  }

  /**
   * Internet gateway, NAT gateways with their Elastic IPs, and route tables: one public (default
   * route to the IGW), one private per AZ (default route to the AZ's NAT, or the single NAT, and the
   * return routes through the transit gateway), one
   * data per AZ with no routes besides `local` (the list is authoritative, so a route added by hand
   * is removed on the next update). Every subnet is associated with its table.
   */
  private createRouting(
    name: string,
    natStrategy: NatStrategy,
    vpc: aws.ec2.Vpc,
    azs: string[],
    subnets: Record<SubnetTier, aws.ec2.Subnet[]>,
    returnRoutes: NetworkArgs["returnRoutes"],
  ) {
    const opt = { parent: this };
    const igw = new aws.ec2.InternetGateway(name, { vpcId: vpc.id, tags: { Name: name } }, opt);
    const afterIgw = { parent: this, dependsOn: [igw] };

    const natAzs = natStrategy === "perAz" ? azs : azs.slice(0, 1);
    const natGateways = natAzs.map((az) => {
      const eip = new aws.ec2.Eip(
        `${name}-nat-${az}`,
        { domain: "vpc", tags: { Name: `${name}-nat-${az}` } },
        afterIgw,
      );
      return new aws.ec2.NatGateway(
        `${name}-nat-${az}`,
        {
          allocationId: eip.id,
          subnetId: subnets.public[azs.indexOf(az)].id,
          connectivityType: "public",
          tags: { Name: `${name}-nat-${az}` },
        },
        afterIgw,
      );
    });

    const publicRouteTable = new aws.ec2.RouteTable(
      `${name}-public`,
      {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
        tags: { Name: `${name}-public` },
      },
      opt,
    );
    const privateRouteTables = azs.map(
      (az, i) =>
        new aws.ec2.RouteTable(
          `${name}-private-${az}`,
          {
            vpcId: vpc.id,
            routes: [
              { cidrBlock: "0.0.0.0/0", natGatewayId: natGateways[natStrategy === "perAz" ? i : 0].id },
              // Inline routes are authoritative: declared here, or a refresh would remove them.
              ...(returnRoutes?.cidrs ?? []).map((cidrBlock) => ({
                cidrBlock,
                transitGatewayId: returnRoutes!.transitGatewayId,
              })),
            ],
            tags: { Name: `${name}-private-${az}` },
          },
          opt,
        ),
    );
    const dataRouteTables = azs.map(
      (az) =>
        new aws.ec2.RouteTable(
          `${name}-data-${az}`,
          { vpcId: vpc.id, routes: [], tags: { Name: `${name}-data-${az}` } },
          opt,
        ),
    );

    const tables: Record<SubnetTier, (i: number) => aws.ec2.RouteTable> = {
      public: () => publicRouteTable,
      private: (i) => privateRouteTables[i],
      data: (i) => dataRouteTables[i],
    };
    for (const tier of SUBNET_TIERS) {
      azs.forEach((az, i) => {
        new aws.ec2.RouteTableAssociation(
          `${name}-${tier}-${az}`,
          { subnetId: subnets[tier][i].id, routeTableId: tables[tier](i).id },
          opt,
        );
      });
    }
    return { natGateways, privateRouteTables, dataRouteTables };
  }

  /**
   * Flow logs of all traffic at 60 s aggregation into a KMS-encrypted log group, delivered by a role
   * that only the flow logs service of this account can assume and that can only write to that group.
   */
  private createFlowLogs(name: string, args: NetworkArgs, vpc: aws.ec2.Vpc): aws.cloudwatch.LogGroup {
    const opt = { parent: this };
    const account = aws.getCallerIdentityOutput({}, opt).accountId;
    const partition = aws.getPartitionOutput({}, opt).partition;

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      {
        retentionInDays: args.flowLogRetentionDays,
        kmsKeyId: args.flowLogKmsKeyArn,
        tags: { Name: `${name}-flow-logs` },
      },
      opt,
    );
    const role = new aws.iam.Role(
      `${name}-flow-logs`,
      {
        description: `Delivers the flow logs of VPC ${name} to CloudWatch Logs`,
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "vpc-flow-logs.amazonaws.com" },
              Action: "sts:AssumeRole",
              Condition: {
                StringEquals: { "aws:SourceAccount": account },
                ArnLike: {
                  "aws:SourceArn": pulumi.interpolate`arn:${partition}:ec2:${args.region}:${account}:vpc-flow-log/*`,
                },
              },
            },
          ],
        }),
      },
      opt,
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      {
        role: role.name,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "WriteFlowLogs",
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
              Resource: [logGroup.arn, pulumi.interpolate`${logGroup.arn}:*`],
            },
            {
              // As in AWS's flow-log role example: delivery checks the group exists before writing;
              // without it the flow log can report "Access error". A list call: no resource-level scope.
              Sid: "FindLogGroup",
              Effect: "Allow",
              Action: ["logs:DescribeLogGroups"],
              Resource: "*",
            },
          ],
        }),
      },
      opt,
    );
    new aws.ec2.FlowLog(
      name,
      {
        vpcId: vpc.id,
        trafficType: "ALL",
        maxAggregationInterval: 60,
        logDestinationType: "cloud-watch-logs",
        logDestination: logGroup.arn,
        iamRoleArn: role.arn,
        tags: { Name: name },
      },
      // The role must be able to write before the first delivery, or the flow log reports an access error.
      { parent: this, dependsOn: [policy] },
    );
    return logGroup;
  }

  /**
   * S3 gateway endpoint on the private and data route tables (its policy: this account's buckets and
   * the AWS-owned buckets nodes read, decision 0138), and one interface endpoint per service
   * in the private subnets with private DNS, behind a security group that admits HTTPS from the VPC
   * CIDR only (no egress rule: endpoints answer, they never open connections).
   */
  private createEndpoints(
    name: string,
    args: NetworkArgs,
    vpc: aws.ec2.Vpc,
    privateSubnets: aws.ec2.Subnet[],
    gatewayRouteTables: aws.ec2.RouteTable[],
  ): aws.ec2.SecurityGroup {
    const opt = { parent: this };
    const account = aws.getCallerIdentityOutput({}, opt).accountId;
    const partition = aws.getPartitionOutput({}, opt).partition;
    new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${args.region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: gatewayRouteTables.map((t) => t.id),
        policy: pulumi.all([account, partition]).apply(([accountId, part]) =>
          JSON.stringify(
            s3GatewayEndpointPolicy({
              partition: part,
              region: args.region,
              accountId,
              extraReadBuckets: args.s3EndpointExtraReadBuckets,
            }),
          ),
        ),
        tags: { Name: `${name}-s3` },
      },
      opt,
    );

    const sg = new aws.ec2.SecurityGroup(
      `${name}-endpoints`,
      {
        vpcId: vpc.id,
        description: "Interface VPC endpoints: HTTPS from inside the VPC only",
        tags: { Name: `${name}-endpoints` },
      },
      opt,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-endpoints-https`,
      {
        securityGroupId: sg.id,
        description: "HTTPS from the VPC",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: args.cidrBlock,
      },
      opt,
    );
    for (const service of args.interfaceEndpoints) {
      new aws.ec2.VpcEndpoint(
        `${name}-${service}`,
        {
          vpcId: vpc.id,
          serviceName: `com.amazonaws.${args.region}.${service}`,
          vpcEndpointType: "Interface",
          subnetIds: privateSubnets.map((s) => s.id),
          securityGroupIds: [sg.id],
          privateDnsEnabled: true,
          tags: { Name: `${name}-${service}` },
        },
        opt,
      );
    }
    return sg;
  }
}
