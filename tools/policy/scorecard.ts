/**
 * The readiness scorecard, computed from the verdicts (docs/decisions/0033-readiness-scorecard.md).
 *
 * - A policy's score is passed / assessed units (resources it judged, or 1 for a stack policy);
 *   resources it could not judge (unknown during preview) and not-applicable ones do not count.
 * - A category's (or group's) score is the severity-weighted mean of its assessed policies' scores
 *   (low 1, medium 2, high 3, critical 4), times 100. No assessed policy: "not assessed".
 * - Overall is the category-weight mean over assessed categories; `coveredWeight` says how much
 *   of the 100 it rests on.
 * - Verdict "go" needs no mandatory violation, every group assessed and above its threshold, and
 *   overall above its threshold.
 */
import type { Severity } from "@pulumi/policy";
import {
  CATEGORIES,
  CATEGORY_WEIGHTS,
  GO_THRESHOLDS,
  type ReadinessCategory,
  type ReadinessGroup,
} from "../../policy/lib/types";
import type { PolicyMetadata } from "../../policy/lib/types";
import type { Evaluation } from "./evaluate";

export const SEVERITY_WEIGHTS: Readonly<Record<Severity, number>> = {
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};
export const GROUPS: readonly ReadinessGroup[] = ["Security", "Reliability", "Scalability", "Automation"];

export interface Score {
  /** 0-100 with one decimal, or undefined when no policy could judge anything. */
  readonly score?: number;
  readonly policiesAssessed: number;
  readonly policiesTotal: number;
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

export interface Scorecard {
  readonly stack: string;
  readonly categories: readonly CategoryScore[];
  readonly groups: readonly GroupScore[];
  readonly overall?: number;
  readonly overallThreshold: number;
  readonly coveredWeight: number;
  readonly mandatoryViolations: number;
  readonly verdict: "go" | "no-go";
  readonly reasons: readonly string[];
}

const round = (n: number) => Math.round(n * 10) / 10;

function scoreOf(
  names: readonly string[],
  evaluation: Evaluation,
  metadata: Readonly<Record<string, PolicyMetadata>>,
): Score {
  let weighted = 0;
  let weights = 0;
  let assessed = 0;
  for (const name of names) {
    const outcome = evaluation.outcomes.find((o) => o.policy === name);
    if (!outcome || outcome.assessed === 0) {
      continue;
    }
    const w = SEVERITY_WEIGHTS[metadata[name].severity];
    weighted += w * (outcome.passed / outcome.assessed);
    weights += w;
    assessed += 1;
  }
  return {
    ...(weights > 0 ? { score: round((100 * weighted) / weights) } : {}),
    policiesAssessed: assessed,
    policiesTotal: names.length,
  };
}

export function computeScorecard(
  evaluation: Evaluation,
  metadata: Readonly<Record<string, PolicyMetadata>>,
): Scorecard {
  const names = Object.keys(metadata);
  const categories = CATEGORIES.map((category) => ({
    category,
    weight: CATEGORY_WEIGHTS[category],
    ...scoreOf(
      names.filter((n) => metadata[n].category === category),
      evaluation,
      metadata,
    ),
  }));
  const groups = GROUPS.map((group) => {
    const s = scoreOf(
      names.filter((n) => metadata[n].group === group),
      evaluation,
      metadata,
    );
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
  const mandatoryViolations = evaluation.violations.filter((v) => v.enforcementLevel === "mandatory").length;

  // A mandatory check that could not run (a value unknown until apply) may hide a violation:
  // "go" is only claimed when every mandatory check actually ran.
  const mandatoryUnassessed = evaluation.outcomes
    .filter((o) => o.enforcementLevel === "mandatory" || o.enforcementLevel === "remediate")
    .reduce((sum, o) => sum + o.notAssessed.length, 0);

  const reasons: string[] = [];
  if (mandatoryViolations > 0) {
    reasons.push(`${mandatoryViolations} mandatory violation(s)`);
  }
  if (mandatoryUnassessed > 0) {
    reasons.push(`${mandatoryUnassessed} mandatory check(s) could not run on values unknown during preview`);
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
  return {
    stack: evaluation.stack,
    categories,
    groups,
    ...(overall !== undefined ? { overall } : {}),
    overallThreshold: GO_THRESHOLDS.Overall,
    coveredWeight,
    mandatoryViolations,
    verdict: reasons.length === 0 ? "go" : "no-go",
    reasons,
  };
}
