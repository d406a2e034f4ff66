/**
 * scripts/smoke-test.sh against stub `kubectl` and `curl` binaries (./stubs.ts): one test per
 * failure mode, plus the all-green run and usage errors.
 */
import { spawnSync } from "child_process";
import { join } from "path";
import { runScript, type Scenario, SCRIPTS } from "./stubs";

const smoke = (args: string[], scenario: Scenario = {}) => runScript("smoke-test.sh", args, scenario);

const API_URL = "https://api.example.com/health";
const HEALTHY: Scenario = {
  deployments: { api: ["deployment.apps/api"], worker: ["deployment.apps/worker"] },
  http: { [API_URL]: ["200", 0] },
  vault: { vault: ["vault-0 false", "vault-1 false", "vault-2 false"] },
};
const ALL = ["--namespace", "api", "--namespace", "worker", "--url", API_URL, "--vault-namespace", "vault"];

test("a healthy stack passes every check, with the exact kubectl and curl calls", () => {
  const result = smoke([...ALL, "--timeout", "120", "--retries", "3"], HEALTHY);
  expect(result.stdout).toEqual([
    "ok    rollout of deployment.apps/api in namespace api complete",
    "ok    rollout of deployment.apps/worker in namespace worker complete",
    `ok    ${API_URL} answered HTTP 200`,
    "ok    Vault pod vault-0 in namespace vault is unsealed",
    "ok    Vault pod vault-1 in namespace vault is unsealed",
    "ok    Vault pod vault-2 in namespace vault is unsealed",
    "smoke test passed: 6 checks",
  ]);
  expect(result.status).toBe(0);
  expect(result.calls).toEqual([
    "kubectl get deployments --namespace api --output name",
    "kubectl rollout status deployment.apps/api --namespace api --timeout 120s",
    "kubectl get deployments --namespace worker --output name",
    "kubectl rollout status deployment.apps/worker --namespace worker --timeout 120s",
    `curl --silent --output /dev/null --write-out %{http_code} --max-time 10 --retry 3 --retry-delay 5 --retry-all-errors --fail ${API_URL}`,
    'kubectl get pods --namespace vault --selector app.kubernetes.io/name=vault,component=server --output jsonpath={range .items[*]}{.metadata.name}{" "}{.metadata.labels.vault-sealed}{"\\n"}{end}',
  ]);
});

describe.each<[string, Scenario, string]>([
  [
    "a rollout that does not complete",
    { ...HEALTHY, stuck: { worker: "error: timed out waiting for the condition" } },
    "FAIL  rollout of deployment.apps/worker in namespace worker not complete within 300s: error: timed out waiting for the condition",
  ],
  [
    "a namespace without Deployments",
    { ...HEALTHY, deployments: { api: ["deployment.apps/api"], worker: [] } },
    "FAIL  rollouts in namespace worker: no Deployment or Rollout found",
  ],
  [
    "an aborted canary release (Rollout Degraded)",
    {
      ...HEALTHY,
      deployments: { api: [], worker: ["deployment.apps/worker"] },
      rollouts: { api: ["api Degraded"] },
    },
    "FAIL  release of rollout api in namespace api aborted (Degraded); see docs/runbooks/releases.md",
  ],
  [
    "an unreachable cluster",
    {
      ...HEALTHY,
      listErrors: { worker: "Unable to connect to the server: dial tcp 10.0.0.1:443: i/o timeout" },
    },
    "FAIL  rollouts in namespace worker: cannot list Deployments: Unable to connect to the server: dial tcp 10.0.0.1:443: i/o timeout",
  ],
  [
    "a health endpoint answering 503",
    { ...HEALTHY, http: { [API_URL]: ["503", 22] } },
    `FAIL  ${API_URL} answered HTTP 503`,
  ],
  [
    "a health endpoint that does not answer",
    { ...HEALTHY, http: { [API_URL]: ["000", 7] } },
    `FAIL  ${API_URL} did not answer (curl exit code 7)`,
  ],
  [
    "a sealed Vault pod",
    { ...HEALTHY, vault: { vault: ["vault-0 false", "vault-1 true", "vault-2 false"] } },
    "FAIL  Vault pod vault-1 in namespace vault is sealed",
  ],
  [
    "a Vault pod without seal status",
    { ...HEALTHY, vault: { vault: ["vault-0 false", "vault-1", "vault-2 false"] } },
    "FAIL  Vault pod vault-1 in namespace vault reports no seal status (label vault-sealed missing)",
  ],
  [
    "no Vault server pod",
    { ...HEALTHY, vault: { vault: [] } },
    "FAIL  Vault in namespace vault: no server pod found",
  ],
])("%s", (_label, scenario, failure) => {
  test("fails the run with one FAIL line naming it, after running every other check", () => {
    const result = smoke(ALL, scenario);
    expect(result.status).toBe(1);
    const failed = result.stdout.filter((l) => l.startsWith("FAIL"));
    expect(failed).toEqual([failure]);
    const checks = result.stdout.filter((l) => /^(ok|FAIL) /.test(l)).length;
    expect(result.stdout[result.stdout.length - 1]).toBe(`smoke test FAILED: 1 of ${checks} checks failed`);
  });
});

