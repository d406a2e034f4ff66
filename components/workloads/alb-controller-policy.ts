/**
 * IAM policy of the AWS Load Balancer Controller v2, as published upstream
 * (kubernetes-sigs/aws-load-balancer-controller, `docs/install/iam_policy.json`, v2.7 and later),
 * kept as data in `alb-controller-iam-policy.json`.
 *
 * Mutating calls on load balancers, target groups and security groups are limited to resources
 * carrying the `elbv2.k8s.aws/cluster` tag, which the controller sets on everything it creates, and
 * creation is allowed only with that tag in the request. Kept as upstream writes it (ARNs in the
 * `aws` partition) so a diff against a newer upstream file is easy to read; update it together with
 * the chart version.
 */
import upstream from "./alb-controller-iam-policy.json";

/** The policy document for a partition (`aws`, `aws-cn`, `aws-us-gov`): upstream's ARNs moved into it. */
export function albControllerPolicy(partition = "aws"): typeof upstream {
  return JSON.parse(
    JSON.stringify(upstream).replaceAll('"arn:aws:', `"arn:${partition}:`),
  ) as typeof upstream;
}
