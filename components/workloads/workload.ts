/**
 * What runs: the service's settings as an immutable ConfigMap (named by content hash, so a change
 * rolls the pods), its environment, a Deployment (or, for a canary release, an Argo Rollouts
 * Rollout with the same pod template: rollout.ts) with locked-down security contexts, probes, zone
 * and node spreading and graceful shutdown, and the ClusterIP Service in front of it.
 */
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_RUN_AS_USER } from "./declaration";
import { firstStartAnnotations } from "./first-start";
import { PRE_STOP_SECONDS, TERMINATION_GRACE_SECONDS } from "./graceful-shutdown";
import { tracingEnv } from "./observability";
import { canaryRelease } from "./release-rules";
import { createRollout, ROLLOUTS_API_VERSION, type RolloutWorkloadSpec } from "./rollout";
import { scalingPlan } from "./scaling-plan";
import type { ServiceScope } from "./scope";
import { vaultAgentAnnotations, vaultTokenVolume } from "./vault-access";

/** What the Deployment needs from the steps before it. */
export interface WorkloadInputs {
  readonly serviceAccount: k8s.core.v1.ServiceAccount;
  /**
   * Resources the first pod must wait for: the Pod Identity association (or the pod starts without
   * credentials) and the Vault CA Secret (the agent mounts it).
   */
  readonly dependsOn: readonly pulumi.Resource[];
}

/** What runs the pods, as an HPA's `scaleTargetRef` names it. */
export interface ScaleTarget {
  readonly apiVersion: string;
  /** `Deployment` (rolling release) or `Rollout` (canary release). */
  readonly kind: "Deployment" | "Rollout";
  readonly name: pulumi.Output<string>;
  /** The Deployment or Rollout object. */
  readonly resource: pulumi.CustomResource;
}

/** The Deployment or Rollout and the Service in front of it. */
export interface Workload {
  readonly workload: ScaleTarget;
  readonly service: k8s.core.v1.Service;
}

/** A container port of the service: `http` always, `metrics` when declared. */
interface ContainerPort {
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: string;
}

/** Content hash for a ConfigMap name: new values, new name, so the Deployment rolls out. */
export function configHash(data: Readonly<Record<string, string>>): string {
  const stable = Object.keys(data)
    .sort()
    .map((k) => [k, data[k]]);
  return createHash("sha256").update(JSON.stringify(stable)).digest("hex").slice(0, 10);
}

/** The Deployment's metadata: not awaited when its first start needs secrets CI writes later (first-start.ts). */
function deploymentMetadata(s: ServiceScope) {
  const annotations = firstStartAnnotations(s.args.vault);
  return Object.keys(annotations).length > 0 ? { ...s.meta(s.service), annotations } : s.meta(s.service);
}

/**
 * Rollout safety (decision 0078): a new pod counts as available only after this many seconds ready,
 * so a pod that crashes right after its first readiness success does not advance the rollout.
 */
export const MIN_READY_SECONDS = 10;
/**
 * A rollout that makes no progress for this long is marked `ProgressDeadlineExceeded`, which fails
 * `pulumi up` instead of letting it wait: well above the startup probe's 150 s budget (30 x 5 s)
 * plus an image pull and a node scale-out.
 */
export const PROGRESS_DEADLINE_SECONDS = 600;

/** The ConfigMap, the Deployment (or the Rollout) and the Service. */
export function createWorkload(s: ServiceScope, inputs: WorkloadInputs): Workload {
  const configMap = createConfigMap(s);
  const ports: ContainerPort[] = [
    { name: "http", containerPort: s.args.ports.http, protocol: "TCP" },
    ...(s.args.ports.metrics !== undefined
      ? [{ name: "metrics", containerPort: s.args.ports.metrics, protocol: "TCP" }]
      : []),
  ];
  const plan = scalingPlan(s.args);
  const common: RolloutWorkloadSpec = {
    // With an HPA the count is left to it (Kubernetes' advice): re-applying a fixed count
    // would scale the service down on every update.
    replicas: plan.deploymentReplicas,
    revisionHistoryLimit: 5,
    minReadySeconds: MIN_READY_SECONDS,
    progressDeadlineSeconds: PROGRESS_DEADLINE_SECONDS,
    template: podTemplate(s, inputs.serviceAccount, appContainer(s, ports, configMap)),
  };
  const canary = canaryRelease(s.args);
  const workload: ScaleTarget = canary
    ? rolloutTarget(createRollout(s, canary, common, { dependsOn: inputs.dependsOn }))
    : deploymentTarget(s, common, inputs);
  const service = new k8s.core.v1.Service(
    `${s.name}-service`,
    {
      metadata: s.meta(s.service),
      spec: {
        type: "ClusterIP",
        selector: s.selector,
        ports: ports.map((p) => ({
          name: p.name,
          port: p.containerPort,
          targetPort: p.name,
          protocol: "TCP",
          appProtocol: "http",
        })),
      },
    },
    s.child,
  );
  return { workload, service };
}

