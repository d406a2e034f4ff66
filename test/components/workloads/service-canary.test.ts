/* eslint-disable @typescript-eslint/no-explicit-any -- generated JSON specs are read field by field */
/**
 * A PlatformService released by canary (docs/decisions/0150): a Rollout with the same hardened pod
 * template instead of the Deployment, stable and canary Services for the ALB's weighted target
 * groups, the acceptance and analysis AnalysisTemplates, the release checks' network policies, and
 * the HPA and PDB on the Rollout's pods.
 */
import { byName, runProgram, type OfflineRun } from "../../support/offline";
import type { PlatformServiceArgs } from "../../../components/workloads/service";

const CERT = "arn:aws:acm:us-west-2:123456789012:certificate/11111111-2222-3333-4444-555555555555";
const API: PlatformServiceArgs = {
  name: "api",
  image: "123456789012.dkr.ecr.us-west-2.amazonaws.com/platform/api:1.0.0",
  ports: { http: 8000, metrics: 9090 },
  replicas: 3,
  autoscaling: { minReplicas: 3, maxReplicas: 20, cpuUtilization: 70 },
  resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2000m", memory: "8Gi" } },
  expose: { scheme: "internet-facing", host: "api.example.com", certificateArn: CERT },
  namespaceQuota: { cpu: "16", memory: "48Gi" },
  dataCidrs: [],
  publicCidrs: ["10.0.128.0/24"],
  nodeSelector: { workload: "application" },
  release: {
    strategy: "canary",
    load: { image: "grafana/k6:0.50.0", command: ["k6", "run", "/scripts/load.js"] },
  },
};
const SELECTOR = { "app.kubernetes.io/name": "api" };
const CHECKS = {
  "app.kubernetes.io/name": "api-release-check",
  "app.kubernetes.io/component": "release-check",
  "app.kubernetes.io/part-of": "platform",
};
const ROLLOUT = "kubernetes:argoproj.io/v1alpha1:Rollout";
const TEMPLATE = "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate";
const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

