/**
 * IAM policy of the AWS Load Balancer Controller v2, scoped to one cluster and one VPC.
 *
 * Derived from upstream's `docs/install/iam_policy.json` (kubernetes-sigs/aws-load-balancer-controller,
 * tag v2.13.0: the appVersion of chart 1.13.0; a copy is the test fixture
 * `test/fixtures/alb-controller/iam_policy.v2.13.0.json`) and kept as data in
 * `alb-controller-iam-policy.json`, statement by statement in upstream's order so a diff reads
 * easily. The deviations (docs/decisions/0136-alb-controller-policy-scoped-to-the-cluster.md), each
 * checked by the test that diffs this document against the fixture:
 * - every mutating statement requires the `elbv2.k8s.aws/cluster` tag to EQUAL this cluster's name
 *   (upstream only checks that the tag exists, so one cluster's controller could change another's
 *   load balancers, or anything tagged by hand);
 * - security-group rules may be changed only on groups in this cluster's VPC (`ec2:Vpc`), and
 *   groups may be created only in that VPC, tagged for this cluster;
 * - listeners, rules and certificates may be changed only on load balancers, listeners and rules
 *   tagged for this cluster (the controller tags listeners and rules: feature gate
 *   `ListenerRulesTagging`, on by default); `SetWebAcl` stays unconditioned as upstream writes it,
 *   as it has no resource-level permissions (a tag condition would never match it);
 * - WAF Classic (`waf-regional:*`) and Shield actions are dropped: the chart runs with
 *   `enableWaf: false` and `enableShield: false`; WAFv2 stays (the edge's web ACL is attached
 *   through the controller).
 */
import template from "./alb-controller-iam-policy.json";

/** What the policy is scoped to. */
export interface AlbControllerPolicyScope {
  /** AWS partition of the ARNs (`aws`, `aws-cn`, `aws-us-gov`). */
  readonly partition: string;
  /** EKS cluster name: the value of the `elbv2.k8s.aws/cluster` tag the controller sets. */
  readonly clusterName: string;
  /** ARN of the cluster's VPC (`arn:<partition>:ec2:<region>:<account>:vpc/<id>`). */
  readonly vpcArn: string;
}

/** The template's placeholders, replaced in every string of the document. */
const PLACEHOLDERS = { ClusterName: "${ClusterName}", VpcArn: "${VpcArn}" } as const;

/** Replaces the placeholders and the `aws` partition in every string of a JSON value. */
function fill(value: unknown, scope: AlbControllerPolicyScope): unknown {
  if (typeof value === "string") {
    return value
      .replaceAll(PLACEHOLDERS.ClusterName, scope.clusterName)
      .replaceAll(PLACEHOLDERS.VpcArn, scope.vpcArn)
      .replace(/^arn:aws:/, `arn:${scope.partition}:`);
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, scope));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [fill(k, scope), fill(v, scope)]));
  }
  return value;
}

/** The policy document for one cluster, its VPC and partition. */
export function albControllerPolicy(scope: AlbControllerPolicyScope): typeof template {
  return fill(template, scope) as typeof template;
}
