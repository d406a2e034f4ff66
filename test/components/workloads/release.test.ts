/* eslint-disable @typescript-eslint/no-explicit-any -- generated JSON specs are read field by field */
/**
 * Canary releases, pure parts: the `release` rules, the analysis queries (parsed by the official
 * PromQL grammar), the metric conditions, the release-check Job, the controller's chart values and
 * its alert (runbook anchor resolved in docs/runbooks/releases.md).
 */
import { readFileSync } from "fs";
import { join } from "path";
import { parser } from "@prometheus-io/lezer-promql";
import {
  analysisQueries,
  analysisTemplateSpec,
  checkJob,
  defaultAcceptance,
} from "../../../components/workloads/canary-analysis";
import {
  canaryRelease,
  DEFAULT_CANARY,
  releaseProblems,
  type CanaryRelease,
} from "../../../components/workloads/release-rules";
import { crossFieldProblems, type ServiceDeclaration } from "../../../components/workloads/spec";
import {
  rolloutAlertRules,
  rolloutsControllerProblems,
  rolloutsValues,
} from "../../../components/delivery/rollouts-controller";

const CERT = "arn:aws:acm:us-west-2:123456789012:certificate/11111111-2222-3333-4444-555555555555";
const BASE: ServiceDeclaration = {
  name: "api",
  image: "registry.example.com/api:1.0.0",
  ports: { http: 8000, metrics: 9090 },
  replicas: 3,
  resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
  expose: { scheme: "internet-facing", host: "api.example.com", certificateArn: CERT },
  release: { strategy: "canary" },
};
const CANARY = canaryRelease(BASE)!;

function syntaxErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) {
        errors.push(`${node.from}: ${expr.slice(node.from, node.to + 10)}`);
      }
    },
  });
  return errors;
}
/** Argo Rollouts fills `{{args.canary-hash}}` before querying: do the same before parsing. */
const filled = (q: string) => q.split("{{args.canary-hash}}").join("5d8f7c9b4");

describe("release rules", () => {
  test("defaults are the assessment's canary", () => {
    expect(CANARY).toEqual({
      strategy: "canary",
      steps: [10, 20, 30, 40, 50],
      stepPauseSeconds: 300,
      analysisIntervalSeconds: 60,
      failureLimit: 5,
      successRate: 0.99,
      latencyP95Ms: 500,
      errorRate: 0.01,
      acceptance: undefined,
      load: undefined,
    });
    expect(canaryRelease({ release: { strategy: "rolling" } })).toBeUndefined();
    expect(canaryRelease({})).toBeUndefined();
  });

  test("a valid canary and a plain rolling release have no problem", () => {
    expect(releaseProblems(BASE)).toEqual([]);
    expect(releaseProblems({ ...BASE, release: { strategy: "rolling" } })).toEqual([]);
    expect(releaseProblems({ ...BASE, release: undefined })).toEqual([]);
  });

  test.each<[string, ServiceDeclaration["release"] | "unexposed", string, unknown, string]>([
    [
      "unexposed",
      "unexposed",
      "release.strategy",
      "canary",
      "canary shifts the ALB's traffic between stable and canary pods, so it needs expose; an unexposed service releases with 'rolling'",
    ],
    [
      "rolling with canary settings",
      { strategy: "rolling", steps: [10] },
      "release.strategy",
      "rolling",
      "is rolling, so steps apply to nothing; remove them or use 'canary'",
    ],
    [
      "decreasing steps",
      { strategy: "canary", steps: [20, 10] },
      "release.steps",
      [20, 10],
      "must be increasing whole percentages from 1 to 99, e.g. [10, 20, 30, 40, 50]",
    ],
    [
      "a 100 % step",
      { strategy: "canary", steps: [50, 100] },
      "release.steps",
      [50, 100],
      "must be increasing whole percentages from 1 to 99, e.g. [10, 20, 30, 40, 50]",
    ],
    [
      "interval too short",
      { strategy: "canary", analysisIntervalSeconds: 10 },
      "release.analysisIntervalSeconds",
      10,
      "must be an integer from 30 to 600 (at least two Prometheus scrapes apart)",
    ],
    [
      "pause shorter than two intervals",
      { strategy: "canary", stepPauseSeconds: 100 },
      "release.stepPauseSeconds",
      100,
      "must be an integer from 120 (two analysis intervals) to 3600",
    ],
    [
      "failure limit out of range",
      { strategy: "canary", failureLimit: 21 },
      "release.failureLimit",
      21,
      "must be an integer from 0 to 20",
    ],
    [
      "success rate as a percentage",
      { strategy: "canary", successRate: 99 },
      "release.successRate",
      99,
      "must be a fraction between 0 and 1, e.g. 0.99",
    ],
    [
      "error rate of 0",
      { strategy: "canary", errorRate: 0 },
      "release.errorRate",
      0,
      "must be a fraction between 0 and 1, e.g. 0.01",
    ],
    [
      "latency in seconds",
      { strategy: "canary", latencyP95Ms: 0.5 },
      "release.latencyP95Ms",
      0.5,
      "must be an integer number of milliseconds from 1 to 60000",
    ],
    [
      "unpinned acceptance image",
      { strategy: "canary", acceptance: { image: "tests/acceptance", command: ["run"] } },
      "release.acceptance.image",
      "tests/acceptance",
      "is not pinned: add a version tag (repository:1.2.3) or a digest (repository@sha256:...)",
    ],
    [
      "load without a command",
      { strategy: "canary", load: { image: "tools/k6:0.50.0", command: [] } },
      "release.load.command",
      [],
      "must name the program to run and its arguments",
    ],
  ])("%s", (_, release, path, received, message) => {
    const decl =
      release === "unexposed"
        ? { ...BASE, expose: undefined }
        : { ...BASE, release: release as ServiceDeclaration["release"] };
    expect(releaseProblems(decl)).toEqual([{ path, received, message }]);
  });

  test("the namespace quota counts the release checks' pods", () => {
    const tight = {
      ...BASE,
      namespaceQuota: { cpu: "3", memory: "4Gi" },
      release: { strategy: "canary" as const, load: { image: "tools/k6:0.50.0", command: ["k6", "run"] } },
    };
    expect(crossFieldProblems(tight).map((p) => `${p.path}: ${p.message}`)).toEqual([
      "namespaceQuota.memory: is below the 4224Mi memory requested by 4 pods (most replicas plus the rolling update's surge and 2 release check pod(s)); raise it or lower the requests",
    ]);
  });
});

