/**
 * Reads a plan in the shape of `pulumi preview --json` (ours from tools/offline/plan.ts, or a real
 * one) into the resources CrossGuard would analyze: the new state of every step that has one.
 */
import type { PlanFile } from "../offline/plan";

/** A usage or input problem: the CLI prints the message on one line and exits 2. */
export class InputError extends Error {}

/** One resource as the analyzer sees it (props are the raw inputs; the evaluator wraps them). */
export interface PlanResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent?: string;
  readonly props: Record<string, unknown>;
  readonly protect: boolean;
  readonly dependencies: readonly string[];
  /** URN of the provider resource (the reference `urn::id` without its ID). */
  readonly providerUrn?: string;
}

export interface PlanInput {
  readonly stack: string;
  readonly project: string;
  readonly resources: readonly PlanResource[];
}

/** Ops whose step removes a resource: nothing to analyze. */
const REMOVING_OPS = new Set([
  "delete",
  "delete-replaced",
  "discard",
  "discard-replaced",
  "remove-pending-replace",
  "read-discard",
]);

/** `urn:pulumi:<stack>::<project>::<type>::<name>` */
export function parseUrn(urn: string): { stack: string; project: string; name: string } | undefined {
  const m = /^urn:pulumi:([^:]+)::([^:]+)::.*::([^:]*)$/s.exec(urn);
  return m ? { stack: m[1], project: m[2], name: m[3] } : undefined;
}

/** `urn::id` of a provider reference to the provider's URN. */
export function providerUrnOf(ref: unknown): string | undefined {
  if (typeof ref !== "string" || ref === "") {
    return undefined;
  }
  const cut = ref.lastIndexOf("::");
  return cut > 0 && ref.slice(0, cut).startsWith("urn:pulumi:") ? ref.slice(0, cut) : ref;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Validates the shape and converts it; every problem is an {@link InputError} naming the step. */
export function readPlan(data: unknown): PlanInput {
  if (!isObject(data) || !Array.isArray(data.steps)) {
    throw new InputError(
      "not a plan: expected a JSON object with a 'steps' array (the output of `pulumi preview --json`)",
    );
  }
  const byUrn = new Map<string, PlanResource>();
  (data as unknown as PlanFile).steps.forEach((step: unknown, i) => {
    if (!isObject(step) || typeof step.op !== "string" || typeof step.urn !== "string") {
      throw new InputError(`step ${i}: expected 'op' and 'urn' strings`);
    }
    const state = step.newState;
    if (REMOVING_OPS.has(step.op) || state === undefined) {
      return;
    }
    if (!isObject(state) || typeof state.type !== "string" || typeof state.urn !== "string") {
      throw new InputError(`step ${i} (${step.urn}): 'newState' needs 'urn' and 'type' strings`);
    }
    if (state.inputs !== undefined && !isObject(state.inputs)) {
      throw new InputError(`step ${i} (${step.urn}): 'newState.inputs' must be an object`);
    }
    const parsed = parseUrn(state.urn);
    if (!parsed) {
      throw new InputError(`step ${i}: '${state.urn}' is not a Pulumi URN`);
    }
    const deps = Array.isArray(state.dependencies)
      ? state.dependencies.filter((d): d is string => typeof d === "string")
      : [];
    byUrn.set(state.urn, {
      urn: state.urn,
      type: state.type,
      name: parsed.name,
      custom: state.custom !== false,
      ...(typeof state.parent === "string" && state.parent !== "" ? { parent: state.parent } : {}),
      props: (state.inputs as Record<string, unknown> | undefined) ?? {},
      protect: state.protect === true,
      dependencies: deps,
      ...(providerUrnOf(state.provider ?? step.provider)
        ? { providerUrn: providerUrnOf(state.provider ?? step.provider) }
        : {}),
    });
  });
  const resources = [...byUrn.values()];
  const first = resources.map((r) => parseUrn(r.urn)).find((p) => p !== undefined);
  if (!first) {
    throw new InputError("the plan has no resources to evaluate");
  }
  return { stack: first.stack, project: first.project, resources };
}
