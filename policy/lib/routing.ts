/**
 * Follows subnets to their routes within a stack policy's resources, by URN dependencies
 * (see docs/decisions/0031-network-placement-by-urn-dependencies.md):
 * subnet <- RouteTableAssociation -> RouteTable, with routes inline on the table or as ec2 Route
 * resources depending on it. IDs are unknown in a real preview of new resources; dependencies are not.
 */
import type { PolicyResource } from "@pulumi/policy";
import { asArray, asRecord, dependenciesOfType, dependents, OPEN_CIDRS } from "./props";

export const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  igw: "aws:ec2/internetGateway:InternetGateway",
  nat: "aws:ec2/natGateway:NatGateway",
  egressOnlyIgw: "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway",
} as const;

/** How a subnet reaches the internet: through an internet gateway (public), a NAT (egress only), or not at all. */
export type Exposure = "public" | "egress" | "isolated";

interface RouteLike {
  readonly destination: unknown;
  readonly viaGateway: boolean;
  readonly viaNat: boolean;
  readonly viaEgressOnly: boolean;
}

function routeOf(props: Record<string, unknown>, destKeys: [string, string]): RouteLike {
  // `in` checks presence without reading the value, so an unknown gateway ID still counts.
  return {
    destination: props[destKeys[0]] ?? props[destKeys[1]],
    viaGateway: "gatewayId" in props,
    viaNat: "natGatewayId" in props,
    viaEgressOnly: "egressOnlyGatewayId" in props,
  };
}

function routesOfTable(table: PolicyResource, resources: readonly PolicyResource[]): RouteLike[] {
  const inline = asArray(table.props.routes).map((r) => routeOf(asRecord(r), ["cidrBlock", "ipv6CidrBlock"]));
  const separate = dependents(resources, table, T.route).map((r) =>
    routeOf(r.props, ["destinationCidrBlock", "destinationIpv6CidrBlock"]),
  );
  return [...inline, ...separate];
}

/** The worst exposure of the route tables associated with a subnet. */
export function subnetExposure(subnet: PolicyResource, resources: readonly PolicyResource[]): Exposure {
  let exposure: Exposure = "isolated";
  for (const assoc of dependents(resources, subnet, T.association)) {
    for (const table of dependenciesOfType(assoc, T.routeTable)) {
      for (const route of routesOfTable(table, resources)) {
        if (typeof route.destination !== "string" || !OPEN_CIDRS.includes(route.destination)) {
          continue;
        }
        if (route.viaGateway) {
          return "public";
        }
        if (route.viaNat || route.viaEgressOnly) {
          exposure = "egress";
        }
      }
    }
  }
  return exposure;
}

/** The NAT gateways a subnet's route tables send traffic to (inline routes or ec2 Route resources). */
export function natGatewaysOf(
  subnet: PolicyResource,
  resources: readonly PolicyResource[],
): PolicyResource[] {
  const nats = new Map<string, PolicyResource>();
  for (const assoc of dependents(resources, subnet, T.association)) {
    for (const table of dependenciesOfType(assoc, T.routeTable)) {
      const holders = [table, ...dependents(resources, table, T.route)];
      for (const nat of holders.flatMap((h) => dependenciesOfType(h, T.nat))) {
        nats.set(nat.urn, nat);
      }
    }
  }
  return [...nats.values()];
}

/** Distinct availability zones (name or ID) of the given subnets. */
export function zonesOf(subnets: readonly PolicyResource[]): string[] {
  const zones = subnets.map((s) => s.props.availabilityZone ?? s.props.availabilityZoneId);
  return [...new Set(zones.filter((z): z is string => typeof z === "string"))].sort();
}
