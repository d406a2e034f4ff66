/**
 * Monitoring and observability policies: a metrics stack whose Alertmanager routes alerts, every
 * platform service scraped, the database and cache alarmed with actions, alarm topics encrypted with
 * a customer-managed key, container logs shipped, a trace gateway. Advisory by default, mandatory in
 * production (policy/config/production.json).
 */
import * as aws from "@pulumi/aws";
import { type PolicyResource, validateResourceOfType } from "@pulumi/policy";
import { namespaceOf, type Obj } from "./lib/k8s";
import { asArray, asRecord, asStrings, subjects, violation } from "./lib/props";
import type { PlatformResourcePolicy, PlatformStackPolicy } from "./lib/types";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const SECRET = "kubernetes:core/v1:Secret";
const SERVICE = "kubernetes:core/v1:Service";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const ADDON = "aws:eks/addon:Addon";

const releasesOf = (resources: readonly PolicyResource[], chart: string) =>
  resources.filter((r) => r.type === RELEASE && r.props.chart === chart);

function alertmanagerSpec(release: PolicyResource): Record<string, unknown> {
  return asRecord(asRecord(asRecord(release.props.values).alertmanager).alertmanagerSpec);
}

export const metricsStackWithAlertRouting: PlatformStackPolicy = {
  name: "metrics-stack-with-alert-routing",
  description:
    "A kube-prometheus-stack release runs Alertmanager with its configuration from a Secret that holds alertmanager.yaml.",
  severity: "high",
  enforcementLevel: "advisory",
  category: "Monitoring and Observability",
  group: "Reliability",
  references: [
    "EKS Best Practices Guide: Observability (metrics and alerting)",
    "CIS EKS Benchmark 2.1 (logging and monitoring)",
  ],
  validateStack: (args, report) => {
    const releases = releasesOf(args.resources, "kube-prometheus-stack");
    if (releases.length === 0) {
      report(
        violation(
          "The stack has no metrics stack (no kube-prometheus-stack Helm release)",
          "add a helm.v3.Release of chart 'kube-prometheus-stack' (see components/observability/metrics-stack.ts).",
        ),
      );
      return;
    }
    for (const release of releases) {
      const spec = alertmanagerSpec(release);
      const am = asRecord(asRecord(release.props.values).alertmanager);
      const configSecret = spec.configSecret;
      const secret = args.resources.find(
        (r) =>
          r.type === SECRET &&
          asRecord(r.props.metadata).name === configSecret &&
          namespaceOf(r.props as Obj) === String(release.props.namespace ?? "default"),
      );
      // A plan masks a secret property whole ("[secret]"): then only the Secret's existence is known.
      const masked =
        secret !== undefined &&
        [secret.props.data, secret.props.stringData].some((d) => typeof d === "string");
      const data = secret ? { ...asRecord(secret.props.data), ...asRecord(secret.props.stringData) } : {};
      const routed =
        am.enabled !== false &&
        spec.useExistingSecret === true &&
        typeof configSecret === "string" &&
        secret !== undefined &&
        (masked || "alertmanager.yaml" in data);
      if (!routed) {
        report(
          violation(
            `Metrics stack '${release.name}' does not route alerts from an Alertmanager configuration Secret`,
            `set 'alertmanager.alertmanagerSpec.useExistingSecret: true' and 'configSecret' on release '${release.name}' to a Secret in its namespace with key 'alertmanager.yaml'.`,
          ),
          release.urn,
        );
      }
    }
  },
};

/** A ServiceMonitor's selection: its namespace list and its label selector. */
function selects(monitor: PolicyResource, service: PolicyResource): boolean {
  const spec = asRecord(monitor.props.spec);
  const svcNs = namespaceOf(service.props as Obj);
  const names = asStrings(asRecord(spec.namespaceSelector).matchNames);
  const inNs = names.length > 0 ? names.includes(svcNs) : namespaceOf(monitor.props as Obj) === svcNs;
  const wanted = asRecord(asRecord(spec.selector).matchLabels);
  const labels = asRecord(asRecord(service.props.metadata).labels);
  return inNs && Object.keys(wanted).length > 0 && Object.entries(wanted).every(([k, v]) => labels[k] === v);
}

