import { join } from "path";
import { usageSchema } from "../../../infra/config/cost";
import { readPlanFile } from "../../../tools/policy/run";
import { ASSESSMENT_BANDS, judge } from "../../../tools/cost/bands";
import { estimate } from "../../../tools/cost/estimate";
import { loadPrices } from "../../../tools/cost/prices";

/** The fixture plan costs $557.99 a month (test/tools/cost/estimate.test.ts). */
const fixture = estimate(
  readPlanFile(join(__dirname, "..", "..", "fixtures", "cost-plan.json")),
  loadPrices(),
  usageSchema.parse({}),
  "us-west-2",
);
const budget = (monthlyLimitUsd: number) => ({
  monthlyLimitUsd,
  actualAlertPercent: 80,
  forecastAlertPercent: 100,
});
const UNPRICED =
  "1 item(s) could not be priced and are not in the total (listed under NOT PRICED): the real figure may be higher.";

test("the assessments' figures per environment", () => {
  expect(ASSESSMENT_BANDS).toEqual({
    dev: { text: "about $200", highUsd: 200 },
    staging: { text: "about $400", highUsd: 400 },
    production: { text: "$800-1,500 depending on scale", lowUsd: 800, highUsd: 1500 },
  });
});

test("above the band: by how much, where the money goes, why, the largest items; the budget's alerts", () => {
  const verdict = judge(fixture, "dev", budget(600));
  expect(verdict.band).toEqual({
    text: "about $200",
    highUsd: 200,
    verdict: "above",
    differenceUsd: expect.closeTo(357.994, 6),
  });
  expect(verdict.budget).toEqual({ ...budget(600), percentOfBudget: expect.closeTo(92.999, 6) });
  expect(verdict.sentences).toEqual([
    "The dev estimate, $557.99 a month, is $357.99 (179 %) above the assessments' about $200.",
    "Where the money goes: EC2 nodes $308.35 (55 %), EKS control plane $73.00 (13 %), RDS $52.42 (9 %), ElastiCache $46.72 (8 %).",
    "Why: node groups 2 × m5.large on-demand + 3 × m5.xlarge spot at 60 % off 0.192/h: $308.35; the EKS control plane is a fixed $73.00 (37 % of the assessments' figure); cache 2 × cache.t4g.small nodes: $46.72; 1 NAT gateway(s) with their traffic: $37.35; 1 interface endpoint(s), billed per AZ: $14.80.",
    "The largest items: platform-application: 3 × m5.xlarge spot at 60 % off 0.192/h ($168.19); platform-system: 2 × m5.large on-demand ($140.16); platform: EKS cluster fixture ($73.00); db-primary: db.t4g.medium PostgreSQL single-AZ ($47.45); cache: 2 × cache.t4g.small nodes ($46.72).",
    "These are choices in the stack file; the figure comes down only by changing them, not by changing this estimate.",
    UNPRICED,
    "The stack's budget is $600.00 a month (platform:cost.budget): the estimate is 93 % of it.",
    "The actual-spend alert (80 %) would fire late in every month: leave more headroom.",
  ]);
});

test("below a band's floor, over the budget's forecast alert", () => {
  expect(judge(fixture, "production", budget(500)).sentences).toEqual([
    "The production estimate, $557.99 a month, is $242.01 below the assessments' $800-1,500 depending on scale.",
    UNPRICED,
    "The stack's budget is $500.00 a month (platform:cost.budget): the estimate is 112 % of it.",
    "The forecast alert (100 %) would fire every month: raise the budget or change the design.",
  ]);
});

test("within a band, with room in the budget; an environment the assessments do not cover", () => {
  const priced = { ...fixture, unpriced: [] };
  expect(judge({ ...priced, totalUsd: 1000 }, "production", budget(2000)).sentences).toEqual([
    "The production estimate, $1,000.00 a month, is within the assessments' $800-1,500 depending on scale.",
    "The stack's budget is $2,000.00 a month (platform:cost.budget): the estimate is 50 % of it.",
  ]);
  expect(judge(priced, "qa").sentences).toEqual(["The assessments give no figure for environment 'qa'."]);
});

test("the sleep schedule's saving is stated with the always-on figure", () => {
  const sleeping = { ...fixture, unpriced: [], totalUsd: 150, savedBySleepUsd: 100 };
  expect(judge(sleeping, "dev").sentences).toEqual([
    "The dev estimate, $150.00 a month, is within the assessments' about $200.",
    "The sleep schedule saves $100.00 a month; always on, the stack would cost $250.00.",
  ]);
});
