/**
 * Cost controls of a stack, from `platform:cost`: the budget on the stack's `Environment` tag
 * (always) and, where the stack sleeps (`autoShutdown.enabled`, the `AutoShutdown` tag's promise),
 * the schedules that scale its node groups to zero and stop its database outside working hours.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { EksCluster } from "../components/cluster/cluster";
import { CostBudget } from "../components/cost/budget";
import { SleepSchedule } from "../components/cost/sleep-schedule";
import type { DataTier } from "./data";
import type { PlatformConfig } from "./config";
import { workingHoursOf } from "./config/cost";

/** The Auto Scaling group EKS created for a managed node group (read once the group exists). */
function autoscalingGroupOf(cluster: EksCluster, key: string, provider: aws.Provider): pulumi.Output<string> {
  return aws.eks
    .getNodeGroupOutput(
      { clusterName: cluster.clusterName, nodeGroupName: cluster.nodeGroupNames[key] },
      { provider },
    )
    .apply((group) => {
      const name = group.resources[0]?.autoscalingGroups[0]?.name;
      if (!name) {
        throw new Error(`EKS reports no Auto Scaling group for node group '${group.nodeGroupName}'`);
      }
      return name;
    });
}

export function createCostControls(
  config: PlatformConfig,
  provider: aws.Provider,
  built: { cluster: EksCluster; postgres: DataTier["postgres"] },
): { budgetName: pulumi.Output<string> } {
  const opts = { providers: [provider] };
  const { budget, anomalyDetection } = config.cost;
  const costBudget = new CostBudget(
    "cost",
    {
      budgetName: `${config.project}-${config.stack}`,
      environment: config.tags.Environment,
      monthlyLimitUsd: budget.monthlyLimitUsd,
      actualAlertPercent: budget.actualAlertPercent,
      forecastAlertPercent: budget.forecastAlertPercent,
      alertEmails: budget.alertEmails,
      anomalyDetection: anomalyDetection.enabled
        ? { thresholdUsd: anomalyDetection.thresholdUsd }
        : undefined,
    },
    opts,
  );

  const hours = workingHoursOf(config.cost);
  if (hours) {
    const account = aws.getCallerIdentityOutput({}, { provider }).accountId;
    const partition = aws.getPartitionOutput({}, { provider }).partition;
    new SleepSchedule(
      "sleep",
      {
        ...hours,
        nodeGroups: Object.fromEntries(
          Object.entries(config.cluster.nodeGroups).map(([key, group]) => [
            key,
            {
              autoscalingGroupName: autoscalingGroupOf(built.cluster, key, provider),
              minSize: group.minSize,
              maxSize: group.maxSize,
              desiredSize: group.desiredSize,
            },
          ]),
        ),
        dbInstanceArn: pulumi.interpolate`arn:${partition}:rds:${config.region}:${account}:db:${built.postgres.instanceIdentifier}`,
      },
      opts,
    );
  }
  return { budgetName: costBudget.budgetName };
}