export const platformServicesScraped: PlatformStackPolicy = {
  name: "platform-services-scraped",
  description: "Every platform Service with a metrics port is selected by a ServiceMonitor.",
  severity: "medium",
  enforcementLevel: "advisory",
  category: "Monitoring and Observability",
  group: "Reliability",
  references: ["EKS Best Practices Guide: Observability (application metrics)"],
  validateStack: (args, report) => {
    const monitors = args.resources.filter(
      (r) => r.type === "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
    );
    const services = subjects(
      args,
      (r) =>
        r.type === SERVICE &&
        asRecord(asRecord(r.props.metadata).labels)["app.kubernetes.io/part-of"] === "platform" &&
        asArray(asRecord(r.props.spec).ports).some((p) => asRecord(p).name === "metrics"),
      "platform Service with a metrics port",
    );
    for (const service of services) {
      if (!monitors.some((m) => selects(m, service))) {
        report(
          violation(
            `Service '${service.name}' exposes a metrics port that no ServiceMonitor selects`,
            `add a ServiceMonitor in namespace '${namespaceOf(service.props as Obj)}' whose 'spec.selector.matchLabels' match the labels of Service '${service.name}'.`,
          ),
          service.urn,
        );
      }
    }
  },
};

/** Alarms with actions on both ALARM and OK whose dimension `key` satisfies `matches`. */
function alarmedWithActions(
  resources: readonly PolicyResource[],
  key: string,
  matches: (v: string) => boolean,
) {
  return resources.filter((r) => {
    const value = asRecord(r.props.dimensions)[key];
    return (
      r.type === ALARM &&
      typeof value === "string" &&
      matches(value) &&
      r.props.actionsEnabled !== false &&
      asArray(r.props.alarmActions).length > 0 &&
      asArray(r.props.okActions).length > 0
    );
  });
}

export const statefulServicesAlarmed: PlatformStackPolicy = {
  name: "stateful-services-alarmed",
  description:
    "Every RDS instance and ElastiCache replication group has CloudWatch alarms with actions on ALARM and OK.",
  severity: "high",
  enforcementLevel: "advisory",
  category: "Monitoring and Observability",
  group: "Reliability",
  references: ["AWS Well-Architected REL06-BP01", "AWS FSBP CloudWatch (alarm actions)"],
  validateStack: (args, report) => {
    const dbs = args.resources.filter((r) => r.type === "aws:rds/instance:Instance");
    const groups = args.resources.filter(
      (r) => r.type === "aws:elasticache/replicationGroup:ReplicationGroup",
    );
    if (dbs.length + groups.length === 0) {
      args.notApplicable("No RDS instance or ElastiCache replication group in the stack");
    }
    for (const db of dbs) {
      const id = String(db.props.identifier ?? "");
      if (alarmedWithActions(args.resources, "DBInstanceIdentifier", (v) => v === id).length === 0) {
        report(
          violation(
            `Database '${db.name}' has no CloudWatch alarm with actions on ALARM and OK`,
            `add an aws.cloudwatch.MetricAlarm with dimension DBInstanceIdentifier = '${id}' and both 'alarmActions' and 'okActions'.`,
          ),
          db.urn,
        );
      }
    }
    for (const group of groups) {
      const id = String(group.props.replicationGroupId ?? "");
      const alarmed = alarmedWithActions(args.resources, "CacheClusterId", (v) =>
        v.startsWith(`${id}-`),
      ).concat(alarmedWithActions(args.resources, "ReplicationGroupId", (v) => v === id));
      if (alarmed.length === 0) {
        report(
          violation(
            `Replication group '${group.name}' has no CloudWatch alarm with actions on ALARM and OK`,
            `add aws.cloudwatch.MetricAlarm resources with dimension CacheClusterId = '${id}-001' (each node) and both 'alarmActions' and 'okActions'.`,
          ),
          group.urn,
        );
      }
    }
  },
};

export const snsTopicEncryptedCmk: PlatformResourcePolicy = {
  name: "sns-topic-encrypted-cmk",
  description: "SNS topics are encrypted with a customer-managed KMS key.",
  severity: "medium",
  enforcementLevel: "advisory",
  category: "Monitoring and Observability",
  group: "Security",
  references: ["AWS FSBP SNS.1", "Checkov CKV_AWS_26"],
  validateResource: validateResourceOfType(aws.sns.Topic, (topic, args, report) => {
    const key = topic.kmsMasterKeyId;
    if (!key || key === "alias/aws/sns") {
      report(
        violation(
          `Topic '${args.name}' is not encrypted with a customer-managed key`,
          `set 'kmsMasterKeyId' on topic '${args.name}' to a customer-managed KMS key whose policy lets the publishers (CloudWatch, EventBridge) use it.`,
        ),
      );
    }
  }),
};

