/**
 * Human-readable summary of an offline run: resource tree, counts by type, stack outputs.
 */
import Table from "cli-table3";
import type { OfflineRun, RecordedResource } from "./harness";

/** Compact table style: no rule between rows. */
export const COMPACT = {
  style: { head: [], border: [] },
  chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
};

function label(r: RecordedResource): string {
  const flags = [
    r.protect ? "protected" : "",
    r.secretInputs.length > 0 ? `secret: ${r.secretInputs.join(", ")}` : "",
  ]
    .filter(Boolean)
    .join("; ");
  return `${r.type}  ${r.name}${flags ? `  [${flags}]` : ""}`;
}

/** The component tree, children under their parent, in registration order. */
export function renderTree(run: OfflineRun): string {
  const children = new Map<string, RecordedResource[]>();
  for (const r of run.resources) {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  const lines: string[] = [];
  const walk = (r: RecordedResource, prefix: string, last: boolean, root: boolean) => {
    lines.push(root ? label(r) : `${prefix}${last ? "└─ " : "├─ "}${label(r)}`);
    const kids = children.get(r.urn) ?? [];
    const nextPrefix = root ? "" : `${prefix}${last ? "   " : "│  "}`;
    kids.forEach((k, i) => walk(k, nextPrefix, i === kids.length - 1, false));
  };
  for (const root of children.get("") ?? []) {
    walk(root, "", true, true);
  }
  return lines.join("\n");
}

/** Resource counts per type, most frequent first. */
export function countsByType(run: OfflineRun): [string, number][] {
  const counts = new Map<string, number>();
  for (const r of run.resources) {
    counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export function renderCounts(run: OfflineRun): string {
  const table = new Table({ head: ["type", "count"], ...COMPACT });
  for (const [type, n] of countsByType(run)) {
    table.push([type, n]);
  }
  table.push(["total", run.resources.length]);
  return table.toString();
}

function short(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

export function renderOutputs(run: OfflineRun): string {
  const table = new Table({ head: ["output", "value"], ...COMPACT });
  for (const [key, value] of Object.entries(run.outputs).sort(([a], [b]) => a.localeCompare(b))) {
    table.push([key, short(value)]);
  }
  return table.toString();
}
