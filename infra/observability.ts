/**
 * Step "observability": the alarm topics and CloudWatch alarms (data tier, NAT gateways), the metrics
 * stack with alert routing to those topics, container log shipping and the trace gateway. Runs
 * after the data tier and the secrets tier (it scrapes Vault and cert-manager) and before the
 * services, which get their ServiceMonitors and the trace gateway's address.
 */
import type * as aws from "@pulumi/aws";
import type { EksCluster } from "../components/cluster/cluster";
import { replicaIdentifier } from "../components/data/postgres-instances";
import type { Network } from "../components/network/vpc";
import { PlatformAlarms } from "../components/observability/alarms";
import { LogShipping } from "../components/observability/logging";
import { MetricsStack } from "../components/observability/metrics-stack";
import {
  COLLECTOR_RELEASE,
  OTLP_GRPC_PORT,
  TRACING_NAMESPACE,
  TraceCollector,
} from "../components/observability/tracing";
import { CERT_MANAGER_NAMESPACE } from "../components/secrets/cert-manager";
import { TLS_SECRET } from "../components/secrets/vault-layout";
import { MONITORING_NAMESPACE } from "../components/shared/workload-defaults";
import { PLATFORM_SERVICE_LABEL } from "../components/shared/observability-names";
import { VAULT_NAMESPACE, VAULT_RELEASE, VAULT_SERVER_CONTAINER } from "../components/shared/vault-names";
import type { TraceGateway } from "../components/workloads/conventions";
import { systemPlacement } from "./cluster";
import type { PlatformConfig } from "./config";
import type { PlatformKeys } from "./keys";
import type { KubernetesOptions } from "./providers";

/** The observability tier. */
export interface ObservabilityTier {
  readonly alarms: PlatformAlarms;
  readonly metrics: MetricsStack;
  readonly logs: LogShipping;
  readonly tracing: TraceCollector;
  /** What services are told about the trace gateway. */
  readonly traceGateway: TraceGateway;
}

/** ElastiCache names the member clusters of a replication group `<id>-001`, `<id>-002`... */
export function redisMemberClusterIds(replicationGroupId: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${replicationGroupId}-${String(i + 1).padStart(3, "0")}`);
}

/** The alarmed resources as the data step names them (same identifiers, computed from config). */
function alarmTargets(config: PlatformConfig, network: Network) {
  const id = `${config.project}-${config.stack}`;
  const replicas = Array.from({ length: config.data.postgres.readReplicas ?? 0 }, (_, i) =>
    replicaIdentifier(id, i + 1),
  );
  return {
    postgres: { primary: id, replicas },
    redisNodes: redisMemberClusterIds(id, config.data.redis.numCacheClusters),
    // One gateway per AZ (perAz) or one in the first AZ (single): keyed by AZ, stable.
    natGateways: Object.fromEntries(network.natGatewayIds.map((gw, i) => [network.availabilityZones[i], gw])),
  };
}

export function createObservability(
  config: PlatformConfig,
  provider: aws.Provider,
  k8sOpts: KubernetesOptions,
  platform: { cluster: EksCluster; network: Network; keys: PlatformKeys },
): ObservabilityTier {
  const o = config.observability;
  const { cluster, network, keys } = platform;
  const prefix = `${config.project}-${config.stack}`;
  const alarms = new PlatformAlarms(
    "alarms",
    {
      ...alarmTargets(config, network),
      namePrefix: prefix,
      region: config.region,
      deletionWindowInDays: config.kms.deletionWindowInDays,
      protect: config.protectStatefulResources,
      subscriptions: o.subscriptions,
      thresholds: o.alarmThresholds,
    },
    { providers: [provider] },
  );
  const placement = systemPlacement(config, cluster);
  const metrics = new MetricsStack(
    "metrics",
    {
      chartVersion: o.charts.kubePrometheusStack,
      clusterName: cluster.clusterName,
      region: config.region,
      namespace: MONITORING_NAMESPACE,
      nodeAgentsNamespace: o.nodeAgentsNamespace,
      scrapeInterval: o.scrapeInterval,
      prometheus: o.prometheus,
      alertmanager: o.alertmanager,
      grafanaResources: o.grafana.resources,
      storageClassName: cluster.storageClassName,
      placement,
      topics: {
        criticalTopicArn: alarms.topicArns.critical,
        warningTopicArn: alarms.topicArns.warning,
        heartbeatTopicArn: alarms.heartbeatTopicArn,
        keyArn: alarms.keyArn,
      },
      webhooks: o.webhooks,
      heartbeatUrl: o.heartbeatUrl,
      runbookBaseUrl: o.runbookBaseUrl,
      platformComponents: {
        vaultNamespace: VAULT_NAMESPACE,
        vaultTlsSecret: TLS_SECRET,
        vaultServerName: `${VAULT_RELEASE}.${VAULT_NAMESPACE}.svc`,
        certManagerNamespace: CERT_MANAGER_NAMESPACE,
        kubeSystemNamespace: "kube-system",
      },
      ruleScope: {
        vaultNamespace: VAULT_NAMESPACE,
        vaultContainer: VAULT_SERVER_CONTAINER,
        serviceTargetLabel: PLATFORM_SERVICE_LABEL,
      },
    },
    k8sOpts,
  );
  const logs = new LogShipping(
    "logs",
    {
      chartVersion: o.charts.fluentBit,
      clusterName: cluster.clusterName,
      region: config.region,
      namespace: o.nodeAgentsNamespace,
      logGroupPrefix: `/platform/${prefix}`,
      kmsKeyArn: keys.kms.keyArns.logs,
      retentionInDays: o.logRetentionDays,
      resources: o.logShipper.resources,
      vaultNamespace: VAULT_NAMESPACE,
      vaultContainer: VAULT_SERVER_CONTAINER,
    },
    { ...k8sOpts, dependsOn: [metrics] },
  );
  const tracing = new TraceCollector(
    "tracing",
    {
      chartVersion: o.charts.openTelemetryCollector,
      clusterName: cluster.clusterName,
      region: config.region,
      replicas: o.collector.replicas,
      resources: o.collector.resources,
      placement,
      namespace: TRACING_NAMESPACE,
    },
    k8sOpts,
  );
  const traceGateway: TraceGateway = {
    endpoint: tracing.endpoint,
    namespace: TRACING_NAMESPACE,
    // The chart's selector labels of the collector pods.
    podLabels: {
      "app.kubernetes.io/name": "opentelemetry-collector",
      "app.kubernetes.io/instance": COLLECTOR_RELEASE,
    },
    port: OTLP_GRPC_PORT,
  };
  return { alarms, metrics, logs, tracing, traceGateway };
}
