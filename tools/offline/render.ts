/**
 * Human-readable summary of an offline run: resource tree, counts by type, stack outputs. Every
 * line fits the given width (long names elided in the middle, long values wrapped), and colour is
 * used only when the style asks for it.
 */
import Table from "cli-table3";
import type { OfflineRun, RecordedResource } from "./harness";
import { elide, paint, type TerminalStyle, wrap } from "./terminal";

/** Compact table style: no rule between rows. */
export const COMPACT = {
  style: { head: [], border: [] },
  chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
};

/** Plain output, no width limit: what tests and files get. */
export const PLAIN: TerminalStyle = { colour: false };

/** Characters a two-column compact table adds around its cells: `│ a │ b │`. */
const TWO_COLUMN_FRAME = 7;

function flags(r: RecordedResource): string {
  return [
    r.protect ? "protected" : "",
    r.secretInputs.length > 0 ? `secret: ${r.secretInputs.join(", ")}` : "",
  ]
    .filter(Boolean)
    .join("; ");
}

/**
 * One tree line. Too wide: the type token is elided in the middle first (its ends say the most),
 * then, if that is not enough, the whole line.
 */
function label(r: RecordedResource, prefix: string, style: TerminalStyle): string {
  const f = flags(r);
  const rest = `  ${r.name}${f ? `  [${f}]` : ""}`;
  const room = style.width === undefined ? undefined : style.width - [...prefix].length - rest.length;
  const type = room !== undefined && room >= 16 ? elide(r.type, room) : r.type;
  const plain = `${prefix}${type}${rest}`;
  const fitted = elide(plain, style.width);
  if (!style.colour || fitted !== plain) {
    return fitted;
  }
  return `${prefix}${paint(true, "cyan", type)}  ${r.name}${f ? `  ${paint(true, "yellow", `[${f}]`)}` : ""}`;
}

/** The component tree, children under their parent, in registration order. */
export function renderTree(run: OfflineRun, style: TerminalStyle = PLAIN): string {
  const children = new Map<string, RecordedResource[]>();
  for (const r of run.resources) {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  const lines: string[] = [];
  const walk = (r: RecordedResource, prefix: string, last: boolean, root: boolean) => {
    lines.push(label(r, root ? "" : `${prefix}${last ? "└─ " : "├─ "}`, style));
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

export function renderCounts(run: OfflineRun, style: TerminalStyle = PLAIN): string {
  const total = String(run.resources.length);
  const countWidth = Math.max("count".length, total.length);
  const typeWidth = style.width === undefined ? undefined : style.width - countWidth - TWO_COLUMN_FRAME;
  const table = new Table({ head: ["type", "count"], ...COMPACT });
  for (const [type, n] of countsByType(run)) {
    table.push([elide(type, typeWidth), n]);
  }
  table.push(["total", total]);
  return table.toString();
}

function text(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Stack outputs, sorted; a long value wraps onto more lines instead of being cut. */
export function renderOutputs(run: OfflineRun, style: TerminalStyle = PLAIN): string {
  const entries = Object.entries(run.outputs).sort(([a], [b]) => a.localeCompare(b));
  const keyWidth = Math.max("output".length, ...entries.map(([k]) => k.length));
  const valueWidth =
    style.width === undefined ? undefined : Math.max(10, style.width - keyWidth - TWO_COLUMN_FRAME);
  const table = new Table({ head: ["output", "value"], ...COMPACT });
  for (const [key, value] of entries) {
    const shown = text(value);
    table.push([key, valueWidth === undefined ? shown : wrap(shown, valueWidth).join("\n")]);
  }
  return table.toString();
}
