/**
 * Pricing rules for the network: NAT gateways (hours plus processed data from the usage
 * assumption), public IPv4 addresses, interface endpoints per AZ, and load balancers, including
 * the ALBs and NLBs the AWS Load Balancer Controller creates for Ingresses and Services.
 */
import type { PlanResource } from "../policy/plan-input";
import { LineBuilder, type PricingContext, type PricingRule, list, record } from "./model";

const NAT = "aws:ec2/natGateway:NatGateway";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";

export const natGateway: PricingRule = {
  types: [NAT],
  price(ctx, r) {
    const b = new LineBuilder(ctx, r);
    if (b.prices) {
      const count = ctx.resources.filter((n) => n.type === NAT).length;
      const share = ctx.usage.natProcessedGbPerMonth / count;
      b.add("NAT gateways", "NAT gateway hours", ctx.prices.hoursPerMonth, "h", b.prices.vpc.natGatewayHour);
      b.add(
        "NAT gateways",
        `processed data (${ctx.usage.natProcessedGbPerMonth} GB a month shared by ${count})`,
        share,
        "GB",
        b.prices.vpc.natGatewayGb,
      );
    }
    return b.result();
  },
};

export const elasticIp: PricingRule = {
  types: ["aws:ec2/eip:Eip"],
  price(ctx, r) {
    const b = new LineBuilder(ctx, r);
    if (b.prices) {
      b.add("Public IPv4", "Elastic IP address", ctx.prices.hoursPerMonth, "h", b.prices.ec2.publicIpv4Hour);
    }
    return b.result();
  },
};

export const vpcEndpoint: PricingRule = {
  types: [ENDPOINT],
  price(ctx, r) {
    const b = new LineBuilder(ctx, r);
    if (!b.prices || r.props.vpcEndpointType !== "Interface") {
      return b.result(); // Gateway endpoints (S3, DynamoDB) are free.
    }
    const azs = Math.max(1, list(r.props.subnetIds).length);
    const service = String(r.props.serviceName ?? r.name)
      .split(".")
      .slice(3)
      .join(".");
    b.add(
      "VPC endpoints",
      `interface endpoint ${service} in ${azs} AZs`,
      azs * ctx.prices.hoursPerMonth,
      "AZ-h",
      b.prices.vpc.interfaceEndpointAzHour,
    );
    const interfaces = ctx.resources.filter(
      (e) => e.type === ENDPOINT && e.props.vpcEndpointType === "Interface",
    );
    const share = ctx.usage.endpointProcessedGbPerMonth / interfaces.length;
    b.add(
      "VPC endpoints",
      `processed data (${ctx.usage.endpointProcessedGbPerMonth} GB a month shared by ${interfaces.length})`,
      share,
      "GB",
      b.prices.vpc.interfaceEndpointGb,
    );
    return b.result();
  },
};

/** AZs an internet-facing load balancer spreads over: those of the subnets tagged for public ELBs. */
function publicAzCount(ctx: PricingContext): number {
  const subnets = ctx.resources.filter((s) => s.type === "aws:ec2/subnet:Subnet");
  const tagged = subnets.filter((s) => record(s.props.tags)["kubernetes.io/role/elb"] === "1");
  return Math.max(
    2,
    new Set((tagged.length > 0 ? tagged : subnets).map((s) => String(s.props.availabilityZone))).size,
  );
}

function loadBalancerLines(
  ctx: PricingContext,
  b: LineBuilder,
  kind: "application" | "network",
  what: string,
  internetFacing: boolean,
  azs: number,
): void {
  if (!b.prices) {
    return;
  }
  const [hour, lcu, label] =
    kind === "application"
      ? [b.prices.elb.albHour, b.prices.elb.albLcuHour, "ALB"]
      : [b.prices.elb.nlbHour, b.prices.elb.nlbLcuHour, "NLB"];
  const hours = ctx.prices.hoursPerMonth;
  b.add("Load balancers", `${label} hours (${what})`, hours, "h", hour);
  b.add(
    "Load balancers",
    `${label} capacity units (${ctx.usage.loadBalancerCapacityUnits} per hour)`,
    ctx.usage.loadBalancerCapacityUnits * hours,
    "LCU-h",
    lcu,
  );
  if (internetFacing) {
    b.add(
      "Public IPv4",
      `${label} public addresses in ${azs} AZs`,
      azs * hours,
      "h",
      b.prices.ec2.publicIpv4Hour,
    );
  }
}

/** The ALB group an Ingress joins: `group.name`, else its own (one ALB per Ingress). */
function albGroup(ingress: PlanResource): string {
  const meta = record(ingress.props.metadata);
  const group = record(meta.annotations)["alb.ingress.kubernetes.io/group.name"];
  return typeof group === "string"
    ? group
    : `${String(meta.namespace ?? "default")}/${String(meta.name ?? ingress.name)}`;
}

function isAlbIngress(r: PlanResource): boolean {
  const meta = record(r.props.metadata);
  return (
    record(r.props.spec).ingressClassName === "alb" ||
    record(meta.annotations)["kubernetes.io/ingress.class"] === "alb"
  );
}

export const loadBalancers: PricingRule = {
  types: [
    "aws:lb/loadBalancer:LoadBalancer",
    "kubernetes:networking.k8s.io/v1:Ingress",
    "kubernetes:core/v1:Service",
  ],
  price(ctx, r) {
    const b = new LineBuilder(ctx, r);
    if (r.type === "aws:lb/loadBalancer:LoadBalancer") {
      const kind = r.props.loadBalancerType === "network" ? "network" : "application";
      if (r.props.loadBalancerType === "gateway") {
        b.missing("gateway load balancers are not priced");
      } else {
        loadBalancerLines(
          ctx,
          b,
          kind,
          "declared",
          r.props.internal !== true,
          Math.max(1, list(r.props.subnets).length + list(r.props.subnetMappings).length),
        );
      }
    } else if (r.type === "kubernetes:networking.k8s.io/v1:Ingress" && isAlbIngress(r)) {
      // One ALB per group: priced on the group's first Ingress.
      const first = ctx.resources.find(
        (i) => i.type === r.type && isAlbIngress(i) && albGroup(i) === albGroup(r),
      );
      if (first === r) {
        const scheme = record(record(r.props.metadata).annotations)["alb.ingress.kubernetes.io/scheme"];
        loadBalancerLines(
          ctx,
          b,
          "application",
          `created by the AWS Load Balancer Controller for Ingress ${albGroup(r)}`,
          scheme === "internet-facing",
          publicAzCount(ctx),
        );
      }
    } else if (r.type === "kubernetes:core/v1:Service" && record(r.props.spec).type === "LoadBalancer") {
      const annotations = record(record(r.props.metadata).annotations);
      const scheme = annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"];
      loadBalancerLines(
        ctx,
        b,
        "network",
        `for Service ${String(record(r.props.metadata).name ?? r.name)}`,
        scheme === "internet-facing",
        publicAzCount(ctx),
      );
    }
    return b.result();
  },
};

export const networkRules = [natGateway, elasticIp, vpcEndpoint, loadBalancers];
