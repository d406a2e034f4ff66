/**
 * The readiness scorecard, computed from the verdicts (docs/decisions/0085-capability-scorecard.md,
 * 0086-go-no-go.md).
 *
 * - A policy's pass rate is passed / assessed units (resources it judged, or 1 for a stack policy).
 * - A capability (policy/capabilities.ts) scores the severity-weighted mean pass rate of its
 *   policies that judged something (low 1, medium 2, high 3, critical 4). With no such policy (none
 *   in the pack, not applicable, disabled, or unknown during preview) it has no passing evidence and
 *   scores 0, unless the stack's `readiness-exclusions` config excludes it with a reason.
 * - A category (or group) scores the mean of its capabilities that are not excluded, times 100;
 *   overall is the category-weight mean over the categories with a score.
 * - Verdict "go" needs no mandatory violation, every mandatory check run, every group and the
 *   overall score above their thresholds, and no category below {@link CATEGORY_FLOOR}.
 */
import type { Severity } from "@pulumi/policy";
import { CAPABILITIES, type Capability } from "../../policy/capabilities";
import { READINESS_EXCLUSIONS } from "../../policy/readiness";
import {
  CATEGORIES,
  CATEGORY_FLOOR,
  CATEGORY_WEIGHTS,
  GO_THRESHOLDS,
  type PolicyMetadata,
  type ReadinessCategory,
  type ReadinessGroup,
} from "../../policy/lib/types";
import type { ResolvedPolicyConfig } from "./config";
import type { Evaluation, PolicyOutcome } from "./evaluate";

export const SEVERITY_WEIGHTS: Readonly<Record<Severity, number>> = {
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};
export const GROUPS: readonly ReadinessGroup[] = ["Security", "Reliability", "Scalability", "Automation"];

export type CapabilityStatus = "passed" | "failed" | "missing" | "excluded";

export interface CapabilityScore {
  readonly id: string;
  readonly category: ReadinessCategory;
  readonly group: ReadinessGroup;
  readonly title: string;
  readonly status: CapabilityStatus;
  /** 0-1, or undefined when excluded. */
  readonly score?: number;
  /** Why it is missing (no evidence) or excluded; empty when it passed or failed on evidence. */
  readonly why: readonly string[];
}

export interface Score {
  /** 0-100 with one decimal, or undefined when every capability is excluded. */
  readonly score?: number;
  /** Capabilities that passed / capabilities counted (excluded ones are not counted). */
  readonly capabilitiesPassed: number;
  readonly capabilitiesCounted: number;
}

export interface CategoryScore extends Score {
  readonly category: ReadinessCategory;
  readonly weight: number;
}

export interface GroupScore extends Score {
  readonly group: ReadinessGroup;
  readonly threshold: number;
  readonly passes: boolean;
}

/** A policy that judged nothing, and why. */
export interface NotApplicablePolicy {
  readonly policy: string;
  readonly reasons: readonly string[];
}

export interface Scorecard {
  readonly stack: string;
  readonly capabilities: readonly CapabilityScore[];
  readonly categories: readonly CategoryScore[];
  readonly groups: readonly GroupScore[];
  readonly overall?: number;
  readonly overallThreshold: number;
  readonly categoryFloor: number;
  readonly coveredWeight: number;
  readonly mandatoryViolations: number;
  readonly notApplicable: readonly NotApplicablePolicy[];
  readonly verdict: "go" | "no-go";
  readonly reasons: readonly string[];
}

const round = (n: number) => Math.round(n * 10) / 10;
const TYPE_ONLY = /^Policy only applies to resources of type '(.+)'$/;

/** A policy's not-applicable reasons, with CrossGuard's per-type lines folded into one. */
export function notApplicableReasons(outcome: PolicyOutcome): string[] {
  const types = outcome.notApplicable.map((r) => TYPE_ONLY.exec(r)?.[1]).filter((t) => t !== undefined);
  const others = outcome.notApplicable.filter((r) => !TYPE_ONLY.test(r));
  if (others.length > 0) {
    return others;
  }
  return types.length > 0 ? [`No resource of type ${types.join(", ")} in the stack`] : ["Nothing to judge"];
}

/** Why a policy gave no evidence: disabled, not applicable, or unknown during preview. */
function noEvidence(name: string, outcome: PolicyOutcome | undefined): string {
  if (!outcome) {
    return `${name}: not in the pack`;
  }
  if (outcome.enforcementLevel === "disabled") {
    return `${name}: disabled by the stack's policy config`;
  }
  if (outcome.notAssessed.length > 0) {
    return `${name}: could not run on values unknown during preview`;
  }
  return `${name}: ${notApplicableReasons(outcome).join("; ")}`;
}

function scoreCapability(
  capability: Capability,
  outcomes: ReadonlyMap<string, PolicyOutcome>,
  metadata: Readonly<Record<string, PolicyMetadata>>,
  excluded: Readonly<Record<string, string>>,
): CapabilityScore {
  const base = {
    id: capability.id,
    category: capability.category,
    group: capability.group,
    title: capability.title,
  };
  if (excluded[capability.id] !== undefined) {
    return { ...base, status: "excluded", why: [excluded[capability.id]] };
  }
  let weighted = 0;
  let weights = 0;
  for (const name of capability.policies) {
    const outcome = outcomes.get(name);
    if (outcome && outcome.assessed > 0 && metadata[name]) {
      const w = SEVERITY_WEIGHTS[metadata[name].severity];
      weighted += w * (outcome.passed / outcome.assessed);
      weights += w;
    }
  }
  if (weights === 0) {
    const why =
      capability.policies.length === 0
        ? ["no policy of the pack proves it yet"]
        : capability.policies.map((p) => noEvidence(p, outcomes.get(p)));
    return { ...base, status: "missing", score: 0, why };
  }
  const score = weighted / weights;
  return { ...base, status: score === 1 ? "passed" : "failed", score, why: [] };
}

