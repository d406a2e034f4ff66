/**
 * The progressive-delivery controller (docs/decisions/0150): Argo Rollouts from the official chart
 * (pinned version), in its own Pod Security `restricted` namespace on the system nodes, with leader
 * election when it runs more than one replica, a PodDisruptionBudget, RBAC for the AWS Load Balancer
 * Controller's objects only, its metrics scraped by the platform's Prometheus, and an alert when a
 * release is aborted (routed by the existing Alertmanager routes to the warning topic).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** A toleration of a node taint, as the chart's `controller.tolerations` value takes it. */
export interface RolloutsToleration {
  readonly key: string;
  readonly operator: "Equal" | "Exists";
  readonly value?: string;
  readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

export interface RolloutsControllerArgs {
  /** Version of the `argo-rollouts` chart from https://argoproj.github.io/argo-helm (pinned, e.g. `2.41.0`). */
  readonly chartVersion: string;
  /** Controller replicas; above 1 they elect a leader and a PodDisruptionBudget keeps one. @default 2 */
  readonly replicas?: number;
  /** Labels of the nodes the controller runs on (the system node group's). */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Tolerations of exactly those nodes' taints. @default none */
  readonly tolerations?: readonly RolloutsToleration[];
  /** Namespace of the controller (created here, Pod Security `restricted`). @default "argo-rollouts" */
  readonly namespace?: string;
  /** Base of the alert's `runbook_url` (the docs/runbooks/ folder, ending in `/`). */
  readonly runbookBaseUrl: string;
}

export const ROLLOUTS_CHART_REPO = "https://argoproj.github.io/argo-helm";
export const ROLLOUTS_NAMESPACE = "argo-rollouts";
/** Release name; the chart names its objects after it. */
export const ROLLOUTS_RELEASE = "argo-rollouts";
/** The alert raised when a release is aborted (anchor `rolloutaborted` in docs/runbooks/releases.md). */
export const ROLLOUT_ABORTED_ALERT = "RolloutAborted";
/** A release waiting for a person (an inconclusive analysis pauses it). */
export const ROLLOUT_STUCK_ALERT = "RolloutPausedTooLong";

/** Every problem with the args, as sentences; empty when valid. */
export function rolloutsControllerProblems(args: RolloutsControllerArgs): string[] {
  const problems: string[] = [];
  if (!/^\d+\.\d+\.\d+$/.test(args.chartVersion)) {
    problems.push(
      `chartVersion: must be an exact chart version like 2.41.0 (received ${JSON.stringify(args.chartVersion)})`,
    );
  }
  const replicas = args.replicas ?? 2;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 3) {
    problems.push(`replicas: must be an integer from 1 to 3 (received ${JSON.stringify(replicas)})`);
  }
  if (Object.keys(args.nodeSelector).length === 0) {
    problems.push("nodeSelector: must name the system nodes' labels (received {})");
  }
  if (!/^https:\/\/\S+\/$/.test(args.runbookBaseUrl)) {
    problems.push(
      `runbookBaseUrl: must be an https:// URL ending in '/' (received ${JSON.stringify(args.runbookBaseUrl)})`,
    );
  }
  return problems;
}

/** The chart's values (keys checked against charts/argo-rollouts/values.yaml at argo-rollouts-2.41.0). */
export function rolloutsValues(args: RolloutsControllerArgs): Record<string, unknown> {
  const replicas = args.replicas ?? 2;
  const selectorLabels = {
    "app.kubernetes.io/name": "argo-rollouts",
    "app.kubernetes.io/component": "rollouts-controller",
  };
  return {
    installCRDs: true,
    // Deleting the CRDs would delete every Rollout with them.
    keepCRDs: true,
    controller: {
      replicas,
      nodeSelector: { ...args.nodeSelector },
      tolerations: (args.tolerations ?? []).map((t) => ({ ...t })),
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "kubernetes.io/hostname",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: { matchLabels: selectorLabels },
        },
      ],
      // CPU and memory limits too: the admission guardrails refuse a container without both (decision 0133).
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
      metrics: { enabled: true, serviceMonitor: { enabled: true } },
      pdb: { enabled: replicas > 1, maxUnavailable: 1 },
    },
    // Traffic is routed by the AWS Load Balancer Controller only: no RBAC for other routers.
    providerRBAC: {
      enabled: true,
      providers: {
        istio: false,
        smi: false,
        ambassador: false,
        awsLoadBalancerController: true,
        awsAppMesh: false,
        traefik: false,
        apisix: false,
        contour: false,
        glooPlatform: false,
        gatewayAPI: false,
      },
    },
    dashboard: { enabled: false },
    podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containerSecurityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    },
  };
}

