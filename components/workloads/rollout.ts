/**
 * A canary release (docs/decisions/0150): an Argo Rollouts Rollout with the service's full pod
 * template (so every pod-template rule of the pack judges it like a Deployment), the stable and
 * canary Services the ALB's weighted target groups point at, the acceptance and background
 * AnalysisTemplates, and the network policies that let the release checks reach the canary.
 *
 * Steps: one canary pod, the acceptance test against it (no user traffic yet), then each weight
 * followed by a pause; the background analysis measures from the first weight to promotion and
 * aborts (traffic back to stable, canary scaled down) once a metric fails more than `failureLimit`.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import {
  acceptanceTemplateSpec,
  analysisTemplateSpec,
  CANARY_HASH_ARG,
  checkJob,
  defaultAcceptance,
  RELEASE_CHECK_COMPONENT,
  type CheckPod,
} from "./canary-analysis";
import { DEFAULT_RUN_AS_USER } from "./declaration";
import { firstStartAnnotations } from "./first-start";
import type { CanaryRelease } from "./release-rules";
import type { ServiceScope } from "./scope";

/** API version of the Argo Rollouts objects (controller v1.9). */
export const ROLLOUTS_API_VERSION = "argoproj.io/v1alpha1";

/** Names of the objects of a canary release of `service`. */
export function canaryNames(service: string) {
  return {
    stableService: `${service}-stable`,
    canaryService: `${service}-canary`,
    acceptanceTemplate: `${service}-acceptance`,
    analysisTemplate: `${service}-analysis`,
  };
}

/** The Rollout's spec fields a Deployment also has. */
export interface RolloutWorkloadSpec {
  readonly replicas: number | undefined;
  readonly revisionHistoryLimit: number;
  readonly minReadySeconds: number;
  readonly progressDeadlineSeconds: number;
  readonly template: k8s.types.input.core.v1.PodTemplateSpec;
}

/** The Rollout's canary strategy: services, ALB routing, steps and background analysis. */
export function canaryStrategy(s: ServiceScope, release: CanaryRelease): Record<string, unknown> {
  const names = canaryNames(s.service);
  const [first, ...rest] = release.steps;
  const pause = { pause: { duration: `${release.stepPauseSeconds}s` } };
  const steps = [
    { setCanaryScale: { replicas: 1 } },
    { analysis: { templates: [{ templateName: names.acceptanceTemplate }] } },
    // Traffic first, then scale to it: matching a weight of 0 would scale the tested pod away.
    { setWeight: first },
    { setCanaryScale: { matchTrafficWeight: true } },
    pause,
    ...rest.flatMap((weight) => [{ setWeight: weight }, pause]),
  ];
  return {
    canaryService: names.canaryService,
    stableService: names.stableService,
    // The stable pods shrink as traffic leaves them: the peak stays at the ceiling plus one pod.
    dynamicStableScale: true,
    trafficRouting: { alb: { ingress: s.service, servicePort: s.args.ports.http } },
    analysis: {
      templates: [{ templateName: names.analysisTemplate }],
      // From the first setWeight: the acceptance test, not user traffic, judges the lone pod before.
      startingStep: 2,
      args: [{ name: CANARY_HASH_ARG, valueFrom: { podTemplateHashValue: "Latest" } }],
    },
    steps,
  };
}

/** The Rollout, its two Services, its AnalysisTemplates and the release checks' network policies. */
export function createRollout(
  s: ServiceScope,
  release: CanaryRelease,
  spec: RolloutWorkloadSpec,
  opts: { readonly dependsOn: readonly pulumi.Resource[] },
): k8s.apiextensions.CustomResource {
  const routes = createRouteServices(s);
  const templates = createAnalysisTemplates(s, release);
  createCheckNetworkPolicies(s);
  return new k8s.apiextensions.CustomResource(
    `${s.name}-rollout`,
    {
      apiVersion: ROLLOUTS_API_VERSION,
      kind: "Rollout",
      // Like the Deployment's: not awaited when its first start needs secrets CI writes later.
      metadata: { ...s.meta(s.service), annotations: firstStartAnnotations(s.args.vault) },
      spec: {
        replicas: spec.replicas,
        revisionHistoryLimit: spec.revisionHistoryLimit,
        minReadySeconds: spec.minReadySeconds,
        progressDeadlineSeconds: spec.progressDeadlineSeconds,
        // A canary that stops progressing is rolled back, not left half-released.
        progressDeadlineAbort: true,
        selector: { matchLabels: { ...s.selector } },
        template: spec.template,
        strategy: { canary: canaryStrategy(s, release) },
      },
    },
    // The controller validates the referenced Services and templates when it first sees the Rollout.
    { parent: s.child.parent, dependsOn: [...opts.dependsOn, ...routes, ...templates] },
  );
}

