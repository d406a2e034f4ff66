/**
 * Values of the official `kube-prometheus-stack` chart (keys checked at tag
 * kube-prometheus-stack-88.5.3, charts/kube-prometheus-stack/values.yaml). Pure: the component passes
 * plain settings, tests read the result.
 */
import { parseMemory } from "../shared/quantity";

/** Requests and limits of a container (Kubernetes quantities). */
export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** A toleration as pod specs take it. */
export interface Toleration {
  readonly key: string;
  readonly operator: string;
  readonly value?: string;
  readonly effect: string;
}

/** Where the stack's pods run (the system nodes). */
export interface Placement {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}

/** Everything the values depend on. */
export interface MetricsValuesSettings {
  /** Namespace of node-exporter (Pod Security `privileged`, the recorded exception). */
  readonly nodeAgentsNamespace: string;
  readonly scrapeInterval: string;
  readonly prometheus: {
    readonly replicas: number;
    readonly retention: string;
    readonly storageSize: string;
    readonly resources: Resources;
  };
  readonly alertmanager: {
    readonly replicas: number;
    readonly storageSize: string;
    readonly resources: Resources;
  };
  readonly grafanaResources: Resources;
  readonly storageClassName: string;
  readonly placement: Placement;
  /** Secret holding `alertmanager.yaml` (created by the component, never the chart). */
  readonly alertmanagerConfigSecret: string;
  /** ServiceAccount of Alertmanager: its Pod Identity signs the SNS requests. */
  readonly alertmanagerServiceAccount: string;
  /** Secret holding Grafana's `admin-user` and `admin-password`. */
  readonly grafanaAdminSecret: string;
}

/** Release name and `fullnameOverride`: objects are named `kps-prometheus`, `kps-alertmanager`... */
export const KPS_RELEASE = "kps";

/** Small operators and exporters: requests so the scheduler counts them, limits against leaks. */
export const SMALL_RESOURCES: Resources = {
  requests: { cpu: "50m", memory: "64Mi" },
  limits: { cpu: "200m", memory: "256Mi" },
};

/**
 * Sidecars and short jobs (config reloaders, Grafana's dashboard and datasource watchers, the
 * webhook certificate jobs): the admission guardrails refuse any container without requests and
 * limits of CPU and memory (docs/decisions/0127), and the chart leaves these empty.
 */
export const SIDECAR_RESOURCES: Resources = {
  requests: { cpu: "10m", memory: "64Mi" },
  limits: { cpu: "100m", memory: "128Mi" },
};

/** Share of Prometheus' volume its TSDB may fill before the oldest blocks go (WAL and compaction need the rest). */
export const RETENTION_SIZE_RATIO = 0.85;

/**
 * `retentionSize` of a volume of `storageSize` (a Kubernetes quantity): 85 % of it in whole MiB
 * (`100Gi` → `87040MiB`), in the operator's ByteSize format; undefined when the size is malformed.
 */
export function retentionSize(storageSize: string): string | undefined {
  const bytes = parseMemory(storageSize);
  return bytes === undefined || bytes <= 0
    ? undefined
    : `${Math.floor((bytes * RETENTION_SIZE_RATIO) / 2 ** 20)}MiB`;
}

/** A PodDisruptionBudget of one unavailable pod at a time, where there is more than one replica. */
const disruptionBudget = (replicas: number) =>
  replicas > 1 ? { enabled: true, minAvailable: 1 } : { enabled: false };

const volumeClaim = (storageClassName: string, size: string) => ({
  volumeClaimTemplate: {
    spec: { storageClassName, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: size } } },
  },
});

/** The chart's values. */
export function metricsStackValues(s: MetricsValuesSettings): Record<string, unknown> {
  const place = { nodeSelector: { ...s.placement.nodeSelector }, tolerations: [...s.placement.tolerations] };
  return {
    fullnameOverride: KPS_RELEASE,
    crds: { enabled: true },
    defaultRules: { create: true },
    // EKS runs the control plane: its scheduler, controller manager and etcd cannot be scraped.
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    // EKS's kube-proxy binds its metrics to 127.0.0.1: its target would be down forever.
    kubeProxy: { enabled: false },
    // CoreDNS (the EKS add-on, label k8s-app=kube-dns, port 9153): the chart adds its Service and monitor.
    coreDns: { enabled: true },
    prometheusOperator: {
      resources: SMALL_RESOURCES,
      // The operator adds these to the `config-reloader` and `init-config-reloader` containers of
      // the Prometheus and Alertmanager pods (empty: no requests, no limits).
      prometheusConfigReloader: { resources: SIDECAR_RESOURCES },
      // The hook Jobs that create and patch the operator's webhook certificate (`kps-admission-*`).
      admissionWebhooks: { patch: { resources: SIDECAR_RESOURCES, ...place } },
      ...place,
    },
    prometheus: {
      podDisruptionBudget: disruptionBudget(s.prometheus.replicas),
      prometheusSpec: {
        scrapeInterval: s.scrapeInterval,
        evaluationInterval: s.scrapeInterval,
        retention: s.prometheus.retention,
        // Time retention alone can fill the volume first: then Prometheus stops writing.
        retentionSize: retentionSize(s.prometheus.storageSize),
        replicas: s.prometheus.replicas,
        resources: s.prometheus.resources,
        storageSpec: volumeClaim(s.storageClassName, s.prometheus.storageSize),
        // Select every ServiceMonitor, PodMonitor and PrometheusRule, not only the chart's own.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        ...place,
      },
    },
    alertmanager: {
      podDisruptionBudget: disruptionBudget(s.alertmanager.replicas),
      serviceAccount: { create: true, name: s.alertmanagerServiceAccount },
      alertmanagerSpec: {
        replicas: s.alertmanager.replicas,
        // The configuration comes from the component's Secret, never from plain values.
        useExistingSecret: true,
        configSecret: s.alertmanagerConfigSecret,
        resources: s.alertmanager.resources,
        storage: volumeClaim(s.storageClassName, s.alertmanager.storageSize),
        ...place,
      },
    },
    grafana: {
      admin: { existingSecret: s.grafanaAdminSecret, userKey: "admin-user", passwordKey: "admin-password" },
      sidecar: {
        dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" },
        // Both watcher containers (dashboards, datasources) take these.
        resources: SIDECAR_RESOURCES,
      },
      resources: s.grafanaResources,
      ...place,
    },
    kubeStateMetrics: { enabled: true },
    "kube-state-metrics": { resources: SMALL_RESOURCES, ...place },
    nodeExporter: { enabled: true },
    // Host network, host PID and hostPath mounts: only a `privileged` namespace admits it.
    "prometheus-node-exporter": {
      namespaceOverride: s.nodeAgentsNamespace,
      resources: SMALL_RESOURCES,
    },
  };
}