/** A rolling release: the Deployment with its RollingUpdate. */
function deploymentTarget(s: ServiceScope, common: RolloutWorkloadSpec, inputs: WorkloadInputs): ScaleTarget {
  const plan = scalingPlan(s.args);
  const deployment = new k8s.apps.v1.Deployment(
    `${s.name}-deployment`,
    {
      metadata: deploymentMetadata(s),
      spec: {
        ...common,
        selector: { matchLabels: s.selector },
        strategy: {
          type: "RollingUpdate",
          rollingUpdate: { maxSurge: plan.maxSurge, maxUnavailable: plan.maxUnavailable },
        },
      },
    },
    { parent: s.child.parent, dependsOn: [...inputs.dependsOn] },
  );
  return { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name, resource: deployment };
}

/** A canary release: the Rollout (rollout.ts). */
function rolloutTarget(rollout: k8s.apiextensions.CustomResource): ScaleTarget {
  return {
    apiVersion: ROLLOUTS_API_VERSION,
    kind: "Rollout",
    name: rollout.metadata.name,
    resource: rollout,
  };
}

/** The declared settings as an immutable ConfigMap; none when there are none. */
function createConfigMap(s: ServiceScope): k8s.core.v1.ConfigMap | undefined {
  const config = s.args.config ?? {};
  return Object.keys(config).length > 0
    ? new k8s.core.v1.ConfigMap(
        `${s.name}-config`,
        {
          metadata: s.meta(`${s.service}-config-${configHash(config)}`),
          immutable: true,
          data: { ...config },
        },
        s.child,
      )
    : undefined;
}

/** Data-tier endpoints of the declared dependencies, then each secretEnv by Secret reference. */
function containerEnv(s: ServiceScope): k8s.types.input.core.v1.EnvVar[] {
  const { args } = s;
  const dependsOn = args.dependsOn ?? [];
  const env: k8s.types.input.core.v1.EnvVar[] = [];
  if (dependsOn.includes("postgres") && args.postgres) {
    env.push({ name: "POSTGRES_HOST", value: args.postgres.host });
    env.push({ name: "POSTGRES_PORT", value: pulumi.output(args.postgres.port).apply(String) });
  }
  if (dependsOn.includes("redis") && args.redis) {
    env.push({ name: "REDIS_HOST", value: args.redis.host });
    env.push({ name: "REDIS_PORT", value: pulumi.output(args.redis.port).apply(String) });
  }
  env.push(...tracingEnv(s));
  for (const secret of args.secretEnv ?? []) {
    env.push({
      name: secret.name,
      valueFrom: { secretKeyRef: { name: secret.secretName, key: secret.key, optional: false } },
    });
  }
  return env;
}

/** The service's container: read-only root, no capabilities, probes on the http port, preStop delay. */
function appContainer(
  s: ServiceScope,
  ports: readonly ContainerPort[],
  configMap: k8s.core.v1.ConfigMap | undefined,
): k8s.types.input.core.v1.Container {
  const httpGet = (path: string) => ({ httpGet: { path, port: "http", scheme: "HTTP" } });
  return {
    name: s.service,
    image: s.args.image,
    imagePullPolicy: "IfNotPresent",
    ports: [...ports],
    env: containerEnv(s),
    envFrom: configMap ? [{ configMapRef: { name: configMap.metadata.name } }] : undefined,
    resources: {
      requests: { ...s.args.resources.requests },
      limits: { ...s.args.resources.limits },
    },
    startupProbe: { ...httpGet(s.probes.startup), periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 30 },
    readinessProbe: {
      ...httpGet(s.probes.readiness),
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
    livenessProbe: {
      ...httpGet(s.probes.liveness),
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
    lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SECONDS } } },
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    },
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
  };
}

/** The pod: non-root UID, RuntimeDefault seccomp, spread over zones and nodes, Vault agent on request. */
function podTemplate(
  s: ServiceScope,
  serviceAccount: k8s.core.v1.ServiceAccount,
  container: k8s.types.input.core.v1.Container,
): k8s.types.input.core.v1.PodTemplateSpec {
  const { args } = s;
  const uid = args.runAsUser ?? DEFAULT_RUN_AS_USER;
  const spread = (topologyKey: string) => ({
    maxSkew: 1,
    topologyKey,
    // Soft: in an AZ outage the surviving zones must still take the replacements.
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: { matchLabels: s.selector },
    // Spread each version on its own: Argo Rollouts labels its pods with its own hash label.
    matchLabelKeys: [canaryRelease(args) ? "rollouts-pod-template-hash" : "pod-template-hash"],
    nodeTaintsPolicy: "Honor",
  });
  return {
    metadata: {
      labels: s.labels,
      annotations: {
        ...(args.ports.metrics !== undefined
          ? {
              "prometheus.io/scrape": "true",
              "prometheus.io/port": String(args.ports.metrics),
              "prometheus.io/path": "/metrics",
            }
          : {}),
        ...(args.vault ? vaultAgentAnnotations(s.service, uid, args.vault, s.conventions.vault) : {}),
      },
    },
    spec: {
      serviceAccountName: serviceAccount.metadata.name,
      // The ServiceAccount never automounts; only a service granted API access opts in here.
      automountServiceAccountToken: args.kubernetesApi !== undefined,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
      nodeSelector: args.nodeSelector ? { ...args.nodeSelector } : undefined,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: uid,
        fsGroup: uid,
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
      },
      topologySpreadConstraints: [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")],
      containers: [container],
      volumes: [
        { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
        ...(args.vault ? [vaultTokenVolume(s.conventions.vault)] : []),
      ],
    },
  };
}
