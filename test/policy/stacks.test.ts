/**
 * The readiness pack on the three real stacks, as `npm run policy -- <stack>` evaluates them:
 * no mandatory violation anywhere, and production is "go".
 */
import { toPlan } from "../../tools/offline/plan";
import { readPlan } from "../../tools/policy/plan-input";
import { type PolicyRun, runPolicies } from "../../tools/policy/run";
import { runStack } from "../support/offline";

const STACKS = ["dev", "staging", "production"] as const;
/** Policies with nothing to judge, and why: no AWS Backup vault anywhere; protection is off outside
 * production; dev runs single replicas without autoscaling. */
const IDLE: Record<(typeof STACKS)[number], string[]> = {
  dev: ["backup-vault-cmk", "stateful-resources-protected", "workload-has-hpa", "workload-has-pdb"],
  staging: ["backup-vault-cmk", "stateful-resources-protected"],
  production: ["backup-vault-cmk"],
};
const results: Partial<Record<(typeof STACKS)[number], PolicyRun>> = {};

beforeAll(async () => {
  for (const stack of STACKS) {
    const run = await runStack(stack);
    results[stack] = await runPolicies(readPlan(JSON.parse(JSON.stringify(toPlan(run)))));
  }
});

describe.each(STACKS)("stack %s", (stack) => {
  test("has no mandatory violation", () => {
    const { evaluation } = results[stack]!;
    expect(evaluation.stack).toBe(stack);
    expect(evaluation.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
  });

  test("every policy judged something, except those whose subject the stack does not have", () => {
    const { evaluation } = results[stack]!;
    const idle = evaluation.outcomes
      .filter((o) => o.enforcementLevel !== "disabled" && o.assessed === 0)
      .map((o) => o.policy)
      .sort();
    expect(idle).toEqual(IDLE[stack]);
  });
});

test("production is go with every category assessed; dev is honestly no-go on reliability", () => {
  const production = results.production!.scorecard;
  expect(production.verdict).toBe("go");
  expect(production.coveredWeight).toBe(100);
  expect(production.categories.every((c) => c.score !== undefined)).toBe(true);

  const dev = results.dev!.scorecard;
  expect(dev.verdict).toBe("no-go");
  expect(dev.reasons.join("\n")).toMatch(/Reliability/);
  expect(results.dev!.evaluation.violations.map((v) => v.policy).sort()).toEqual(
    expect.arrayContaining(["elasticache-high-availability", "rds-multi-az"]),
  );
});
