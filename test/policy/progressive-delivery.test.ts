/**
 * Argo Rollouts' Rollouts are judged like Deployments (pod template, env, PDB, HPA, replicas, rollout
 * bounds), and internet-facing services must release by an analysed canary.
 */
import { deploymentRolloutBounded } from "../../policy/delivery";
import {
  containerReadOnlyRootFilesystem,
  podRunAsNonRoot,
  workloadHasHpa,
  workloadHasPdb,
  workloadMinReplicas,
} from "../../policy/kubernetes";
import { publicServiceCanaryRelease } from "../../policy/progressive-delivery";
import { noPlaintextCredentials } from "../../policy/secrets";
import { messages, res, run, withPath } from "./helpers";

const ROLLOUT = "kubernetes:argoproj.io/v1alpha1:Rollout";
const C = "spec.template.spec.containers[0]";
const rollout = {
  metadata: { name: "api", namespace: "api" },
  spec: {
    minReadySeconds: 10,
    progressDeadlineSeconds: 600,
    selector: { matchLabels: { app: "api" } },
    template: {
      metadata: { labels: { app: "api" } },
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
          {
            name: "api",
            image: "ghcr.io/acme/api:1.4.2",
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"] },
            },
          },
        ],
      },
    },
    strategy: {
      canary: {
        canaryService: "api-canary",
        stableService: "api-stable",
        trafficRouting: { alb: { ingress: "api", servicePort: 8000 } },
        analysis: { templates: [{ templateName: "api-analysis" }] },
      },
    },
  },
};
const hpa = (min: number) =>
  res("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "api-hpa", {
    metadata: { namespace: "api" },
    spec: {
      scaleTargetRef: { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: "api" },
      minReplicas: min,
      maxReplicas: 20,
    },
  });
const pdb = res("kubernetes:policy/v1:PodDisruptionBudget", "api-pdb", {
  metadata: { namespace: "api" },
  spec: { maxUnavailable: 1, selector: { matchLabels: { app: "api" } } },
});
const ingress = (scheme: string) =>
  res("kubernetes:networking.k8s.io/v1:Ingress", "api-ingress", {
    metadata: { name: "api", namespace: "api", annotations: { "alb.ingress.kubernetes.io/scheme": scheme } },
  });

describe("a Rollout is judged like a Deployment", () => {
  const valid = res(ROLLOUT, "api-rollout", rollout);

  test("pod-template policies", async () => {
    expect(await messages(podRunAsNonRoot, [valid])).toEqual([]);
    expect(await messages(containerReadOnlyRootFilesystem, [valid])).toEqual([]);
    const root = res(
      ROLLOUT,
      "api-rollout",
      withPath(rollout, "spec.template.spec.securityContext.runAsNonRoot", false),
    );
    expect(await messages(podRunAsNonRoot, [root])).toHaveLength(1);
    const writable = res(
      ROLLOUT,
      "api-rollout",
      withPath(rollout, `${C}.securityContext.readOnlyRootFilesystem`, false),
    );
    expect(await messages(containerReadOnlyRootFilesystem, [writable])).toHaveLength(1);
    expect((await messages(containerReadOnlyRootFilesystem, [writable]))[0]).toContain(
      "Rollout 'api-rollout'",
    );
  });

  test("plain-text credentials in a Rollout's env", async () => {
    expect(await messages(noPlaintextCredentials, [valid])).toEqual([]);
    const leaky = res(
      ROLLOUT,
      "api-rollout",
      withPath(rollout, `${C}.env`, [{ name: "DB_PASSWORD", value: "hunter2hunter2" }]),
    );
    expect(await messages(noPlaintextCredentials, [leaky])).toHaveLength(1);
  });

  test("PDB, HPA and replica floor follow the HPA that targets the Rollout", async () => {
    expect(await messages(workloadHasPdb, [valid, hpa(3), pdb])).toEqual([]);
    expect(await messages(workloadHasPdb, [valid, hpa(3)])).toEqual([
      "'api-rollout' runs 3 replicas without a PodDisruptionBudget. Remediation: add a PodDisruptionBudget whose 'spec.selector.matchLabels' select the pods of 'api-rollout'.",
    ]);
    expect(await messages(workloadHasHpa, [valid, hpa(3)])).toEqual([]);
    expect((await run(workloadHasHpa, [valid, hpa(3)])).outcomes[0]).toMatchObject({
      assessed: 1,
      passed: 1,
    });
    expect(await messages(workloadMinReplicas, [valid, hpa(3)])).toEqual([]);
    expect(await messages(workloadMinReplicas, [valid, hpa(1)])).toEqual([
      "HorizontalPodAutoscaler 'api-hpa' lets 'api-rollout' (api/api) scale down to 1 replica(s), fewer than 2. Remediation: set 'spec.minReplicas' to at least 2 on HorizontalPodAutoscaler 'api-hpa'.",
    ]);
  });

  test("rollout bounds", async () => {
    expect(await messages(deploymentRolloutBounded, [valid])).toEqual([]);
    const unbounded = res(
      ROLLOUT,
      "api-rollout",
      withPath(rollout, "spec.progressDeadlineSeconds", undefined),
    );
    expect(await messages(deploymentRolloutBounded, [unbounded])).toEqual([
      "Rollout 'api-rollout' has progressDeadlineSeconds unset. Remediation: set 'spec.progressDeadlineSeconds' of 'api-rollout' to at most 900.",
    ]);
  });
});

describe("public-service-canary-release", () => {
  const valid = res(ROLLOUT, "api-rollout", rollout);
  const failure =
    "Internet-facing Ingress 'api-ingress' (namespace api) is not released by an analysed canary. Remediation: release the service behind 'api-ingress' with release.strategy 'canary': a Rollout with 'spec.strategy.canary.trafficRouting.alb' and 'spec.strategy.canary.analysis.templates'.";

  test("valid: an internet-facing Ingress in front of an analysed ALB canary", async () => {
    expect(await messages(publicServiceCanaryRelease, [ingress("internet-facing"), valid])).toEqual([]);
    expect((await run(publicServiceCanaryRelease, [ingress("internal")])).outcomes[0]).toMatchObject({
      assessed: 0,
    });
  });

  test.each([
    ["no Rollout (a Deployment)", []],
    [
      "no analysis",
      [res(ROLLOUT, "api-rollout", withPath(rollout, "spec.strategy.canary.analysis", undefined))],
    ],
    [
      "no ALB routing",
      [res(ROLLOUT, "api-rollout", withPath(rollout, "spec.strategy.canary.trafficRouting", undefined))],
    ],
    [
      "a blue-green strategy",
      [res(ROLLOUT, "api-rollout", withPath(rollout, "spec.strategy", { blueGreen: {} }))],
    ],
    [
      "a Rollout in another namespace",
      [res(ROLLOUT, "api-rollout", withPath(rollout, "metadata.namespace", "web"))],
    ],
  ])("%s", async (_, workloads) => {
    expect(await messages(publicServiceCanaryRelease, [ingress("internet-facing"), ...workloads])).toEqual([
      failure,
    ]);
  });
});
