/**
 * A pull-request summary of an offline preview, in Markdown: resources by type and, given the plan
 * of the base branch, what the change adds, removes and modifies (tools/plan/compare.ts).
 */
import type { PlanFile } from "./plan";
import { comparePlans, type PlanComparison } from "../plan/compare";

/** Type token and name of a URN (`urn:pulumi:<stack>::<project>::<parents$>type::name`). */
export function urnParts(urn: string): { type: string; name: string } {
  const [, , typePath = "", ...rest] = urn.split("::");
  return { type: typePath.split("$").at(-1) ?? typePath, name: rest.join("::") };
}

function countTypes(plan: PlanFile): Map<string, number> {
  const counts = new Map<string, number>();
  for (const step of plan.steps) {
    const type = step.newState?.type ?? urnParts(step.urn).type;
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

function item(urn: string, detail?: string): string {
  const { type, name } = urnParts(urn);
  return `- \`${type}\` \`${name}\`${detail ? `: ${detail}` : ""}`;
}

function details(title: string, lines: string[]): string[] {
  return lines.length === 0
    ? []
    : [`<details><summary>${title} (${lines.length})</summary>`, "", ...lines, "", "</details>", ""];
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : "0";
}

/** One line per difference for a terminal: `+ type  name`, `- type  name`, `~ type  name: fields`. */
export function comparisonLines(c: PlanComparison): string[] {
  const line = (mark: string, urn: string, fields?: readonly string[]) => {
    const { type, name } = urnParts(urn);
    return `${mark} ${type}  ${name}${fields ? `: ${fields.join(", ")}` : ""}`;
  };
  return [
    ...c.added.map((urn) => line("+", urn)),
    ...c.removed.map((urn) => line("-", urn)),
    ...c.changed.map((ch) => line("~", ch.urn, ch.fields)),
  ];
}

/** One-line count of a comparison: `3 added, 1 removed, 2 modified`. */
export function comparisonSummary(c: PlanComparison): string {
  return `${c.added.length} added, ${c.removed.length} removed, ${c.changed.length} modified`;
}

/**
 * The summary: a heading, the resource count, then either the counts by type or, with `base`,
 * the counts before and after and the lists of added, removed and modified resources (with the
 * fields that change), each folded under a `<details>`.
 */
export function renderPreviewMarkdown(
  stack: string,
  plan: PlanFile,
  base?: { label: string; plan: PlanFile },
): string {
  const after = countTypes(plan);
  const lines = [
    `## Offline preview of \`${stack}\``,
    "",
    `${plan.steps.length} resources, from the program run against mocked providers (\`npm run preview -- ${stack}\`).`,
    "",
  ];
  if (base === undefined) {
    lines.push("| type | count |", "| --- | ---: |");
    for (const [type, n] of [...after.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
      lines.push(`| \`${type}\` | ${n} |`);
    }
    return `${lines.join("\n")}\n`;
  }
  const comparison = comparePlans(base.plan, plan);
  const before = countTypes(base.plan);
  lines.push(`### Against \`${base.label}\`: ${comparisonSummary(comparison)}`, "");
  const types = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changedTypes = types.filter((t) => (before.get(t) ?? 0) !== (after.get(t) ?? 0));
  if (changedTypes.length > 0) {
    lines.push("| type | before | after | change |", "| --- | ---: | ---: | ---: |");
    for (const type of changedTypes) {
      const b = before.get(type) ?? 0;
      const a = after.get(type) ?? 0;
      lines.push(`| \`${type}\` | ${b} | ${a} | ${signed(a - b)} |`);
    }
    lines.push("");
  }
  lines.push(
    ...details(
      "Added",
      comparison.added.map((urn) => item(urn)),
    ),
    ...details(
      "Removed",
      comparison.removed.map((urn) => item(urn)),
    ),
    ...details(
      "Modified",
      comparison.changed.map((c) => item(c.urn, c.fields.join(", "))),
    ),
  );
  if (comparison.added.length + comparison.removed.length + comparison.changed.length === 0) {
    lines.push("No resource is added, removed or modified.", "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
