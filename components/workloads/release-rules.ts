/**
 * The `release` declaration: its defaults (the assessment's canary: 10 % steps up to 50 %, a
 * measurement every minute, rollback after 5 failed checks, success rate >= 99 %, p95 <= 500 ms,
 * error rate <= 1 %) and the rules about it. Pure; the config schema and the component both run
 * {@link releaseProblems} through `crossFieldProblems`.
 */
import type { ReleaseCheckDeclaration, ServiceDeclaration, SpecProblem } from "./declaration";
import { imageProblem } from "./field-rules";

/** Image of the default acceptance test (curl of the readiness path through the canary Service). */
export const RELEASE_CHECK_IMAGE = "curlimages/curl:8.11.1";
/** Requests and limits of a release check's container (acceptance test, load generator). */
export const RELEASE_CHECK_RESOURCES = {
  requests: { cpu: "50m", memory: "64Mi" },
  limits: { cpu: "500m", memory: "128Mi" },
} as const;

/** A canary release with every default applied. */
export interface CanaryRelease {
  readonly strategy: "canary";
  readonly steps: readonly number[];
  readonly stepPauseSeconds: number;
  readonly analysisIntervalSeconds: number;
  readonly failureLimit: number;
  readonly successRate: number;
  readonly latencyP95Ms: number;
  readonly errorRate: number;
  /** The declared acceptance test; undefined for the default curl of the readiness path. */
  readonly acceptance: ReleaseCheckDeclaration | undefined;
  readonly load: ReleaseCheckDeclaration | undefined;
}

/** The assessment's canary. */
export const DEFAULT_CANARY: Omit<CanaryRelease, "acceptance" | "load"> = {
  strategy: "canary",
  steps: [10, 20, 30, 40, 50],
  stepPauseSeconds: 300,
  analysisIntervalSeconds: 60,
  failureLimit: 5,
  successRate: 0.99,
  latencyP95Ms: 500,
  errorRate: 0.01,
};

/** The canary release of a declaration with defaults applied; undefined for a rolling release. */
export function canaryRelease(decl: Pick<ServiceDeclaration, "release">): CanaryRelease | undefined {
  const r = decl.release;
  if (r?.strategy !== "canary") {
    return undefined;
  }
  return {
    strategy: "canary",
    steps: r.steps ?? DEFAULT_CANARY.steps,
    stepPauseSeconds: r.stepPauseSeconds ?? DEFAULT_CANARY.stepPauseSeconds,
    analysisIntervalSeconds: r.analysisIntervalSeconds ?? DEFAULT_CANARY.analysisIntervalSeconds,
    failureLimit: r.failureLimit ?? DEFAULT_CANARY.failureLimit,
    successRate: r.successRate ?? DEFAULT_CANARY.successRate,
    latencyP95Ms: r.latencyP95Ms ?? DEFAULT_CANARY.latencyP95Ms,
    errorRate: r.errorRate ?? DEFAULT_CANARY.errorRate,
    acceptance: r.acceptance,
    load: r.load,
  };
}

/** Pods of release checks that may run at once beside the service's own: the acceptance test and the load. */
export function releaseCheckPods(decl: Pick<ServiceDeclaration, "release">): number {
  const canary = canaryRelease(decl);
  return canary ? 1 + (canary.load ? 1 : 0) : 0;
}

const isInt = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;
const isFraction = (v: number) => typeof v === "number" && v > 0 && v < 1;

/** Every problem with `release`; none for a rolling release or none declared. */
export function releaseProblems(decl: ServiceDeclaration): SpecProblem[] {
  const r = decl.release;
  const p: SpecProblem[] = [];
  if (r === undefined) {
    return p;
  }
  const add = (path: string, received: unknown, message: string) =>
    p.push({ path: `release.${path}`, received, message });
  if (r.strategy !== "rolling" && r.strategy !== "canary") {
    add("strategy", r.strategy, "must be 'rolling' (Deployment) or 'canary' (Argo Rollouts with analysis)");
    return p;
  }
  if (r.strategy === "rolling") {
    const extra = Object.keys(r).filter((k) => k !== "strategy");
    if (extra.length > 0) {
      add(
        "strategy",
        r.strategy,
        `is rolling, so ${extra.join(", ")} apply to nothing; remove them or use 'canary'`,
      );
    }
    return p;
  }
  if (!decl.expose) {
    add(
      "strategy",
      r.strategy,
      "canary shifts the ALB's traffic between stable and canary pods, so it needs expose; an unexposed service releases with 'rolling'",
    );
  }
  const c = canaryRelease(decl)!;
  const increasing = c.steps.every((w, i) => i === 0 || w > c.steps[i - 1]);
  if (c.steps.length === 0 || !c.steps.every((w) => isInt(w, 1, 99)) || !increasing) {
    add("steps", c.steps, "must be increasing whole percentages from 1 to 99, e.g. [10, 20, 30, 40, 50]");
  }
  if (!isInt(c.analysisIntervalSeconds, 30, 600)) {
    add(
      "analysisIntervalSeconds",
      c.analysisIntervalSeconds,
      "must be an integer from 30 to 600 (at least two Prometheus scrapes apart)",
    );
  } else if (!isInt(c.stepPauseSeconds, 2 * c.analysisIntervalSeconds, 3600)) {
    add(
      "stepPauseSeconds",
      c.stepPauseSeconds,
      `must be an integer from ${2 * c.analysisIntervalSeconds} (two analysis intervals) to 3600`,
    );
  }
  if (!isInt(c.failureLimit, 0, 20)) {
    add("failureLimit", c.failureLimit, "must be an integer from 0 to 20");
  }
  if (!isFraction(c.successRate)) {
    add("successRate", c.successRate, "must be a fraction between 0 and 1, e.g. 0.99");
  }
  if (!isFraction(c.errorRate)) {
    add("errorRate", c.errorRate, "must be a fraction between 0 and 1, e.g. 0.01");
  }
  if (!isInt(c.latencyP95Ms, 1, 60000)) {
    add("latencyP95Ms", c.latencyP95Ms, "must be an integer number of milliseconds from 1 to 60000");
  }
  for (const [key, check] of [
    ["acceptance", c.acceptance],
    ["load", c.load],
  ] as const) {
    if (check) {
      const image = imageProblem(check.image);
      if (image !== undefined) {
        add(`${key}.image`, check.image, image);
      }
      if (check.command.length === 0) {
        add(`${key}.command`, check.command, "must name the program to run and its arguments");
      }
    }
  }
  return p;
}
