import { type CostBudgetArgs, validateCostBudgetArgs } from "../../../components/cost/budget";
import { byName, ofType, type OfflineRun, runProgram } from "../../support/offline";

const BUDGET = "aws:budgets/budget:Budget";
const MONITOR = "aws:costexplorer/anomalyMonitor:AnomalyMonitor";
const SUBSCRIPTION = "aws:costexplorer/anomalySubscription:AnomalySubscription";
const TOPIC = "arn:aws:sns:us-west-2:123456789012:warning";

const VALID: CostBudgetArgs = {
  budgetName: "platform-dev",
  environment: "dev",
  monthlyLimitUsd: 400,
  alertEmails: ["team@example.com"],
};

function build(args: CostBudgetArgs): Promise<OfflineRun> {
  return runProgram(async () => {
    const { CostBudget } = await import("../../../components/cost/budget");
    const budget = new CostBudget("cost", args);
    return {
      budgetName: budget.budgetName,
      ...(budget.anomalyMonitorArn ? { anomalyMonitorArn: budget.anomalyMonitorArn } : {}),
    };
  });
}

const children = (run: OfflineRun) =>
  run.resources
    .filter((r) => r.type.startsWith("aws:"))
    .map((r) => `${r.type} ${r.name}`)
    .sort();

describe("CostBudget", () => {
  test("a monthly cost budget on the environment tag, alerting at 80 % actual and 100 % forecast", async () => {
    const run = await build(VALID);
    expect(ofType(run, "platform:cost:CostBudget").map((c) => c.name)).toEqual(["cost"]);
    expect(children(run)).toEqual([`${BUDGET} cost`]);
    const emails = { subscriberEmailAddresses: ["team@example.com"] };
    expect(byName(run, BUDGET, "cost").inputs).toEqual({
      name: "platform-dev",
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitAmount: "400",
      limitUnit: "USD",
      costFilters: [{ name: "TagKeyValue", values: ["user:Environment$dev"] }],
      notifications: [
        {
          notificationType: "ACTUAL",
          comparisonOperator: "GREATER_THAN",
          threshold: 80,
          thresholdType: "PERCENTAGE",
          ...emails,
        },
        {
          notificationType: "FORECASTED",
          comparisonOperator: "GREATER_THAN",
          threshold: 100,
          thresholdType: "PERCENTAGE",
          ...emails,
        },
      ],
    });
    expect(byName(run, BUDGET, "cost").parent).toBe(ofType(run, "platform:cost:CostBudget")[0].urn);
    expect(run.outputs.budgetName).toBe("platform-dev");
  });

  test("thresholds, tag key and an SNS topic are arguments; anomaly detection alerts the topic immediately", async () => {
    const run = await build({
      ...VALID,
      environmentTagKey: "Env",
      actualAlertPercent: 90,
      forecastAlertPercent: 110,
      alertEmails: [],
      alertTopicArn: TOPIC,
      anomalyDetection: { thresholdUsd: 150 },
    });
    expect(children(run)).toEqual([
      `${BUDGET} cost`,
      `${MONITOR} cost-anomalies`,
      `${SUBSCRIPTION} cost-anomalies`,
    ]);
    const budget = byName(run, BUDGET, "cost").inputs;
    expect(budget.costFilters).toEqual([{ name: "TagKeyValue", values: ["user:Env$dev"] }]);
    expect(budget.notifications).toEqual([
      expect.objectContaining({ notificationType: "ACTUAL", threshold: 90, subscriberSnsTopicArns: [TOPIC] }),
      expect.objectContaining({
        notificationType: "FORECASTED",
        threshold: 110,
        subscriberSnsTopicArns: [TOPIC],
      }),
    ]);
    expect((budget.notifications as Record<string, unknown>[])[0]).not.toHaveProperty(
      "subscriberEmailAddresses",
    );
    expect(byName(run, MONITOR, "cost-anomalies").inputs).toEqual({
      monitorType: "DIMENSIONAL",
      monitorDimension: "SERVICE",
    });
    const monitor = byName(run, MONITOR, "cost-anomalies");
    expect(byName(run, SUBSCRIPTION, "cost-anomalies").inputs).toEqual({
      monitorArnLists: [expect.stringMatching(/:anomalymonitor\/cost-anomalies$/)],
      frequency: "IMMEDIATE",
      subscribers: [{ type: "SNS", address: TOPIC }],
      thresholdExpression: {
        dimension: {
          key: "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
          matchOptions: ["GREATER_THAN_OR_EQUAL"],
          values: ["150"],
        },
      },
    });
    expect(byName(run, SUBSCRIPTION, "cost-anomalies").dependencies).toContain(monitor.urn);
  });

  test("anomaly alerts go to the emails as a daily summary when there is no topic", async () => {
    const run = await build({ ...VALID, anomalyDetection: { thresholdUsd: 100 } });
    expect(byName(run, SUBSCRIPTION, "cost-anomalies").inputs).toMatchObject({
      frequency: "DAILY",
      subscribers: [{ type: "EMAIL", address: "team@example.com" }],
    });
  });

  test.each<[Partial<CostBudgetArgs>, string[]]>([
    [{ monthlyLimitUsd: 0 }, ["monthlyLimitUsd must be a number of dollars over 0 (got 0)"]],
    [{ budgetName: "a:b" }, ["budgetName 'a:b' must be 1 to 100 characters without ':' or '\\'"]],
    [
      { environment: "dev env!" },
      ["environment 'dev env!' must be a tag value (letters, digits, _ . : / = + - @)"],
    ],
    [{ actualAlertPercent: 0 }, ["actualAlertPercent must be an integer percentage from 1 to 1000 (got 0)"]],
    [
      { forecastAlertPercent: 1001 },
      ["forecastAlertPercent must be an integer percentage from 1 to 1000 (got 1001)"],
    ],
    [{ alertEmails: [] }, ["nobody would be alerted: give alertTopicArn, alertEmails or both"]],
    [{ alertEmails: ["team"] }, ["alertEmails has addresses that are not emails: team"]],
    [
      { alertEmails: Array.from({ length: 11 }, (_, i) => `t${i}@example.com`) },
      ["alertEmails lists 11 addresses; AWS Budgets accepts at most 10"],
    ],
    [{ anomalyDetection: { thresholdUsd: 0 } }, ["anomalyDetection.thresholdUsd must be over 0 (got 0)"]],
  ])("rejects %j", (change, problems) => {
    expect(validateCostBudgetArgs({ ...VALID, ...change })).toEqual(problems);
  });

  test("invalid arguments throw before anything is registered, listing every problem", async () => {
    await expect(build({ ...VALID, monthlyLimitUsd: -1, alertEmails: [] })).rejects.toThrow(
      "CostBudget 'cost' has invalid arguments:\n  - monthlyLimitUsd must be a number of dollars over 0 (got -1)\n  - nobody would be alerted: give alertTopicArn, alertEmails or both",
    );
  });
});
