/**
 * Stack-wide availability rules of the long-running workloads (Deployments, StatefulSets, Rollouts):
 * a PodDisruptionBudget that can be satisfied, autoscaling, and a minimum number of replicas.
 */
import { hpasFor, minReplicas, namespaceOf, nameOf, type Obj, podTemplate, WORKLOAD_TYPES } from "./lib/k8s";
import { asArray, asRecord, subjects, violation } from "./lib/props";
import type { PlatformStackPolicy } from "./lib/types";

const SCALED = [WORKLOAD_TYPES.deployment, WORKLOAD_TYPES.statefulSet, WORKLOAD_TYPES.rollout] as string[];
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";

function selects(selector: Obj, labels: Obj): boolean {
  const match = asRecord(selector.matchLabels);
  const keys = Object.keys(match);
  return (
    keys.length > 0 &&
    asArray(selector.matchExpressions).length === 0 &&
    keys.every((k) => labels[k] === match[k])
  );
}

/** Whether a PDB still allows one voluntary eviction when `replicas` pods run. */
function satisfiable(spec: Obj, replicas: number): boolean {
  const value = (v: unknown): number | undefined =>
    typeof v === "number"
      ? v
      : typeof v === "string" && v.endsWith("%")
        ? Math.ceil((Number(v.slice(0, -1)) / 100) * replicas)
        : undefined;
  const min = value(spec.minAvailable);
  const max = value(spec.maxUnavailable);
  if (max !== undefined) {
    return max >= 1;
  }
  return min !== undefined && min < replicas;
}

export const workloadHasPdb: PlatformStackPolicy = {
  name: "workload-has-pdb",
  description:
    "Every Deployment/StatefulSet/Rollout with more than one replica has a PodDisruptionBudget that allows an eviction.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Container Orchestration",
  references: [
    "kube-score deployment-has-poddisruptionbudget",
    "kube-score poddisruptionbudget-has-policy",
    "EKS Best Practices Guide: Reliability (PDBs)",
  ],
  validateStack: (args, report) => {
    let judged = 0;
    for (const w of subjects(args, (r) => SCALED.includes(r.type), "Deployment, StatefulSet or Rollout")) {
      const replicas = minReplicas(w, args.resources);
      if (replicas <= 1) {
        continue;
      }
      judged++;
      const labels = podTemplate(w.type, w.props).metadata.labels as Obj | undefined;
      const pdbs = args.resources.filter(
        (p) =>
          p.type === PDB &&
          namespaceOf(p.props) === namespaceOf(w.props) &&
          selects(asRecord(asRecord(p.props.spec).selector), asRecord(labels)),
      );
      if (pdbs.length === 0) {
        report(
          violation(
            `'${w.name}' runs ${replicas} replicas without a PodDisruptionBudget`,
            `add a PodDisruptionBudget whose 'spec.selector.matchLabels' select the pods of '${w.name}'.`,
          ),
          w.urn,
        );
      } else if (!pdbs.some((p) => satisfiable(asRecord(p.props.spec), replicas))) {
        report(
          violation(
            `The PodDisruptionBudget of '${w.name}' allows no eviction at ${replicas} replicas, so node drains block`,
            `set 'spec.minAvailable' below ${replicas} (or 'spec.maxUnavailable' of at least 1) on PodDisruptionBudget '${pdbs[0].name}'.`,
          ),
          pdbs[0].urn,
        );
      }
    }
    if (judged === 0) {
      args.notApplicable("No Deployment, StatefulSet or Rollout runs more than one replica");
    }
  },
};

export const workloadHasHpa: PlatformStackPolicy = {
  name: "workload-has-hpa",
  description:
    "Every Deployment/StatefulSet/Rollout with more than one replica is scaled by a HorizontalPodAutoscaler with room to grow.",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "Auto-scaling",
  references: [
    "EKS Best Practices Guide: Autoscaling (HPA)",
    "kube-score horizontalpodautoscaler-has-target",
  ],
  validateStack: (args, report) => {
    let judged = 0;
    for (const w of subjects(args, (r) => SCALED.includes(r.type), "Deployment, StatefulSet or Rollout")) {
      const hpas = hpasFor(w, args.resources);
      if (hpas.length === 0) {
        const replicas = Number(asRecord(w.props.spec).replicas ?? 1);
        if (replicas > 1) {
          judged++;
          report(
            violation(
              `'${w.name}' runs ${replicas} fixed replicas without a HorizontalPodAutoscaler`,
              `add a HorizontalPodAutoscaler whose 'spec.scaleTargetRef' names '${w.name}'.`,
            ),
            w.urn,
          );
        }
        continue;
      }
      judged++;
      const spec = asRecord(hpas[0].props.spec);
      const min = Number(spec.minReplicas ?? 1);
      const max = Number(spec.maxReplicas);
      if (!(max > min)) {
        report(
          violation(
            `HorizontalPodAutoscaler '${hpas[0].name}' cannot scale (min ${min}, max ${max})`,
            `set 'spec.maxReplicas' above 'spec.minReplicas' on HorizontalPodAutoscaler '${hpas[0].name}'.`,
          ),
          hpas[0].urn,
        );
      }
    }
    if (judged === 0) {
      args.notApplicable("No Deployment, StatefulSet or Rollout is autoscaled or runs more than one replica");
    }
  },
};

export const workloadMinReplicas: PlatformStackPolicy = {
  name: "workload-min-replicas",
  description:
    "Every Deployment/StatefulSet/Rollout runs at least the configured number of replicas: its HPA's minimum, else spec.replicas (default 1).",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Container Orchestration",
  references: [
    "EKS Best Practices Guide: Reliability (run multiple replicas)",
    "kube-score deployment-replicas",
    "Polaris deploymentMissingReplicas",
  ],
  configSchema: {
    properties: {
      minReplicas: { type: "integer", minimum: 1, default: 2 },
      exempt: {
        type: "array",
        items: { type: "string", pattern: "^[^/]+/[^/]+$" },
        default: [],
        description: "namespace/name of workloads allowed to run fewer replicas (singletons by design)",
      },
    },
  },
  validateStack: (args, report) => {
    const { minReplicas: required, exempt } = args.getConfig<{ minReplicas: number; exempt: string[] }>();
    for (const w of subjects(args, (r) => SCALED.includes(r.type), "Deployment, StatefulSet or Rollout")) {
      const id = `${namespaceOf(w.props)}/${nameOf(w.props, w.name)}`;
      const hpa = hpasFor(w, args.resources)[0];
      const replicas = minReplicas(w, args.resources);
      if (exempt.includes(id) || replicas >= required) {
        continue;
      }
      report(
        violation(
          hpa
            ? `HorizontalPodAutoscaler '${hpa.name}' lets '${w.name}' (${id}) scale down to ${replicas} replica(s), fewer than ${required}`
            : `'${w.name}' (${id}) runs ${replicas} replica(s) and no HorizontalPodAutoscaler, fewer than ${required}`,
          hpa
            ? `set 'spec.minReplicas' to at least ${required} on HorizontalPodAutoscaler '${hpa.name}'.`
            : `set 'spec.replicas' to at least ${required} on '${w.name}', or scale it with a HorizontalPodAutoscaler whose 'spec.minReplicas' is at least ${required}.`,
        ),
        hpa?.urn ?? w.urn,
      );
    }
  },
};
