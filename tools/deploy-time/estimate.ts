/**
 * The first-deploy estimate of a plan: every resource starts when everything it waits for is done
 * and takes its typical time (durations.ts); the engine runs independent creations in parallel.
 *
 * What a resource waits for (the edges):
 * - its `dependencies` (explicit `dependsOn` and the resources whose outputs it reads; a component
 *   named there stands for all its children, as the plan lists them);
 * - its parent's start: a child is registered only once its parent is, and a component with
 *   `dependsOn` registers only after those resources are created;
 * - its provider (a Kubernetes provider waits for the nodes, so does everything deployed through it).
 *
 * The critical path is the chain that ends last. The inherent lower bound is the same computation
 * on the edges a creation really needs (see {@link isInherentEdge}): the longest chain of creations
 * that depend on each other whatever the program's wiring.
 */
import type { PlanFile, PlanState } from "../offline/plan";
import { typicalSeconds } from "./durations";

/** One resource on a path: when it starts and finishes, in seconds from the start of the deploy. */
export interface Timed {
  readonly urn: string;
  readonly type: string;
  readonly seconds: number;
  readonly start: number;
  readonly finish: number;
}

export interface DeployEstimate {
  /** Every creation one after the other. */
  readonly serialSeconds: number;
  /** The end of the last creation with the plan's own edges. */
  readonly criticalPathSeconds: number;
  readonly criticalPath: readonly Timed[];
  /** The end of the last creation with only inherent edges. */
  readonly lowerBoundSeconds: number;
  readonly lowerBoundPath: readonly Timed[];
}

const SECURITY_GROUP_TYPES = [
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
];
const NETWORK_PRIMITIVES = [...SECURITY_GROUP_TYPES, "aws:ec2/vpc:Vpc"];

/**
 * Whether `to` really has to exist before `from` can be created. Every edge does, except one
 * kind: a security group (or rule) needs only its VPC and the groups it names, and a group that
 * another service creates as a side effect (the EKS cluster's security group, known only once the
 * control plane exists) can always be replaced by one created up front, which the service then
 * carries. So a security group's edge to anything but a VPC or a security group is wiring, not need.
 */
export function isInherentEdge(from: PlanState, to: PlanState): boolean {
  return !(SECURITY_GROUP_TYPES.includes(from.type) && !NETWORK_PRIMITIVES.includes(to.type));
}

/** The provider reference `urn::id` as the URN of the provider resource. */
function providerUrn(ref: string | undefined): string | undefined {
  return ref?.split("::").slice(0, -1).join("::") || undefined;
}

function schedule(states: readonly PlanState[], inherentOnly: boolean): { finish: number; path: Timed[] } {
  const byUrn = new Map<string, { state: PlanState; timed: Timed; via?: string }>();
  let last: { timed: Timed } | undefined;
  // Plans list resources in registration order: everything a resource waits for comes before it.
  for (const state of states) {
    const waits: string[] = [...(state.dependencies ?? [])];
    const provider = providerUrn(state.provider);
    if (provider) {
      waits.push(provider);
    }
    let start = 0;
    let via: string | undefined;
    for (const urn of waits) {
      const dep = byUrn.get(urn);
      if (dep && (!inherentOnly || isInherentEdge(state, dep.state)) && dep.timed.finish > start) {
        start = dep.timed.finish;
        via = urn;
      }
    }
    const parent = state.parent ? byUrn.get(state.parent) : undefined;
    if (parent && parent.timed.start > start) {
      start = parent.timed.start;
      via = parent.via;
    }
    const seconds = typicalSeconds(state.type, state.custom, state.inputs);
    const timed = { urn: state.urn, type: state.type, seconds, start, finish: start + seconds };
    const entry = { state, timed, via };
    byUrn.set(state.urn, entry);
    if (!last || timed.finish > last.timed.finish) {
      last = entry;
    }
  }
  const path: Timed[] = [];
  for (
    let at = last as { timed: Timed; via?: string } | undefined;
    at;
    at = at.via ? byUrn.get(at.via) : undefined
  ) {
    if (at.timed.seconds > 0) {
      path.unshift(at.timed);
    }
  }
  return { finish: last?.timed.finish ?? 0, path };
}

/** The first-deploy estimate of `plan` (its create steps). */
export function estimateDeploy(plan: PlanFile): DeployEstimate {
  const states = plan.steps.flatMap((s) => (s.newState && s.op === "create" ? [s.newState] : []));
  const actual = schedule(states, false);
  const bound = schedule(states, true);
  return {
    serialSeconds: states.reduce((sum, s) => sum + typicalSeconds(s.type, s.custom, s.inputs), 0),
    criticalPathSeconds: actual.finish,
    criticalPath: actual.path,
    lowerBoundSeconds: bound.finish,
    lowerBoundPath: bound.path,
  };
}
