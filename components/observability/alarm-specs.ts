/**
 * What the CloudWatch alarms watch, as plain specifications: RDS (each instance; replica lag on each
 * replica), ElastiCache (each member node of the replication group), NAT gateways. Pure, so tests
 * check every alarm without creating one.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AlarmThresholds } from "./alarm-thresholds";

/** The topic an alarm pages. */
export type AlarmTopic = "critical" | "warning";

/** One alarm, before it is a resource. */
export interface AlarmSpec {
  /** Stable key: the child is `${name}-${key}` and the alarm `${alarmPrefix}-${key}`. */
  readonly key: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, pulumi.Input<string>>>;
  readonly statistic: "Average" | "Minimum" | "Maximum" | "Sum";
  readonly comparisonOperator: "GreaterThanThreshold" | "LessThanThreshold";
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly topic: AlarmTopic;
  readonly description: string;
  /** `notBreaching` where a metric is only reported by some nodes (replication lag). */
  readonly treatMissingData: "missing" | "notBreaching" | "breaching";
}

/** What is alarmed. */
export interface AlarmTargets {
  /** RDS instance identifiers: the primary first, then each read replica. */
  readonly postgres?: { readonly primary: string; readonly replicas: readonly string[] };
  /** ElastiCache member cluster IDs (`<replicationGroupId>-001`...). */
  readonly redisNodes?: readonly string[];
  /** NAT gateway IDs by a stable key (their availability zone). */
  readonly natGateways?: Readonly<Record<string, pulumi.Input<string>>>;
}

const FIVE_MINUTES = 300;
const GIB = 1024 * 1024 * 1024;

function spec(
  s: Omit<AlarmSpec, "periodSeconds" | "evaluationPeriods" | "treatMissingData"> & Partial<AlarmSpec>,
): AlarmSpec {
  return { periodSeconds: FIVE_MINUTES, evaluationPeriods: 3, treatMissingData: "missing", ...s };
}

/** CPU, storage, memory, connections of each instance; replica lag of each replica. */
function rdsAlarms(postgres: NonNullable<AlarmTargets["postgres"]>, t: AlarmThresholds): AlarmSpec[] {
  const instances = [postgres.primary, ...postgres.replicas];
  const specs = instances.flatMap((id) => {
    const base = { namespace: "AWS/RDS", dimensions: { DBInstanceIdentifier: id } };
    return [
      spec({
        ...base,
        key: `rds-${id}-cpu`,
        metricName: "CPUUtilization",
        statistic: "Average",
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.rdsCpuPercent,
        topic: "warning",
        description: `RDS ${id}: CPU above ${t.rdsCpuPercent} % for 15 minutes`,
      }),
      spec({
        ...base,
        key: `rds-${id}-free-storage`,
        metricName: "FreeStorageSpace",
        statistic: "Minimum",
        comparisonOperator: "LessThanThreshold",
        threshold: t.rdsFreeStorageBytes,
        topic: "critical",
        evaluationPeriods: 1,
        description: `RDS ${id}: less than ${t.rdsFreeStorageBytes / GIB} GiB of storage free`,
      }),
      spec({
        ...base,
        key: `rds-${id}-freeable-memory`,
        metricName: "FreeableMemory",
        statistic: "Average",
        comparisonOperator: "LessThanThreshold",
        threshold: t.rdsFreeableMemoryBytes,
        topic: "warning",
        description: `RDS ${id}: less than ${t.rdsFreeableMemoryBytes / GIB} GiB of freeable memory`,
      }),
      spec({
        ...base,
        key: `rds-${id}-connections`,
        metricName: "DatabaseConnections",
        statistic: "Maximum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.rdsConnections,
        topic: "warning",
        description: `RDS ${id}: more than ${t.rdsConnections} connections`,
      }),
    ];
  });
  const lag = postgres.replicas.map((id) =>
    spec({
      key: `rds-${id}-replica-lag`,
      namespace: "AWS/RDS",
      dimensions: { DBInstanceIdentifier: id },
      metricName: "ReplicaLag",
      statistic: "Maximum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.rdsReplicaLagSeconds,
      topic: "warning",
      description: `RDS ${id}: replica more than ${t.rdsReplicaLagSeconds} s behind the primary`,
    }),
  );
  return [...specs, ...lag];
}