function aggregate(capabilities: readonly CapabilityScore[]): Score {
  const counted = capabilities.filter((c) => c.status !== "excluded");
  const sum = counted.reduce((s, c) => s + (c.score ?? 0), 0);
  return {
    ...(counted.length > 0 ? { score: round((100 * sum) / counted.length) } : {}),
    capabilitiesPassed: counted.filter((c) => c.status === "passed").length,
    capabilitiesCounted: counted.length,
  };
}

function verdictReasons(
  evaluation: Evaluation,
  categories: readonly CategoryScore[],
  groups: readonly GroupScore[],
  overall: number | undefined,
): string[] {
  const reasons: string[] = [];
  const mandatory = evaluation.violations.filter((v) => v.enforcementLevel === "mandatory").length;
  if (mandatory > 0) {
    reasons.push(`${mandatory} mandatory violation(s)`);
  }
  // A mandatory check that could not run (a value unknown until apply) may hide a violation.
  const unassessed = evaluation.outcomes
    .filter((o) => o.enforcementLevel === "mandatory" || o.enforcementLevel === "remediate")
    .reduce((sum, o) => sum + o.notAssessed.length, 0);
  if (unassessed > 0) {
    reasons.push(`${unassessed} mandatory check(s) could not run on values unknown during preview`);
  }
  for (const g of groups) {
    if (g.score === undefined) {
      reasons.push(`${g.group} not assessed`);
    } else if (!g.passes) {
      reasons.push(`${g.group} ${g.score} is not above ${g.threshold}`);
    }
  }
  if (overall === undefined) {
    reasons.push("Overall not assessed");
  } else if (!(overall > GO_THRESHOLDS.Overall)) {
    reasons.push(`Overall ${overall} is not above ${GO_THRESHOLDS.Overall}`);
  }
  for (const c of categories) {
    if (c.score !== undefined && c.score < CATEGORY_FLOOR) {
      reasons.push(`${c.category} ${c.score} is below the floor of ${CATEGORY_FLOOR}`);
    }
  }
  return reasons;
}

/** The stack's excluded capabilities (id to reason), from the resolved `readiness-exclusions` config. */
export function exclusionsOf(config?: ReadonlyMap<string, ResolvedPolicyConfig>): Record<string, string> {
  const value = config?.get(READINESS_EXCLUSIONS)?.properties.capabilities;
  return value !== null && typeof value === "object" ? (value as Record<string, string>) : {};
}

export function computeScorecard(
  evaluation: Evaluation,
  metadata: Readonly<Record<string, PolicyMetadata>>,
  config?: ReadonlyMap<string, ResolvedPolicyConfig>,
  capabilities: readonly Capability[] = CAPABILITIES,
): Scorecard {
  const outcomes = new Map(evaluation.outcomes.map((o) => [o.policy, o]));
  const excluded = exclusionsOf(config);
  const scored = capabilities.map((c) => scoreCapability(c, outcomes, metadata, excluded));
  const categories = CATEGORIES.map((category) => ({
    category,
    weight: CATEGORY_WEIGHTS[category],
    ...aggregate(scored.filter((c) => c.category === category)),
  }));
  const groups = GROUPS.map((group) => {
    const s = aggregate(scored.filter((c) => c.group === group));
    return {
      group,
      threshold: GO_THRESHOLDS[group],
      passes: s.score !== undefined && s.score > GO_THRESHOLDS[group],
      ...s,
    };
  });
  const covered = categories.filter((c) => c.score !== undefined);
  const coveredWeight = covered.reduce((sum, c) => sum + c.weight, 0);
  const overall =
    coveredWeight > 0
      ? round(covered.reduce((sum, c) => sum + c.weight * c.score!, 0) / coveredWeight)
      : undefined;
  const reasons = verdictReasons(evaluation, categories, groups, overall);
  const proving = new Set(capabilities.flatMap((c) => c.policies));
  return {
    stack: evaluation.stack,
    capabilities: scored,
    categories,
    groups,
    ...(overall !== undefined ? { overall } : {}),
    overallThreshold: GO_THRESHOLDS.Overall,
    categoryFloor: CATEGORY_FLOOR,
    coveredWeight,
    mandatoryViolations: evaluation.violations.filter((v) => v.enforcementLevel === "mandatory").length,
    notApplicable: evaluation.outcomes
      .filter((o) => o.assessed === 0 && o.notAssessed.length === 0 && proving.has(o.policy))
      .map((o) => ({
        policy: o.policy,
        reasons:
          o.enforcementLevel === "disabled"
            ? ["Disabled by the stack's policy config"]
            : notApplicableReasons(o),
      })),
    verdict: reasons.length === 0 ? "go" : "no-go",
    reasons,
  };
}
