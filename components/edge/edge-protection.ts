/**
 * What stands between the internet and the platform's services: a regional WAFv2 web ACL (optional,
 * see {@link EdgeProtectionArgs.waf}) and the S3 bucket of the load balancers' access logs. The
 * services attach both to their internet-facing Ingresses ({@link EdgeProtection.loadBalancer}).
 */
import * as pulumi from "@pulumi/pulumi";
import { CLOUDWATCH_RETENTION_DAYS } from "../shared/logs";
import type { StatefulArgs } from "../shared/stateful";
import type { LoadBalancerProtection } from "../shared/load-balancer";
import { createAccessLogBucket } from "./access-log-bucket";
import { RATE_LIMIT, createWebAcl } from "./web-acl";

/** The web ACL's settings. */
export interface WebAclArgs {
  /** Requests one client IP may send in 5 minutes before it is blocked, 10 to 2,000,000,000. */
  readonly rateLimit: number;
  /** KMS key of the WAF log group (the platform's logs key). */
  readonly logsKmsKeyArn: pulumi.Input<string>;
  /** Days the WAF logs are kept; one of the values CloudWatch Logs accepts. */
  readonly logRetentionDays: number;
}

export interface EdgeProtectionArgs extends StatefulArgs {
  /**
   * AWS name of the web ACL (`aws-waf-logs-<namePrefix>` names its log group). Letters, digits, `-`
   * and `_`, at most 115 characters. Required.
   */
  readonly namePrefix: string;
  /** Region of the stack: the access-log bucket's delivery principal depends on it. Required. */
  readonly region: string;
  /** @default no web ACL: internet-facing load balancers get no WAF (the pack flags it) */
  readonly waf?: WebAclArgs;
  /** Days ALB access logs are kept in the bucket, at least 1. Required. */
  readonly accessLogRetentionDays: number;
  /** Turn on deletion protection on every load balancer. @default true */
  readonly deletionProtection?: boolean;
}

const NAME_PREFIX = /^[A-Za-z0-9_-]{1,115}$/;

/** Every problem with the args, as sentences; empty when valid. */
export function edgeProtectionArgsProblems(args: EdgeProtectionArgs): string[] {
  const problems: string[] = [];
  if (!NAME_PREFIX.test(args.namePrefix)) {
    problems.push(
      `namePrefix '${args.namePrefix}' must be 1 to 115 letters, digits, '-' or '_' (a WAF name; 'aws-waf-logs-' + it names the log group)`,
    );
  }
  const waf = args.waf;
  if (waf !== undefined) {
    if (
      !Number.isInteger(waf.rateLimit) ||
      waf.rateLimit < RATE_LIMIT.min ||
      waf.rateLimit > RATE_LIMIT.max
    ) {
      problems.push(
        `waf.rateLimit ${waf.rateLimit} must be an integer from ${RATE_LIMIT.min} to ${RATE_LIMIT.max} (requests per client IP in 5 minutes, the range WAF accepts)`,
      );
    }
    if (!(CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(waf.logRetentionDays)) {
      problems.push(
        `waf.logRetentionDays ${waf.logRetentionDays} must be one of ${CLOUDWATCH_RETENTION_DAYS.join(", ")}`,
      );
    }
  }
  if (!Number.isInteger(args.accessLogRetentionDays) || args.accessLogRetentionDays < 1) {
    problems.push(`accessLogRetentionDays ${args.accessLogRetentionDays} must be an integer of at least 1`);
  }
  return problems;
}

/**
 * The platform's edge: web ACL (with its log group) and the access-log bucket, created once per stack
 * and shared by every exposed service.
 */
export class EdgeProtection extends pulumi.ComponentResource {
  /** ARN of the web ACL; undefined without `waf`. */
  public readonly webAclArn?: pulumi.Output<string>;
  /** Name of the access-log bucket. */
  public readonly accessLogBucket: pulumi.Output<string>;
  /** What a service passes to its Ingress (`PlatformServiceArgs.loadBalancer`). */
  public readonly loadBalancer: LoadBalancerProtection;

  constructor(name: string, args: EdgeProtectionArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = edgeProtectionArgsProblems(args);
    if (problems.length > 0) {
      throw new Error(`Invalid EdgeProtection arguments:\n- ${problems.join("\n- ")}`);
    }
    super("platform:edge:EdgeProtection", name, {}, opts);

    const acl =
      args.waf && createWebAcl(name, { ...args.waf, region: args.region, awsName: args.namePrefix }, this);
    const bucket = createAccessLogBucket(
      name,
      { region: args.region, retentionDays: args.accessLogRetentionDays, protect: args.protect },
      this,
    );
    this.webAclArn = acl?.arn;
    this.accessLogBucket = bucket.bucket;
    this.loadBalancer = {
      webAclArn: this.webAclArn,
      accessLogBucket: this.accessLogBucket,
      deletionProtection: args.deletionProtection ?? true,
    };
    this.registerOutputs({ webAclArn: this.webAclArn, accessLogBucket: this.accessLogBucket });
  }
}
