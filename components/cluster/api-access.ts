/**
 * Who reaches the private API endpoint: one 443 ingress rule on the control plane's security group
 * per CIDR of `apiAccessCidrs` (operator VPN, CI runners, peered networks, or the subnet of a runner
 * inside the VPC). With the public endpoint off, Pulumi itself (the Kubernetes provider, every Helm
 * release) calls the API from one of these networks; the nodes are admitted by their own rule.
 * Only private ranges are accepted: the endpoint is private, and a public range here would either be
 * unreachable or a sign the public endpoint was meant (docs/decisions/0120).
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { cidrContains, mustParseCidr, parseCidr } from "../network/cidr";

/** RFC 1918 private ranges and RFC 6598 shared address space (carrier-grade NAT, some VPNs). */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"] as const;

const PRIVATE_BLOCKS = PRIVATE_RANGES.map(mustParseCidr);

/** Why `cidr` cannot be an API access CIDR (not a CIDR, or not inside a private range), or undefined. */
export function apiAccessCidrProblem(cidr: string): string | undefined {
  const parsed = parseCidr(cidr);
  if (typeof parsed === "string") {
    return parsed;
  }
  return PRIVATE_BLOCKS.some((range) => cidrContains(range, parsed))
    ? undefined
    : `must lie inside a private range (${PRIVATE_RANGES.join(", ")}): the endpoint is private, so a public range (let alone 0.0.0.0/0) can never reach it; use endpointPublicAccess with publicAccessCidrs for that`;
}

/** Stable child-name key of a CIDR: `10.20.0.0/16` -> `10-20-0-0-16`. */
export function apiAccessKey(cidr: string): string {
  return cidr.replace(/[./]/g, "-");
}

/** `${name}-api-from-<cidr key>`: HTTPS from each CIDR to the control plane's security group. */
export function createApiAccessRules(
  name: string,
  controlPlaneSecurityGroupId: pulumi.Input<string>,
  cidrs: readonly string[],
  parent: pulumi.Resource,
): aws.vpc.SecurityGroupIngressRule[] {
  return cidrs.map(
    (cidr) =>
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-api-from-${apiAccessKey(cidr)}`,
        {
          securityGroupId: controlPlaneSecurityGroupId,
          cidrIpv4: cidr,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          description: `Kubernetes API from ${cidr} (operators, CI, peered networks)`,
        },
        { parent },
      ),
  );
}
