/**
 * The platform's Prometheus rules: the assessments' alerts (service down, response time, memory in
 * four steps plus predicted exhaustion, CPU, authentication-failure spikes, error rate) and the SLOs
 * as recording rules with multi-window, multi-burn-rate alerts. Pure data built by functions, so
 * tests parse every expression with the official PromQL grammar and resolve every runbook link.
 *
 * The services' metrics contract (docs/runbooks/alerts.md#metrics-contract): each service exposes
 * `http_requests_total{status}` and the histogram `http_request_duration_seconds` on its metrics
 * port; the ServiceMonitor adds the `namespace` and `service` labels.
 */

/** Severities the rules use; Alertmanager routes critical and emergency to the critical topic. */
export type AlertSeverity = "emergency" | "critical" | "high" | "warning";

/** One alerting rule. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** How long the condition must hold, e.g. `1m`. */
  readonly for: string;
  /**
   * `alertgroup` names the family of a stepped alert (the same condition at several thresholds):
   * Alertmanager's inhibit rules let a higher step silence a lower one of the same family and target.
   */
  readonly labels: { readonly severity: AlertSeverity; readonly alertgroup?: string };
  readonly annotations: {
    readonly summary: string;
    readonly description: string;
    readonly runbook_url: string;
  };
}

/** One recording rule. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

/** A rule group as the PrometheusRule spec takes it. */
export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly (AlertRule | RecordingRule)[];
}

/** The targets the rules alert on. */
export interface SloTargets {
  /** Fraction of requests that must succeed (not 5xx). @default 0.999 */
  readonly availability?: number;
  /** p95 latency objective in seconds. @default 0.2 */
  readonly latencyP95Seconds?: number;
  /** Error-rate alert threshold (fraction of requests). @default 0.001 */
  readonly errorRate?: number;
}

/** The assessments' figures. */
export const DEFAULT_SLO_TARGETS: Required<SloTargets> = {
  availability: 0.999,
  latencyP95Seconds: 0.2,
  errorRate: 0.001,
};

/** Container memory use against its limit, in steps: the assessments' 70/80/90/95 %. */
export const MEMORY_STEPS: readonly {
  readonly severity: AlertSeverity;
  readonly ratio: number;
  readonly name: string;
}[] = [
  { name: "ContainerMemoryWarning", severity: "warning", ratio: 0.7 },
  { name: "ContainerMemoryHigh", severity: "high", ratio: 0.8 },
  { name: "ContainerMemoryCritical", severity: "critical", ratio: 0.9 },
  { name: "ContainerMemoryEmergency", severity: "emergency", ratio: 0.95 },
];

/** Windows of the error-ratio recording rules (multi-window, multi-burn-rate alerts). */
export const SLO_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const;

const BY_SERVICE = "namespace, service";
const REQUESTS = "http_requests_total";
const ERRORS = `${REQUESTS}{status=~"5.."}`;
const AUTH_FAILURES = `${REQUESTS}{status=~"401|403"}`;
const DURATION_BUCKETS = "http_request_duration_seconds_bucket";
const MEMORY_USED = 'container_memory_working_set_bytes{container!="", container!="POD"}';
const MEMORY_LIMIT = 'kube_pod_container_resource_limits{resource="memory"}';
const CPU_LIMIT = 'kube_pod_container_resource_limits{resource="cpu"}';
const BY_CONTAINER = "namespace, pod, container";

/**
 * Families of stepped alerts: the label every step carries (`alertgroup`) and the labels that say
 * which target a step is about (Alertmanager's inhibit rules compare them).
 */
export const STEPPED_FAMILIES = {
  ContainerMemory: ["namespace", "pod", "container"],
  ResponseTime: ["namespace", "service"],
  ErrorBudgetBurn: ["namespace", "service"],
} as const satisfies Record<string, readonly string[]>;

/** A family of {@link STEPPED_FAMILIES}. */
export type SteppedFamily = keyof typeof STEPPED_FAMILIES;

/** Names the rules need from the platform: where Vault runs and how services' targets are labelled. */
export interface RuleScope {
  /** Namespace of the Vault server pods, e.g. `vault`. */
  readonly vaultNamespace: string;
  /** Name of the server container in the Vault pods (the chart's `vault`). */
  readonly vaultContainer: string;
  /** Target label the services' ServiceMonitors set to `"true"` (`ServiceDown` pages on those only). */
  readonly serviceTargetLabel: string;
}

/** The anchor (GitHub style: lowercase heading) of an alert's section in docs/runbooks/alerts.md. */
export function runbookAnchor(alert: string): string {
  return alert.toLowerCase();
}

/** Builds rules whose runbook links start with `runbookBaseUrl` (ending in `/`). */
class RuleBook {
  constructor(private readonly runbookBaseUrl: string) {}

