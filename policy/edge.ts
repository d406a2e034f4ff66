/**
 * Edge policies: what the internet reaches. An internet-facing load balancer (an ALB Ingress or an
 * `aws.lb.LoadBalancer`) sits behind a WAFv2 web ACL and writes access logs. Advisory by default,
 * mandatory in staging and production through the stack's policy config.
 */
import * as k8s from "@pulumi/kubernetes";
import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import type { ResourceValidationArgs } from "@pulumi/policy";
import { asRecord, violation } from "./lib/props";
import type { PlatformResourcePolicy } from "./lib/types";

const ALB = "alb.ingress.kubernetes.io";

/** An Ingress's AWS Load Balancer Controller annotations, or undefined when it is not an ALB Ingress. */
function albAnnotations(props: Record<string, unknown>): Record<string, unknown> | undefined {
  const annotations = asRecord(asRecord(props.metadata).annotations);
  const className = asRecord(props.spec).ingressClassName ?? annotations["kubernetes.io/ingress.class"];
  const hasAlbAnnotation = Object.keys(annotations).some((k) => k.startsWith(`${ALB}/`));
  return className === "alb" || hasAlbAnnotation ? annotations : undefined;
}

/** `key=value` pairs of a comma-separated attribute annotation. */
function attributes(value: unknown): Record<string, string> {
  if (typeof value !== "string") {
    return {};
  }
  return Object.fromEntries(
    value
      .split(",")
      .map((pair) => pair.split("=").map((s) => s.trim()))
      .filter((kv) => kv.length === 2 && kv[0] !== ""),
  );
}

const what = (args: ResourceValidationArgs) => `${args.type.split(":").pop()} '${args.name}'`;

export const publicIngressHasWaf: PlatformResourcePolicy = {
  name: "public-ingress-has-waf",
  description: "Every internet-facing load balancer has a WAFv2 web ACL attached.",
  severity: "high",
  enforcementLevel: "advisory",
  category: "Network Security",
  group: "Security",
  references: ["AWS FSBP ELB.16", "Checkov CKV2_AWS_28"],
  validateResource: [
    validateResourceOfType(k8s.networking.v1.Ingress, (ingress, args, report) => {
      const annotations = albAnnotations(ingress as Record<string, unknown>);
      if (annotations === undefined || annotations[`${ALB}/scheme`] !== "internet-facing") {
        args.notApplicable(`${what(args)} is not an internet-facing ALB Ingress`);
        return;
      }
      const acl = annotations[`${ALB}/wafv2-acl-arn`];
      if (typeof acl !== "string" || !acl.startsWith("arn:")) {
        report(
          violation(
            `Internet-facing ${what(args)} has no WAFv2 web ACL`,
            `set the annotation '${ALB}/wafv2-acl-arn' on ${what(args)} to the web ACL's ARN (platform:edge.waf.enabled).`,
          ),
        );
      }
    }),
  ],
};

export const albAccessLogsEnabled: PlatformResourcePolicy = {
  name: "alb-access-logs-enabled",
  description: "Every Application Load Balancer writes access logs to S3.",
  severity: "medium",
  enforcementLevel: "advisory",
  category: "Monitoring and Observability",
  group: "Security",
  references: ["AWS FSBP ELB.5", "Checkov CKV_AWS_91"],
  validateResource: [
    validateResourceOfType(k8s.networking.v1.Ingress, (ingress, args, report) => {
      const annotations = albAnnotations(ingress as Record<string, unknown>);
      if (annotations === undefined) {
        args.notApplicable(`${what(args)} is not an ALB Ingress`);
        return;
      }
      const attrs = attributes(annotations[`${ALB}/load-balancer-attributes`]);
      if (attrs["access_logs.s3.enabled"] !== "true" || !attrs["access_logs.s3.bucket"]) {
        report(
          violation(
            `${what(args)} creates a load balancer without access logs`,
            `add 'access_logs.s3.enabled=true,access_logs.s3.bucket=<bucket>' to the annotation '${ALB}/load-balancer-attributes' of ${what(args)}.`,
          ),
        );
      }
    }),
    validateResourceOfType(aws.lb.LoadBalancer, (lb, args, report) => {
      if ((lb.loadBalancerType ?? "application") !== "application") {
        args.notApplicable(`${what(args)} is not an Application Load Balancer`);
        return;
      }
      const logs = asRecord(lb.accessLogs);
      if (logs.enabled !== true || !logs.bucket) {
        report(
          violation(
            `${what(args)} writes no access logs`,
            `set 'accessLogs: { enabled: true, bucket: <bucket> }' on ${what(args)}.`,
          ),
        );
      }
    }),
  ],
};

export const edgePolicies = [publicIngressHasWaf, albAccessLogsEnabled];
