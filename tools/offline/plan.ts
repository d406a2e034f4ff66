/**
 * The plan file: what the offline preview recorded, in the shape of `pulumi preview --json`, so the
 * policy evaluator reads ours and a real preview's alike. Secrets are `"[secret]"`, never values.
 */
import type { OfflineRun, RecordedResource } from "./harness";

/** `newState` of a step, as `pulumi preview --json` prints it. */
export interface PlanState {
  readonly urn: string;
  readonly type: string;
  readonly custom: boolean;
  readonly parent?: string;
  readonly inputs: Record<string, unknown>;
  readonly protect?: boolean;
  readonly retainOnDelete?: boolean;
  readonly dependencies?: readonly string[];
  readonly provider?: string;
  readonly id?: string;
}

export interface PlanStep {
  readonly op: string;
  readonly urn: string;
  readonly provider?: string;
  readonly newState?: PlanState;
}

export interface PlanFile {
  readonly steps: readonly PlanStep[];
  readonly changeSummary: Record<string, number>;
  /** Stack outputs with secrets masked (an extension; real plans carry them in the Stack's outputs). */
  readonly outputs?: Record<string, unknown>;
}

function toState(r: RecordedResource): PlanState {
  return {
    urn: r.urn,
    type: r.type,
    custom: r.custom,
    ...(r.parent ? { parent: r.parent } : {}),
    inputs: r.inputs,
    protect: r.protect,
    ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
    dependencies: r.dependencies,
    ...(r.provider ? { provider: r.provider } : {}),
  };
}

/** Every recorded resource becomes a `create` step, in registration order. */
export function toPlan(run: OfflineRun): PlanFile {
  const steps = run.resources.map((r) => ({
    op: "create",
    urn: r.urn,
    ...(r.provider ? { provider: r.provider } : {}),
    newState: toState(r),
  }));
  return { steps, changeSummary: { create: steps.length }, outputs: run.outputs };
}
