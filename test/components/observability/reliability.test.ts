/**
 * What keeps the observability path itself working: Fluent Bit's tail offsets and tags (every
 * input's tag reaches an output, Vault's audit stdout only its own group), Prometheus' size-bound
 * retention and disruption budgets, kube-proxy not scraped, the alert path's own CloudWatch alarms,
 * services told the OTLP protocol, threshold counts that may be 0.
 */
import { alertPathAlarms } from "../../../components/observability/alarm-specs";
import { fluentBitConfig, TAIL_DB } from "../../../components/observability/logging";
import { metricsStackValues, retentionSize } from "../../../components/observability/metrics-values";
import { tracingEnv } from "../../../components/workloads/observability";
import type { ServiceScope } from "../../../components/workloads/scope";
import { observabilitySchema } from "../../../infra/config/observability";

const RES = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } };

/** The `[SECTION]` blocks of a Fluent Bit classic configuration, as key/value maps. */
function sections(text: string): { kind: string; entries: Record<string, string> }[] {
  return text
    .split(/^(?=\[)/m)
    .filter((b) => b.trim() !== "")
    .map((b) => {
      const [head, ...lines] = b.trim().split("\n");
      const entries = Object.fromEntries(
        lines.map(
          (l) =>
            l
              .trim()
              .split(/\s+(.*)/s)
              .slice(0, 2) as [string, string],
        ),
      );
      return { kind: head, entries };
    });
}

/** Fluent Bit's wildcard match (`*` any run of characters) of a tag. */
const tagMatches = (pattern: string, tag: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(tag);
/** A shell glob over one file path. */
const globMatches = (glob: string, path: string) => tagMatches(glob, path);

describe("Fluent Bit configuration", () => {
  const config = fluentBitConfig(
    "us-west-2",
    { containers: "/p/containers", vaultAudit: "/p/vault-audit" },
    { namespace: "vault", container: "vault" },
  );
  const inputs = sections(config.inputs);
  const filters = sections(config.filters);
  const outputs = sections(config.outputs);

  test("every input is a tail with its own offset database, locked; no systemd input", () => {
    expect(inputs.map((i) => [i.kind, i.entries.Name, i.entries.DB, i.entries["DB.locking"]])).toEqual([
      ["[INPUT]", "tail", TAIL_DB.containers, "true"],
      ["[INPUT]", "tail", TAIL_DB.vaultAudit, "true"],
    ]);
    expect(TAIL_DB.containers).toBe("/var/log/flb_kube.db");
  });

  test("every input's records reach an output (the chart's default host.* systemd input had none)", () => {
    for (const input of inputs) {
      // A tail tag's `*` becomes the file path with '/' as '.'.
      const tag = input.entries.Tag.replace("*", "var.log.containers.x_ns_c-1.log");
      expect([input.entries.Tag, outputs.some((o) => tagMatches(o.entries.Match, tag))]).toEqual([
        input.entries.Tag,
        true,
      ]);
      expect(filters.some((f) => f.entries.Match === input.entries.Tag)).toBe(true);
    }
  });

  test("Vault's server log (its audit device writes to stdout) goes to the audit group only", () => {
    const file = "/var/log/containers/vault-0_vault_vault-0123abcd.log";
    const app = "/var/log/containers/api-7d9f_api_api-0123abcd.log";
    const reads = (path: string) =>
      inputs
        .filter((i) => globMatches(i.entries.Path, path) && !globMatches(i.entries.Exclude_Path ?? "", path))
        .map((i) => i.entries.Tag);
    expect(reads(file)).toEqual(["vault.*"]);
    expect(reads(app)).toEqual(["kube.*"]);
    const groupsOf = (tag: string) =>
      outputs.filter((o) => tagMatches(o.entries.Match, tag)).map((o) => o.entries.log_group_name);
    expect(groupsOf("vault.var.log.containers.vault-0_vault_vault-0123abcd.log")).toEqual(["/p/vault-audit"]);
    expect(groupsOf("kube.var.log.containers.api-7d9f_api_api-0123abcd.log")).toEqual(["/p/containers"]);
    expect(filters.map((f) => [f.entries.Match, f.entries.Kube_Tag_Prefix])).toEqual([
      ["kube.*", "kube.var.log.containers."],
      ["vault.*", "vault.var.log.containers."],
    ]);
  });
});

describe("kube-prometheus-stack values", () => {
  const values = (replicas: number) =>
    metricsStackValues({
      nodeAgentsNamespace: "node-agents",
      scrapeInterval: "15s",
      prometheus: { replicas, retention: "15d", storageSize: "100Gi", resources: RES },
      alertmanager: { replicas, storageSize: "2Gi", resources: RES },
      grafanaResources: RES,
      storageClassName: "gp3",
      placement: { nodeSelector: {}, tolerations: [] },
      alertmanagerConfigSecret: "am",
      alertmanagerServiceAccount: "alertmanager",
      grafanaAdminSecret: "g",
    }) as Record<string, Record<string, Record<string, unknown>>>;

  test("retention is bounded by size too (85 % of the volume); kube-proxy is not scraped", () => {
    const v = values(2);
    expect(v.prometheus.prometheusSpec.retentionSize).toBe("87040MiB");
    expect(v.kubeProxy).toEqual({ enabled: false });
  });

  test.each([
    ["100Gi", "87040MiB"],
    ["50Gi", "43520MiB"],
    ["10G", "8106MiB"],
    ["lots", undefined],
    ["0Gi", undefined],
  ])("retentionSize(%s) is %s", (size, expected) => {
    expect(retentionSize(size)).toBe(expected);
  });

  test("Prometheus and Alertmanager get a disruption budget when they run more than one replica", () => {
    expect([values(2).prometheus.podDisruptionBudget, values(2).alertmanager.podDisruptionBudget]).toEqual([
      { enabled: true, minAvailable: 1 },
      { enabled: true, minAvailable: 1 },
    ]);
    expect([values(1).prometheus.podDisruptionBudget, values(1).alertmanager.podDisruptionBudget]).toEqual([
      { enabled: false },
      { enabled: false },
    ]);
  });
});

test("the alert path's alarms: a missing Watchdog heartbeat (missing data breaches) and failed deliveries page", () => {
  const specs = alertPathAlarms({ critical: "p-crit", warning: "p-warn", heartbeat: "p-beat" });
  expect(
    specs.map((a) => [
      a.key,
      a.metricName,
      a.dimensions.TopicName,
      a.statistic,
      a.comparisonOperator,
      a.threshold,
      a.periodSeconds * a.evaluationPeriods,
      a.treatMissingData,
      a.topic,
    ]),
  ).toEqual([
    [
      "alertmanager-heartbeat-missing",
      "NumberOfMessagesPublished",
      "p-beat",
      "Sum",
      "LessThanThreshold",
      1,
      900,
      "breaching",
      "critical",
    ],
    [
      "sns-critical-delivery-failed",
      "NumberOfNotificationsFailed",
      "p-crit",
      "Sum",
      "GreaterThanThreshold",
      0,
      300,
      "notBreaching",
      "critical",
    ],
    [
      "sns-warning-delivery-failed",
      "NumberOfNotificationsFailed",
      "p-warn",
      "Sum",
      "GreaterThanThreshold",
      0,
      300,
      "notBreaching",
      "critical",
    ],
  ]);
});

test("services are told the gateway speaks OTLP/gRPC", () => {
  const scope = {
    service: "api",
    conventions: {
      tracing: {
        endpoint: "http://otel-collector.tracing.svc:4317",
        namespace: "tracing",
        podLabels: {},
        port: 4317,
      },
    },
  } as unknown as ServiceScope;
  expect(tracingEnv(scope)).toEqual([
    { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: "http://otel-collector.tracing.svc:4317" },
    { name: "OTEL_EXPORTER_OTLP_PROTOCOL", value: "grpc" },
    { name: "OTEL_SERVICE_NAME", value: "api" },
  ]);
});

test.each([
  ["natPortAllocationErrors", 0, true],
  ["natPacketsDropped", 0, true],
  ["redisEvictions", 0, true],
  ["natPortAllocationErrors", -1, false],
  ["natPortAllocationErrors", 0.5, false],
  ["rdsConnections", 0, false],
])("alarm threshold %s = %s is accepted: %s", (key, value, ok) => {
  const shape = observabilitySchema.shape.alarmThresholds;
  expect(shape.safeParse({ [key]: value }).success).toBe(ok);
});
