/**
 * The pack as the Pulumi CLI runs it (production dependencies only, TypeScript type-checked with the
 * pack's own tsconfig) gives the same verdicts as the offline evaluator: policy, URN, enforcement
 * level, and the checks that could not run on unknown values.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { ALL_POLICIES } from "../../policy/catalog";
import { resolveConfig } from "../../tools/policy/config";
import { evaluate } from "../../tools/policy/evaluate";
import { readPlan } from "../../tools/policy/plan-input";
import { analyze, configure, policyNames, preparePack, type RunningPack, startPack } from "./analyzer";

const ROOT = join(__dirname, "../..");
const fixture = (name: string) =>
  readPlan(JSON.parse(readFileSync(join(ROOT, "test/fixtures", name), "utf8")));

let pack: RunningPack;
beforeAll(async () => {
  pack = await startPack(preparePack());
  // A cold start compiles the pack with type-checking: seconds alone, minutes on a loaded machine.
}, 300_000);
afterAll(async () => pack?.stop());

test("the analyzer serves every policy of the pack", async () => {
  expect((await policyNames(pack)).sort()).toEqual(ALL_POLICIES.map((p) => p.name).sort());
});

test.each([
  ["insecure-plan.json", "no config", {}],
  ["breaches-plan.json", "no config", {}],
  [
    "breaches-plan.json",
    '"all" and a property',
    { all: { enforcementLevel: "advisory" }, "vpc-min-availability-zones": { minAzs: 1 } },
  ],
  [
    "breaches-plan.json",
    "policy/config/production.json",
    JSON.parse(readFileSync(join(ROOT, "policy/config/production.json"), "utf8")) as unknown,
  ],
])("%s with %s: the analyzer's verdicts equal the evaluator's", async (file, _label, raw) => {
  const plan = fixture(file);
  const config = resolveConfig(ALL_POLICIES, raw);
  const evaluation = await evaluate(plan, ALL_POLICIES, config);
  const expected = [
    ...evaluation.violations.map((v) => `${v.policy} ${v.urn ?? "(stack)"} ${v.enforcementLevel}`),
    ...evaluation.outcomes.flatMap((o) =>
      o.notAssessed.map((n) => `${o.policy} ${n.urn ?? "(stack)"} not-assessed`),
    ),
  ].sort();
  expect(expected.length).toBeGreaterThan(5);
  await configure(pack, config);
  expect(await analyze(pack, plan)).toEqual(expected);
});
