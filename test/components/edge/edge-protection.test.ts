import { byName, json, runProgram, type OfflineRun } from "../../support/offline";
import {
  edgeProtectionArgsProblems,
  type EdgeProtectionArgs,
} from "../../../components/edge/edge-protection";

const LOGS_KEY = "arn:aws:kms:us-west-2:123456789012:key/logs";
const ARGS: EdgeProtectionArgs = {
  namePrefix: "platform-test",
  region: "us-west-2",
  waf: { rateLimit: 2000, logRetentionDays: 90, logsKmsKeyArn: LOGS_KEY },
  accessLogRetentionDays: 90,
  deletionProtection: true,
  protect: true,
};

async function build(args: EdgeProtectionArgs, region = "us-west-2"): Promise<OfflineRun> {
  return runProgram(
    async () => {
      const { EdgeProtection } = await import("../../../components/edge/edge-protection");
      const edge = new EdgeProtection("edge", args);
      const { webAclArn, ...lb } = edge.loadBalancer;
      return webAclArn === undefined
        ? { bucket: edge.accessLogBucket, lb }
        : { webAclArn: edge.webAclArn, bucket: edge.accessLogBucket, lb: edge.loadBalancer };
    },
    { config: { "aws:region": region } },
  );
}

const visibility = (metricName: string) => ({
  cloudwatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});
const managed = (name: string, priority: number) => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: "AWS", name } },
  visibilityConfig: visibility(`platform-test-${name}`),
});

