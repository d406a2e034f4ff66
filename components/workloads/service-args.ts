/**
 * The arguments of a {@link PlatformService} and their validation: a pure function that collects
 * every problem, so the constructor throws once before registering anything.
 */
import type * as pulumi from "@pulumi/pulumi";
import { parseCidr } from "../network/cidr";
import type { LoadBalancerProtection } from "../shared/load-balancer";
import { conventionProblems, resolveConventions, type WorkloadConventions } from "./conventions";
import { crossFieldProblems } from "./cross-field-rules";
import type { ServiceDeclaration } from "./declaration";
import { fieldProblems, serviceNameProblem } from "./field-rules";

/** A data-tier endpoint handed to dependents as plain (non-secret) environment. */
export interface DataEndpoint {
  /** Host name of the endpoint (RDS address, ElastiCache primary endpoint). */
  readonly host: pulumi.Input<string>;
  /** TCP port; also the port the egress policy opens. */
  readonly port: pulumi.Input<number>;
}

/**
 * A {@link ServiceDeclaration} (what the service is) plus what the platform tells it (where the data
 * tier, the load balancers and the API server are; its callers and callees) and the platform's
 * conventions ({@link WorkloadConventions}, each with a default).
 */
export interface PlatformServiceArgs extends Omit<ServiceDeclaration, "awsPolicyJson">, WorkloadConventions {
  /**
   * Inline IAM policy for the service's own role, bound to its ServiceAccount by EKS Pod Identity.
   * @default no AWS role
   */
  readonly awsPolicyJson?: pulumi.Input<string>;
  /** EKS cluster name; required with `awsPolicyJson`. @default none (no AWS role possible) */
  readonly clusterName?: pulumi.Input<string>;
  /** CIDRs of the data subnets (RDS, ElastiCache): the only egress destinations for 5432/6379. */
  readonly dataCidrs: readonly string[];
  /**
   * CIDRs of the public subnets. An internet-facing ALB (target type ip) reaches pods from its ENIs
   * there, so the http port admits these CIDRs (docs/decisions/0041).
   */
  readonly publicCidrs: readonly string[];
  /**
   * CIDRs of the subnets internal ALBs are placed in. Required for a service exposed with scheme
   * `internal`. Avoid the pod subnets: an ipBlock over them admits every pod of the cluster.
   * @default none
   */
  readonly internalCidrs?: readonly string[];
  /**
   * HTTP ports of the other services, by name; must hold every service named in `dependsOn`.
   * @default none (then the service may depend only on postgres and redis)
   */
  readonly servicePorts?: Readonly<Record<string, number>>;
  /**
   * Services that call this one (their `dependsOn` names it); each may reach the http port.
   * Compute once for all services with `callersByService`.
   * @default none
   */
  readonly callers?: readonly string[];
  /** PostgreSQL endpoint, exposed as POSTGRES_HOST/POSTGRES_PORT when `dependsOn` has postgres. @default no env, port 5432 */
  readonly postgres?: DataEndpoint;
  /** Redis endpoint, exposed as REDIS_HOST/REDIS_PORT when `dependsOn` has redis. @default no env, port 6379 */
  readonly redis?: DataEndpoint;
  /** Node labels the pods must land on, e.g. `{ workload: "application" }`. @default any untainted node */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * CIDRs of the Kubernetes API server's network interfaces (the EKS cluster's subnets); required
   * with `kubernetesApi`: the egress policy opens TCP 443 to them only.
   * @default none
   */
  readonly apiServerCidrs?: readonly string[];
  /**
   * Edge protection of the load balancer when exposed: web ACL (internet-facing only), access logs,
   * deletion protection. Build it once with `EdgeProtection` and pass its `loadBalancer`.
   * @default no WAF, no access logs, no deletion protection
   */
  readonly loadBalancer?: LoadBalancerProtection;
}

/** Every problem with the args, as sentences; empty when valid. Pure, so tests call it directly. */
export function validatePlatformServiceArgs(args: PlatformServiceArgs): string[] {
  const declaration = { ...args, awsPolicyJson: undefined };
  const { reservedNamespaces, vault } = resolveConventions(args);
  const rules = { reservedNamespaces, kvMount: vault.kvMount };
  const problems = [...fieldProblems(declaration, rules), ...crossFieldProblems(declaration, rules)].map(
    (p) => `${p.path}: ${p.message} (received ${JSON.stringify(p.received) ?? "nothing"})`,
  );
  const cidrs = (label: string, list: readonly string[] | undefined) =>
    (list ?? []).forEach((cidr) => {
      const parsed = parseCidr(cidr);
      if (typeof parsed === "string") {
        problems.push(`${label}: '${cidr}' ${parsed}`);
      }
    });
  cidrs("dataCidrs", args.dataCidrs);
  cidrs("publicCidrs", args.publicCidrs);
  cidrs("internalCidrs", args.internalCidrs);
  const dependsOn = args.dependsOn ?? [];
  if ((dependsOn.includes("postgres") || dependsOn.includes("redis")) && args.dataCidrs.length === 0) {
    problems.push(
      "dataCidrs: is empty but the service depends on the data tier; pass the data subnets' CIDRs",
    );
  }
  if (args.expose?.scheme === "internet-facing" && args.publicCidrs.length === 0) {
    problems.push(
      "publicCidrs: is empty but the service is exposed internet-facing; pass the public subnets' CIDRs",
    );
  }
  if (args.expose?.scheme === "internal" && (args.internalCidrs ?? []).length === 0) {
    problems.push(
      "internalCidrs: is required for an internal exposure; pass the CIDRs of the subnets internal ALBs use",
    );
  }
  for (const dep of dependsOn) {
    if (dep !== "postgres" && dep !== "redis" && args.servicePorts?.[dep] === undefined) {
      problems.push(
        `dependsOn: '${dep}' has no entry in servicePorts; pass the http port of every service it calls`,
      );
    }
  }
  for (const caller of args.callers ?? []) {
    const problem = serviceNameProblem(caller, reservedNamespaces);
    if (problem !== undefined) {
      problems.push(`callers: '${caller}' ${problem}`);
    }
  }
  cidrs("apiServerCidrs", args.apiServerCidrs);
  if (args.kubernetesApi && (args.apiServerCidrs ?? []).length === 0) {
    problems.push(
      "apiServerCidrs: is required with kubernetesApi; pass the CIDRs of the subnets the EKS control plane's interfaces sit in",
    );
  }
  if (args.awsPolicyJson !== undefined && args.clusterName === undefined) {
    problems.push(
      "clusterName: is required with awsPolicyJson (the Pod Identity association names the cluster)",
    );
  }
  problems.push(...conventionProblems(args));
  return problems;
}