test("a canary service's Rollout passes while it progresses or is healthy", () => {
  const result = smoke(ALL, {
    ...HEALTHY,
    deployments: { api: [], worker: ["deployment.apps/worker"] },
    rollouts: { api: ["api Paused"] },
  });
  expect(result.status).toBe(0);
  expect(result.stdout).toContain(
    "ok    rollout api in namespace api is Paused (a canary release proceeds on its own)",
  );
  expect(result.calls[1]).toBe(
    'kubectl get rollouts.argoproj.io --namespace api --output jsonpath={range .items[*]}{.metadata.name}{" "}{.status.phase}{"\\n"}{end}',
  );
});

test("every failure is reported, and in GitHub Actions each also becomes an error annotation", () => {
  const result = smoke(ALL, {
    ...HEALTHY,
    stuck: { api: 'error: deployment "api" exceeded its progress deadline' },
    http: { [API_URL]: ["502", 22] },
    env: { GITHUB_ACTIONS: "true" },
  });
  expect(result.status).toBe(1);
  expect(result.stdout.filter((l) => !l.startsWith("ok"))).toEqual([
    'FAIL  rollout of deployment.apps/api in namespace api not complete within 300s: error: deployment "api" exceeded its progress deadline',
    '::error title=Smoke test failed::rollout of deployment.apps/api in namespace api not complete within 300s: error: deployment "api" exceeded its progress deadline',
    `FAIL  ${API_URL} answered HTTP 502`,
    `::error title=Smoke test failed::${API_URL} answered HTTP 502`,
    "smoke test FAILED: 2 of 6 checks failed",
  ]);
});

test.each<[string[], string]>([
  [[], "smoke-test: nothing to check: give --namespace, --url or --vault-namespace"],
  [["--url", "api.example.com/health"], "smoke-test: --url needs an http(s) URL"],
  [["--namespace"], "smoke-test: --namespace needs a namespace"],
  [["--namespace", "api", "--timeout", "0"], "smoke-test: --timeout needs a positive number of seconds"],
  [["--vault"], "smoke-test: unknown argument '--vault'"],
])("usage error %j exits 2 without calling anything", (args, message) => {
  const result = smoke(args, HEALTHY);
  expect(result.status).toBe(2);
  expect(result.stderr.split("\n")[0]).toBe(message);
  expect(result.calls).toEqual([]);
});

test("a missing kubectl is a usage error, not a failed check", () => {
  const result = spawnSync("/bin/bash", [join(SCRIPTS, "smoke-test.sh"), "--namespace", "api"], {
    encoding: "utf8",
    env: { PATH: "/nonexistent" },
  });
  expect(result.status).toBe(2);
  expect(result.stderr.split("\n")[0]).toBe("smoke-test: kubectl is not on PATH");
});
