/**
 * scripts/smoke-stack.sh against stub `pulumi`, `aws`, `kubectl` and `curl` (./stubs.ts): it reads
 * the checks from the stack's outputs and config, gets a temporary kubeconfig, runs the smoke test
 * with exactly those checks, and removes the kubeconfig afterwards.
 */
import { existsSync } from "fs";
import { runScript, type Scenario } from "./stubs";

const OUTPUTS = {
  region: "us-west-2",
  clusterName: "platform-production",
  kubeconfig: "[secret]",
  services: {
    api: { namespace: "api", clusterHost: "api.api.svc.cluster.local" },
    worker: { namespace: "worker", clusterHost: "worker.worker.svc.cluster.local" },
  },
  vaultNamespace: "vault",
};
const SERVICES = {
  ingressController: { chartVersion: "1.13.0", replicas: 2 },
  services: [
    {
      name: "api",
      probes: { liveness: "/livez" },
      expose: { scheme: "internet-facing", host: "api.example.com" },
    },
    { name: "worker" },
    { name: "admin", expose: { scheme: "internal", host: "admin.example.com" } },
  ],
};
const HEALTHY: Scenario = {
  outputs: OUTPUTS,
  services: SERVICES,
  deployments: { api: ["deployment.apps/api"], worker: ["deployment.apps/worker"] },
  http: {
    "https://api.example.com/livez": ["200", 0],
    "https://admin.example.com/health": ["204", 0],
  },
  vault: { vault: ["vault-0 false"] },
};

test("checks the stack's namespaces, exposed hosts (liveness path, /health by default) and Vault", () => {
  const result = runScript("smoke-stack.sh", ["production", "--timeout", "600"], HEALTHY);
  expect(result.status).toBe(0);
  expect(result.stdout).toEqual([
    "smoke-stack: production (cluster platform-production in us-west-2)",
    "ok    rollout of deployment.apps/api in namespace api complete",
    "ok    rollout of deployment.apps/worker in namespace worker complete",
    "ok    https://api.example.com/livez answered HTTP 200",
    "ok    https://admin.example.com/health answered HTTP 204",
    "ok    Vault pod vault-0 in namespace vault is unsealed",
    "smoke test passed: 5 checks",
  ]);
  const [output, config, aws, ...rest] = result.calls;
  expect([output, config]).toEqual([
    "pulumi stack output --stack production --json",
    "pulumi config get platform:services --stack production",
  ]);
  const kubeconfig = /--kubeconfig (\S+)$/.exec(aws)![1];
  expect(aws).toBe(
    `aws eks update-kubeconfig --name platform-production --region us-west-2 --kubeconfig ${kubeconfig}`,
  );
  expect(rest.filter((c) => c.startsWith("kubectl rollout"))).toEqual([
    "kubectl rollout status deployment.apps/api --namespace api --timeout 600s",
    "kubectl rollout status deployment.apps/worker --namespace worker --timeout 600s",
  ]);
  // Every kubectl call used the temporary kubeconfig, which is gone afterwards.
  expect(new Set(result.kubeconfigs)).toEqual(new Set([kubeconfig]));
  expect(existsSync(kubeconfig)).toBe(false);
});

test("a failed check fails the run with the smoke test's exit code", () => {
  const result = runScript("smoke-stack.sh", ["production"], {
    ...HEALTHY,
    vault: { vault: ["vault-0 true"] },
  });
  expect(result.status).toBe(1);
  expect(result.stdout).toContain("FAIL  Vault pod vault-0 in namespace vault is sealed");
});

test.each<[string, string[], Scenario, string]>([
  ["no stack name", [], HEALTHY, "Usage: smoke-stack.sh STACK [smoke-test.sh options]"],
  [
    "a stack that does not exist",
    ["nope"],
    { ...HEALTHY, outputs: undefined },
    "smoke-stack: cannot read the outputs of stack nope",
  ],
  [
    "a stack without cluster outputs",
    ["production"],
    { ...HEALTHY, outputs: { region: "us-west-2" } },
    "smoke-stack: stack production has no clusterName or region output",
  ],
])("%s exits 2 before touching the cluster", (_label, args, scenario, message) => {
  const result = runScript("smoke-stack.sh", args, scenario);
  expect(result.status).toBe(2);
  expect(result.stderr.trim().split("\n").pop()).toBe(message);
  expect(result.calls.filter((c) => !c.startsWith("pulumi "))).toEqual([]);
});
