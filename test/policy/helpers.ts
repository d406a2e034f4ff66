/**
 * Builds small in-memory plans and runs policies on them through the real evaluator, so tests see
 * exactly what `npm run policy` reports.
 */
import type { PlatformPolicy } from "../../policy/lib/types";
import { resolveConfig } from "../../tools/policy/config";
import { evaluate, type Evaluation } from "../../tools/policy/evaluate";
import type { PlanResource } from "../../tools/policy/plan-input";

export const STACK = "test";
export const PROVIDER_URN = `urn:pulumi:${STACK}::platform::pulumi:providers:aws::aws`;

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:${STACK}::platform::${type}::${name}`;
}

export interface ResOptions {
  readonly dependsOn?: readonly PlanResource[];
  readonly protect?: boolean;
  readonly provider?: boolean;
}

/** A resource of the plan; `dependsOn` become URN dependencies, as input references are. */
export function res(
  type: string,
  name: string,
  props: Record<string, unknown>,
  opts: ResOptions = {},
): PlanResource {
  return {
    urn: urnOf(type, name),
    type,
    name,
    custom: true,
    props,
    protect: opts.protect ?? false,
    dependencies: (opts.dependsOn ?? []).map((d) => d.urn),
    ...(opts.provider ? { providerUrn: PROVIDER_URN } : {}),
  };
}

export const GOVERNANCE_TAGS = {
  Environment: STACK,
  Project: "platform",
  CostCenter: "Engineering",
  DataClassification: "Internal",
  Compliance: "none",
  BackupRequired: "false",
  ManagedBy: "pulumi",
};

/** The AWS provider with default tags JSON-encoded, as the engine stores provider config. */
export function awsProvider(tags: Record<string, string> = GOVERNANCE_TAGS): PlanResource {
  return {
    urn: PROVIDER_URN,
    type: "pulumi:providers:aws",
    name: "aws",
    custom: true,
    props: { region: "us-west-2", defaultTags: JSON.stringify({ tags }) },
    protect: false,
    dependencies: [],
  };
}

export async function run(
  policy: PlatformPolicy,
  resources: readonly PlanResource[],
  config: unknown = {},
): Promise<Evaluation> {
  return evaluate(
    { stack: STACK, project: "platform", resources },
    [policy],
    resolveConfig([policy], config),
  );
}

/** The violation messages of one policy on the given resources. */
export async function messages(
  policy: PlatformPolicy,
  resources: readonly PlanResource[],
  config: unknown = {},
): Promise<string[]> {
  return (await run(policy, resources, config)).violations.map((v) => v.message);
}

/** Deep copy with one path set (`a.b[0].c`), or removed when `value` is undefined. */
export function withPath<T>(obj: T, path: string, value: unknown): T {
  const copy = structuredClone(obj) as Record<string, unknown>;
  const keys = path.replace(/\[(\d+)\]/g, ".$1").split(".");
  let cur: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) {
    cur[k] ??= {};
    cur = cur[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) {
    delete cur[last];
  } else {
    cur[last] = value;
  }
  return copy as T;
}
