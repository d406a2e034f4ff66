/**
 * How many pods run and how they may be disrupted: a HorizontalPodAutoscaler when autoscaling is
 * declared (fast scale-up, slow and gentle scale-down), and a PodDisruptionBudget that lets one pod
 * go at a time yet never blocks a node drain. The numbers come from {@link scalingPlan}.
 */
import * as k8s from "@pulumi/kubernetes";
import { scalingPlan } from "./scaling-plan";
import type { ServiceScope } from "./scope";
import type { ScaleTarget } from "./workload";

/**
 * The HPA (when declared) and the PodDisruptionBudget of the Deployment or Rollout. The PDB selects
 * the pods by label, so it covers stable and canary pods alike.
 */
export function createScaling(s: ServiceScope, target: ScaleTarget): void {
  const plan = scalingPlan(s.args);
  const autoscaling = s.args.autoscaling;
  if (plan.hpa && autoscaling) {
    const metric = (resource: string, utilization: number) => ({
      type: "Resource",
      resource: { name: resource, target: { type: "Utilization", averageUtilization: utilization } },
    });
    new k8s.autoscaling.v2.HorizontalPodAutoscaler(
      `${s.name}-hpa`,
      {
        metadata: s.meta(s.service),
        spec: {
          scaleTargetRef: { apiVersion: target.apiVersion, kind: target.kind, name: target.name },
          minReplicas: plan.hpa.minReplicas,
          maxReplicas: plan.hpa.maxReplicas,
          metrics: [
            ...(autoscaling.cpuUtilization !== undefined ? [metric("cpu", autoscaling.cpuUtilization)] : []),
            ...(autoscaling.memoryUtilization !== undefined
              ? [metric("memory", autoscaling.memoryUtilization)]
              : []),
          ],
          behavior: {
            scaleUp: {
              stabilizationWindowSeconds: 0,
              selectPolicy: "Max",
              policies: [
                { type: "Percent", value: 100, periodSeconds: 15 },
                { type: "Pods", value: 4, periodSeconds: 15 },
              ],
            },
            scaleDown: {
              stabilizationWindowSeconds: 300,
              selectPolicy: "Max",
              policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
            },
          },
        },
      },
      s.child,
    );
  }
  new k8s.policy.v1.PodDisruptionBudget(
    `${s.name}-pdb`,
    {
      metadata: s.meta(s.service),
      spec: {
        maxUnavailable: plan.pdbMaxUnavailable,
        selector: { matchLabels: s.selector },
        // Pods that are not ready protect nothing: they may always be evicted, so a drain never hangs.
        unhealthyPodEvictionPolicy: "AlwaysAllow",
      },
    },
    s.child,
  );
}
