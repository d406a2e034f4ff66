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
  Severity,
} from "@pulumi/policy";
import type { PlatformPolicy } from "../../policy/lib/types";
import type { ResolvedPolicyConfig } from "./config";
import { isResourcePolicy, isStackPolicy, unknownCheckingProxy, UnknownValueError } from "./crossguard";
import type { PlanInput, PlanResource } from "./plan-input";

export interface Violation {
  readonly policy: string;
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
  throw new NotApplicable(reason);
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
    if (level === "disabled") {
      outcomes.push({
        policy: policy.name,
        enforcementLevel: level,
        assessed: 0,
        passed: 0,
        notAssessed: [],
      });
      continue;
    }
    const reported: EnforcementLevel = level === "remediate" ? "mandatory" : level;
    const getConfig = <T extends object>(): T => ({ ...(resolved?.properties ?? {}) }) as T;
    const notAssessed: { urn?: string; reason: string }[] = [];
    let assessed = 0;
    let passed = 0;
    const makeReport =
      (fallbackUrn: string | undefined, sink: Violation[]): ReportViolation =>
      (message, urn) =>
        sink.push({
          policy: policy.name,
          severity: policy.severity,
          enforcementLevel: reported as "advisory" | "mandatory",
          ...((urn ?? fallbackUrn) ? { urn: urn ?? fallbackUrn } : {}),
          message: message || policy.description,
        });
    const fail = (e: unknown, where: string): never => {
      const text = e instanceof Error ? e.message : String(e);
      throw new PolicyRuntimeError(`policy '${policy.name}' failed on ${where}: ${text}`);
    };

    if (isResourcePolicy(policy) && policy.validateResource) {
      const validations: ResourceValidation[] = Array.isArray(policy.validateResource)
        ? policy.validateResource
        : [policy.validateResource];
      // CrossGuard's fast type filter applies to a single function only, not to an array of one.
      const fastType = Array.isArray(policy.validateResource) ? undefined : pulumiTypeOf(validations[0]);
      for (const r of plan.resources) {
        if (fastType && r.type !== fastType) {
          continue;
        }
        const found: Violation[] = [];
        let applicable = false;
        let unknown: string | undefined;
        for (const validation of validations) {
          const props = unknownCheckingProxy({ ...r.props });
          const provider = providerOf(r);
          const args: ResourceValidationArgs = {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: optionsOf(r),
            stackTags: new Map<string, string>(),
            isType: (cls) => isTypeOf(r.type, cls),
            asType: ((cls: unknown) =>
              isTypeOf(r.type, cls) ? props : undefined) as ResourceValidationArgs["asType"],
            getConfig,
            notApplicable,
            ...(provider ? { provider } : {}),
          };
          try {
            await Promise.resolve(validation(args, makeReport(r.urn, found)));
            applicable = true;
          } catch (e) {
            if (e instanceof UnknownValueError) {
              unknown = e.message;
            } else if (!(e instanceof NotApplicable)) {
              fail(e, r.urn);
            }
          }
        }
        if (unknown !== undefined) {
          notAssessed.push({ urn: r.urn, reason: unknown });
        } else if (applicable) {
          assessed += 1;
          passed += found.length === 0 ? 1 : 0;
          violations.push(...found);
        }
      }
    } else if (isStackPolicy(policy)) {
      const resources = buildStackResources(plan.resources, providerOf);
      const found: Violation[] = [];
      try {
        await Promise.resolve(
          policy.validateStack(
            { resources, getConfig, notApplicable, stackTags: new Map<string, string>() },
            makeReport(undefined, found),
          ),
        );
        assessed = 1;
        passed = found.length === 0 ? 1 : 0;
        violations.push(...found);
      } catch (e) {
        if (e instanceof UnknownValueError) {
          notAssessed.push({ reason: e.message });
        } else if (!(e instanceof NotApplicable)) {
          fail(e, "the stack");
        }
      }
    }
    outcomes.push({ policy: policy.name, enforcementLevel: level, assessed, passed, notAssessed });
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
