/** Terminal and Markdown rendering of violations and the scorecard (a small table renderer, no dependency). */
import type { Severity } from "@pulumi/policy";
import type { Evaluation, Violation } from "./evaluate";
import type { Scorecard } from "./scorecard";

const SEVERITY_ORDER: readonly Severity[] = ["critical", "high", "medium", "low"];

/** Plain-text table with a header rule; cells are single-line. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (c: string) => c.replace(/\|/g, "\\|");
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}

/** Violations grouped by enforcement level (mandatory first), then severity. */
export function groupViolations(violations: readonly Violation[]): { title: string; items: Violation[] }[] {
  const groups: { title: string; items: Violation[] }[] = [];
  for (const level of ["mandatory", "advisory"] as const) {
    for (const severity of SEVERITY_ORDER) {
      const items = violations.filter((v) => v.enforcementLevel === level && v.severity === severity);
      if (items.length > 0) {
        groups.push({ title: `${level} / ${severity}`, items });
      }
    }
  }
  return groups;
}

export function summaryLine(evaluation: Evaluation): string {
  const mandatory = evaluation.violations.filter((v) => v.enforcementLevel === "mandatory").length;
  const advisory = evaluation.violations.length - mandatory;
  const notAssessed = evaluation.outcomes.reduce((n, o) => n + o.notAssessed.length, 0);
  const ran = evaluation.outcomes.filter((o) => o.assessed > 0).length;
  return (
    `${evaluation.stack}: ${mandatory} mandatory and ${advisory} advisory violation(s); ` +
    `${ran}/${evaluation.outcomes.length} policies applied to ${evaluation.resourceCount} resources` +
    (notAssessed > 0 ? `; ${notAssessed} check(s) not assessed (unknown during preview)` : "")
  );
}

export function renderViolations(evaluation: Evaluation): string {
  const out: string[] = [];
  for (const group of groupViolations(evaluation.violations)) {
    out.push(`\n${group.title.toUpperCase()} (${group.items.length})`);
    for (const v of group.items) {
      out.push(`  [${v.policy}] ${v.urn ?? "(stack)"}\n    ${v.message}`);
    }
  }
  const unknown = evaluation.outcomes.flatMap((o) =>
    o.notAssessed.map((n) => `  [${o.policy}] ${n.urn ?? "(stack)"}: ${n.reason}`),
  );
  if (unknown.length > 0) {
    out.push(`\nNOT ASSESSED (${unknown.length})`, ...unknown);
  }
  out.push("", summaryLine(evaluation));
  return out.join("\n").replace(/^\n/, "");
}

const fmt = (n: number | undefined) => (n === undefined ? "not assessed" : n.toFixed(1));

function scorecardRows(card: Scorecard) {
  const categories = card.categories.map((c) => [
    c.category,
    String(c.weight),
    fmt(c.score),
    `${c.policiesAssessed}/${c.policiesTotal}`,
  ]);
  const groups = card.groups.map((g) => [
    g.group,
    `> ${g.threshold}`,
    fmt(g.score),
    g.score === undefined ? "not assessed" : g.passes ? "pass" : "fail",
  ]);
  return { categories, groups };
}

export function renderScorecard(card: Scorecard): string {
  const { categories, groups } = scorecardRows(card);
  return [
    `Readiness scorecard: ${card.stack}`,
    textTable(["Category", "Weight", "Score", "Policies assessed"], categories),
    "",
    textTable(["Group", "Threshold", "Score", "Result"], groups),
    "",
    `Overall: ${fmt(card.overall)} (threshold > ${card.overallThreshold}; covers ${card.coveredWeight}/100 of the category weight)`,
    `Verdict: ${card.verdict.toUpperCase()}${card.reasons.length ? ` (${card.reasons.join("; ")})` : ""}`,
  ].join("\n");
}

export function renderMarkdown(evaluation: Evaluation, card: Scorecard): string {
  const { categories, groups } = scorecardRows(card);
  const violations = groupViolations(evaluation.violations).flatMap((g) =>
    g.items.map((v) => [g.title, v.policy, v.urn ? `\`${v.urn}\`` : "(stack)", v.message]),
  );
  return [
    `# Readiness scorecard: ${card.stack}`,
    "",
    `**Verdict: ${card.verdict.toUpperCase()}**${card.reasons.length ? ` (${card.reasons.join("; ")})` : ""}`,
    "",
    `Overall: ${fmt(card.overall)} (threshold > ${card.overallThreshold}; covers ${card.coveredWeight}/100 of the category weight)`,
    "",
    "## Categories",
    "",
    markdownTable(["Category", "Weight", "Score", "Policies assessed"], categories),
    "",
    "## Go/no-go groups",
    "",
    markdownTable(["Group", "Threshold", "Score", "Result"], groups),
    "",
    "## Violations",
    "",
    violations.length
      ? markdownTable(["Level / severity", "Policy", "Resource", "Message"], violations)
      : "None.",
    "",
    summaryLine(evaluation),
    "",
  ].join("\n");
}
