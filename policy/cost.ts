/**
 * Cost governance: every stack has a monthly budget on its environment with alerts that reach
 * someone, and a resource tagged `AutoShutdown=true` really is shut down outside working hours.
 * Self-contained: only `@pulumi/policy` types and this folder's helpers.
 */
import type { PolicyResource } from "@pulumi/policy";
import { asArray, asRecord, asStrings, effectiveTags, parseJsonish, subjects, violation } from "./lib/props";
import type { PlatformStackPolicy } from "./lib/types";

const BUDGET = "aws:budgets/budget:Budget";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const RDS_INSTANCE = "aws:rds/instance:Instance";
const ASG_SCHEDULE = "aws:autoscaling/schedule:Schedule";
const SCHEDULER_SCHEDULE = "aws:scheduler/schedule:Schedule";
const AWS_PROVIDER = "pulumi:providers:aws";

/** The stack's environment: the AWS providers' default `<tagKey>` tag, else the stack name. */
function environmentOf(resources: readonly PolicyResource[], tagKey: string): string | undefined {
  for (const r of resources.filter((p) => p.type === AWS_PROVIDER)) {
    const value = asRecord(asRecord(parseJsonish(r.props.defaultTags)).tags)[tagKey];
    if (typeof value === "string" && value !== "") {
      return value;
    }
  }
  return resources[0]?.urn.split("::")[0]?.replace(/^urn:pulumi:/, "");
}

/** A notification of this type that reaches at least one email address or SNS topic. */
function alerts(budget: PolicyResource, type: "ACTUAL" | "FORECASTED"): boolean {
  return asArray(budget.props.notifications)
    .map(asRecord)
    .some(
      (n) =>
        n.notificationType === type &&
        asStrings(n.subscriberEmailAddresses).length + asStrings(n.subscriberSnsTopicArns).length > 0,
    );
}

export const budgetAlertsConfigured: PlatformStackPolicy = {
  name: "budget-alerts-configured",
  description:
    "The stack has a monthly cost budget filtered on its Environment tag, alerting on actual and forecast spend.",
  severity: "medium",
  enforcementLevel: "advisory",
  category: "Multi-Environment",
  group: "Automation",
  references: ["AWS Well-Architected COST02-BP05 (implement cost controls)", "AWS Budgets best practices"],
  configSchema: {
    properties: {
      environmentTagKey: {
        type: "string",
        default: "Environment",
        description: "Cost allocation tag the environments are told apart by.",
      },
    },
  },
  validateStack: (args, report) => {
    const { environmentTagKey: tagKey } = args.getConfig<{ environmentTagKey: string }>();
    const env = environmentOf(args.resources, tagKey);
    const filter = `user:${tagKey}$${env}`;
    const budgets = args.resources.filter((r) => r.type === BUDGET);
    if (budgets.length === 0) {
      report(
        violation(
          `The stack has no AWS Budget`,
          `add an aws.budgets.Budget of budgetType COST and timeUnit MONTHLY with 'costFilters' TagKeyValue '${filter}' and ACTUAL and FORECASTED 'notifications' with subscribers.`,
        ),
      );
      return;
    }
    const scoped = budgets.filter(
      (b) =>
        b.props.budgetType === "COST" &&
        b.props.timeUnit === "MONTHLY" &&
        asArray(b.props.costFilters)
          .map(asRecord)
          .some((f) => f.name === "TagKeyValue" && asStrings(f.values).includes(filter)),
    );
    if (scoped.length === 0) {
      report(
        violation(
          `No monthly cost budget of the stack is filtered on ${tagKey}=${env}`,
          `set 'budgetType' COST, 'timeUnit' MONTHLY and 'costFilters' [{ name: "TagKeyValue", values: ["${filter}"] }] on budget '${budgets[0].name}'.`,
        ),
        budgets[0].urn,
      );
      return;
    }
    for (const type of ["ACTUAL", "FORECASTED"] as const) {
      if (!scoped.some((b) => alerts(b, type))) {
        report(
          violation(
            `Budget '${scoped[0].name}' alerts nobody on ${type.toLowerCase()} spend`,
            `add a 'notifications' entry with notificationType ${type} and 'subscriberEmailAddresses' or 'subscriberSnsTopicArns' on budget '${scoped[0].name}'.`,
          ),
          scoped[0].urn,
        );
      }
    }
  },
};

