/**
 * Compares two plan files (ours or `pulumi preview --json`) by URN: the resources one adds, the ones
 * it removes and, for each URN in both, which of type, parent, provider, protect, dependencies and
 * inputs differ (input differences listed by top-level key). Used to prove a refactor changes
 * nothing (`npm run plan:compare -- OLD.json NEW.json` exits 1 on any difference) and by reviews.
 */
import { isDeepStrictEqual } from "util";
import type { PlanFile, PlanState } from "../offline/plan";

export interface PlanChange {
  readonly urn: string;
  /** `type`, `parent`, `provider`, `protect`, `dependencies` or `inputs.<key>`. */
  readonly fields: readonly string[];
}

export interface PlanComparison {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly PlanChange[];
}

function statesByUrn(plan: PlanFile): Map<string, PlanState> {
  const states = new Map<string, PlanState>();
  for (const step of plan.steps) {
    if (step.newState) {
      states.set(step.urn, step.newState);
    }
  }
  return states;
}

function changedFields(before: PlanState, after: PlanState): string[] {
  const fields: string[] = [];
  for (const key of ["type", "parent", "provider", "protect", "dependencies"] as const) {
    const normalise = (s: PlanState) =>
      key === "dependencies"
        ? [...(s.dependencies ?? [])].sort()
        : key === "protect"
          ? (s.protect ?? false)
          : s[key];
    if (!isDeepStrictEqual(normalise(before), normalise(after))) {
      fields.push(key);
    }
  }
  const keys = [...new Set([...Object.keys(before.inputs), ...Object.keys(after.inputs)])].sort();
  for (const key of keys) {
    if (!isDeepStrictEqual(before.inputs[key], after.inputs[key])) {
      fields.push(`inputs.${key}`);
    }
  }
  return fields;
}

/** What `after` adds, removes and changes relative to `before`, each list sorted by URN. */
export function comparePlans(before: PlanFile, after: PlanFile): PlanComparison {
  const old = statesByUrn(before);
  const next = statesByUrn(after);
  const added = [...next.keys()].filter((urn) => !old.has(urn)).sort();
  const removed = [...old.keys()].filter((urn) => !next.has(urn)).sort();
  const changed: PlanChange[] = [];
  for (const urn of [...next.keys()].sort()) {
    const was = old.get(urn);
    if (was) {
      const fields = changedFields(was, next.get(urn)!);
      if (fields.length > 0) {
        changed.push({ urn, fields });
      }
    }
  }
  return { added, removed, changed };
}

/** True when the two plans register the same resources with the same inputs and options. */
export function isIdentical(c: PlanComparison): boolean {
  return c.added.length === 0 && c.removed.length === 0 && c.changed.length === 0;
}

/** One line per difference: `+ urn`, `- urn`, `~ urn (fields)`. */
export function renderComparison(c: PlanComparison): string[] {
  return [
    ...c.added.map((urn) => `+ ${urn}`),
    ...c.removed.map((urn) => `- ${urn}`),
    ...c.changed.map((ch) => `~ ${ch.urn} (${ch.fields.join(", ")})`),
  ];
}
