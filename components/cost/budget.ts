/**
 * A monthly AWS Budget for one environment, filtered on its `Environment` cost allocation tag,
 * alerting at a share of the amount actually spent and of the amount forecast; optionally an
 * account-level Cost Anomaly Detection monitor with its alert subscription.
 *
 * The tag filter only sees spending once `Environment` is activated as a cost allocation tag in
 * the Billing console (README, "Cost"). Decision record docs/decisions/0090-budgets-on-the-environment-tag.md.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** AWS Budgets accepts at most 10 email subscribers (and 1 SNS topic) per notification. */
export const MAX_BUDGET_EMAILS = 10;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface CostBudgetArgs {
  /** Name in AWS Budgets, unique in the account, e.g. `platform-dev`: 1 to 100 characters, no colon or backslash. */
  readonly budgetName: string;
  /** Value of the environment tag the budget counts, e.g. `dev`. */
  readonly environment: string;
  /**
   * Tag key the environments are told apart by; it must be activated as a cost allocation tag.
   * @default "Environment"
   */
  readonly environmentTagKey?: string;
  /** Monthly limit in US dollars (over 0). */
  readonly monthlyLimitUsd: number;
  /**
   * Percent of the limit actually spent that triggers an alert.
   * @default 80
   */
  readonly actualAlertPercent?: number;
  /**
   * Percent of the limit forecast for the month that triggers an alert.
   * @default 100
   */
  readonly forecastAlertPercent?: number;
  /**
   * SNS topic the alerts go to (its policy must let `budgets.amazonaws.com` and, for anomaly
   * alerts, `costalerts.amazonaws.com` publish). Left out: email only.
   */
  readonly alertTopicArn?: pulumi.Input<string>;
  /**
   * Email addresses the alerts go to (each confirms nothing: Budgets mails directly). At most 10.
   * At least one of `alertTopicArn` and `alertEmails` is required.
   * @default []
   */
  readonly alertEmails?: readonly string[];
  /**
   * Creates an account-level Cost Anomaly Detection monitor (per AWS service) and a subscription
   * alerting when an anomaly's total impact reaches `thresholdUsd`: to the SNS topic immediately
   * when there is one, else a daily email summary. AWS allows one such monitor per account: turn it
   * on in one stack of the account only. Left out: no monitor.
   */
  readonly anomalyDetection?: { readonly thresholdUsd: number };
}

/** Every problem with the args, as sentences. */
export function validateCostBudgetArgs(args: CostBudgetArgs): string[] {
  const problems: string[] = [];
  const emails = args.alertEmails ?? [];
  if (!/^[^:\\]{1,100}$/.test(args.budgetName)) {
    problems.push(`budgetName '${args.budgetName}' must be 1 to 100 characters without ':' or '\\'`);
  }
  if (!/^[A-Za-z0-9_.:/=+@-]{1,128}$/.test(args.environment)) {
    problems.push(`environment '${args.environment}' must be a tag value (letters, digits, _ . : / = + - @)`);
  }
  if (!(args.monthlyLimitUsd > 0) || !Number.isFinite(args.monthlyLimitUsd)) {
    problems.push(`monthlyLimitUsd must be a number of dollars over 0 (got ${args.monthlyLimitUsd})`);
  }
  for (const [field, value] of [
    ["actualAlertPercent", args.actualAlertPercent],
    ["forecastAlertPercent", args.forecastAlertPercent],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1 && value <= 1000)) {
      problems.push(`${field} must be an integer percentage from 1 to 1000 (got ${value})`);
    }
  }
  if (emails.length > MAX_BUDGET_EMAILS) {
    problems.push(
      `alertEmails lists ${emails.length} addresses; AWS Budgets accepts at most ${MAX_BUDGET_EMAILS}`,
    );
  }
  const bad = emails.filter((e) => !EMAIL.test(e));
  if (bad.length > 0) {
    problems.push(`alertEmails has addresses that are not emails: ${bad.join(", ")}`);
  }
  if (emails.length === 0 && args.alertTopicArn === undefined) {
    problems.push("nobody would be alerted: give alertTopicArn, alertEmails or both");
  }
  if (args.anomalyDetection && !(args.anomalyDetection.thresholdUsd > 0)) {
    problems.push(`anomalyDetection.thresholdUsd must be over 0 (got ${args.anomalyDetection.thresholdUsd})`);
  }
  return problems;
}

/** A monthly budget on one environment's tag with actual and forecast alerts; opt-in anomaly detection. */
export class CostBudget extends pulumi.ComponentResource {
  /** Name of the budget in AWS Budgets. */
  public readonly budgetName: pulumi.Output<string>;
  /** ARN of the Cost Anomaly Detection monitor (absent unless `anomalyDetection`). */
  public readonly anomalyMonitorArn: pulumi.Output<string> | undefined;

  constructor(name: string, args: CostBudgetArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = validateCostBudgetArgs(args);
    if (problems.length > 0) {
      throw new Error(`CostBudget '${name}' has invalid arguments:\n  - ${problems.join("\n  - ")}`);
    }
    super("platform:cost:CostBudget", name, {}, opts);
    const tagKey = args.environmentTagKey ?? "Environment";
    const emails = [...(args.alertEmails ?? [])];
    const topics = args.alertTopicArn !== undefined ? [args.alertTopicArn] : [];
    const subscribers = {
      ...(emails.length > 0 ? { subscriberEmailAddresses: emails } : {}),
      ...(topics.length > 0 ? { subscriberSnsTopicArns: topics } : {}),
    };

    const budget = new aws.budgets.Budget(
      name,
      {
        name: args.budgetName,
        budgetType: "COST",
        timeUnit: "MONTHLY",
        limitAmount: `${args.monthlyLimitUsd}`,
        limitUnit: "USD",
        // `user:` marks a user-defined cost allocation tag; `$` separates key and value.
        costFilters: [{ name: "TagKeyValue", values: [`user:${tagKey}$${args.environment}`] }],
        notifications: [
          {
            notificationType: "ACTUAL",
            comparisonOperator: "GREATER_THAN",
            threshold: args.actualAlertPercent ?? 80,
            thresholdType: "PERCENTAGE",
            ...subscribers,
          },
          {
            notificationType: "FORECASTED",
            comparisonOperator: "GREATER_THAN",
            threshold: args.forecastAlertPercent ?? 100,
            thresholdType: "PERCENTAGE",
            ...subscribers,
          },
        ],
      },
      { parent: this },
    );
    this.budgetName = budget.name;

    if (args.anomalyDetection) {
      const monitor = new aws.costexplorer.AnomalyMonitor(
        `${name}-anomalies`,
        { monitorType: "DIMENSIONAL", monitorDimension: "SERVICE" },
        { parent: this },
      );
      new aws.costexplorer.AnomalySubscription(
        `${name}-anomalies`,
        {
          monitorArnLists: [monitor.arn],
          // SNS subscribers need IMMEDIATE; email subscribers DAILY or WEEKLY.
          frequency: topics.length > 0 ? "IMMEDIATE" : "DAILY",
          subscribers:
            topics.length > 0
              ? topics.map((address) => ({ type: "SNS", address }))
              : emails.map((address) => ({ type: "EMAIL", address })),
          thresholdExpression: {
            dimension: {
              key: "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
              matchOptions: ["GREATER_THAN_OR_EQUAL"],
              values: [`${args.anomalyDetection.thresholdUsd}`],
            },
          },
        },
        { parent: this },
      );
      this.anomalyMonitorArn = monitor.arn;
    }

    this.registerOutputs({ budgetName: this.budgetName, anomalyMonitorArn: this.anomalyMonitorArn });
  }
}
