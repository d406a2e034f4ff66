/**
 * Scrape targets of the platform components the chart does not cover: Vault's telemetry,
 * cert-manager, the AWS Load Balancer Controller and the cluster autoscaler. (CoreDNS, the kubelet
 * and the API server come with the chart: `coreDns.enabled`, `kubelet.enabled`,
 * `kubeApiServer.enabled`.) Each monitor lives in its target's namespace, so a TLS CA it names is a
 * Secret of that namespace.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** One ServiceMonitor or PodMonitor. */
export interface MonitorSpec {
  /** Stable key: child `${name}-monitor-${key}`, object name `platform-${key}`. */
  readonly key: string;
  readonly kind: "ServiceMonitor" | "PodMonitor";
  readonly namespace: string;
  /** Labels of the Services (ServiceMonitor) or pods (PodMonitor) scraped. */
  readonly selector: Readonly<Record<string, string>>;
  /** Name of the port scraped. */
  readonly port: string;
  readonly path?: string;
  readonly scheme?: "http" | "https";
  readonly params?: Readonly<Record<string, readonly string[]>>;
  readonly tlsConfig?: Readonly<Record<string, unknown>>;
}

/** Namespaces and names of the platform's components, as installed by this program. */
export interface PlatformComponentNames {
  readonly vaultNamespace: string;
  /** Secret holding Vault's listener certificate and its CA (`ca.crt`). */
  readonly vaultTlsSecret: string;
  /** Host name Vault's certificate carries, e.g. `vault.vault.svc`. */
  readonly vaultServerName: string;
  readonly certManagerNamespace: string;
  /** Namespace of the ALB controller and the cluster autoscaler. */
  readonly kubeSystemNamespace: string;
}

/** The monitors of the platform components. */
export function platformMonitorSpecs(n: PlatformComponentNames): MonitorSpec[] {
  return [
    {
      key: "vault",
      kind: "ServiceMonitor",
      namespace: n.vaultNamespace,
      // The headless service covers every server pod, active and standby.
      selector: { "app.kubernetes.io/name": "vault", "vault-internal": "true" },
      port: "https",
      path: "/v1/sys/metrics",
      params: { format: ["prometheus"] },
      scheme: "https",
      tlsConfig: {
        ca: { secret: { name: n.vaultTlsSecret, key: "ca.crt" } },
        serverName: n.vaultServerName,
      },
    },
    {
      key: "cert-manager",
      kind: "ServiceMonitor",
      namespace: n.certManagerNamespace,
      selector: { "app.kubernetes.io/name": "cert-manager", "app.kubernetes.io/component": "controller" },
      port: "tcp-prometheus-servicemonitor",
    },
    {
      key: "alb-controller",
      kind: "PodMonitor",
      namespace: n.kubeSystemNamespace,
      selector: { "app.kubernetes.io/name": "aws-load-balancer-controller" },
      port: "metrics-server",
    },
    {
      key: "cluster-autoscaler",
      kind: "ServiceMonitor",
      namespace: n.kubeSystemNamespace,
      selector: { "app.kubernetes.io/name": "aws-cluster-autoscaler" },
      port: "http",
    },
  ];
}

/** The monitor as a `monitoring.coreos.com/v1` object. */
export function monitorObject(m: MonitorSpec, labels: Readonly<Record<string, string>>) {
  const endpoint = {
    port: m.port,
    ...(m.path ? { path: m.path } : {}),
    ...(m.scheme ? { scheme: m.scheme } : {}),
    ...(m.params ? { params: m.params } : {}),
    ...(m.tlsConfig ? { tlsConfig: m.tlsConfig } : {}),
  };
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: m.kind,
    metadata: { name: `platform-${m.key}`, namespace: m.namespace, labels: { ...labels } },
    spec: {
      selector: { matchLabels: { ...m.selector } },
      namespaceSelector: { matchNames: [m.namespace] },
      ...(m.kind === "ServiceMonitor" ? { endpoints: [endpoint] } : { podMetricsEndpoints: [endpoint] }),
    },
  };
}

/** One CustomResource per monitor, after `dependsOn` (the release that installs the CRDs). */
export function createPlatformMonitors(
  name: string,
  specs: readonly MonitorSpec[],
  parent: pulumi.Resource,
  dependsOn: pulumi.Resource[],
): k8s.apiextensions.CustomResource[] {
  return specs.map(
    (m) =>
      new k8s.apiextensions.CustomResource(
        `${name}-monitor-${m.key}`,
        monitorObject(m, {
          "app.kubernetes.io/part-of": "platform",
          "app.kubernetes.io/managed-by": "pulumi",
        }),
        { parent, dependsOn },
      ),
  );
}
