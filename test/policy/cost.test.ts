import { autoShutdownScheduled, budgetAlertsConfigured } from "../../policy/cost";
import { awsProvider, GOVERNANCE_TAGS, messages, res, run, STACK, withPath } from "./helpers";

const BUDGET = "aws:budgets/budget:Budget";
const FILTER = `user:Environment$${STACK}`;

describe("budget-alerts-configured", () => {
  const provider = awsProvider();
  const notification = (type: string) => ({
    notificationType: type,
    comparisonOperator: "GREATER_THAN",
    threshold: type === "ACTUAL" ? 80 : 100,
    thresholdType: "PERCENTAGE",
    subscriberEmailAddresses: ["team@example.com"],
  });
  const valid = {
    name: "platform-test",
    budgetType: "COST",
    timeUnit: "MONTHLY",
    limitAmount: "400",
    limitUnit: "USD",
    costFilters: [{ name: "TagKeyValue", values: [FILTER] }],
    notifications: [notification("ACTUAL"), notification("FORECASTED")],
  };
  const budget = (props: Record<string, unknown>) => res(BUDGET, "cost", props, { provider: true });
  const unscoped = `No monthly cost budget of the stack is filtered on Environment=${STACK}. Remediation: set 'budgetType' COST, 'timeUnit' MONTHLY and 'costFilters' [{ name: "TagKeyValue", values: ["${FILTER}"] }] on budget 'cost'.`;
  const silent = (type: string) =>
    `Budget 'cost' alerts nobody on ${type} spend. Remediation: add a 'notifications' entry with notificationType ${type.toUpperCase()} and 'subscriberEmailAddresses' or 'subscriberSnsTopicArns' on budget 'cost'.`;

  test("a monthly cost budget on the stack's Environment tag with actual and forecast alerts passes", async () => {
    const result = await run(budgetAlertsConfigured, [provider, budget(valid)]);
    expect(result.violations).toEqual([]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 1, passed: 1, enforcementLevel: "advisory" });
  });

  test("alerts to an SNS topic count as well as emails", async () => {
    const sns = withPath(
      withPath(valid, "notifications[0].subscriberEmailAddresses", undefined),
      "notifications[0].subscriberSnsTopicArns",
      ["arn:aws:sns:us-west-2:123456789012:warning"],
    );
    expect(await messages(budgetAlertsConfigured, [provider, budget(sns)])).toEqual([]);
  });

  test("no budget at all fails, naming what to add", async () => {
    expect(await messages(budgetAlertsConfigured, [provider])).toEqual([
      `The stack has no AWS Budget. Remediation: add an aws.budgets.Budget of budgetType COST and timeUnit MONTHLY with 'costFilters' TagKeyValue '${FILTER}' and ACTUAL and FORECASTED 'notifications' with subscribers.`,
    ]);
  });

  test.each<[string, unknown, string[]]>([
    ["costFilters", [], [unscoped]],
    ["costFilters", [{ name: "TagKeyValue", values: ["user:Environment$production"] }], [unscoped]],
    ["costFilters", [{ name: "Service", values: [FILTER] }], [unscoped]],
    ["budgetType", "USAGE", [unscoped]],
    ["timeUnit", "ANNUALLY", [unscoped]],
    ["notifications", [], [silent("actual"), silent("forecasted")]],
    ["notifications", [notification("ACTUAL")], [silent("forecasted")]],
    ["notifications[0].subscriberEmailAddresses", [], [silent("actual")]],
    ["notifications[1].notificationType", "ACTUAL", [silent("forecasted")]],
  ])("%s = %j fails", async (path, value, expected) => {
    expect(await messages(budgetAlertsConfigured, [provider, budget(withPath(valid, path, value))])).toEqual(
      expected,
    );
  });

  test("the environment comes from the provider's default Environment tag", async () => {
    const prod = awsProvider({ ...GOVERNANCE_TAGS, Environment: "production" });
    const onProd = withPath(valid, "costFilters[0].values", ["user:Environment$production"]);
    expect(await messages(budgetAlertsConfigured, [prod, budget(onProd)])).toEqual([]);
    expect(await messages(budgetAlertsConfigured, [prod, budget(valid)])).toHaveLength(1);
  });
});

