/**
 * The regional WAFv2 web ACL in front of the platform's internet-facing load balancers: AWS managed
 * rule groups (IP reputation, core rule set, known bad inputs, SQL injection) and a rate limit per
 * client IP, every rule with CloudWatch metrics and sampled requests, and full logging to a
 * CloudWatch log group encrypted with the logs key, the `authorization` header redacted.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** AWS managed rule groups, in evaluation order (vendor `AWS`). */
export const MANAGED_RULE_GROUPS = [
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
  "AWSManagedRulesSQLiRuleSet",
] as const;

/** WAF accepts rate limits from 10 to 2,000,000,000 requests per evaluation window. */
export const RATE_LIMIT = { min: 10, max: 2_000_000_000 } as const;

/** Header values never written to the WAF logs: credentials and session cookies (lowercase, as WAF requires). */
export const REDACTED_HEADERS = ["authorization", "cookie"] as const;

export interface WebAclInputs {
  /** Requests one client IP may send in 5 minutes before it is blocked. */
  readonly rateLimit: number;
  /** ARN of the KMS key of CloudWatch Logs (its policy lets logs.<region> use it). */
  readonly logsKmsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  /** Region of the log group (names the log-delivery source ARN). */
  readonly region: string;
  /** The web ACL's AWS name; also names its metrics and log group (`aws-waf-logs-<awsName>`). */
  readonly awsName: string;
}

const visibility = (metricName: string) => ({
  cloudwatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/** The rules: IP reputation first (cheapest), then the rate limit, then the content rule groups. */
export function webAclRules(name: string, rateLimit: number): aws.types.input.wafv2.WebAclRule[] {
  const managed = MANAGED_RULE_GROUPS.map((group) => ({
    name: group,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group } },
    visibilityConfig: visibility(`${name}-${group}`),
  }));
  const rate = {
    name: "rate-limit-per-client-ip",
    action: { block: {} },
    statement: { rateBasedStatement: { aggregateKeyType: "IP", limit: rateLimit, evaluationWindowSec: 300 } },
    visibilityConfig: visibility(`${name}-rate-limit-per-client-ip`),
  };
  return [managed[0], rate, ...managed.slice(1)].map((rule, priority) => ({ ...rule, priority }));
}

/** Creates the web ACL, its log group, the log group's delivery policy and the logging configuration. */
export function createWebAcl(name: string, args: WebAclInputs, parent: pulumi.Resource): aws.wafv2.WebAcl {
  const identity = aws.getCallerIdentityOutput({}, { parent });
  const partition = aws.getPartitionOutput({}, { parent });
  const { awsName } = args;
  const acl = new aws.wafv2.WebAcl(
    `${name}-waf`,
    {
      name: awsName,
      description: `Managed rule groups and a per-client-IP rate limit in front of the public load balancers of ${awsName}`,
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      rules: webAclRules(awsName, args.rateLimit),
      visibilityConfig: visibility(awsName),
    },
    { parent },
  );
  // WAF only logs to destinations whose name starts with `aws-waf-logs-`.
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-waf-logs`,
    { name: `aws-waf-logs-${awsName}`, retentionInDays: args.logRetentionDays, kmsKeyId: args.logsKmsKeyArn },
    { parent },
  );
  // What WAF would otherwise add to the account's (10 per Region) resource policies on first use.
  const delivery = new aws.cloudwatch.LogResourcePolicy(
    `${name}-waf-logs-delivery`,
    {
      policyName: `aws-waf-logs-${awsName}`,
      policyDocument: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "WafLogDelivery",
            Effect: "Allow",
            Principal: { Service: "delivery.logs.amazonaws.com" },
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: pulumi.interpolate`${logGroup.arn}:*`,
            Condition: {
              StringEquals: { "aws:SourceAccount": identity.accountId },
              ArnLike: {
                "aws:SourceArn": pulumi.interpolate`arn:${partition.partition}:logs:${args.region}:${identity.accountId}:*`,
              },
            },
          },
        ],
      }),
    },
    { parent },
  );
  new aws.wafv2.WebAclLoggingConfiguration(
    `${name}-waf-logging`,
    {
      resourceArn: acl.arn,
      logDestinationConfigs: [logGroup.arn],
      redactedFields: REDACTED_HEADERS.map((header) => ({ singleHeader: { name: header } })),
    },
    { parent, dependsOn: [delivery] },
  );
  return acl;
}
