import type { PlanFile, PlanState } from "../../tools/offline/plan";
import { estimateDeploy, isInherentEdge } from "../../tools/deploy-time/estimate";
import { typicalSeconds } from "../../tools/deploy-time/durations";
import { renderEstimate } from "../../tools/deploy-time";

const urn = (type: string, name: string) => `urn:pulumi:test::platform::${type}::${name}`;
const VPC = "aws:ec2/vpc:Vpc";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const EKS = "aws:eks/cluster:Cluster";
const RDS = "aws:rds/instance:Instance";
const NODES = "aws:eks/nodeGroup:NodeGroup";

function state(type: string, name: string, extra: Partial<PlanState> = {}): PlanState {
  return { urn: urn(type, name), type, custom: !type.startsWith("platform:"), inputs: {}, ...extra };
}
const plan = (...states: PlanState[]): PlanFile => ({
  steps: states.map((s) => ({ op: "create", urn: s.urn, newState: s })),
  changeSummary: { create: states.length },
});

describe("typical creation times", () => {
  test.each([
    [EKS, {}, 600],
    [RDS, {}, 900],
    [RDS, { replicateSourceDb: "db" }, 720],
    ["kubernetes:apps/v1:Deployment", {}, 60],
    ["kubernetes:apps/v1:Deployment", { metadata: { annotations: { "pulumi.com/skipAwait": "true" } } }, 2],
    ["aws:iam/role:Role", {}, 3],
  ])("%s %j: %d s", (type, inputs, seconds) => {
    expect(typicalSeconds(type, true, inputs)).toBe(seconds);
  });

  test("components and providers create nothing", () => {
    expect(typicalSeconds("platform:data:PostgresDatabase", false, {})).toBe(0);
    expect(typicalSeconds("pulumi:providers:kubernetes", true, {})).toBe(0);
  });
});

describe("estimateDeploy", () => {
  test("independent creations run in parallel; a chain adds up; the serial sum adds everything", () => {
    const vpc = state(VPC, "vpc");
    const cluster = state(EKS, "eks", { dependencies: [vpc.urn] });
    const nodes = state(NODES, "nodes", { dependencies: [cluster.urn] });
    const db = state(RDS, "db", { dependencies: [vpc.urn] });
    const e = estimateDeploy(plan(vpc, cluster, nodes, db));
    expect(e.serialSeconds).toBe(3 + 600 + 240 + 900);
    expect(e.criticalPathSeconds).toBe(3 + 900);
    expect(e.criticalPath.map((t) => [t.urn.split("::").pop(), t.start, t.finish])).toEqual([
      ["vpc", 0, 3],
      ["db", 3, 903],
    ]);
    expect(e.lowerBoundSeconds).toBe(903);
  });

  test("a child starts after its parent, and a parent with dependsOn after those (parent edge)", () => {
    const cluster = state(EKS, "eks");
    const component = state("platform:workloads:Service", "api", { dependencies: [cluster.urn] });
    const deployment = state("kubernetes:apps/v1:Deployment", "api", { parent: component.urn });
    const e = estimateDeploy(plan(cluster, component, deployment));
    expect(e.criticalPathSeconds).toBe(660);
    expect(e.criticalPath.map((t) => t.type)).toEqual([EKS, "kubernetes:apps/v1:Deployment"]);
  });

  test("everything deployed through a provider waits for what the provider waits for", () => {
    const nodes = state(NODES, "nodes");
    const provider = state("pulumi:providers:kubernetes", "k8s", { dependencies: [nodes.urn] });
    const release = state("kubernetes:helm.sh/v3:Release", "vault", { provider: `${provider.urn}::id` });
    expect(estimateDeploy(plan(nodes, provider, release)).criticalPathSeconds).toBe(240 + 120);
  });

  test("a data security group waiting for the EKS cluster is wiring: on the critical path, not in the lower bound", () => {
    const vpc = state(VPC, "vpc");
    const cluster = state(EKS, "eks", { dependencies: [vpc.urn] });
    const dataSg = state(SG, "db-sg", { dependencies: [vpc.urn, cluster.urn] });
    const db = state(RDS, "db", { dependencies: [dataSg.urn] });
    const e = estimateDeploy(plan(vpc, cluster, dataSg, db));
    expect(e.criticalPathSeconds).toBe(3 + 600 + 3 + 900);
    expect(e.lowerBoundSeconds).toBe(3 + 3 + 900);
    expect(renderEstimate(e)).toContain("inherent lower bound:    15.1 min (critical path 66.2 % above it)");
  });

  test.each([
    [SG, VPC, true],
    [SG, SG, true],
    [SG, EKS, false],
    ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", EKS, false],
    [RDS, RDS, true],
    [NODES, EKS, true],
  ])("edge %s -> %s inherent: %p", (from, to, inherent) => {
    expect(isInherentEdge(state(from, "a"), state(to, "b"))).toBe(inherent);
  });
});