/**
 * The alerting rules on the controller's metrics: a Rollout aborted (Degraded, rolled back), or a
 * Rollout paused far longer than any step's pause (an Inconclusive analysis waits for a person).
 * The chart's ServiceMonitor does not honor labels, so the Rollout's namespace is `exported_namespace`.
 */
export function rolloutAlertRules(runbookBaseUrl: string): Record<string, unknown>[] {
  const rule = (alert: string, phase: string, forDuration: string, summary: string, description: string) => ({
    alert,
    expr: `max by (exported_namespace, name) (rollout_info{phase="${phase}"}) == 1`,
    for: forDuration,
    labels: { severity: "high" },
    annotations: {
      summary,
      description,
      runbook_url: `${runbookBaseUrl}releases.md#${alert.toLowerCase()}`,
    },
  });
  return [
    {
      name: "progressive-delivery",
      rules: [
        rule(
          ROLLOUT_ABORTED_ALERT,
          "Degraded",
          "1m",
          "Release of {{ $labels.exported_namespace }}/{{ $labels.name }} aborted and rolled back",
          "The canary of Rollout {{ $labels.name }} failed its analysis, acceptance test or progress deadline: traffic is back on the stable version.",
        ),
        rule(
          ROLLOUT_STUCK_ALERT,
          "Paused",
          "30m",
          "Release of {{ $labels.exported_namespace }}/{{ $labels.name }} paused for 30 minutes",
          "Rollout {{ $labels.name }} has been paused longer than any step's pause: its analysis was inconclusive (no traffic reached the canary) or someone paused it; it waits for a person to promote or abort.",
        ),
      ],
    },
  ];
}

/** Argo Rollouts: namespace, Helm release and the PrometheusRule of its alert. */
export class RolloutsController extends pulumi.ComponentResource {
  /** Namespace of the controller. */
  public readonly namespace: pulumi.Output<string>;
  /** The Helm release (services' Rollouts and AnalysisTemplates wait for its CRDs). */
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: RolloutsControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:delivery:RolloutsController", name, {}, opts);
    const problems = rolloutsControllerProblems(args);
    if (problems.length > 0) {
      throw new Error(`RolloutsController '${name}' has invalid arguments:\n  - ${problems.join("\n  - ")}`);
    }
    const nsName = args.namespace ?? ROLLOUTS_NAMESPACE;
    const ns = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: nsName,
          labels: {
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
          },
        },
      },
      { parent: this },
    );
    this.release = new k8s.helm.v3.Release(
      name,
      {
        name: ROLLOUTS_RELEASE,
        chart: "argo-rollouts",
        version: args.chartVersion,
        repositoryOpts: { repo: ROLLOUTS_CHART_REPO },
        namespace: ns.metadata.name,
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 10,
        timeout: 600,
        values: rolloutsValues(args),
      },
      { parent: this },
    );
    new k8s.apiextensions.CustomResource(
      `${name}-alerts`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "progressive-delivery", namespace: ns.metadata.name },
        spec: { groups: rolloutAlertRules(args.runbookBaseUrl) },
      },
      { parent: this, dependsOn: [this.release] },
    );
    this.namespace = ns.metadata.name;
    this.registerOutputs({ namespace: this.namespace });
  }
}
