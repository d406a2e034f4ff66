/**
 * What every policy of the pack carries besides CrossGuard's own fields: its readiness category,
 * the go/no-go group it counts for, and the public controls it mirrors.
 */
import type {
  EnforcementLevel,
  ResourceValidationPolicy,
  Severity,
  StackValidationPolicy,
} from "@pulumi/policy";

/** The seed assessments' readiness categories, with their weights (percent). */
export const CATEGORY_WEIGHTS = {
  "Container Orchestration": 15,
  "Network Security": 12,
  "Storage and Backup": 10,
  "Monitoring and Observability": 15,
  "CI/CD": 12,
  "Infrastructure as Code": 10,
  "Multi-Environment": 8,
  "Disaster Recovery": 8,
  "Auto-scaling": 5,
  "Cloud Integration": 5,
} as const;

export type ReadinessCategory = keyof typeof CATEGORY_WEIGHTS;
export const CATEGORIES = Object.keys(CATEGORY_WEIGHTS) as ReadinessCategory[];

/** Go/no-go groups of the seed assessments; each capability counts for exactly one. */
export type ReadinessGroup = "Security" | "Reliability" | "Scalability" | "Automation";

/** Scores a group (or the overall total) must exceed for a "go". */
export const GO_THRESHOLDS: Readonly<Record<ReadinessGroup | "Overall", number>> = {
  Security: 85,
  Reliability: 80,
  Scalability: 75,
  Automation: 70,
  Overall: 80,
};

/**
 * No category may score below this for a "go": a weighted mean would otherwise let strong
 * categories hide one that is mostly missing (docs/decisions/0086-go-no-go.md).
 */
export const CATEGORY_FLOOR = 50;

interface PlatformFields {
  readonly severity: Severity;
  readonly enforcementLevel: EnforcementLevel;
  /** The category its violations are listed under: that of the capability it proves (policy/capabilities.ts). */
  readonly category: ReadinessCategory;
  /**
   * @deprecated Ignored: the capability a policy proves decides the go/no-go group its verdicts
   * count for (policy/capabilities.ts). Kept optional so that older policy objects still compile.
   */
  readonly group?: ReadinessGroup;
  /** Public controls with the same intent: PSS, CIS EKS, AWS FSBP ids, EKS Best Practices, Checkov/kube-score/Polaris ids. */
  readonly references: readonly string[];
}

export type PlatformResourcePolicy = ResourceValidationPolicy & PlatformFields;
export type PlatformStackPolicy = StackValidationPolicy & PlatformFields;
export type PlatformPolicy = PlatformResourcePolicy | PlatformStackPolicy;

/** Per-policy facts the scorecard and the docs use. */
export interface PolicyMetadata {
  readonly category: ReadinessCategory;
  readonly severity: Severity;
  readonly enforcementLevel: EnforcementLevel;
  readonly references: readonly string[];
  readonly kind: "resource" | "stack";
}
