/**
 * `platform:edge`: what protects the public load balancers. A WAFv2 web ACL (required in staging and
 * production), the ALB access-log bucket's retention, load-balancer deletion protection; plus the
 * rule that an Ingress certificate lives in the stack's region (an ALB only takes certificates from
 * its own region: a certificate from elsewhere would fail only when the controller builds the ALB).
 */
import { z } from "zod";
import { RATE_LIMIT } from "../../components/edge/web-acl";
import type { ConfigProblem } from "./problems";
import { retentionDays } from "./network";
import type { ServicesConfig } from "./services";

const RATE = `must be an integer from ${RATE_LIMIT.min} to ${RATE_LIMIT.max} (requests per client IP in 5 minutes)`;
const DAYS = "must be an integer of at least 1 (days)";

export const edgeSchema = z.strictObject({
  waf: z.strictObject({
    /** Create the web ACL and attach it to every internet-facing load balancer. */
    enabled: z.boolean({ message: "must be true or false" }),
    /** Requests one client IP may send in 5 minutes before WAF blocks it. */
    rateLimit: z
      .number({ message: RATE })
      .int({ message: RATE })
      .min(RATE_LIMIT.min, { message: RATE })
      .max(RATE_LIMIT.max, { message: RATE })
      .default(2000),
    /** Days the WAF logs (log group `aws-waf-logs-<project>-<stack>`) are kept. */
    logRetentionDays: retentionDays.default(90),
  }),
  accessLogs: z.strictObject({
    /** Days ALB access logs are kept in their bucket. */
    retentionDays: z.number({ message: DAYS }).int({ message: DAYS }).min(1, { message: DAYS }),
  }),
  /** Deletion protection on every load balancer (lift it before removing an exposed service). */
  deletionProtection: z.boolean({ message: "must be true or false" }),
});

export type EdgeConfig = z.infer<typeof edgeSchema>;

/** Environments whose public load balancers must sit behind the web ACL. */
const WAF_REQUIRED = ["staging", "production"];

export function checkEdge(edge: EdgeConfig, environment: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (WAF_REQUIRED.includes(environment) && !edge.waf.enabled) {
    problems.push({
      key: "platform:edge.waf.enabled",
      received: false,
      message: `${environment} puts its public load balancers behind the web ACL: set it to true`,
    });
  }
  if (environment === "production" && !edge.deletionProtection) {
    problems.push({
      key: "platform:edge.deletionProtection",
      received: false,
      message: "production protects its load balancers from deletion: set it to true",
    });
  }
  return problems;
}

const ACM_REGION = /^arn:[a-z-]+:acm:([a-z0-9-]+):/;

/** Every exposed service's certificate must be in `region`, where its ALB is. */
export function certificateRegionProblems(services: ServicesConfig, region: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  services.services.forEach((service, index) => {
    const arn = service.expose?.certificateArn;
    const certRegion = arn === undefined ? undefined : ACM_REGION.exec(arn)?.[1];
    if (arn !== undefined && certRegion !== undefined && certRegion !== region) {
      problems.push({
        key: `platform:services.services[${index}].expose.certificateArn`,
        received: arn,
        message: `is in ${certRegion}; an ALB in ${region} only takes an ACM certificate from ${region}: request or import the certificate there`,
      });
    }
  });
  return problems;
}