/** The stable and canary Services (http only: the service's own Service keeps the metrics port). */
function createRouteServices(s: ServiceScope): k8s.core.v1.Service[] {
  const names = canaryNames(s.service);
  return (["stable", "canary"] as const).map(
    (role) =>
      new k8s.core.v1.Service(
        `${s.name}-${role}-service`,
        {
          metadata: s.meta(role === "stable" ? names.stableService : names.canaryService),
          spec: {
            type: "ClusterIP",
            // Argo Rollouts adds rollouts-pod-template-hash to this selector for each side.
            selector: { ...s.selector },
            ports: [
              {
                name: "http",
                port: s.args.ports.http,
                targetPort: "http",
                protocol: "TCP",
                appProtocol: "http",
              },
            ],
          },
        },
        s.child,
      ),
  );
}

/** Labels of the release-check pods. */
function checkLabels(s: ServiceScope): Record<string, string> {
  return {
    "app.kubernetes.io/name": `${s.service}-${RELEASE_CHECK_COMPONENT}`,
    "app.kubernetes.io/component": RELEASE_CHECK_COMPONENT,
    "app.kubernetes.io/part-of": "platform",
  };
}

/** The acceptance AnalysisTemplate and the background one (Prometheus, plus the load when declared). */
function createAnalysisTemplates(
  s: ServiceScope,
  release: CanaryRelease,
): k8s.apiextensions.CustomResource[] {
  const names = canaryNames(s.service);
  // Not the service's ServiceAccount (a check never gets the service's AWS role), nor `default`,
  // which the admission guardrails refuse (decision 0133): one of their own, without an API token.
  const checksAccount = new k8s.core.v1.ServiceAccount(
    `${s.name}-release-checks`,
    { metadata: s.meta(`${s.service}-release-checks`), automountServiceAccountToken: false },
    s.child,
  );
  const pod: CheckPod = {
    labels: checkLabels(s),
    uid: s.args.runAsUser ?? DEFAULT_RUN_AS_USER,
    serviceAccountName: `${s.service}-release-checks`,
    nodeSelector: s.args.nodeSelector,
    canaryUrl: `http://${names.canaryService}.${s.service}.svc.cluster.local:${s.args.ports.http}`,
  };
  const acceptance = checkJob(
    "acceptance",
    release.acceptance ?? defaultAcceptance(s.probes.readiness),
    pod,
    300,
  );
  // The load lasts at most the whole analysis: every step and its pause.
  const loadDeadline = release.steps.length * release.stepPauseSeconds + 600;
  const load = release.load ? checkJob("load", release.load, pod, loadDeadline) : undefined;
  const template = (key: string, objectName: string, spec: Record<string, unknown>) =>
    new k8s.apiextensions.CustomResource(
      `${s.name}-${key}`,
      { apiVersion: ROLLOUTS_API_VERSION, kind: "AnalysisTemplate", metadata: s.meta(objectName), spec },
      { ...s.child, dependsOn: [checksAccount] },
    );
  const target = { namespace: s.service, rollout: s.service };
  return [
    template("acceptance-template", names.acceptanceTemplate, acceptanceTemplateSpec(acceptance)),
    template(
      "analysis-template",
      names.analysisTemplate,
      analysisTemplateSpec(target, release, s.conventions.prometheusAddress, load),
    ),
  ];
}

/** Release checks may call the service's http port, and nothing else; the service admits them. */
function createCheckNetworkPolicies(s: ServiceScope): void {
  const port = [{ protocol: "TCP", port: s.args.ports.http }];
  new k8s.networking.v1.NetworkPolicy(
    `${s.name}-allow-release-checks`,
    {
      metadata: s.meta("allow-from-release-checks"),
      spec: {
        podSelector: { matchLabels: { ...s.selector } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: { matchLabels: checkLabels(s) } }], ports: port }],
      },
    },
    s.child,
  );
  new k8s.networking.v1.NetworkPolicy(
    `${s.name}-release-check-egress`,
    {
      metadata: s.meta("release-check-egress"),
      spec: {
        podSelector: { matchLabels: checkLabels(s) },
        policyTypes: ["Egress"],
        egress: [{ to: [{ podSelector: { matchLabels: { ...s.selector } } }], ports: port }],
      },
    },
    s.child,
  );
}