export const containerLogsShipped: PlatformStackPolicy = {
  name: "container-logs-shipped",
  description:
    "Container logs leave the nodes: a Fluent Bit release with a cloudwatch_logs output (groups created by the program) or the amazon-cloudwatch-observability add-on.",
  severity: "high",
  enforcementLevel: "advisory",
  category: "Monitoring and Observability",
  group: "Reliability",
  references: ["CIS EKS Benchmark 2.1.1", "EKS Best Practices Guide: Observability (logging)"],
  validateStack: (args, report) => {
    const addon = args.resources.some(
      (r) => r.type === ADDON && r.props.addonName === "amazon-cloudwatch-observability",
    );
    const shipper = releasesOf(args.resources, "fluent-bit").some((r) => {
      const outputs = asRecord(asRecord(r.props.values).config).outputs;
      return (
        typeof outputs === "string" &&
        /Name\s+cloudwatch_logs/.test(outputs) &&
        !/auto_create_group\s+true/.test(outputs)
      );
    });
    if (!addon && !shipper) {
      report(
        violation(
          "Container logs are not shipped off the nodes",
          "add a helm.v3.Release of chart 'fluent-bit' whose 'values.config.outputs' has a cloudwatch_logs output to log groups the program creates (see components/observability/logging.ts).",
        ),
      );
    }
  },
};

export const traceGatewayPresent: PlatformStackPolicy = {
  name: "trace-gateway-present",
  description: "An OpenTelemetry Collector receives the services' traces.",
  severity: "low",
  enforcementLevel: "advisory",
  category: "Monitoring and Observability",
  group: "Reliability",
  references: ["EKS Best Practices Guide: Observability (tracing)"],
  validateStack: (args, report) => {
    if (releasesOf(args.resources, "opentelemetry-collector").length === 0) {
      report(
        violation(
          "The stack has no trace gateway",
          "add a helm.v3.Release of chart 'opentelemetry-collector' (see components/observability/tracing.ts) and give services OTEL_EXPORTER_OTLP_ENDPOINT.",
        ),
      );
    }
  },
};

/** Documentation-reserved domains (RFC 2606) and the stack files' `example-org` placeholder. */
const PLACEHOLDER_HOST = /(^|\.)example\.(com|org|net)$/i;
const PLACEHOLDER_PATH = /\/example-org(\/|$)/i;

/** True for an e-mail address or URL that only a placeholder can be. */
export function isPlaceholderAddress(value: string): boolean {
  const email = /^[^@\s]+@([^@\s]+)$/.exec(value);
  if (email) {
    return PLACEHOLDER_HOST.test(email[1]);
  }
  try {
    const url = new URL(value);
    return PLACEHOLDER_HOST.test(url.hostname) || PLACEHOLDER_PATH.test(url.pathname);
  } catch {
    return false;
  }
}

/** Every `runbook_url` of a PrometheusRule's alerting rules. */
function runbookUrls(rule: PolicyResource): string[] {
  return asArray(asRecord(rule.props.spec).groups).flatMap((g) =>
    asArray(asRecord(g).rules)
      .map((r) => asRecord(asRecord(r).annotations).runbook_url)
      .filter((u): u is string => typeof u === "string"),
  );
}

export const alertingAddressesNotPlaceholders: PlatformStackPolicy = {
  name: "alerting-addresses-not-placeholders",
  description:
    "Alarm subscriptions and alert runbook links point at real addresses, not example.com/.org/.net or example-org placeholders.",
  severity: "medium",
  // Advisory everywhere: the program cannot know the real addresses (decision 0109).
  enforcementLevel: "advisory",
  category: "Monitoring and Observability",
  group: "Reliability",
  references: ["RFC 2606 (reserved example domains)", "EKS Best Practices Guide: Observability (alerting)"],
  validateStack: (args, report) => {
    for (const sub of args.resources.filter(
      (r) => r.type === "aws:sns/topicSubscription:TopicSubscription",
    )) {
      const endpoint = sub.props.endpoint;
      if (typeof endpoint === "string" && isPlaceholderAddress(endpoint)) {
        report(
          violation(
            `Subscription '${sub.name}' sends alarms to the placeholder '${endpoint}'`,
            "set 'platform:observability.subscriptions' in the stack file to the on-call rotation's real address.",
          ),
          sub.urn,
        );
      }
    }
    for (const rule of args.resources.filter(
      (r) => r.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
    )) {
      const placeholder = runbookUrls(rule).find(isPlaceholderAddress);
      if (placeholder !== undefined) {
        report(
          violation(
            `PrometheusRule '${rule.name}' links its alerts to a placeholder runbook ('${placeholder}')`,
            "set 'platform:observability.runbookBaseUrl' to where this repository's docs/runbooks/ folder is browsable.",
          ),
          rule.urn,
        );
      }
    }
  },
};

export const observabilityPolicies = [
  metricsStackWithAlertRouting,
  platformServicesScraped,
  statefulServicesAlarmed,
  snsTopicEncryptedCmk,
  containerLogsShipped,
  traceGatewayPresent,
  alertingAddressesNotPlaceholders,
];
