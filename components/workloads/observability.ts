/**
 * The service's observability: a ServiceMonitor on its metrics port (the Prometheus of the monitoring
 * namespace scrapes it; the `allow-metrics-scrape` policy admits that namespace only), and, when the
 * platform has a trace gateway, `OTEL_EXPORTER_OTLP_ENDPOINT` with `OTEL_EXPORTER_OTLP_PROTOCOL=grpc`
 * and an egress policy to the collector. The ServiceMonitor marks its targets `platform_service="true"`:
 * the platform's `ServiceDown` alert pages on those targets only.
 */
import * as k8s from "@pulumi/kubernetes";
import { OTLP_PROTOCOL, PLATFORM_SERVICE_LABEL } from "../shared/observability-names";
import type { ServiceScope } from "./scope";

/** The metrics port of a service that declares none (the assessments: 9090). */
export const DEFAULT_METRICS_PORT = 9090;

/** The declared metrics port, or the default when it does not clash with the http port. */
export function metricsPort(ports: { readonly http: number; readonly metrics?: number }): number | undefined {
  if (ports.metrics !== undefined) {
    return ports.metrics;
  }
  return ports.http === DEFAULT_METRICS_PORT ? undefined : DEFAULT_METRICS_PORT;
}

/** The OpenTelemetry environment of the container; none without a trace gateway. */
export function tracingEnv(s: ServiceScope): { name: string; value: string }[] {
  const tracing = s.conventions.tracing;
  return tracing
    ? [
        { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: tracing.endpoint },
        // The gateway's endpoint is OTLP/gRPC (4317); the SDKs' default protocol is http/protobuf.
        { name: "OTEL_EXPORTER_OTLP_PROTOCOL", value: OTLP_PROTOCOL },
        { name: "OTEL_SERVICE_NAME", value: s.service },
      ]
    : [];
}

/** ServiceMonitor (when the service has a metrics port) and egress to the trace gateway (when there is one). */
export function createObservability(s: ServiceScope): void {
  if (s.args.ports.metrics !== undefined) {
    new k8s.apiextensions.CustomResource(
      `${s.name}-service-monitor`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: s.meta(s.service),
        spec: {
          selector: { matchLabels: { ...s.selector } },
          namespaceSelector: { matchNames: [s.namespace] },
          endpoints: [
            {
              port: "metrics",
              path: "/metrics",
              scheme: "http",
              relabelings: [{ action: "replace", targetLabel: PLATFORM_SERVICE_LABEL, replacement: "true" }],
            },
          ],
        },
      },
      s.child,
    );
  }
  const tracing = s.conventions.tracing;
  if (tracing) {
    new k8s.networking.v1.NetworkPolicy(
      `${s.name}-allow-trace-export`,
      {
        metadata: s.meta("allow-trace-export"),
        spec: {
          podSelector: { matchLabels: { ...s.selector } },
          policyTypes: ["Egress"],
          egress: [
            {
              to: [
                {
                  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": tracing.namespace } },
                  podSelector: { matchLabels: { ...tracing.podLabels } },
                },
              ],
              ports: [{ protocol: "TCP", port: tracing.port }],
            },
          ],
        },
      },
      s.child,
    );
  }
}
