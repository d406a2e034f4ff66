/**
 * The trace gateway: an OpenTelemetry Collector (official chart, contrib image, deployment mode) in
 * its own `restricted` namespace, receiving OTLP (gRPC 4317, HTTP 4318) from the services and
 * exporting to AWS X-Ray with its own Pod Identity (PutTraceSegments, PutTelemetryRecords only).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { WorkloadIdentity } from "../cluster/workload-identity";
import type { Placement, Resources } from "./metrics-values";

/** Namespace, release and ServiceAccount of the collector. */
export const TRACING_NAMESPACE = "tracing";
export const COLLECTOR_RELEASE = "otel-collector";
/** OTLP gRPC port the services send to. */
export const OTLP_GRPC_PORT = 4317;
/**
 * Protocol of `collectorEndpoint`: services need `OTEL_EXPORTER_OTLP_PROTOCOL=grpc`, since the OTLP
 * exporter specification's default is `http/protobuf` (port 4318).
 */
export { OTLP_PROTOCOL } from "../shared/observability-names";

/** The address services export to with protocol `grpc`: `http://otel-collector.<namespace>.svc:4317`. */
export function collectorEndpoint(namespace: string): string {
  return `http://${COLLECTOR_RELEASE}.${namespace}.svc:${OTLP_GRPC_PORT}`;
}

export interface TraceCollectorArgs {
  /** Exact version of `opentelemetry-collector` (https://open-telemetry.github.io/opentelemetry-helm-charts). */
  readonly chartVersion: string;
  readonly clusterName: pulumi.Input<string>;
  readonly region: string;
  readonly replicas: number;
  readonly resources: Resources;
  readonly placement: Placement;
  /** @default `TRACING_NAMESPACE` ("tracing") */
  readonly namespace?: string;
}

/** The chart's values: contrib image, OTLP in, X-Ray out, restricted security contexts. */
export function collectorValues(
  a: Pick<TraceCollectorArgs, "region" | "replicas" | "resources" | "placement">,
) {
  return {
    mode: "deployment",
    fullnameOverride: COLLECTOR_RELEASE,
    replicaCount: a.replicas,
    image: { repository: "otel/opentelemetry-collector-contrib" },
    serviceAccount: { create: true, name: COLLECTOR_RELEASE },
    resources: a.resources,
    nodeSelector: { ...a.placement.nodeSelector },
    tolerations: [...a.placement.tolerations],
    podSecurityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      seccompProfile: { type: "RuntimeDefault" },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    },
    ports: {
      "jaeger-compact": { enabled: false },
      "jaeger-thrift": { enabled: false },
      "jaeger-grpc": { enabled: false },
      zipkin: { enabled: false },
    },
    config: {
      receivers: { jaeger: null, zipkin: null },
      exporters: { awsxray: { region: a.region } },
      service: {
        pipelines: {
          traces: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: ["awsxray"] },
        },
      },
    },
  };
}

/** The collector, its namespace and its role. */
export class TraceCollector extends pulumi.ComponentResource {
  /** OTLP gRPC endpoint of the gateway. */
  public readonly endpoint: string;
  public readonly namespace: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: TraceCollectorArgs, opts?: pulumi.ComponentResourceOptions) {
    if (!/^\d+\.\d+\.\d+$/.test(args.chartVersion)) {
      throw new Error(
        `TraceCollector '${name}' has invalid arguments:\n  - chartVersion: must be an exact version like 0.170.0 (received ${JSON.stringify(args.chartVersion)})`,
      );
    }
    super("platform:observability:TraceCollector", name, {}, opts);
    const nsName = args.namespace ?? TRACING_NAMESPACE;
    const ns = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: nsName,
          labels: {
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
          },
        },
      },
      { parent: this },
    );
    const identity = new WorkloadIdentity(
      `${name}-collector`,
      {
        clusterName: args.clusterName,
        namespace: nsName,
        serviceAccount: COLLECTOR_RELEASE,
        policyJson: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "SendTraces",
              Effect: "Allow",
              Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
              Resource: "*",
            },
          ],
        }),
      },
      { parent: this },
    );
    new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: COLLECTOR_RELEASE,
        chart: "opentelemetry-collector",
        version: args.chartVersion,
        repositoryOpts: { repo: "https://open-telemetry.github.io/opentelemetry-helm-charts" },
        namespace: nsName,
        createNamespace: false,
        maxHistory: 10,
        values: collectorValues(args),
      },
      { parent: this, dependsOn: [ns, identity] },
    );
    this.endpoint = collectorEndpoint(nsName);
    this.namespace = ns.metadata.name;
    this.roleArn = identity.roleArn;
    this.registerOutputs({ endpoint: this.endpoint, namespace: this.namespace, roleArn: this.roleArn });
  }
}
