/**
 * Scaling arithmetic: what a declaration's replica settings turn into (Deployment replicas, HPA
 * bounds, rolling-update and PodDisruptionBudget numbers). Pure; the quota rule and the scaling step
 * of the component both use it.
 */
import { MAX_SURGE, type ServiceDeclaration } from "./declaration";

/** What a declaration's replica settings turn into: Deployment, HPA and PDB numbers. */
export interface ScalingPlan {
  /** `spec.replicas` of the Deployment; undefined when an HPA owns the count (Kubernetes' advice). */
  readonly deploymentReplicas: number | undefined;
  /** HPA bounds, when autoscaling is declared. */
  readonly hpa: { readonly minReplicas: number; readonly maxReplicas: number } | undefined;
  /** Fewest pods the service runs at rest. */
  readonly floor: number;
  /** Most pods that exist at once: the ceiling plus the rolling update's surge. */
  readonly peakPods: number;
  /** Rolling update: pods added above the desired count. */
  readonly maxSurge: number;
  /** Rolling update: pods taken down at once; 0 for a single pod so an update never leaves none. */
  readonly maxUnavailable: number;
  /** PDB: one voluntary eviction at a time; never blocks a drain (it always permits one). */
  readonly pdbMaxUnavailable: 1;
  /** Pods guaranteed to keep serving while a node drains. */
  readonly availableDuringDrain: number;
}

export function scalingPlan(decl: Pick<ServiceDeclaration, "replicas" | "autoscaling">): ScalingPlan {
  const hpa = decl.autoscaling
    ? { minReplicas: decl.autoscaling.minReplicas, maxReplicas: decl.autoscaling.maxReplicas }
    : undefined;
  const floor = hpa ? hpa.minReplicas : decl.replicas;
  const ceiling = hpa ? Math.max(hpa.maxReplicas, hpa.minReplicas) : decl.replicas;
  return {
    deploymentReplicas: hpa ? undefined : decl.replicas,
    hpa,
    floor,
    peakPods: ceiling + MAX_SURGE,
    maxSurge: MAX_SURGE,
    maxUnavailable: floor >= 2 ? 1 : 0,
    pdbMaxUnavailable: 1,
    availableDuringDrain: Math.max(floor - 1, 0),
  };
}