function tagged(r: PolicyResource, tagKey: string): boolean {
  return effectiveTags(r.props, r.provider)[tagKey] === "true";
}

/** Scheduled actions on a node group's Auto Scaling group: they depend on the group (its ASG name is read from it). */
function groupActions(resources: readonly PolicyResource[], group: PolicyResource): PolicyResource[] {
  return resources.filter((r) => r.type === ASG_SCHEDULE && r.dependencies.some((d) => d.urn === group.urn));
}

/** EventBridge Scheduler schedules calling `rds:<action>` on the instance with this identifier. */
function databaseSchedules(
  resources: readonly PolicyResource[],
  identifier: unknown,
  action: "stopDBInstance" | "startDBInstance",
): PolicyResource[] {
  return resources.filter((r) => {
    const target = asRecord(r.props.target);
    return (
      r.type === SCHEDULER_SCHEDULE &&
      r.props.state !== "DISABLED" &&
      typeof target.arn === "string" &&
      target.arn.endsWith(`:rds:${action}`) &&
      asRecord(parseJsonish(target.input)).DbInstanceIdentifier === identifier
    );
  });
}

export const autoShutdownScheduled: PlatformStackPolicy = {
  name: "auto-shutdown-scheduled",
  description:
    "Node groups and databases tagged AutoShutdown=true have the schedules that shut them down and bring them back.",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "Multi-Environment",
  group: "Automation",
  references: ["AWS Well-Architected COST09-BP03 (supply resources dynamically)", "AWS Instance Scheduler"],
  configSchema: {
    properties: {
      tagKey: {
        type: "string",
        default: "AutoShutdown",
        description: "Tag whose value 'true' promises a shutdown.",
      },
    },
  },
  validateStack: (args, report) => {
    const { tagKey } = args.getConfig<{ tagKey: string }>();
    const found = subjects(
      args,
      (r) =>
        (r.type === NODE_GROUP || (r.type === RDS_INSTANCE && !r.props.replicateSourceDb)) &&
        tagged(r, tagKey),
      `node group or database tagged ${tagKey}=true`,
    );
    for (const r of found) {
      if (r.type === NODE_GROUP) {
        const actions = groupActions(args.resources, r).filter((a) => typeof a.props.recurrence === "string");
        const sleeps = actions.some((a) => a.props.desiredCapacity === 0 && a.props.maxSize === 0);
        const wakes = actions.some((a) => Number(a.props.desiredCapacity) > 0);
        if (!sleeps || !wakes) {
          report(
            violation(
              `Node group '${r.name}' is tagged ${tagKey}=true but has no recurring ${sleeps ? "wake-up" : "shutdown"} action`,
              `add aws.autoscaling.Schedule resources on the Auto Scaling group of node group '${r.name}' ('resources[0].autoscalingGroups[0].name'): one with 'recurrence' and minSize, maxSize and desiredCapacity 0, one with 'recurrence' restoring its sizes.`,
            ),
            r.urn,
          );
        }
        continue;
      }
      const identifier = r.props.identifier;
      for (const [action, what] of [
        ["stopDBInstance", "stops"],
        ["startDBInstance", "starts"],
      ] as const) {
        if (databaseSchedules(args.resources, identifier, action).length === 0) {
          report(
            violation(
              `Database '${r.name}' is tagged ${tagKey}=true but no schedule ${what} it`,
              `add an aws.scheduler.Schedule with target 'arn' arn:aws:scheduler:::aws-sdk:rds:${action} and 'input' {"DbInstanceIdentifier":"${String(identifier)}"}.`,
            ),
            r.urn,
          );
        }
      }
    }
  },
};

export const costPolicies = [budgetAlertsConfigured, autoShutdownScheduled];