describe("auto-shutdown-scheduled", () => {
  const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
  const ASG_SCHEDULE = "aws:autoscaling/schedule:Schedule";
  const SCHEDULER = "aws:scheduler/schedule:Schedule";
  const sleepy = awsProvider({ ...GOVERNANCE_TAGS, AutoShutdown: "true" });
  const group = res(
    NODE_GROUP,
    "app",
    { scalingConfig: { minSize: 1, maxSize: 3, desiredSize: 1 } },
    { provider: true },
  );
  const action = (name: string, props: Record<string, unknown>) =>
    res(
      ASG_SCHEDULE,
      name,
      { autoscalingGroupName: "eks-app-1", timeZone: "UTC", ...props },
      { dependsOn: [group] },
    );
  const asleep = { recurrence: "0 20 * * 1,2,3,4,5", minSize: 0, maxSize: 0, desiredCapacity: 0 };
  const awake = { recurrence: "0 7 * * 1,2,3,4,5", minSize: 1, maxSize: 3, desiredCapacity: 1 };
  const db = res(
    "aws:rds/instance:Instance",
    "db",
    { identifier: "platform-test", instanceClass: "db.t4g.medium" },
    { provider: true },
  );
  const dbSchedule = (action: string, props: Record<string, unknown> = {}) =>
    res(SCHEDULER, `db-${action}`, {
      scheduleExpression: "cron(0 20 ? * MON-FRI *)",
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: `arn:aws:scheduler:::aws-sdk:rds:${action}DBInstance`,
        roleArn: "arn:aws:iam::123456789012:role/scheduler",
        input: JSON.stringify({ DbInstanceIdentifier: "platform-test" }),
      },
      ...props,
    });
  const all = () => [
    sleepy,
    group,
    action("sleep", asleep),
    action("wake", awake),
    db,
    dbSchedule("stop"),
    dbSchedule("start"),
  ];
  const noGroupAction = (which: string) =>
    `Node group 'app' is tagged AutoShutdown=true but has no recurring ${which} action. Remediation: add aws.autoscaling.Schedule resources on the Auto Scaling group of node group 'app' ('resources[0].autoscalingGroups[0].name'): one with 'recurrence' and minSize, maxSize and desiredCapacity 0, one with 'recurrence' restoring its sizes.`;
  const noDbSchedule = (verb: string, action: string) =>
    `Database 'db' is tagged AutoShutdown=true but no schedule ${verb} it. Remediation: add an aws.scheduler.Schedule with target 'arn' arn:aws:scheduler:::aws-sdk:rds:${action} and 'input' {"DbInstanceIdentifier":"platform-test"}.`;

  test("a tagged node group and database with sleep and wake schedules pass", async () => {
    const result = await run(autoShutdownScheduled, all());
    expect(result.violations).toEqual([]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 1, passed: 1, enforcementLevel: "mandatory" });
  });

  test("nothing tagged AutoShutdown=true: not applicable (a stack that never sleeps)", async () => {
    const result = await run(autoShutdownScheduled, [awsProvider(), group, db]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 0, passed: 0 });
    expect(result.violations).toEqual([]);
  });

  test("the resource's own tag counts as well as the provider's default tags", async () => {
    const own = res(NODE_GROUP, "app", { tags: { AutoShutdown: "true" } }, { provider: true });
    expect(await messages(autoShutdownScheduled, [awsProvider(), own])).toEqual([noGroupAction("shutdown")]);
  });

  test.each<[string, () => ReturnType<typeof all>, string[]]>([
    ["no shutdown action", () => all().filter((r) => r.name !== "sleep"), [noGroupAction("shutdown")]],
    ["no wake-up action", () => all().filter((r) => r.name !== "wake"), [noGroupAction("wake-up")]],
    [
      "a shutdown that leaves maxSize up (the autoscaler would add nodes)",
      () => all().map((r) => (r.name === "sleep" ? action("sleep", { ...asleep, maxSize: 3 }) : r)),
      [noGroupAction("shutdown")],
    ],
    [
      "a one-off action (no recurrence)",
      () =>
        all().map((r) => (r.name === "sleep" ? action("sleep", { ...asleep, recurrence: undefined }) : r)),
      [noGroupAction("shutdown")],
    ],
    [
      "actions on another node group",
      () =>
        all().map((r) =>
          r.type === ASG_SCHEDULE
            ? res(ASG_SCHEDULE, r.name, r.props, { dependsOn: [res(NODE_GROUP, "other", {})] })
            : r,
        ),
      [noGroupAction("shutdown")],
    ],
    [
      "no stop schedule",
      () => all().filter((r) => r.name !== "db-stop"),
      [noDbSchedule("stops", "stopDBInstance")],
    ],
    [
      "no start schedule",
      () => all().filter((r) => r.name !== "db-start"),
      [noDbSchedule("starts", "startDBInstance")],
    ],
    [
      "a disabled stop schedule",
      () => all().map((r) => (r.name === "db-stop" ? dbSchedule("stop", { state: "DISABLED" }) : r)),
      [noDbSchedule("stops", "stopDBInstance")],
    ],
    [
      "a stop schedule for another database",
      () =>
        all().map((r) =>
          r.name === "db-stop"
            ? withPath(r, "props.target.input", JSON.stringify({ DbInstanceIdentifier: "other" }))
            : r,
        ),
      [noDbSchedule("stops", "stopDBInstance")],
    ],
  ])("%s fails", async (_, resources, expected) => {
    expect(await messages(autoShutdownScheduled, resources())).toEqual(expected);
  });

  test("read replicas are not judged (RDS stops the primary only)", async () => {
    const replica = res(
      "aws:rds/instance:Instance",
      "replica",
      { replicateSourceDb: "platform-test" },
      { provider: true },
    );
    expect(await messages(autoShutdownScheduled, [...all(), replica])).toEqual([]);
  });
});
