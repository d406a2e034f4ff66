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
      out.push(`  [${v.policy}] (${v.category}) ${v.urn ?? "(stack)"}\n    ${v.message}`);
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

const fmt = (n: number | undefined) => (n === undefined ? "excluded" : n.toFixed(1));

function scorecardRows(card: Scorecard) {
  const categories = card.categories.map((c) => [
    c.category,
    String(c.weight),
    fmt(c.score),
    `${c.capabilitiesPassed}/${c.capabilitiesCounted}`,
  ]);
  const groups = card.groups.map((g) => [
    g.group,
    `> ${g.threshold}`,
    fmt(g.score),
    g.score === undefined ? "not assessed" : g.passes ? "pass" : "fail",
  ]);
  // Capabilities that did not pass: what is missing, failed or excluded, and why.
  const gaps = card.capabilities
    .filter((c) => c.status !== "passed")
    .map((c) => [
      c.category,
      c.id,
      c.status === "failed" ? `failed (${Math.round(100 * (c.score ?? 0))}%)` : c.status,
      c.status === "failed" ? "see violations" : c.why.join("; "),
    ]);
  const notApplicable = card.notApplicable.map((n) => [n.policy, n.reasons.join("; ")]);
  return { categories, groups, gaps, notApplicable };
}

const CATEGORY_HEADER = ["Category", "Weight", "Score", "Capabilities passed"];
const GROUP_HEADER = ["Group", "Threshold", "Score", "Result"];
const GAP_HEADER = ["Category", "Capability", "Status", "Why"];
const NA_HEADER = ["Policy", "Why it did not apply"];

function overallLine(card: Scorecard): string {
  return (
    `Overall: ${fmt(card.overall)} (threshold > ${card.overallThreshold}; no category below ${card.categoryFloor}; ` +
    `covers ${card.coveredWeight}/100 of the category weight)`
  );
}

const verdictText = (card: Scorecard) =>
  `${card.verdict.toUpperCase()}${card.reasons.length ? ` (${card.reasons.join("; ")})` : ""}`;

export function renderScorecard(card: Scorecard): string {
  const { categories, groups, gaps, notApplicable } = scorecardRows(card);
  return [
    `Readiness scorecard: ${card.stack}`,
    textTable(CATEGORY_HEADER, categories),
    "",
    textTable(GROUP_HEADER, groups),
    "",
    overallLine(card),
    `Verdict: ${verdictText(card)}`,
    "",
    `Capabilities not passed (${gaps.length})`,
    gaps.length ? textTable(GAP_HEADER, gaps) : "None.",
    "",
    `Policies that did not apply (${notApplicable.length})`,
    notApplicable.length ? textTable(NA_HEADER, notApplicable) : "None.",
  ].join("\n");
}

export function renderMarkdown(evaluation: Evaluation, card: Scorecard): string {
  const { categories, groups, gaps, notApplicable } = scorecardRows(card);
  const violations = groupViolations(evaluation.violations).flatMap((g) =>
    g.items.map((v) => [g.title, v.category, v.policy, v.urn ? `\`${v.urn}\`` : "(stack)", v.message]),
  );
  return [
    `# Readiness scorecard: ${card.stack}`,
    "",
    `**Verdict: ${verdictText(card)}**`,
    "",
    overallLine(card),
    "",
    "## Categories",
    "",
    markdownTable(CATEGORY_HEADER, categories),
    "",
    "## Go/no-go groups",
    "",
    markdownTable(GROUP_HEADER, groups),
    "",
    "## Capabilities not passed",
    "",
    gaps.length ? markdownTable(GAP_HEADER, gaps) : "None.",
    "",
    "## Violations",
    "",
    violations.length
      ? markdownTable(["Level / severity", "Category", "Policy", "Resource", "Message"], violations)
      : "None.",
    "",
    "## Policies that did not apply",
    "",
    notApplicable.length ? markdownTable(NA_HEADER, notApplicable) : "None.",
    "",
    summaryLine(evaluation),
    "",
  ].join("\n");
}
