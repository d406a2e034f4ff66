/**
 * `platform:observability`: the metrics stack (kube-prometheus-stack), alert routing (Alertmanager
 * to two SNS topics, extra receivers), CloudWatch alarms of the data tier and NAT gateways, container
 * log shipping (Fluent Bit) and the trace gateway (OpenTelemetry Collector). See
 * docs/configuration.md and docs/runbooks/alerts.md.
 */
import { z } from "zod";
import type { ConfigProblem } from "./problems";
import { CLOUDWATCH_RETENTION_DAYS } from "../../components/shared/logs";
import { QUANTITY } from "./vault";

const int = (min: number, max: number, what: string) =>
  z
    .number()
    .int({ message: "must be an integer" })
    .min(min, { message: `must be from ${min} to ${max} ${what}` })
    .max(max, { message: `must be from ${min} to ${max} ${what}` });

const quantity = z.string().regex(QUANTITY, { message: "must be a Kubernetes quantity like 10Gi or 500m" });
const resources = z.strictObject({
  requests: z.strictObject({ cpu: quantity, memory: quantity }),
  limits: z.strictObject({ cpu: quantity, memory: quantity }),
});
const chartVersion = z
  .string()
  .regex(/^\d+\.\d+\.\d+$/, { message: "must be an exact chart version like 88.5.3" });
/** Prometheus durations as the operator takes them: `15s`, `1m`, `15d`. */
const duration = z
  .string()
  .regex(/^[0-9]+(s|m|h|d|w|y)$/, { message: "must be a Prometheus duration like 15s, 5m or 15d" });
const severity = z.enum(["critical", "warning"], { message: "must be critical or warning" });

/** A percentage alarm threshold. */
const percent = z.number().min(0, { message: "must be from 0 to 100" }).max(100, {
  message: "must be from 0 to 100",
});
const positive = z.number().positive({ message: "must be greater than 0" });
/** A count alarmed when exceeded: 0 means "any at all" (the NAT port allocation default). */
const count = z
  .number()
  .int({ message: "must be a whole number" })
  .nonnegative({ message: "must be 0 or more (0 alarms on any occurrence)" });

/**
 * Overrides of the CloudWatch alarm thresholds; each left out takes the assessments' value
 * (`DEFAULT_ALARM_THRESHOLDS` in components/observability/alarm-thresholds.ts).
 */
const alarmThresholds = z
  .strictObject({
    rdsCpuPercent: percent,
    rdsFreeStorageBytes: positive,
    rdsFreeableMemoryBytes: positive,
    /** Absolute: RDS's default max_connections is LEAST(DBInstanceClassMemory/9531392, 5000) (decision 0107). */
    rdsConnections: positive,
    rdsReplicaLagSeconds: positive,
    redisEngineCpuPercent: percent,
    redisMemoryPercent: z.strictObject({
      warning: percent,
      high: percent,
      critical: percent,
      emergency: percent,
    }),
    redisEvictions: count,
    redisReplicationLagSeconds: positive,
    natPortAllocationErrors: count,
    natPacketsDropped: count,
  })
  .partial();

