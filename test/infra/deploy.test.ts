/**
 * The production stack as a real first `pulumi up` meets it (issue 11, decisions 0120-0124): the
 * Kubernetes API reachable from the listed networks, every secret a service needs at its first
 * start written by the platform or the service not awaited, the data tier independent of the EKS
 * control plane, and the first deploy's critical path at its inherent lower bound.
 */
import { readStackFiles } from "../../tools/offline/stack-files";
import { PROJECT_DIR } from "../../tools/offline/preview-stack";
import { toPlan } from "../../tools/offline/plan";
import { estimateDeploy } from "../../tools/deploy-time/estimate";
import { parseConfig } from "../../infra/config";
import { SKIP_AWAIT_ANNOTATION, vaultPathWriter } from "../../components/workloads/first-start";
import { type OfflineRun, byName, ofType, runStack } from "../support/offline";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const files = readStackFiles(PROJECT_DIR, "production");
const config = parseConfig(files.config, files.project, "production");

let run: OfflineRun;
beforeAll(async () => {
  run = await runStack("production");
});

test("each apiAccessCidrs entry is a 443 rule on the control plane's group, and the provider waits for them", () => {
  const controlPlane = byName(run, SG, "platform-control-plane");
  const rules = ofType(run, RULE).filter(
    (r) => r.inputs.securityGroupId === controlPlane.id && r.inputs.cidrIpv4,
  );
  expect(
    rules.map((r) => [
      r.name,
      r.inputs.securityGroupId,
      r.inputs.cidrIpv4,
      r.inputs.fromPort,
      r.inputs.toPort,
    ]),
  ).toEqual(
    config.cluster.apiAccessCidrs.map((cidr) => [
      `platform-api-from-${cidr.replace(/[./]/g, "-")}`,
      controlPlane.id,
      cidr,
      443,
      443,
    ]),
  );
  const provider = byName(run, "pulumi:providers:kubernetes", "platform-k8s");
  for (const rule of rules) {
    expect(provider.dependencies).toContain(rule.urn);
  }
});

test("every Vault path a service needs at start is written by the platform, or the service is not awaited", () => {
  const scripts = byName(run, "kubernetes:core/v1:ConfigMap", "vault-scripts").inputs.data as Record<
    string,
    string
  >;
  const bootstrapEnv = JSON.stringify(byName(run, "kubernetes:batch/v1:Job", "vault-bootstrap").inputs);
  const services = config.services.services.filter((s) => s.vault);
  expect(services.map((s) => s.name)).toEqual(["api", "worker"]);
  for (const s of services) {
    // A canary service runs a Rollout instead (decision 0150), with the same annotations.
    const deployment =
      run.resources.find(
        (r) => r.type === "kubernetes:argoproj.io/v1alpha1:Rollout" && r.name === `${s.name}-rollout`,
      ) ?? byName(run, "kubernetes:apps/v1:Deployment", `${s.name}-deployment`);
    const annotations =
      (deployment.inputs.metadata as { annotations?: Record<string, string> }).annotations ?? {};
    for (const { path } of s.vault!.secrets) {
      if (vaultPathWriter(path) === "platform") {
        // The bootstrap Job (awaited) writes the role; its creation statements create the group role.
        expect(path).toBe(`database/creds/${s.name}`);
        expect(bootstrapEnv).toContain(`{"name":"DB_ALLOWED_ROLES","value":"${s.name}"}`);
        expect(scripts[`sql--${s.name}-create.sql`]).toContain(
          `CREATE ROLE "${s.vault!.databaseRole}" NOLOGIN;`,
        );
      } else {
        // Written by CI once Vault exists: Pulumi must not wait for pods that need it.
        expect([s.name, path, annotations[SKIP_AWAIT_ANNOTATION]]).toEqual([s.name, path, "true"]);
      }
    }
  }
});

test("the data stores admit only the data-clients group, which every node carries: no wait for the control plane", () => {
  const clients = byName(run, SG, "data-clients");
  expect(clients.inputs).toMatchObject({ ingress: [], egress: [] });
  // Besides, PostgreSQL admits its master password rotation function (decision 0114).
  const rotation = byName(run, SG, "postgres-rotation");
  for (const [name, sources] of [
    ["postgres-sg", [[clients.id], [rotation.id]]],
    ["redis-sg", [[clients.id]]],
  ] as const) {
    const group = byName(run, SG, name);
    expect((group.inputs.ingress as { securityGroups: string[] }[]).map((r) => r.securityGroups)).toEqual(
      sources,
    );
    expect(group.dependencies).not.toContain(byName(run, "aws:eks/cluster:Cluster", "platform").urn);
  }
  for (const template of ofType(run, "aws:ec2/launchTemplate:LaunchTemplate")) {
    expect(template.inputs.vpcSecurityGroupIds).toEqual([byName(run, SG, "platform-node").id, clients.id]);
  }
});

test("the first deploy's critical path is within 5 % of its inherent lower bound", () => {
  const estimate = estimateDeploy(JSON.parse(JSON.stringify(toPlan(run))));
  expect(estimate.criticalPathSeconds).toBeLessThanOrEqual(estimate.lowerBoundSeconds * 1.05);
  // Far below the serial sum: the long creations overlap.
  expect(estimate.criticalPathSeconds).toBeLessThan(estimate.serialSeconds / 3);
});