describe("analysis", () => {
  const target = { namespace: "api", rollout: "api" };
  const queries = analysisQueries(target, CANARY);

  test("queries select exactly the canary's pods and parse with the official PromQL grammar", () => {
    expect(queries).toEqual({
      "success-rate":
        '(sum(rate(http_requests_total{namespace="api", pod=~"api-{{args.canary-hash}}-[a-z0-9]+", status=~"[23].."}[120s])) or on() vector(0)) / sum(rate(http_requests_total{namespace="api", pod=~"api-{{args.canary-hash}}-[a-z0-9]+"}[120s]))',
      "latency-p95":
        'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="api", pod=~"api-{{args.canary-hash}}-[a-z0-9]+"}[120s])))',
      "error-rate":
        '(sum(rate(http_requests_total{namespace="api", pod=~"api-{{args.canary-hash}}-[a-z0-9]+", status=~"5.."}[120s])) or on() vector(0)) / sum(rate(http_requests_total{namespace="api", pod=~"api-{{args.canary-hash}}-[a-z0-9]+"}[120s]))',
    });
    for (const q of Object.values(queries)) {
      expect(syntaxErrors(filled(q))).toEqual([]);
    }
    expect(syntaxErrors("sum(rate(x[5m])")).not.toEqual([]);
  });

  test("metrics: every minute, rollback after 5 failures, the assessment's thresholds, no data is inconclusive", () => {
    const spec = analysisTemplateSpec(target, CANARY, "http://prom:9090", undefined);
    expect(spec.args).toEqual([{ name: "canary-hash" }]);
    const metrics = spec.metrics as Record<string, unknown>[];
    // The first measurement after a rate window; two quiet measurements tolerated, the third pauses.
    expect(metrics.slice(0, 3).map((m) => [m.initialDelay, m.inconclusiveLimit])).toEqual([
      ["120s", 2],
      ["120s", 2],
      ["120s", 2],
    ]);
    expect(
      metrics.map((m) => [m.name, m.interval, m.failureLimit, m.successCondition, m.failureCondition]),
    ).toEqual([
      [
        "success-rate",
        "60s",
        5,
        "len(result) > 0 && result[0] >= 0.99",
        "len(result) > 0 && result[0] < 0.99",
      ],
      ["latency-p95", "60s", 5, "len(result) > 0 && result[0] <= 0.5", "len(result) > 0 && result[0] > 0.5"],
      ["error-rate", "60s", 5, "len(result) > 0 && result[0] <= 0.01", "len(result) > 0 && result[0] > 0.01"],
    ]);
    expect(metrics[0].provider).toEqual({
      prometheus: { address: "http://prom:9090", query: queries["success-rate"], timeout: 30 },
    });
  });

  test("a declared load runs as a Job metric that may not fail", () => {
    const load = { spec: {} };
    const metrics = analysisTemplateSpec(target, CANARY, "http://prom:9090", load).metrics as Record<
      string,
      unknown
    >[];
    expect(metrics[3]).toEqual({ name: "load", failureLimit: 0, provider: { job: load } });
  });

  test("release-check Jobs are hardened (restricted, no token, bounded, never retried)", () => {
    const job = checkJob(
      "acceptance",
      defaultAcceptance("/ready"),
      {
        labels: { app: "x" },
        uid: 10001,
        serviceAccountName: "default",
        nodeSelector: { workload: "application" },
        canaryUrl: "http://api-canary.api.svc.cluster.local:8000",
      },
      300,
    );
    const spec = job.spec as Record<string, any>;
    expect(spec.backoffLimit).toBe(0);
    expect(spec.activeDeadlineSeconds).toBe(300);
    const pod = spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.restartPolicy).toBe("Never");
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      seccompProfile: { type: "RuntimeDefault" },
    });
    const [c] = pod.containers;
    expect(c.image).toBe("curlimages/curl:8.11.1");
    expect(c.command.at(-1)).toBe("$(CANARY_URL)/ready");
    expect(c.env).toEqual([{ name: "CANARY_URL", value: "http://api-canary.api.svc.cluster.local:8000" }]);
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(c.resources).toEqual({
      requests: { cpu: "50m", memory: "64Mi" },
      limits: { cpu: "500m", memory: "128Mi" },
    });
  });

  test("DEFAULT_CANARY matches the assessment", () => {
    const c: Omit<CanaryRelease, "acceptance" | "load"> = DEFAULT_CANARY;
    expect([c.steps.at(-1), c.analysisIntervalSeconds, c.failureLimit]).toEqual([50, 60, 5]);
  });
});

