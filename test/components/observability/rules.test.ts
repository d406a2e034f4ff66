/**
 * The platform's Prometheus rules and dashboards: every PromQL expression parses with the official
 * grammar (@prometheus-io/lezer-promql), every alert carries severity, summary and a runbook link
 * whose anchor is a heading of docs/runbooks/alerts.md, and the assessments' thresholds are there.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { parser } from "@prometheus-io/lezer-promql";
import { PLATFORM_DASHBOARDS } from "../../../components/observability/dashboards";
import {
  type AlertRule,
  isAlert,
  MEMORY_STEPS,
  platformRuleGroups,
  SLO_WINDOWS,
} from "../../../components/observability/rules";

const BASE = "https://example.com/platform/docs/runbooks/";
const SCOPE = { vaultNamespace: "vault", vaultContainer: "vault", serviceTargetLabel: "platform_service" };
const groups = platformRuleGroups(BASE, SCOPE);
const rules = groups.flatMap((g) => g.rules);
const alerts = rules.filter(isAlert);
const runbook = readFileSync(join(__dirname, "..", "..", "..", "docs", "runbooks", "alerts.md"), "utf8");

/** GitHub's anchors of the document's headings: lowercase, spaces to '-', punctuation dropped. */
const anchors = new Set(
  [...runbook.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) =>
    m[1]
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9 _-]/g, "")
      .replace(/ /g, "-"),
  ),
);

/** The text of every error node of the parse; empty when the expression is valid PromQL. */
function syntaxErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) {
        errors.push(`at ${node.from}: '${expr.slice(Math.max(0, node.from - 10), node.to + 10)}'`);
      }
    },
  });
  return errors;
}

test("the parser reports a broken expression (the check can fail)", () => {
  expect(syntaxErrors("sum(rate(http_requests_total[5m]) by")).not.toEqual([]);
  expect(syntaxErrors('up{service!=""} == 0')).toEqual([]);
});

test.each(rules.map((r) => [isAlert(r) ? r.alert : r.record, r.expr]))(
  "%s parses as PromQL",
  (_name, expr) => {
    expect(syntaxErrors(expr)).toEqual([]);
  },
);

test.each(PLATFORM_DASHBOARDS.flatMap((d) => d.panels.map((p) => [`${d.uid}: ${p.title}`, p.expr])))(
  "dashboard panel %s parses as PromQL",
  (_name, expr) => {
    expect(syntaxErrors(expr)).toEqual([]);
  },
);

test.each(alerts.map((a) => [a.alert, a] as const))(
  "%s has a severity, a summary and a runbook link to an existing section",
  (_name, alert: AlertRule) => {
    expect(["emergency", "critical", "high", "warning"]).toContain(alert.labels.severity);
    expect(alert.annotations.summary).toMatch(/\S/);
    expect(alert.annotations.runbook_url.startsWith(`${BASE}alerts.md#`)).toBe(true);
    const anchor = alert.annotations.runbook_url.split("#")[1];
    expect([alert.alert, anchors.has(anchor)]).toEqual([alert.alert, true]);
  },
);

test("alert names are unique", () => {
  const names = alerts.map((a) => a.alert);
  expect(new Set(names).size).toBe(names.length);
});

