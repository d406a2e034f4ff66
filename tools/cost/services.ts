/**
 * Pricing rules for the account services around the platform: KMS keys, CloudWatch Logs
 * (ingestion per log group kind from the usage assumption, storage over the retention period),
 * Secrets Manager secrets, S3 buckets, WAF web ACLs and AWS Backup vaults.
 */
import type { UsageAssumptions } from "../../infra/config/cost";
import type { PlanResource } from "../policy/plan-input";
import { LineBuilder, type PricingContext, type PricingRule, list, num } from "./model";

export const kmsKey: PricingRule = {
  types: ["aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey"],
  price(ctx, r) {
    const b = new LineBuilder(ctx, r);
    if (b.prices) {
      b.add("KMS", "customer-managed key", 1, "key-month", b.prices.kms.keyMonth);
    }
    return b.result();
  },
};

type LogKind = keyof UsageAssumptions["logsGbPerMonth"];

/** What a log group holds, from its name or the flow log writing to it. */
export function logKind(ctx: PricingContext, group: PlanResource): LogKind {
  const name = String(group.props.name ?? group.name);
  const flowLogTarget = ctx.resources.some(
    (f) => f.type === "aws:ec2/flowLog:FlowLog" && f.dependencies.includes(group.urn),
  );
  if (flowLogTarget || /flow-?logs?/i.test(name)) {
    return "flowLogs";
  }
  if (/^\/aws\/eks\/.+\/cluster$/.test(name)) {
    return "controlPlane";
  }
  if (/^\/aws\/rds\/.+\/(postgresql|error|general|slowquery|audit)$/.test(name)) {
    return "database";
  }
  return /^\/aws\/elasticache\//.test(name) ? "cache" : "other";
}

const LOG_KIND_LABEL: Readonly<Record<LogKind, string>> = {
  controlPlane: "EKS control-plane logs",
  flowLogs: "VPC flow logs",
  database: "database logs",
  cache: "cache logs",
  other: "other logs",
};

export const logGroup: PricingRule = {
  types: ["aws:cloudwatch/logGroup:LogGroup"],
  price(ctx, r) {
    const b = new LineBuilder(ctx, r);
    if (!b.prices) {
      return b.result();
    }
    const kind = logKind(ctx, r);
    const gb = ctx.usage.logsGbPerMonth[kind];
    const days = num(r.props.retentionInDays);
    // Steady state: a retention period's worth of logs; a group that never expires is shown after a year.
    const months = days > 0 ? days / 30 : 12;
    b.add(
      "CloudWatch Logs",
      `ingestion of ${LOG_KIND_LABEL[kind]} (${gb} GB a month)`,
      gb,
      "GB",
      b.prices.cloudwatchLogs.ingestedGb,
    );
    b.add(
      "CloudWatch Logs",
      `storage, ${days > 0 ? `${days} days kept` : "never expires (one year shown)"}`,
      gb * months,
      "GB-month",
      b.prices.cloudwatchLogs.storedGbMonth,
    );
    return b.result();
  },
};

export const secret: PricingRule = {
  types: ["aws:secretsmanager/secret:Secret"],
  price(ctx, r) {
    const b = new LineBuilder(ctx, r);
    if (b.prices) {
      b.add("Secrets Manager", "secret", 1, "secret-month", b.prices.secretsManager.secretMonth);
    }
    return b.result();
  },
};

/** A Route 53 health check of an AWS endpoint (a load balancer), basic checks at the standard interval. */
export const healthCheck: PricingRule = {
  types: ["aws:route53/healthCheck:HealthCheck"],
  price(ctx, r) {
    const b = new LineBuilder(ctx, r);
    if (b.prices) {
      b.add(
        "Route 53",
        "health check of an AWS endpoint",
        1,
        "check-month",
        b.prices.route53.healthCheckMonth,
      );
    }
    return b.result();
  },
};

export const bucket: PricingRule = {
  types: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  price(ctx, r) {
    const b = new LineBuilder(ctx, r);
    if (b.prices) {
      const gb = ctx.usage.objectStorageGbPerBucket;
      b.add("S3", `${gb} GB standard storage`, gb, "GB-month", b.prices.s3.standardGbMonth);
    }
    return b.result();
  },
};

export const webAcl: PricingRule = {
  types: ["aws:wafv2/webAcl:WebAcl"],
  price(ctx, r) {
    const b = new LineBuilder(ctx, r);
    if (b.prices) {
      const rules = list(r.props.rules).length;
      const requests = ctx.usage.wafMillionRequestsPerMonth;
      b.add("WAF", "web ACL", 1, "ACL-month", b.prices.waf.webAclMonth);
      b.add("WAF", `${rules} rules`, rules, "rule-month", b.prices.waf.ruleMonth);
      b.add(
        "WAF",
        `${requests} million requests`,
        requests,
        "million requests",
        b.prices.waf.millionRequests,
      );
    }
    return b.result();
  },
};

export const backupVault: PricingRule = {
  types: ["aws:backup/vault:Vault"],
  price(ctx, r) {
    const b = new LineBuilder(ctx, r);
    if (b.prices) {
      const gb = ctx.usage.backupVaultGb;
      b.add("AWS Backup", `${gb} GB warm backup storage`, gb, "GB-month", b.prices.backup.warmGbMonth);
    }
    return b.result();
  },
};

/** A standard-resolution CloudWatch metric alarm (the free tier's 10 alarms are not counted). */
export const metricAlarm: PricingRule = {
  types: ["aws:cloudwatch/metricAlarm:MetricAlarm"],
  price(ctx, r) {
    const b = new LineBuilder(ctx, r);
    if (b.prices) {
      b.add(
        "CloudWatch alarms",
        "metric alarm",
        1,
        "alarm-month",
        b.prices.cloudwatchAlarms.standardAlarmMonth,
      );
    }
    return b.result();
  },
};

export const serviceRules = [kmsKey, logGroup, secret, healthCheck, bucket, webAcl, backupVault, metricAlarm];