/** Engine CPU, memory in four steps, evictions and replication lag of each node. */
function redisAlarms(nodes: readonly string[], t: AlarmThresholds): AlarmSpec[] {
  const m = t.redisMemoryPercent;
  const memorySteps: [string, number, AlarmTopic][] = [
    ["warning", m.warning, "warning"],
    ["high", m.high, "warning"],
    ["critical", m.critical, "critical"],
    ["emergency", m.emergency, "critical"],
  ];
  return nodes.flatMap((id) => {
    const base = { namespace: "AWS/ElastiCache", dimensions: { CacheClusterId: id } };
    return [
      spec({
        ...base,
        key: `redis-${id}-engine-cpu`,
        metricName: "EngineCPUUtilization",
        statistic: "Average",
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.redisEngineCpuPercent,
        topic: "warning",
        description: `ElastiCache ${id}: engine CPU above ${t.redisEngineCpuPercent} %`,
      }),
      ...memorySteps.map(([step, threshold, topic]) =>
        spec({
          ...base,
          key: `redis-${id}-memory-${step}`,
          metricName: "DatabaseMemoryUsagePercentage",
          statistic: "Maximum",
          comparisonOperator: "GreaterThanThreshold",
          threshold,
          topic,
          evaluationPeriods: 2,
          description: `ElastiCache ${id}: memory above ${threshold} % of maxmemory (${step})`,
        }),
      ),
      spec({
        ...base,
        key: `redis-${id}-evictions`,
        metricName: "Evictions",
        statistic: "Sum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.redisEvictions,
        topic: "warning",
        evaluationPeriods: 1,
        description: `ElastiCache ${id}: more than ${t.redisEvictions} keys evicted in 5 minutes`,
      }),
      spec({
        ...base,
        key: `redis-${id}-replication-lag`,
        metricName: "ReplicationLag",
        statistic: "Maximum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.redisReplicationLagSeconds,
        topic: "warning",
        // Only replica nodes report ReplicationLag; the primary's missing data is not a breach.
        treatMissingData: "notBreaching",
        description: `ElastiCache ${id}: replica more than ${t.redisReplicationLagSeconds} s behind`,
      }),
    ];
  });
}

/** Port allocation errors and dropped packets of each NAT gateway. */
function natAlarms(
  gateways: Readonly<Record<string, pulumi.Input<string>>>,
  t: AlarmThresholds,
): AlarmSpec[] {
  return Object.keys(gateways)
    .sort()
    .flatMap((key) => {
      const base = { namespace: "AWS/NATGateway", dimensions: { NatGatewayId: gateways[key] } };
      return [
        spec({
          ...base,
          key: `nat-${key}-port-allocation`,
          metricName: "ErrorPortAllocation",
          statistic: "Sum",
          comparisonOperator: "GreaterThanThreshold",
          threshold: t.natPortAllocationErrors,
          topic: "warning",
          evaluationPeriods: 1,
          treatMissingData: "notBreaching",
          description: `NAT gateway in ${key}: source ports exhausted (ErrorPortAllocation)`,
        }),
        spec({
          ...base,
          key: `nat-${key}-packets-dropped`,
          metricName: "PacketsDropCount",
          statistic: "Sum",
          comparisonOperator: "GreaterThanThreshold",
          threshold: t.natPacketsDropped,
          topic: "warning",
          treatMissingData: "notBreaching",
          description: `NAT gateway in ${key}: more than ${t.natPacketsDropped} packets dropped in 5 minutes`,
        }),
      ];
    });
}

/** The alarm topics' names, for the delivery alarms. */
export interface AlarmTopicNames {
  readonly critical: string;
  readonly warning: string;
  /** Topic Alertmanager publishes the always-firing Watchdog to, about every minute. */
  readonly heartbeat: string;
}

/**
 * The alert path watching itself. Dead man's switch: SNS reports `NumberOfMessagesPublished` of
 * the heartbeat topic every 5 minutes and reports nothing when nothing was published, so missing
 * data counts as breaching: 15 minutes without a Watchdog message (Prometheus or Alertmanager down,
 * their credentials or network broken) pages the critical topic straight from CloudWatch. Failed
 * deliveries (`NumberOfNotificationsFailed`, e.g. an HTTPS subscriber refusing) of either topic
 * page the critical topic too, whose other subscriptions still work.
 */
export function alertPathAlarms(topics: AlarmTopicNames): AlarmSpec[] {
  const failed = (topic: AlarmTopic) =>
    spec({
      key: `sns-${topic}-delivery-failed`,
      namespace: "AWS/SNS",
      dimensions: { TopicName: topics[topic] },
      metricName: "NumberOfNotificationsFailed",
      statistic: "Sum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      topic: "critical",
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      description: `SNS topic ${topics[topic]}: notifications failed to reach a subscriber`,
    });
  return [
    spec({
      key: "alertmanager-heartbeat-missing",
      namespace: "AWS/SNS",
      dimensions: { TopicName: topics.heartbeat },
      metricName: "NumberOfMessagesPublished",
      statistic: "Sum",
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      topic: "critical",
      evaluationPeriods: 3,
      treatMissingData: "breaching",
      description: `No Watchdog heartbeat on ${topics.heartbeat} for 15 minutes: Prometheus or Alertmanager cannot alert`,
    }),
    failed("critical"),
    failed("warning"),
  ];
}

/** Every alarm of the targets, RDS then ElastiCache then NAT gateways. */
export function alarmSpecs(targets: AlarmTargets, thresholds: AlarmThresholds): AlarmSpec[] {
  return [
    ...(targets.postgres ? rdsAlarms(targets.postgres, thresholds) : []),
    ...redisAlarms(targets.redisNodes ?? [], thresholds),
    ...natAlarms(targets.natGateways ?? {}, thresholds),
  ];
}
