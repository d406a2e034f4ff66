/**
 * How the platform protects the load balancers the AWS Load Balancer Controller creates for
 * exposed services: built by the edge (components/edge), applied by each service's Ingress.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Edge protection of one service's load balancer. */
export interface LoadBalancerProtection {
  /**
   * WAFv2 web ACL attached to internet-facing load balancers.
   * @default none: the load balancer has no WAF
   */
  readonly webAclArn?: pulumi.Input<string>;
  /**
   * S3 bucket of the access logs (its policy must let Elastic Load Balancing write). Logs go under
   * `<service name>/AWSLogs/<account>/`.
   * @default none: access logs off
   */
  readonly accessLogBucket?: pulumi.Input<string>;
  /** Refuse to delete the load balancer while protection is on. @default false */
  readonly deletionProtection?: boolean;
}