describe("Argo Rollouts controller", () => {
  const args = {
    chartVersion: "2.41.0",
    replicas: 2,
    nodeSelector: { role: "system" },
    tolerations: [
      { key: "CriticalAddonsOnly", operator: "Equal" as const, value: "true", effect: "NoSchedule" as const },
    ],
    runbookBaseUrl: "https://example.com/docs/runbooks/",
  };

  test("values: HA on the system nodes, metrics scraped, ALB RBAC only, restricted security contexts", () => {
    const v = rolloutsValues(args) as Record<string, any>;
    expect(v.controller.replicas).toBe(2);
    expect(v.controller.nodeSelector).toEqual({ role: "system" });
    expect(v.controller.tolerations).toEqual(args.tolerations);
    expect(v.controller.pdb).toEqual({ enabled: true, maxUnavailable: 1 });
    expect(v.controller.metrics).toEqual({ enabled: true, serviceMonitor: { enabled: true } });
    expect(Object.entries(v.providerRBAC.providers).filter(([, on]) => on)).toEqual([
      ["awsLoadBalancerController", true],
    ]);
    expect(v.containerSecurityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(v.keepCRDs).toBe(true);
    expect((rolloutsValues({ ...args, replicas: 1 }) as Record<string, any>).controller.pdb.enabled).toBe(
      false,
    );
  });

  test("args problems are collected", () => {
    expect(rolloutsControllerProblems(args)).toEqual([]);
    expect(
      rolloutsControllerProblems({
        ...args,
        chartVersion: "^2",
        replicas: 0,
        nodeSelector: {},
        runbookBaseUrl: "x",
      }),
    ).toEqual([
      'chartVersion: must be an exact chart version like 2.41.0 (received "^2")',
      "replicas: must be an integer from 1 to 3 (received 0)",
      "nodeSelector: must name the system nodes' labels (received {})",
      "runbookBaseUrl: must be an https:// URL ending in '/' (received \"x\")",
    ]);
  });

  test("the abort and stuck alerts parse, route by severity and link runbook sections that exist", () => {
    const [group] = rolloutAlertRules(args.runbookBaseUrl) as { rules: Record<string, any>[] }[];
    const runbook = readFileSync(
      join(__dirname, "..", "..", "..", "docs", "runbooks", "releases.md"),
      "utf8",
    );
    expect(group.rules.map((r) => [r.alert, r.expr, r.for])).toEqual([
      ["RolloutAborted", 'max by (exported_namespace, name) (rollout_info{phase="Degraded"}) == 1', "1m"],
      // Longer than any step's pause (5 minutes by default): an inconclusive analysis waits for a person.
      [
        "RolloutPausedTooLong",
        'max by (exported_namespace, name) (rollout_info{phase="Paused"}) == 1',
        "30m",
      ],
    ]);
    for (const rule of group.rules) {
      expect(syntaxErrors(rule.expr)).toEqual([]);
      expect(rule.labels).toEqual({ severity: "high" });
      expect(rule.annotations.runbook_url).toBe(
        `https://example.com/docs/runbooks/releases.md#${rule.alert.toLowerCase()}`,
      );
      expect(runbook).toMatch(new RegExp(`^## ${rule.alert}$`, "m"));
    }
  });
});
