/**
 * `platform:cluster.apiAccessCidrs`: who may call the Kubernetes API on the private endpoint
 * (docs/decisions/0120). This program always manages Kubernetes objects (StorageClass, charts,
 * Vault, services), so with the public endpoint off the networks Pulumi runs from must be listed:
 * an operator VPN, CI runners, peered networks, or the subnet of a runner inside the VPC.
 */
import { apiAccessCidrProblem, apiAccessKey } from "../../components/cluster/api-access";
import { cidrContains, mustParseCidr } from "../../components/network/cidr";
import type { ClusterConfig } from "./cluster";
import type { NetworkConfig } from "./network";
import type { ConfigProblem } from "./problems";

const KEY = "platform:cluster.apiAccessCidrs";

export function apiAccessProblems(
  cluster: Pick<ClusterConfig, "endpointPublicAccess" | "apiAccessCidrs">,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  cluster.apiAccessCidrs.forEach((cidr, i) => {
    const problem = apiAccessCidrProblem(cidr);
    if (problem !== undefined) {
      problems.push({ key: `${KEY}[${i}]`, received: cidr, message: problem });
    }
  });
  const keys = cluster.apiAccessCidrs.map(apiAccessKey);
  if (new Set(keys).size !== keys.length) {
    problems.push({ key: KEY, received: cluster.apiAccessCidrs, message: "lists a CIDR twice" });
  }
  if (!cluster.endpointPublicAccess && cluster.apiAccessCidrs.length === 0) {
    problems.push({
      key: KEY,
      received: cluster.apiAccessCidrs,
      message:
        "must list the private networks `pulumi up` runs from (operator VPN, CI runners, peered networks, or a runner's subnet inside the VPC): the endpoint is private and the stack manages Kubernetes objects, so the Kubernetes provider and every Helm release would time out",
    });
  }
  return problems;
}

/**
 * The `apiAccessCidrs` entries outside the VPC: the private route tables must route their replies
 * somewhere other than the NAT gateway (which drops them), so they go through the transit gateway.
 */
export function apiAccessCidrsOutside(
  cluster: Pick<ClusterConfig, "apiAccessCidrs">,
  network: Pick<NetworkConfig, "cidr">,
): string[] {
  const vpc = mustParseCidr(network.cidr);
  return cluster.apiAccessCidrs.filter(
    (cidr) => apiAccessCidrProblem(cidr) === undefined && !cidrContains(vpc, mustParseCidr(cidr)),
  );
}

/** A network outside the VPC is reachable only with a route back to it (decision 0126). */
export function apiAccessRouteProblems(
  cluster: Pick<ClusterConfig, "apiAccessCidrs">,
  network: Pick<NetworkConfig, "cidr" | "transitGatewayId">,
): ConfigProblem[] {
  if (network.transitGatewayId !== undefined) {
    return [];
  }
  return cluster.apiAccessCidrs.flatMap((cidr, i) =>
    apiAccessCidrsOutside({ apiAccessCidrs: [cidr] }, network).map((outside) => ({
      key: `${KEY}[${i}]`,
      received: outside,
      message: `is outside the VPC ${network.cidr}, and the private subnets route everything else to the NAT gateway, which drops the API's replies: set platform:network.transitGatewayId (the gateway that reaches it), or list a network inside the VPC (a runner's subnet)`,
    })),
  );
}
