/**
 * Conventions shared by the observability tier (which alerts on them) and the services (which carry
 * them): the label the services' ServiceMonitors put on their targets and the OTLP protocol of the
 * trace gateway's endpoint.
 */

/**
 * Target label every service's ServiceMonitor adds (`platform_service="true"`): `ServiceDown` pages
 * on these targets only, not on every scrape target of the cluster (infrastructure targets such as
 * kube-proxy or the kubelet are covered by the chart's `TargetDown`).
 */
export const PLATFORM_SERVICE_LABEL = "platform_service";

/**
 * Protocol of the trace gateway's endpoint (port 4317). The OTLP exporter specification's default
 * is `http/protobuf` on 4318, so services are told `OTEL_EXPORTER_OTLP_PROTOCOL=grpc` explicitly.
 */
export const OTLP_PROTOCOL = "grpc";
