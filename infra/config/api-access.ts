/**
 * `platform:cluster.apiAccessCidrs`: who may call the Kubernetes API on the private endpoint
 * (docs/decisions/0120). This program always manages Kubernetes objects (StorageClass, charts,
 * Vault, services), so with the public endpoint off the networks Pulumi runs from must be listed:
 * an operator VPN, CI runners, peered networks, or the subnet of a runner inside the VPC.
 */
import { apiAccessCidrProblem, apiAccessKey } from "../../components/cluster/api-access";
import type { ClusterConfig } from "./cluster";
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
