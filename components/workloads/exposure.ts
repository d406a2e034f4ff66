/**
 * How an exposed service is reached from outside the cluster: an Ingress that the AWS Load Balancer
 * Controller turns into an HTTPS-only ALB (TLS 1.3 policy, HTTP redirected, invalid headers
 * dropped) sending traffic straight to the pods (target type ip), health-checked on the readiness
 * path. The admitting network policy is one of the network policies.
 *
 * With {@link LoadBalancerProtection} from the edge: the web ACL on internet-facing load balancers,
 * access logs to the edge's bucket under the service's name, deletion protection.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { LoadBalancerProtection } from "../shared/load-balancer";
import type { ExposeDeclaration } from "./declaration";
import { canaryRelease } from "./release-rules";
import { canaryNames } from "./rollout";
import { DEREGISTRATION_DELAY_SECONDS } from "./graceful-shutdown";
import type { ServiceScope } from "./scope";

/** TLS policy of the ALB's HTTPS listener (and the controller's default): TLS 1.3 and 1.2 only. */
export const ALB_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * The `load-balancer-attributes` annotation: invalid header fields always dropped; access logs to
 * `<bucket>/<prefix>` when a bucket is given; deletion protection as asked.
 */
export function loadBalancerAttributes(
  prefix: string,
  protection: LoadBalancerProtection,
): pulumi.Output<string> {
  const bucket = protection.accessLogBucket;
  const accessLogs =
    bucket === undefined
      ? pulumi.output("access_logs.s3.enabled=false")
      : pulumi.interpolate`access_logs.s3.enabled=true,access_logs.s3.bucket=${bucket},access_logs.s3.prefix=${prefix}`;
  return pulumi.interpolate`${accessLogs},deletion_protection.enabled=${protection.deletionProtection ?? false},routing.http.drop_invalid_header_fields.enabled=true`;
}

/**
 * The Ingress for `expose`, in the conventions' IngressClass, routing every path to the Service. For
 * a canary release the backend is the stable Service with port `use-annotation`: Argo Rollouts writes
 * the `alb.ingress.kubernetes.io/actions.<stable>` annotation that splits traffic between the stable
 * and canary target groups (Argo Rollouts docs, "AWS Load Balancer Controller").
 */
export function createExposure(
  s: ServiceScope,
  expose: ExposeDeclaration,
  service: k8s.core.v1.Service,
): k8s.networking.v1.Ingress {
  return new k8s.networking.v1.Ingress(
    `${s.name}-ingress`,
    {
      metadata: {
        ...s.meta(s.service),
        annotations: {
          "alb.ingress.kubernetes.io/scheme": expose.scheme,
          "alb.ingress.kubernetes.io/target-type": "ip",
          "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP":80},{"HTTPS":443}]',
          "alb.ingress.kubernetes.io/ssl-redirect": "443",
          "alb.ingress.kubernetes.io/certificate-arn": expose.certificateArn!,
          "alb.ingress.kubernetes.io/ssl-policy": ALB_SSL_POLICY,
          "alb.ingress.kubernetes.io/backend-protocol": "HTTP",
          "alb.ingress.kubernetes.io/healthcheck-path": s.probes.readiness,
          "alb.ingress.kubernetes.io/healthcheck-port": "traffic-port",
          "alb.ingress.kubernetes.io/target-group-attributes": `deregistration_delay.timeout_seconds=${DEREGISTRATION_DELAY_SECONDS}`,
          "alb.ingress.kubernetes.io/load-balancer-attributes": loadBalancerAttributes(
            s.service,
            s.args.loadBalancer ?? {},
          ),
          ...(expose.scheme === "internet-facing" && s.args.loadBalancer?.webAclArn !== undefined
            ? { "alb.ingress.kubernetes.io/wafv2-acl-arn": s.args.loadBalancer.webAclArn }
            : {}),
        },
      },
      spec: {
        ingressClassName: s.conventions.ingressClassName,
        rules: [
          {
            host: expose.host,
            http: {
              paths: [
                {
                  path: "/",
                  pathType: "Prefix",
                  backend: canaryRelease(s.args)
                    ? {
                        service: {
                          name: canaryNames(s.service).stableService,
                          port: { name: "use-annotation" },
                        },
                      }
                    : { service: { name: service.metadata.name, port: { name: "http" } } },
                },
              ],
            },
          },
        ],
      },
    },
    s.child,
  );
}
