/**
 * Runs the pack's policies over a plan the way CrossGuard's analyzer does (node_modules/@pulumi/policy
 * server.js): resource policies once per resource with `validateResourceOfType` fast type matching,
 * stack policies once with every resource linked to its parent and dependencies, props wrapped in
 * CrossGuard's own unknown-checking proxy, enforcement levels and config as the CLI reconciles them.
 */
import type {
  EnforcementLevel,
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { PlatformPolicy, ReadinessCategory } from "../../policy/lib/types";
import type { ResolvedPolicyConfig } from "./config";
import { isResourcePolicy, isStackPolicy, unknownCheckingProxy, UnknownValueError } from "./crossguard";
import type { PlanInput, PlanResource } from "./plan-input";

export interface Violation {
  readonly policy: string;
  /** The readiness category of the policy. */
  readonly category: ReadinessCategory;
  readonly severity: Severity;
  /** Effective level; `remediate` is reported as `mandatory`, as CrossGuard does. */
  readonly enforcementLevel: "advisory" | "mandatory";
  readonly urn?: string;
  readonly message: string;
}

/** What one policy concluded: units judged (resources, or 1 for a stack policy), how many passed. */
export interface PolicyOutcome {
  readonly policy: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly assessed: number;
  readonly passed: number;
  /** Resources (or the stack) the policy could not judge because a value is unknown during preview. */
  readonly notAssessed: readonly { urn?: string; reason: string }[];
  /** Distinct reasons the policy gave for not applying (to a resource, or to the stack); "disabled" included. */
  readonly notApplicable: readonly string[];
}

export interface Evaluation {
  readonly stack: string;
  readonly project: string;
  readonly violations: readonly Violation[];
  readonly outcomes: readonly PolicyOutcome[];
  readonly resourceCount: number;
}

/** A policy threw something other than a violation, unknown value or not-applicable: CrossGuard fails the preview. */
export class PolicyRuntimeError extends Error {}

class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason ?? "Not applicable");
};

