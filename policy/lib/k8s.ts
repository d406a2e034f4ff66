/** Reading Kubernetes workloads as CrossGuard passes them: the pod template of each kind, replicas, HPAs. */
import type { PolicyResource } from "@pulumi/policy";
import { asArray, asRecord } from "./props";

export type Obj = Record<string, unknown>;

export const WORKLOAD_TYPES = {
  deployment: "kubernetes:apps/v1:Deployment",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  daemonSet: "kubernetes:apps/v1:DaemonSet",
  job: "kubernetes:batch/v1:Job",
  cronJob: "kubernetes:batch/v1:CronJob",
  /** Argo Rollouts' Rollout with a full pod template (`spec.template`), judged like a Deployment. */
  rollout: "kubernetes:argoproj.io/v1alpha1:Rollout",
} as const;

/**
 * Stand-in "class" of Argo Rollouts' Rollout for `validateResourceOfType`: a CustomResource has no
 * generated class, but CrossGuard matches a class by its `__pulumiType`, so this one matches exactly
 * the Rollouts (and reports other types as not applicable, like any typed validation).
 */
export const RolloutType = { __pulumiType: WORKLOAD_TYPES.rollout } as const;

/** The pod template (`metadata` and `spec`) of a workload's props. */
export function podTemplate(type: string, props: Obj): { metadata: Obj; spec: Obj } {
  const spec = asRecord(props.spec);
  const template = asRecord(
    type === WORKLOAD_TYPES.cronJob
      ? asRecord(asRecord(asRecord(spec.jobTemplate).spec).template)
      : spec.template,
  );
  return { metadata: asRecord(template.metadata), spec: asRecord(template.spec) };
}

export interface NamedContainer {
  readonly name: string;
  /** `containers` or `initContainers`. */
  readonly field: string;
  readonly container: Obj;
}

export function containersOf(podSpec: Obj, includeInit = true): NamedContainer[] {
  const fields = includeInit ? ["initContainers", "containers"] : ["containers"];
  return fields.flatMap((field) =>
    asArray(podSpec[field]).map((c) => ({ name: String(asRecord(c).name), field, container: asRecord(c) })),
  );
}

/** The effective value of a security-context field: the container's, else the pod's. */
export function securityValue(podSpec: Obj, container: Obj, key: string): unknown {
  const own = asRecord(container.securityContext)[key];
  return own !== undefined ? own : asRecord(podSpec.securityContext)[key];
}

export function namespaceOf(props: Obj): string {
  const ns = asRecord(props.metadata).namespace;
  return typeof ns === "string" && ns !== "" ? ns : "default";
}

export function nameOf(props: Obj, fallback: string): string {
  const name = asRecord(props.metadata).name;
  return typeof name === "string" && name !== "" ? name : fallback;
}

export const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";

/** The HorizontalPodAutoscalers that scale a workload (same namespace, target by name or by URN dependency). */
export function hpasFor(workload: PolicyResource, resources: readonly PolicyResource[]): PolicyResource[] {
  const kind = workload.type.split(":").pop();
  const ns = namespaceOf(workload.props);
  const name = nameOf(workload.props, "");
  return resources.filter((h) => {
    if (h.type !== HPA || namespaceOf(h.props) !== ns) {
      return false;
    }
    const ref = asRecord(asRecord(h.props.spec).scaleTargetRef);
    return ref.kind === kind && (ref.name === name || h.dependencies.some((d) => d.urn === workload.urn));
  });
}

/** The replica count a workload runs with: its HPA's minimum when it has one, else `spec.replicas` (default 1). */
export function minReplicas(workload: PolicyResource, resources: readonly PolicyResource[]): number {
  const hpa = hpasFor(workload, resources)[0];
  const fromHpa = hpa ? Number(asRecord(hpa.props.spec).minReplicas ?? 1) : undefined;
  return fromHpa ?? Number(asRecord(workload.props.spec).replicas ?? 1);
}
