/**
 * Where pods land on the cluster's nodes: the taints node groups carry, the tolerations that match
 * them, and the placement (node selector plus tolerations) of the pods that belong on one role of
 * node group. The cluster places its own add-ons with it and exposes the system placement, so the
 * components deployed next to them (ingress controller, cert-manager, Vault) tolerate exactly the
 * taint the system nodes carry: one source, the system node group's `taints`.
 */
import { GPU_PRESENT_LABEL, type NodeGroupSpec, nodeLabels } from "./node-group";

/** A Kubernetes taint (Kubernetes spelling of the effect). */
export interface Taint {
  readonly key: string;
  readonly value: string;
  readonly effect: "NoSchedule" | "NoExecute" | "PreferNoSchedule";
}

/** A Kubernetes toleration matching a taint exactly. */
export interface Toleration {
  readonly key: string;
  readonly operator: "Equal";
  readonly value: string;
  readonly effect: Taint["effect"];
}

/** The tolerations that match `taints` exactly, in the same order. */
export function tolerationsFor(taints: readonly Taint[]): Toleration[] {
  return taints.map((t) => ({ key: t.key, operator: "Equal", value: t.value, effect: t.effect }));
}

/** Where system pods run: the system group's labels, tolerating its taints. */
export interface Placement {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
}

/** A placement as Kubernetes pod specs and Helm charts spell it. */
export interface PodPlacement {
  /** Labels of the nodes the pods must run on. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Tolerations of exactly the taints those nodes carry. */
  readonly tolerations: readonly Toleration[];
}

/**
 * Placement of pods on the groups with `role`: for gpu groups the GPU marker label and every taint
 * of every gpu group; otherwise the first group's labels and taints (the cluster has exactly one
 * system group).
 */
export function placementFor(
  nodeGroups: Readonly<Record<string, NodeGroupSpec>>,
  role: NodeGroupSpec["role"],
): Placement {
  const specs = Object.values(nodeGroups).filter((g) => g.role === role);
  if (role === "gpu") {
    const taints = new Map<string, Taint>();
    specs.flatMap((g) => g.taints ?? []).forEach((t) => taints.set(`${t.key}=${t.value}:${t.effect}`, t));
    return { nodeSelector: { [GPU_PRESENT_LABEL]: "true" }, taints: [...taints.values()] };
  }
  return { nodeSelector: nodeLabels(specs[0]), taints: specs[0].taints ?? [] };
}

/** `placement` with its taints turned into tolerations, for pod specs and chart values. */
export function podPlacement(placement: Placement): PodPlacement {
  return { nodeSelector: { ...placement.nodeSelector }, tolerations: tolerationsFor(placement.taints) };
}