describe("PlatformService released by canary", () => {
  let run: OfflineRun;
  let spec: (type: string, name: string) => Record<string, any>;
  beforeAll(async () => {
    run = await runProgram(async () => {
      const k8s = await import("@pulumi/kubernetes");
      const { PlatformService } = await import("../../../components/workloads/service");
      const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
      const svc = new PlatformService("api", API, { provider });
      return { name: svc.deploymentName, kind: svc.workloadKind };
    });
    spec = (type, name) => byName(run, type, name).inputs.spec as Record<string, any>;
  });

  test("a Rollout, two routing Services, two AnalysisTemplates and two check policies replace the Deployment", () => {
    const kinds = run.resources.map((r) => `${r.type} ${r.name}`);
    expect(kinds.filter((k) => k.includes("Deployment"))).toEqual([]);
    expect(kinds.filter((k) => /argoproj|api-(stable|canary)-service|release-check/.test(k)).sort()).toEqual(
      [
        `${ROLLOUT} api-rollout`,
        `${TEMPLATE} api-acceptance-template`,
        `${TEMPLATE} api-analysis-template`,
        "kubernetes:core/v1:Service api-stable-service",
        "kubernetes:core/v1:Service api-canary-service",
        "kubernetes:core/v1:ServiceAccount api-release-checks",
        `${NP} api-allow-release-checks`,
        `${NP} api-release-check-egress`,
      ].sort(),
    );
    expect(run.outputs).toEqual({ name: "api", kind: "Rollout" });
  });

  test("the Rollout keeps the Deployment's pod template hardening and rollout bounds", () => {
    const r = spec(ROLLOUT, "api-rollout");
    expect(byName(run, ROLLOUT, "api-rollout").inputs.metadata).toMatchObject({
      name: "api",
      namespace: "api",
    });
    expect(r.replicas).toBeUndefined();
    expect([r.minReadySeconds, r.progressDeadlineSeconds, r.progressDeadlineAbort]).toEqual([10, 600, true]);
    expect(r.selector).toEqual({ matchLabels: SELECTOR });
    const pod = r.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.topologySpreadConstraints.map((t: any) => t.matchLabelKeys)).toEqual([
      ["rollouts-pod-template-hash"],
      ["rollouts-pod-template-hash"],
    ]);
    const [c] = pod.containers;
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(
      Object.keys(c)
        .filter((k) => k.endsWith("Probe"))
        .sort(),
    ).toEqual(["livenessProbe", "readinessProbe", "startupProbe"]);
  });

  test("canary strategy: ALB routing, acceptance before traffic, the assessment's steps, analysis from the first shift", () => {
    const canary = spec(ROLLOUT, "api-rollout").strategy.canary;
    expect(canary.canaryService).toBe("api-canary");
    expect(canary.stableService).toBe("api-stable");
    expect(canary.dynamicStableScale).toBe(true);
    expect(canary.trafficRouting).toEqual({ alb: { ingress: "api", servicePort: 8000 } });
    expect(canary.steps).toEqual([
      { setCanaryScale: { replicas: 1 } },
      { analysis: { templates: [{ templateName: "api-acceptance" }] } },
      // Traffic before scaling to it: matching a weight of 0 would remove the pod that passed acceptance.
      { setWeight: 10 },
      { setCanaryScale: { matchTrafficWeight: true } },
      { pause: { duration: "300s" } },
      ...[20, 30, 40, 50].flatMap((w) => [{ setWeight: w }, { pause: { duration: "300s" } }]),
    ]);
    expect(canary.steps[canary.analysis.startingStep]).toEqual({ setWeight: 10 });
    expect(canary.analysis).toEqual({
      templates: [{ templateName: "api-analysis" }],
      startingStep: 2,
      args: [{ name: "canary-hash", valueFrom: { podTemplateHashValue: "Latest" } }],
    });
  });

  test("the Ingress sends traffic to the stable Service through Argo's action annotation", () => {
    const rule = spec("kubernetes:networking.k8s.io/v1:Ingress", "api-ingress").rules[0];
    expect(rule.http.paths[0].backend).toEqual({
      service: { name: "api-stable", port: { name: "use-annotation" } },
    });
  });

  test("routing Services carry http only; the service's own Service keeps the metrics port for the ServiceMonitor", () => {
    for (const role of ["stable", "canary"]) {
      const s = spec("kubernetes:core/v1:Service", `api-${role}-service`);
      expect(s.selector).toEqual(SELECTOR);
      expect(s.ports).toEqual([
        { name: "http", port: 8000, targetPort: "http", protocol: "TCP", appProtocol: "http" },
      ]);
    }
    const own = spec("kubernetes:core/v1:Service", "api-service");
    expect(own.ports.map((p: any) => p.name)).toEqual(["http", "metrics"]);
  });

  test("HPA scales the Rollout; the PDB selects its pods", () => {
    expect(spec("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "api-hpa").scaleTargetRef).toEqual({
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Rollout",
      name: "api",
    });
    expect(spec("kubernetes:policy/v1:PodDisruptionBudget", "api-pdb")).toMatchObject({
      maxUnavailable: 1,
      selector: { matchLabels: SELECTOR },
    });
  });

  test("AnalysisTemplates: the acceptance Job, Prometheus metrics on the canary's pods and the load Job", () => {
    const acceptance = spec(TEMPLATE, "api-acceptance-template").metrics[0];
    expect(acceptance.name).toBe("acceptance");
    const job = acceptance.provider.job;
    expect(job.metadata.labels).toEqual(CHECKS);
    // Its own account without a token: `default` is refused by the admission guardrails.
    expect(job.spec.template.spec.serviceAccountName).toBe("api-release-checks");
    const account = run.resources.find(
      (r) => r.type === "kubernetes:core/v1:ServiceAccount" && r.name === "api-release-checks",
    );
    expect(account?.inputs).toMatchObject({
      metadata: { name: "api-release-checks", namespace: "api" },
      automountServiceAccountToken: false,
    });
    expect(job.spec.template.spec.nodeSelector).toEqual({ workload: "application" });
    expect(job.spec.template.spec.containers[0].env).toEqual([
      { name: "CANARY_URL", value: "http://api-canary.api.svc.cluster.local:8000" },
    ]);
    const analysis = spec(TEMPLATE, "api-analysis-template");
    expect(analysis.metrics.map((m: any) => m.name)).toEqual([
      "success-rate",
      "latency-p95",
      "error-rate",
      "load",
    ]);
    expect(analysis.metrics[0].provider.prometheus.address).toBe("http://kps-prometheus.monitoring.svc:9090");
    expect(analysis.metrics[3].provider.job.spec.template.spec.containers[0].image).toBe("grafana/k6:0.50.0");
  });

  test("release checks reach the service's http port only, and the service admits them", () => {
    expect(spec(NP, "api-allow-release-checks")).toEqual({
      podSelector: { matchLabels: SELECTOR },
      policyTypes: ["Ingress"],
      ingress: [
        { from: [{ podSelector: { matchLabels: CHECKS } }], ports: [{ protocol: "TCP", port: 8000 }] },
      ],
    });
    expect(spec(NP, "api-release-check-egress")).toEqual({
      podSelector: { matchLabels: CHECKS },
      policyTypes: ["Egress"],
      egress: [
        { to: [{ podSelector: { matchLabels: SELECTOR } }], ports: [{ protocol: "TCP", port: 8000 }] },
      ],
    });
  });
});