describe("EdgeProtection with a web ACL", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await build(ARGS);
  });

  test("creates exactly the web ACL, its logging and the access-log bucket, all under the component", () => {
    const children = run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    expect(children.map((r) => `${r.type} ${r.name}`).sort()).toEqual(
      [
        "aws:wafv2/webAcl:WebAcl edge-waf",
        "aws:cloudwatch/logGroup:LogGroup edge-waf-logs",
        "aws:cloudwatch/logResourcePolicy:LogResourcePolicy edge-waf-logs-delivery",
        "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration edge-waf-logging",
        "aws:s3/bucket:Bucket edge-access-logs",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls edge-access-logs-ownership",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock edge-access-logs-public-access",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration edge-access-logs-encryption",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration edge-access-logs-lifecycle",
        "aws:s3/bucketPolicy:BucketPolicy edge-access-logs-policy",
      ].sort(),
    );
    const component = byName(run, "platform:edge:EdgeProtection", "edge");
    expect(byName(run, "aws:wafv2/webAcl:WebAcl", "edge-waf").parent).toBe(component.urn);
    const bucket = byName(run, "aws:s3/bucket:Bucket", "edge-access-logs");
    expect(bucket.parent).toBe(component.urn);
    expect(bucket.protect).toBe(true);
  });

  test("web ACL: regional, allow by default, IP reputation, rate limit per IP, then core, bad inputs, SQLi", () => {
    const acl = byName(run, "aws:wafv2/webAcl:WebAcl", "edge-waf").inputs;
    expect(acl).toMatchObject({
      name: "platform-test",
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      visibilityConfig: visibility("platform-test"),
    });
    expect(acl.rules).toEqual([
      managed("AWSManagedRulesAmazonIpReputationList", 0),
      {
        name: "rate-limit-per-client-ip",
        priority: 1,
        action: { block: {} },
        statement: { rateBasedStatement: { aggregateKeyType: "IP", limit: 2000, evaluationWindowSec: 300 } },
        visibilityConfig: visibility("platform-test-rate-limit-per-client-ip"),
      },
      managed("AWSManagedRulesCommonRuleSet", 2),
      managed("AWSManagedRulesKnownBadInputsRuleSet", 3),
      managed("AWSManagedRulesSQLiRuleSet", 4),
    ]);
  });

  test("WAF logs: aws-waf-logs- log group with the logs key, authorization redacted, delivery scoped to the account", () => {
    const group = byName(run, "aws:cloudwatch/logGroup:LogGroup", "edge-waf-logs").inputs;
    expect(group).toEqual({ name: "aws-waf-logs-platform-test", retentionInDays: 90, kmsKeyId: LOGS_KEY });
    const logging = byName(
      run,
      "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
      "edge-waf-logging",
    ).inputs;
    expect(logging).toEqual({
      resourceArn: "arn:aws:wafv2:us-west-2:123456789012:webacl/platform-test",
      logDestinationConfigs: ["arn:aws:logs:us-west-2:123456789012:log-group:aws-waf-logs-platform-test"],
      redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
    });
    const delivery = byName(
      run,
      "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
      "edge-waf-logs-delivery",
    );
    expect(json(delivery.inputs.policyDocument)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "WafLogDelivery",
          Effect: "Allow",
          Principal: { Service: "delivery.logs.amazonaws.com" },
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: "arn:aws:logs:us-west-2:123456789012:log-group:aws-waf-logs-platform-test:*",
          Condition: {
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnLike: { "aws:SourceArn": "arn:aws:logs:us-west-2:123456789012:*" },
          },
        },
      ],
    });
  });

  test("access-log bucket: SSE-S3 with the recorded exception tag, private, expiring, ELB account of us-west-2", () => {
    expect(byName(run, "aws:s3/bucket:Bucket", "edge-access-logs").inputs).toEqual({
      forceDestroy: false,
      tags: { EncryptionException: "alb-access-logs-support-sse-s3-only" },
    });
    const sse = byName(
      run,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "edge-access-logs-encryption",
    ).inputs;
    expect(sse.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    expect(
      byName(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "edge-access-logs-public-access")
        .inputs,
    ).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(
      byName(run, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "edge-access-logs-ownership")
        .inputs.rule,
    ).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    const lifecycle = byName(
      run,
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "edge-access-logs-lifecycle",
    ).inputs;
    expect(lifecycle.rules).toEqual([
      {
        id: "expire-access-logs",
        status: "Enabled",
        filter: {},
        expiration: { days: 90 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      },
    ]);
    const policy = json<{ Statement: unknown[] }>(
      byName(run, "aws:s3/bucketPolicy:BucketPolicy", "edge-access-logs-policy").inputs.policy,
    );
    expect(policy.Statement).toEqual([
      {
        Sid: "ElbLogDelivery",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::797873946194:root" },
        Action: "s3:PutObject",
        Resource: "arn:aws:s3:::edge-access-logs/*/AWSLogs/123456789012/*",
      },
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["arn:aws:s3:::edge-access-logs", "arn:aws:s3:::edge-access-logs/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  test("outputs: the ACL ARN and what services attach to their load balancers", () => {
    expect(run.outputs).toEqual({
      webAclArn: "arn:aws:wafv2:us-west-2:123456789012:webacl/platform-test",
      bucket: "edge-access-logs",
      lb: {
        webAclArn: "arn:aws:wafv2:us-west-2:123456789012:webacl/platform-test",
        accessLogBucket: "edge-access-logs",
        deletionProtection: true,
      },
    });
  });
});

describe("EdgeProtection without a web ACL, in a Region opened after August 2022", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await build(
      { ...ARGS, region: "ap-southeast-5", waf: undefined, deletionProtection: undefined },
      "ap-southeast-5",
    );
  });

  test("no WAF resources; log delivery by the ELB service principal; deletion protection on by default", () => {
    expect(run.resources.filter((r) => r.type.startsWith("aws:wafv2/"))).toEqual([]);
    expect(run.resources.filter((r) => r.type.startsWith("aws:cloudwatch/"))).toEqual([]);
    const policy = json<{ Statement: { Principal: unknown }[] }>(
      byName(run, "aws:s3/bucketPolicy:BucketPolicy", "edge-access-logs-policy").inputs.policy,
    );
    expect(policy.Statement[0].Principal).toEqual({
      Service: "logdelivery.elasticloadbalancing.amazonaws.com",
    });
    expect(run.outputs).toEqual({
      bucket: "edge-access-logs",
      lb: { accessLogBucket: "edge-access-logs", deletionProtection: true },
    });
  });
});

describe("edgeProtectionArgsProblems", () => {
  test("valid args have no problem", () => {
    expect(edgeProtectionArgsProblems(ARGS)).toEqual([]);
  });

  test("reports every problem at once with the value received", () => {
    expect(
      edgeProtectionArgsProblems({
        ...ARGS,
        namePrefix: "bad name",
        waf: { rateLimit: 9, logRetentionDays: 10, logsKmsKeyArn: LOGS_KEY },
        accessLogRetentionDays: 0,
      }),
    ).toEqual([
      "namePrefix 'bad name' must be 1 to 115 letters, digits, '-' or '_' (a WAF name; 'aws-waf-logs-' + it names the log group)",
      "waf.rateLimit 9 must be an integer from 10 to 2000000000 (requests per client IP in 5 minutes, the range WAF accepts)",
      "waf.logRetentionDays 10 must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
      "accessLogRetentionDays 0 must be an integer of at least 1",
    ]);
  });

  test("the component throws before registering anything", async () => {
    await expect(build({ ...ARGS, accessLogRetentionDays: 0 })).rejects.toThrow(
      "Invalid EdgeProtection arguments:\n- accessLogRetentionDays 0 must be an integer of at least 1",
    );
  });
});