export const observabilitySchema = z.strictObject({
  /** Exact versions of the official charts. */
  charts: z.strictObject({
    /** `kube-prometheus-stack` from https://prometheus-community.github.io/helm-charts. */
    kubePrometheusStack: chartVersion,
    /** `fluent-bit` from https://fluent.github.io/helm-charts. */
    fluentBit: chartVersion,
    /** `opentelemetry-collector` from https://open-telemetry.github.io/opentelemetry-helm-charts. */
    openTelemetryCollector: chartVersion,
  }),
  /**
   * Namespace of the node agents (node-exporter, Fluent Bit) that need host access: Pod Security
   * `privileged` by recorded exception (decision 0101). The policy pack's
   * `namespace-pod-security-restricted.exemptNamespaces` must list it (policy/config/<stack>.json).
   */
  nodeAgentsNamespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
    message: "must be a namespace name: lowercase letters, digits and '-'",
  }),
  /** Base URL of docs/runbooks/ in the repository (ending in '/'): the alerts' runbook_url starts with it. */
  runbookBaseUrl: z.string().regex(/^https:\/\/\S+\/$/, { message: "must be an https:// URL ending in '/'" }),
  /** How often Prometheus scrapes every target (the assessments: 15s). */
  scrapeInterval: duration,
  prometheus: z.strictObject({
    replicas: int(1, 3, "replicas"),
    /** How long samples are kept, e.g. `15d`. */
    retention: duration,
    /** Size of each replica's encrypted volume (the StorageClass of the cluster). */
    storageSize: quantity,
    resources,
  }),
  alertmanager: z.strictObject({
    replicas: int(1, 5, "replicas"),
    storageSize: quantity,
    resources,
  }),
  grafana: z.strictObject({ resources }),
  /** Fluent Bit, one pod per node. */
  logShipper: z.strictObject({ resources }),
  /** OpenTelemetry Collector gateway. */
  collector: z.strictObject({ replicas: int(1, 10, "replicas"), resources }),
  /** Retention of the container log groups the program creates. */
  logRetentionDays: z.number().refine((d) => (CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(d), {
    message: `must be one of CloudWatch Logs' retention periods: ${CLOUDWATCH_RETENTION_DAYS.join(", ")}`,
  }),
  /** Subscriptions to the critical and warning SNS topics (e-mail, HTTPS endpoints, SMS). */
  subscriptions: z
    .array(
      z.strictObject({
        topic: severity,
        protocol: z.enum(["email", "https", "sms"], { message: "must be email, https or sms" }),
        endpoint: z.string().min(1, { message: "must not be empty" }),
      }),
    )
    .default([]),
  /**
   * Extra Alertmanager receivers (a paging or chat webhook) beside the SNS topics. A URL that embeds a
   * token must be a `secure:` value in the stack file; the Alertmanager configuration is a Secret.
   */
  webhooks: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
          message: "must be lowercase letters, digits and '-'",
        }),
        severity,
        url: z.string().regex(/^https:\/\/\S+$/, { message: "must be an https:// URL" }),
      }),
    )
    .default([]),
  /**
   * Heartbeat (dead man's switch) service Alertmanager pings with the always-firing Watchdog about
   * every minute (e.g. a healthchecks.io or Dead Man's Snitch URL): it pages when the pings stop. A
   * URL holding a token must be a `secure:` value. Optional: the heartbeat topic's CloudWatch alarm
   * fires anyway when Alertmanager stops publishing.
   */
  heartbeatUrl: z
    .string()
    .regex(/^https:\/\/\S+$/, { message: "must be an https:// URL" })
    .optional(),
  alarmThresholds: alarmThresholds.default({}),
});

export type ObservabilityConfig = z.infer<typeof observabilitySchema>;

/** Production runs Prometheus and Alertmanager highly available and pages somebody. */
export function checkObservability(o: ObservabilityConfig, environment: string): ConfigProblem[] {
  const key = "platform:observability";
  const problems: ConfigProblem[] = [];
  if (environment === "production") {
    if (o.alertmanager.replicas < 2) {
      problems.push({
        key: `${key}.alertmanager.replicas`,
        received: o.alertmanager.replicas,
        message: "production runs at least 2 Alertmanager replicas (they gossip, so one loss drops no alert)",
      });
    }
    if (o.prometheus.replicas < 2) {
      problems.push({
        key: `${key}.prometheus.replicas`,
        received: o.prometheus.replicas,
        message: "production runs at least 2 Prometheus replicas (both scrape and evaluate every rule)",
      });
    }
    if (
      !o.subscriptions.some((s) => s.topic === "critical") &&
      !o.webhooks.some((w) => w.severity === "critical")
    ) {
      problems.push({
        key: `${key}.subscriptions`,
        received: o.subscriptions,
        message:
          "production needs a subscription (or webhook) for critical alerts: an alarm must page someone",
      });
    }
  }
  const names = o.webhooks.map((w) => w.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined || names.some((n) => n === "critical" || n === "warning" || n === "null")) {
    problems.push({
      key: `${key}.webhooks`,
      received: names,
      message: "names must be unique and not critical, warning or null (the SNS and default receivers)",
    });
  }
  return problems;
}