  alert(
    alert: string,
    severity: AlertSeverity,
    expr: string,
    forDuration: string,
    summary: string,
    description: string,
    alertgroup?: SteppedFamily,
  ): AlertRule {
    return {
      alert,
      expr,
      for: forDuration,
      labels: alertgroup ? { severity, alertgroup } : { severity },
      annotations: {
        summary,
        description,
        runbook_url: `${this.runbookBaseUrl}alerts.md#${runbookAnchor(alert)}`,
      },
    };
  }
}

const ratio = (numerator: string, denominator: string) => `(${numerator}) / (${denominator})`;
const percentText = (r: number) => `${Math.round(r * 1000) / 10} %`;

/** Service availability and response time: down for 1 minute, 5 s / 10 s p95, error rate, auth spikes. */
function serviceRules(book: RuleBook, t: Required<SloTargets>, scope: RuleScope): RuleGroup {
  const p95 = `histogram_quantile(0.95, sum by (${BY_SERVICE}, le) (rate(${DURATION_BUCKETS}[5m])))`;
  const authRate = (window: string, offset = "") =>
    `sum by (${BY_SERVICE}) (rate(${AUTH_FAILURES}[${window}]${offset}))`;
  return {
    name: "platform-services",
    rules: [
      book.alert(
        "ServiceDown",
        "critical",
        // The services' targets only: kube-proxy, the kubelet... are the chart's TargetDown's.
        `up{${scope.serviceTargetLabel}="true"} == 0`,
        "1m",
        "Target {{ $labels.namespace }}/{{ $labels.service }} is down",
        "Prometheus has not scraped {{ $labels.instance }} for a minute.",
      ),
      book.alert(
        "ResponseTimeWarning",
        "warning",
        `${p95} > 5`,
        "5m",
        "p95 response time of {{ $labels.service }} above 5 s",
        "p95 over 5 minutes is {{ $value | humanizeDuration }}.",
        "ResponseTime",
      ),
      book.alert(
        "ResponseTimeCritical",
        "critical",
        `${p95} > 10`,
        "5m",
        "p95 response time of {{ $labels.service }} above 10 s",
        "p95 over 5 minutes is {{ $value | humanizeDuration }}.",
        "ResponseTime",
      ),
      book.alert(
        "ErrorRateHigh",
        "warning",
        `service:request_errors:ratio_rate5m > ${t.errorRate}`,
        "5m",
        `More than ${percentText(t.errorRate)} of {{ $labels.service }}'s requests fail`,
        "5xx ratio over 5 minutes is {{ $value | humanizePercentage }}.",
      ),
      book.alert(
        "AuthenticationFailureSpike",
        "warning",
        `${authRate("5m")} > 1 and ${authRate("5m")} > 3 * ${authRate("1h", " offset 5m")}`,
        "5m",
        "Authentication failures on {{ $labels.service }} tripled",
        "401/403 responses per second over 5 minutes: {{ $value }}, more than 3 times the previous hour's rate.",
      ),
    ],
  };
}

/** Containers against their limits: memory in four steps, predicted exhaustion, CPU above 80 %. */
function resourceRules(book: RuleBook): RuleGroup {
  const memoryRatio = ratio(
    `sum by (${BY_CONTAINER}) (${MEMORY_USED})`,
    `sum by (${BY_CONTAINER}) (${MEMORY_LIMIT})`,
  );
  const cpuRatio = ratio(
    `sum by (${BY_CONTAINER}) (rate(container_cpu_usage_seconds_total{container!=""}[5m]))`,
    `sum by (${BY_CONTAINER}) (${CPU_LIMIT})`,
  );
  return {
    name: "platform-resources",
    rules: [
      ...MEMORY_STEPS.map((step) =>
        book.alert(
          step.name,
          step.severity,
          `${memoryRatio} > ${step.ratio}`,
          "5m",
          `{{ $labels.namespace }}/{{ $labels.pod }} uses more than ${percentText(step.ratio)} of its memory limit`,
          "Working set over limit: {{ $value | humanizePercentage }}.",
          "ContainerMemory",
        ),
      ),
      book.alert(
        "ContainerMemoryExhaustionPredicted",
        "warning",
        `sum by (${BY_CONTAINER}) (predict_linear(${MEMORY_USED}[1h], 4 * 3600)) > sum by (${BY_CONTAINER}) (${MEMORY_LIMIT})`,
        "15m",
        "{{ $labels.namespace }}/{{ $labels.pod }} will reach its memory limit within 4 hours",
        "Linear prediction from the last hour of its working set.",
      ),
      book.alert(
        "ContainerCpuHigh",
        "warning",
        `${cpuRatio} > 0.8`,
        "10m",
        "{{ $labels.namespace }}/{{ $labels.pod }} uses more than 80 % of its CPU limit",
        "CPU over limit: {{ $value | humanizePercentage }}.",
      ),
      book.alert(
        "NodeCpuHigh",
        "warning",
        '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) > 0.8',
        "10m",
        "Node {{ $labels.instance }} CPU above 80 %",
        "Busy CPU over 5 minutes: {{ $value | humanizePercentage }}.",
      ),
    ],
  };
}