test("the assessments' alerts: service down 1m critical, response time 5 s / 10 s, memory 70/80/90/95 %, CPU 80 %", () => {
  const byName = Object.fromEntries(alerts.map((a) => [a.alert, a]));
  expect(byName.ServiceDown).toMatchObject({ for: "1m", labels: { severity: "critical" } });
  // Only the services' targets (their ServiceMonitors set the label), never kube-proxy or the kubelet.
  expect(byName.ServiceDown.expr).toBe('up{platform_service="true"} == 0');
  expect(byName.ResponseTimeWarning.expr).toMatch(/> 5$/);
  expect(byName.ResponseTimeWarning.labels.severity).toBe("warning");
  expect(byName.ResponseTimeCritical.expr).toMatch(/> 10$/);
  expect(byName.ResponseTimeCritical.labels.severity).toBe("critical");
  expect(
    MEMORY_STEPS.map((s) => [byName[s.name].labels.severity, byName[s.name].expr.endsWith(`> ${s.ratio}`)]),
  ).toEqual([
    ["warning", true],
    ["high", true],
    ["critical", true],
    ["emergency", true],
  ]);
  expect(byName.ContainerMemoryExhaustionPredicted.expr).toContain("predict_linear(");
  expect(byName.ContainerCpuHigh.expr).toMatch(/> 0.8$/);
  expect(byName.ErrorRateHigh.expr).toBe("service:request_errors:ratio_rate5m > 0.001");
  expect(byName.AuthenticationFailureSpike.expr).toContain('status=~"401|403"');
});

test("SLOs: error ratios recorded per window, burn-rate alerts over two windows each, p95 under 200 ms", () => {
  const records = rules.filter((r) => !isAlert(r)).map((r) => (r as { record: string }).record);
  expect(records).toEqual([
    ...SLO_WINDOWS.map((w) => `service:request_errors:ratio_rate${w}`),
    "service:request_duration_seconds:p95_rate5m",
    "service:availability:ratio_rate1d",
  ]);
  const byName = Object.fromEntries(alerts.map((a) => [a.alert, a]));
  expect(byName.ErrorBudgetBurnFast.expr).toBe(
    "(service:request_errors:ratio_rate1h > (14.4 * 0.001) and service:request_errors:ratio_rate5m > (14.4 * 0.001)) or " +
      "(service:request_errors:ratio_rate6h > (6 * 0.001) and service:request_errors:ratio_rate30m > (6 * 0.001))",
  );
  expect(byName.ErrorBudgetBurnSlow.labels.severity).toBe("warning");
  expect(byName.LatencySloBreached.expr).toBe("service:request_duration_seconds:p95_rate5m > 0.2");
  expect(byName.AvailabilityBelowTarget.expr).toBe("service:availability:ratio_rate1d < 0.999");
});

test("other SLO targets change the thresholds", () => {
  const strict = platformRuleGroups(BASE, SCOPE, { availability: 0.9999, latencyP95Seconds: 0.1 })
    .flatMap((g) => g.rules)
    .filter(isAlert);
  const byName = Object.fromEntries(strict.map((a) => [a.alert, a]));
  expect(byName.AvailabilityBelowTarget.expr).toBe("service:availability:ratio_rate1d < 0.9999");
  expect(byName.ErrorBudgetBurnFast.expr).toContain("(14.4 * 0.0001)");
  expect(byName.LatencySloBreached.expr).toBe("service:request_duration_seconds:p95_rate5m > 0.1");
});

test("VaultSealed follows the server containers' readiness (the probe fails while sealed), not vault_core_unsealed", () => {
  const byName = Object.fromEntries(alerts.map((a) => [a.alert, a]));
  expect(byName.VaultSealed).toMatchObject({
    expr: 'kube_pod_container_status_ready{namespace="vault", container="vault"} == 0',
    for: "2m",
    labels: { severity: "critical" },
  });
  const other = platformRuleGroups(BASE, { ...SCOPE, vaultNamespace: "secrets" }).flatMap((g) => g.rules);
  expect(other.filter(isAlert).find((a) => a.alert === "VaultSealed")!.expr).toContain('namespace="secrets"');
  expect(rules.some((r) => r.expr.includes("vault_core_unsealed"))).toBe(false);
});

test("the certificate alert names the certificate's namespace (exported_namespace), not cert-manager's", () => {
  const cert = alerts.find((a) => a.alert === "CertificateExpiringSoon")!;
  expect(cert.annotations.summary).toBe(
    "Certificate {{ $labels.exported_namespace }}/{{ $labels.name }} expires within 7 days",
  );
});
