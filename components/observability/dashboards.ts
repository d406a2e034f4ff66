/**
 * Grafana dashboards of the platform as code: the cluster (nodes and pods) and the services (the
 * SLO recording rules of rules.ts). Shipped as ConfigMaps labelled `grafana_dashboard: "1"`, which
 * the chart's sidecar loads from every namespace.
 */

interface Panel {
  readonly title: string;
  readonly expr: string;
  readonly unit: string;
}

/** A dashboard: uid (stable, the ConfigMap key), title and its time-series panels. */
export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly Panel[];
}

/** The platform's dashboards. */
export const PLATFORM_DASHBOARDS: readonly DashboardSpec[] = [
  {
    uid: "platform-cluster",
    title: "Platform / Cluster",
    panels: [
      {
        title: "Node CPU busy",
        expr: '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))',
        unit: "percentunit",
      },
      {
        title: "Node memory available",
        expr: "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes",
        unit: "percentunit",
      },
      {
        title: "Pods not ready",
        expr: 'sum by (namespace) (kube_pod_status_ready{condition="false"})',
        unit: "short",
      },
      {
        title: "Container restarts (1h)",
        expr: "sum by (namespace) (increase(kube_pod_container_status_restarts_total[1h]))",
        unit: "short",
      },
    ],
  },
  {
    uid: "platform-services",
    title: "Platform / Services",
    panels: [
      {
        title: "Requests per second",
        expr: "sum by (namespace, service) (rate(http_requests_total[5m]))",
        unit: "reqps",
      },
      { title: "Error ratio (5m)", expr: "service:request_errors:ratio_rate5m", unit: "percentunit" },
      { title: "p95 latency", expr: "service:request_duration_seconds:p95_rate5m", unit: "s" },
      { title: "Availability (1d)", expr: "service:availability:ratio_rate1d", unit: "percentunit" },
    ],
  },
];

/** The dashboard's JSON model (Grafana schema 39), panels two per row. */
export function dashboardJson(d: DashboardSpec): string {
  return JSON.stringify({
    uid: d.uid,
    title: d.title,
    schemaVersion: 39,
    editable: false,
    time: { from: "now-6h", to: "now" },
    tags: ["platform"],
    panels: d.panels.map((p, i) => ({
      id: i + 1,
      type: "timeseries",
      title: p.title,
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      targets: [{ refId: "A", expr: p.expr, datasource: { type: "prometheus", uid: "prometheus" } }],
    })),
  });
}