/** Recording rules of the SLOs: error ratio per window, p95 latency, daily availability. */
function sloRecordingRules(): RuleGroup {
  return {
    name: "platform-slo-recording",
    rules: [
      ...SLO_WINDOWS.map((w) => ({
        record: `service:request_errors:ratio_rate${w}`,
        expr: ratio(
          `sum by (${BY_SERVICE}) (rate(${ERRORS}[${w}]))`,
          `sum by (${BY_SERVICE}) (rate(${REQUESTS}[${w}]))`,
        ),
      })),
      {
        record: "service:request_duration_seconds:p95_rate5m",
        expr: `histogram_quantile(0.95, sum by (${BY_SERVICE}, le) (rate(${DURATION_BUCKETS}[5m])))`,
      },
      { record: "service:availability:ratio_rate1d", expr: "1 - service:request_errors:ratio_rate1d" },
    ],
  };
}

/**
 * SLO alerts: error-budget burn over two windows each (fast: 14.4x over 1h and 5m or 6x over 6h and
 * 30m; slow: 3x over 1d and 2h or 1x over 3d and 6h), p95 latency and daily availability.
 */
function sloAlertRules(book: RuleBook, t: Required<SloTargets>): RuleGroup {
  const budget = Math.round((1 - t.availability) * 1e6) / 1e6;
  const burn = (factor: number, long: string, short: string) =>
    `(service:request_errors:ratio_rate${long} > (${factor} * ${budget}) and service:request_errors:ratio_rate${short} > (${factor} * ${budget}))`;
  return {
    name: "platform-slo-alerts",
    rules: [
      book.alert(
        "ErrorBudgetBurnFast",
        "critical",
        `${burn(14.4, "1h", "5m")} or ${burn(6, "6h", "30m")}`,
        "2m",
        `{{ $labels.service }} burns its ${percentText(t.availability)} availability budget fast`,
        "At this rate the 30-day error budget is gone within 5 days.",
        "ErrorBudgetBurn",
      ),
      book.alert(
        "ErrorBudgetBurnSlow",
        "warning",
        `${burn(3, "1d", "2h")} or ${burn(1, "3d", "6h")}`,
        "15m",
        `{{ $labels.service }} burns its ${percentText(t.availability)} availability budget`,
        "At this rate the 30-day error budget is gone before the window ends.",
        "ErrorBudgetBurn",
      ),
      book.alert(
        "LatencySloBreached",
        "warning",
        `service:request_duration_seconds:p95_rate5m > ${t.latencyP95Seconds}`,
        "10m",
        `p95 latency of {{ $labels.service }} above ${t.latencyP95Seconds * 1000} ms`,
        "p95 over 5 minutes is {{ $value | humanizeDuration }}.",
      ),
      book.alert(
        "AvailabilityBelowTarget",
        "warning",
        `service:availability:ratio_rate1d < ${t.availability}`,
        "1h",
        `{{ $labels.service }} below ${percentText(t.availability)} availability over a day`,
        "Availability over the last day: {{ $value | humanizePercentage }}.",
      ),
    ],
  };
}

/**
 * Platform components: Vault sealed (its readiness probe, `/v1/sys/health?standbyok=true`, fails
 * while a server is sealed; `vault_core_unsealed` is not used: Vault only updates that gauge while
 * unsealed and it expires, hashicorp/vault#24741 and #25214), certificates about to expire.
 */
function platformComponentRules(book: RuleBook, scope: RuleScope): RuleGroup {
  return {
    name: "platform-components",
    rules: [
      book.alert(
        "VaultSealed",
        "critical",
        `kube_pod_container_status_ready{namespace="${scope.vaultNamespace}", container="${scope.vaultContainer}"} == 0`,
        "2m",
        "Vault pod {{ $labels.pod }} is not ready: sealed, uninitialised or not serving",
        "Its readiness probe (/v1/sys/health) has failed for 2 minutes. A sealed Vault serves no secret; services with the agent cannot start.",
      ),
      book.alert(
        "CertificateExpiringSoon",
        "warning",
        "certmanager_certificate_expiration_timestamp_seconds - time() < 7 * 24 * 3600",
        "1h",
        // cert-manager's own `namespace` label is renamed: the target's namespace wins.
        "Certificate {{ $labels.exported_namespace }}/{{ $labels.name }} expires within 7 days",
        "cert-manager has not renewed it.",
      ),
    ],
  };
}

/** Every rule group of the platform, with runbook links under `runbookBaseUrl` (ending in `/`). */
export function platformRuleGroups(
  runbookBaseUrl: string,
  scope: RuleScope,
  targets: SloTargets = {},
): RuleGroup[] {
  const t = { ...DEFAULT_SLO_TARGETS, ...targets };
  const book = new RuleBook(runbookBaseUrl);
  return [
    serviceRules(book, t, scope),
    resourceRules(book),
    sloRecordingRules(),
    sloAlertRules(book, t),
    platformComponentRules(book, scope),
  ];
}

/** True for an alerting rule. */
export function isAlert(rule: AlertRule | RecordingRule): rule is AlertRule {
  return "alert" in rule;
}