function pulumiTypeOf(x: unknown): string | undefined {
  const t = (x as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof t === "string" && t.length > 0 ? t : undefined;
}

function isTypeOf(type: string, cls: unknown): boolean {
  const pt = pulumiTypeOf(cls);
  if (pt) {
    return type === pt;
  }
  const isInstance = (cls as { isInstance?: (o: unknown) => boolean }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function optionsOf(r: PlanResource): PolicyResourceOptions {
  return {
    protect: r.protect,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.parent ? { parent: r.parent } : {}),
  };
}

/** What a policy needs to judge and report, whatever its kind. */
interface PolicyRun {
  readonly policy: PlatformPolicy;
  readonly reported: "advisory" | "mandatory";
  readonly getConfig: <T extends object>() => T;
  readonly providerOf: (r: PlanResource) => PolicyProviderResource | undefined;
}

/** A tally of one policy's verdicts. */
interface Tally {
  assessed: number;
  passed: number;
  readonly violations: Violation[];
  readonly notAssessed: { urn?: string; reason: string }[];
  readonly notApplicable: Set<string>;
}

function reporter(run: PolicyRun, fallbackUrn: string | undefined, sink: Violation[]): ReportViolation {
  return (message, urn) =>
    sink.push({
      policy: run.policy.name,
      category: run.policy.category,
      severity: run.policy.severity,
      enforcementLevel: run.reported,
      ...((urn ?? fallbackUrn) ? { urn: urn ?? fallbackUrn } : {}),
      message: message || run.policy.description,
    });
}

function runtimeError(policy: PlatformPolicy, e: unknown, where: string): PolicyRuntimeError {
  const text = e instanceof Error ? e.message : String(e);
  return new PolicyRuntimeError(`policy '${policy.name}' failed on ${where}: ${text}`);
}

function resourceArgs(run: PolicyRun, r: PlanResource): ResourceValidationArgs {
  const props = unknownCheckingProxy({ ...r.props });
  const provider = run.providerOf(r);
  return {
    type: r.type,
    props,
    urn: r.urn,
    name: r.name,
    opts: optionsOf(r),
    stackTags: new Map<string, string>(),
    isType: (cls) => isTypeOf(r.type, cls),
    asType: ((cls: unknown) =>
      isTypeOf(r.type, cls) ? props : undefined) as ResourceValidationArgs["asType"],
    getConfig: run.getConfig,
    notApplicable,
    ...(provider ? { provider } : {}),
  };
}

/** Runs a resource policy on one resource: every validation function, as the analyzer's `Analyze` does. */
async function judgeResource(
  run: PolicyRun,
  validations: readonly ResourceValidation[],
  r: PlanResource,
  tally: Tally,
): Promise<void> {
  const found: Violation[] = [];
  let applicable = false;
  let unknown: string | undefined;
  for (const validation of validations) {
    try {
      await Promise.resolve(validation(resourceArgs(run, r), reporter(run, r.urn, found)));
      applicable = true;
    } catch (e) {
      if (e instanceof UnknownValueError) {
        unknown = e.message;
      } else if (e instanceof NotApplicable) {
        tally.notApplicable.add(e.message);
      } else {
        throw runtimeError(run.policy, e, r.urn);
      }
    }
  }
  if (unknown !== undefined) {
    tally.notAssessed.push({ urn: r.urn, reason: unknown });
  } else if (applicable) {
    tally.assessed += 1;
    tally.passed += found.length === 0 ? 1 : 0;
    tally.violations.push(...found);
  }
}

async function judgeResources(
  run: PolicyRun,
  policy: ResourceValidationPolicy,
  resources: readonly PlanResource[],
  tally: Tally,
): Promise<void> {
  if (!policy.validateResource) {
    tally.notApplicable.add("Policy does not implement validateResource");
    return;
  }
  const validations = Array.isArray(policy.validateResource)
    ? policy.validateResource
    : [policy.validateResource];
  // CrossGuard's fast type filter applies to a single function only, not to an array of one.
  const fastType = Array.isArray(policy.validateResource) ? undefined : pulumiTypeOf(validations[0]);
  for (const r of resources) {
    if (fastType && r.type !== fastType) {
      tally.notApplicable.add(`Policy only applies to resources of type '${fastType}'`);
      continue;
    }
    await judgeResource(run, validations, r, tally);
  }
}

async function judgeStack(
  run: PolicyRun,
  policy: StackValidationPolicy,
  plan: PlanInput,
  tally: Tally,
): Promise<void> {
  const found: Violation[] = [];
  try {
    const resources = buildStackResources(plan.resources, run.providerOf);
    await Promise.resolve(
      policy.validateStack(
        { resources, getConfig: run.getConfig, notApplicable, stackTags: new Map<string, string>() },
        reporter(run, undefined, found),
      ),
    );
    tally.assessed = 1;
    tally.passed = found.length === 0 ? 1 : 0;
    tally.violations.push(...found);
  } catch (e) {
    if (e instanceof UnknownValueError) {
      tally.notAssessed.push({ reason: e.message });
    } else if (e instanceof NotApplicable) {
      tally.notApplicable.add(e.message);
    } else {
      throw runtimeError(policy as PlatformPolicy, e, "the stack");
    }
  }
}

/** Evaluates `policies` over `plan` with the resolved config of each. */
export async function evaluate(
  plan: PlanInput,
  policies: readonly PlatformPolicy[],
  config: ReadonlyMap<string, ResolvedPolicyConfig>,
): Promise<Evaluation> {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const providerOf = (r: PlanResource): PolicyProviderResource | undefined => {
    const p = r.providerUrn ? byUrn.get(r.providerUrn) : undefined;
    return p
      ? { type: p.type, props: unknownCheckingProxy({ ...p.props }), urn: p.urn, name: p.name }
      : undefined;
  };
  const violations: Violation[] = [];
  const outcomes: PolicyOutcome[] = [];

  for (const policy of policies) {
    const resolved = config.get(policy.name);
    const level = resolved?.enforcementLevel ?? policy.enforcementLevel;
    const tally: Tally = {
      assessed: 0,
      passed: 0,
      violations: [],
      notAssessed: [],
      notApplicable: new Set(),
    };
    if (level === "disabled") {
      tally.notApplicable.add("Disabled by the stack's policy config");
    } else {
      const run: PolicyRun = {
        policy,
        reported: level === "remediate" ? "mandatory" : level,
        getConfig: <T extends object>(): T => ({ ...(resolved?.properties ?? {}) }) as T,
        providerOf,
      };
      if (isResourcePolicy(policy)) {
        await judgeResources(run, policy, plan.resources, tally);
      } else if (isStackPolicy(policy)) {
        await judgeStack(run, policy, plan, tally);
      }
    }
    violations.push(...tally.violations);
    outcomes.push({
      policy: policy.name,
      enforcementLevel: level,
      assessed: tally.assessed,
      passed: tally.passed,
      notAssessed: tally.notAssessed,
      notApplicable: [...tally.notApplicable],
    });
  }
  return {
    stack: plan.stack,
    project: plan.project,
    violations,
    outcomes,
    resourceCount: plan.resources.length,
  };
}

function buildStackResources(
  planResources: readonly PlanResource[],
  providerOf: (r: PlanResource) => PolicyProviderResource | undefined,
): PolicyResource[] {
  const resources = planResources.map((r): PolicyResource => {
    const props = unknownCheckingProxy({ ...r.props });
    const provider = providerOf(r);
    return {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: optionsOf(r),
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => isTypeOf(r.type, cls),
      asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as PolicyResource["asType"],
      ...(provider ? { provider } : {}),
    };
  });
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  planResources.forEach((r, i) => {
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    if (parent) {
      resources[i].parent = parent;
    }
    resources[i].dependencies = r.dependencies
      .map((d) => byUrn.get(d))
      .filter((d): d is PolicyResource => d !== undefined);
  });
  return resources;
}
