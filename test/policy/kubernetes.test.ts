import {
  containerDropAllCapabilities,
  containerImagePinned,
  containerNoPrivilegeEscalation,
  containerProbesSet,
  containerReadOnlyRootFilesystem,
  containerResourcesSet,
  helmReleasePinned,
  isPinnedImage,
  namespaceDefaultDenyNetworkPolicy,
  namespacePodSecurityRestricted,
  namespaceQuotaAndLimits,
  podNoHostAccess,
  podRunAsNonRoot,
  podSeccompRuntimeDefault,
  serviceAccountNoAutomount,
  workloadHasHpa,
  workloadHasPdb,
  workloadMinReplicas,
} from "../../policy/kubernetes";
import { type ResourceCase, describeResourcePolicies } from "./cases";
import { messages, res, run, withPath } from "./helpers";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const C = "spec.template.spec.containers[0]";
const api = {
  metadata: { name: "api", namespace: "apps" },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: "api" } },
    template: {
      metadata: { labels: { app: "api" } },
      spec: {
        automountServiceAccountToken: false,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 10001,
          fsGroup: 10001,
          seccompProfile: { type: "RuntimeDefault" },
        },
        volumes: [{ name: "tmp", emptyDir: {} }],
        containers: [
          {
            name: "api",
            image: "ghcr.io/acme/api:1.4.2",
            env: [
              { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
              // Names a secret by reference: not a secret value.
              {
                name: "DB_SECRET_ARN",
                value: "arn:aws:secretsmanager:us-west-2:123456789012:secret:db-AbCdEf",
              },
            ],
            resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "8Gi" } },
            readinessProbe: { httpGet: { path: "/ready", port: 8000 } },
            livenessProbe: { httpGet: { path: "/health", port: 8000 } },
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"] },
            },
          },
        ],
      },
    },
  },
};

const workload = (policy: ResourceCase["policy"], failures: ResourceCase["failures"]): ResourceCase => ({
  policy,
  type: DEPLOYMENT,
  name: "api",
  valid: api,
  failures,
});
const D = "Deployment 'api'";

describeResourcePolicies([
  workload(podRunAsNonRoot, [
    [
      `spec.template.spec.securityContext.runAsNonRoot`,
      undefined,
      `Container 'api' of ${D} may run as root. Remediation: set 'securityContext.runAsNonRoot: true' and a non-zero 'runAsUser' on the pod or container 'api' of ${D}.`,
    ],
    [
      `${C}.securityContext.runAsUser`,
      0,
      `Container 'api' of ${D} may run as root. Remediation: set 'securityContext.runAsNonRoot: true' and a non-zero 'runAsUser' on the pod or container 'api' of ${D}.`,
    ],
  ]),
  workload(podSeccompRuntimeDefault, [
    [
      `spec.template.spec.securityContext.seccompProfile.type`,
      "Unconfined",
      `Container 'api' of ${D} has no seccomp profile. Remediation: set 'securityContext.seccompProfile.type: "RuntimeDefault"' on the pod or container 'api' of ${D}.`,
    ],
  ]),
  workload(containerNoPrivilegeEscalation, [
    [
      `${C}.securityContext.allowPrivilegeEscalation`,
      undefined,
      `Container 'api' of ${D} can gain privileges. Remediation: set 'securityContext.allowPrivilegeEscalation: false' (and no 'privileged: true') on container 'api' of ${D}.`,
    ],
    [
      `${C}.securityContext.privileged`,
      true,
      `Container 'api' of ${D} can gain privileges. Remediation: set 'securityContext.allowPrivilegeEscalation: false' (and no 'privileged: true') on container 'api' of ${D}.`,
    ],
  ]),
  workload(containerReadOnlyRootFilesystem, [
    [
      `${C}.securityContext.readOnlyRootFilesystem`,
      false,
      `Container 'api' of ${D} has a writable root filesystem. Remediation: set 'securityContext.readOnlyRootFilesystem: true' on container 'api' of ${D} and mount emptyDir volumes where it writes.`,
    ],
  ]),
  workload(containerDropAllCapabilities, [
    [
      `${C}.securityContext.capabilities.drop`,
      ["NET_RAW"],
      `Container 'api' of ${D} keeps capabilities. Remediation: set 'securityContext.capabilities.drop: ["ALL"]' and add nothing but NET_BIND_SERVICE on container 'api' of ${D}.`,
    ],
    [
      `${C}.securityContext.capabilities.add`,
      ["SYS_ADMIN"],
      `Container 'api' of ${D} keeps capabilities (adds SYS_ADMIN). Remediation: set 'securityContext.capabilities.drop: ["ALL"]' and add nothing but NET_BIND_SERVICE on container 'api' of ${D}.`,
    ],
  ]),
  workload(podNoHostAccess, [
    [
      `spec.template.spec.hostNetwork`,
      true,
      `${D} shares the host's hostNetwork. Remediation: remove 'hostNetwork' from the pod spec of ${D}.`,
    ],
    [
      `spec.template.spec.volumes[0]`,
      { name: "docker", hostPath: { path: "/var/run/docker.sock" } },
      `${D} mounts hostPath volume 'docker'. Remediation: replace hostPath volume 'docker' in 'volumes' of ${D}.`,
    ],
    [
      `${C}.ports`,
      [{ containerPort: 8000, hostPort: 8000 }],
      `Container 'api' of ${D} binds a host port. Remediation: remove 'ports[].hostPort' from container 'api' of ${D}.`,
    ],
  ]),
  workload(containerResourcesSet, [
    [
      `${C}.resources.limits`,
      undefined,
      `Container 'api' of ${D} has no limits.cpu, limits.memory. Remediation: set 'resources.limits.cpu', 'resources.limits.memory' on container 'api' of ${D}.`,
    ],
  ]),
  workload(containerProbesSet, [
    [
      `${C}.readinessProbe`,
      undefined,
      `Container 'api' of ${D} has no readinessProbe. Remediation: set 'readinessProbe' on container 'api' of ${D}.`,
    ],
  ]),
  workload(containerImagePinned, [
    [
      `${C}.image`,
      "ghcr.io/acme/api:latest",
      `Container 'api' of ${D} uses unpinned image 'ghcr.io/acme/api:latest'. Remediation: set 'image' of container 'api' of ${D} to a version tag or digest.`,
    ],
  ]),
  {
    policy: serviceAccountNoAutomount,
    type: "kubernetes:core/v1:ServiceAccount",
    name: "api",
    valid: { metadata: { name: "api", namespace: "apps" }, automountServiceAccountToken: false },
    failures: [
      [
        "automountServiceAccountToken",
        undefined,
        "Service account 'api' (apps/api) automounts its API token. Remediation: set 'automountServiceAccountToken: false' on service account 'api' and opt in on the pods that call the API.",
      ],
    ],
  },
  {
    policy: namespacePodSecurityRestricted,
    type: "kubernetes:core/v1:Namespace",
    name: "apps",
    valid: {
      metadata: {
        name: "apps",
        labels: {
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/audit": "restricted",
          "pod-security.kubernetes.io/warn": "restricted",
        },
      },
    },
    failures: [
      [
        "metadata.labels",
        {
          "pod-security.kubernetes.io/enforce": "baseline",
          "pod-security.kubernetes.io/audit": "restricted",
          "pod-security.kubernetes.io/warn": "restricted",
        },
        "Namespace 'apps' does not enforce the restricted Pod Security Standard. Remediation: set labels 'pod-security.kubernetes.io/enforce: restricted' in 'metadata.labels' of namespace 'apps'.",
      ],
    ],
  },
  {
    policy: helmReleasePinned,
    type: "kubernetes:helm.sh/v3:Release",
    name: "ingress",
    valid: {
      chart: "ingress-nginx",
      version: "4.11.3",
      repositoryOpts: { repo: "https://kubernetes.github.io/ingress-nginx" },
    },
    failures: [
      [
        "version",
        "^4.11.0",
        "Helm release 'ingress' does not pin an exact chart version ('^4.11.0'). Remediation: set 'version' to an exact chart version (e.g. 1.2.3) on Helm release 'ingress'.",
      ],
      [
        "repositoryOpts",
        undefined,
        "Helm release 'ingress' does not name its chart repository. Remediation: set 'repositoryOpts.repo' (or an oci:// 'chart') on Helm release 'ingress'.",
      ],
    ],
  },
]);

test.each([
  ["nginx", false],
  ["nginx:latest", false],
  ["localhost:5000/nginx", false],
  ["localhost:5000/nginx:1.27.2", true],
  [`nginx@sha256:${"a".repeat(64)}`, true],
])("isPinnedImage(%s) is %s", (image, pinned) => {
  expect(isPinnedImage(image)).toBe(pinned);
});

test("probes are not required of Jobs; pod checks read CronJob templates", async () => {
  const podSpec = withPath(api, `${C}.readinessProbe`, undefined).spec.template;
  const job = res("kubernetes:batch/v1:Job", "migrate", { spec: { template: podSpec } });
  expect((await run(containerProbesSet, [job])).outcomes[0]).toMatchObject({ assessed: 0 });
  const cron = res("kubernetes:batch/v1:CronJob", "backup", {
    spec: { jobTemplate: { spec: { template: withPath(podSpec, "spec.containers[0].image", "busybox") } } },
  });
  expect(await messages(containerImagePinned, [cron])).toEqual([
    "Container 'api' of CronJob 'backup' uses unpinned image 'busybox'. Remediation: set 'image' of container 'api' of CronJob 'backup' to a version tag or digest.",
  ]);
});

describe("workload stack policies", () => {
  const deployment = res(DEPLOYMENT, "api", api);
  const pdb = (spec: Record<string, unknown>) =>
    res("kubernetes:policy/v1:PodDisruptionBudget", "api-pdb", {
      metadata: { namespace: "apps" },
      spec: { selector: { matchLabels: { app: "api" } }, ...spec },
    });
  const hpa = (min: number, max: number) =>
    res("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "api-hpa", {
      metadata: { namespace: "apps" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
        minReplicas: min,
        maxReplicas: max,
      },
    });

  test("workload-has-pdb", async () => {
    expect(await messages(workloadHasPdb, [deployment, pdb({ minAvailable: 2 })])).toEqual([]);
    expect(await messages(workloadHasPdb, [deployment])).toEqual([
      "'api' runs 3 replicas without a PodDisruptionBudget. Remediation: add a PodDisruptionBudget whose 'spec.selector.matchLabels' select the pods of 'api'.",
    ]);
    expect(await messages(workloadHasPdb, [deployment, pdb({ minAvailable: 3 })])).toEqual([
      "The PodDisruptionBudget of 'api' allows no eviction at 3 replicas, so node drains block. Remediation: set 'spec.minAvailable' below 3 (or 'spec.maxUnavailable' of at least 1) on PodDisruptionBudget 'api-pdb'.",
    ]);
    const single = res(DEPLOYMENT, "api", withPath(api, "spec.replicas", 1));
    expect(await messages(workloadHasPdb, [single])).toEqual([]);
    // Nothing to judge is "not applicable", never a pass the scorecard would count.
    expect((await run(workloadHasPdb, [single])).outcomes[0]).toMatchObject({ assessed: 0, passed: 0 });
    expect((await run(workloadHasPdb, [deployment, pdb({ minAvailable: 2 })])).outcomes[0]).toMatchObject({
      assessed: 1,
      passed: 1,
    });
  });

  test("workload-has-hpa", async () => {
    expect(await messages(workloadHasHpa, [deployment, hpa(3, 20)])).toEqual([]);
    expect(await messages(workloadHasHpa, [deployment])).toEqual([
      "'api' runs 3 fixed replicas without a HorizontalPodAutoscaler. Remediation: add a HorizontalPodAutoscaler whose 'spec.scaleTargetRef' names 'api'.",
    ]);
    expect(await messages(workloadHasHpa, [deployment, hpa(3, 3)])).toEqual([
      "HorizontalPodAutoscaler 'api-hpa' cannot scale (min 3, max 3). Remediation: set 'spec.maxReplicas' above 'spec.minReplicas' on HorizontalPodAutoscaler 'api-hpa'.",
    ]);
    const single = res(DEPLOYMENT, "api", withPath(api, "spec.replicas", 1));
    expect((await run(workloadHasHpa, [single])).outcomes[0]).toMatchObject({ assessed: 0, passed: 0 });
  });

  test("workload-min-replicas: judged at the HPA minimum, else at spec.replicas (default 1)", async () => {
    const unscaled = res(DEPLOYMENT, "api", withPath(api, "spec.replicas", undefined));
    expect(await messages(workloadMinReplicas, [deployment])).toEqual([]);
    expect(await messages(workloadMinReplicas, [unscaled, hpa(2, 20)])).toEqual([]);
    // The HPA removed: the Deployment runs the one replica Kubernetes defaults to.
    expect(await messages(workloadMinReplicas, [unscaled])).toEqual([
      "'api' (apps/api) runs 1 replica(s) and no HorizontalPodAutoscaler, fewer than 2. Remediation: set 'spec.replicas' to at least 2 on 'api', or scale it with a HorizontalPodAutoscaler whose 'spec.minReplicas' is at least 2.",
    ]);
    expect(await messages(workloadMinReplicas, [deployment, hpa(1, 20)])).toEqual([
      "HorizontalPodAutoscaler 'api-hpa' lets 'api' (apps/api) scale down to 1 replica(s), fewer than 2. Remediation: set 'spec.minReplicas' to at least 2 on HorizontalPodAutoscaler 'api-hpa'.",
    ]);
    expect(
      await messages(workloadMinReplicas, [unscaled], { "workload-min-replicas": { minReplicas: 1 } }),
    ).toEqual([]);
    expect(
      await messages(workloadMinReplicas, [unscaled], { "workload-min-replicas": { exempt: ["apps/api"] } }),
    ).toEqual([]);
    expect((await run(workloadMinReplicas, [])).outcomes[0]).toMatchObject({
      assessed: 0,
      notApplicable: ["No Deployment, StatefulSet or Rollout in the stack"],
    });
  });

  test("namespace-default-deny-network-policy", async () => {
    const deny = (policyTypes: string[]) =>
      res("kubernetes:networking.k8s.io/v1:NetworkPolicy", "deny", {
        metadata: { namespace: "apps" },
        spec: { podSelector: {}, policyTypes },
      });
    expect(
      await messages(namespaceDefaultDenyNetworkPolicy, [deployment, deny(["Ingress", "Egress"])]),
    ).toEqual([]);
    expect(await messages(namespaceDefaultDenyNetworkPolicy, [deployment, deny(["Ingress"])])).toEqual([
      "Namespace 'apps' runs workloads (e.g. 'api') without a default-deny NetworkPolicy. Remediation: add a NetworkPolicy in namespace 'apps' with 'spec.podSelector: {}' and 'spec.policyTypes: [\"Ingress\", \"Egress\"]' and no rules.",
    ]);
  });

  test("namespace-quota-and-limits", async () => {
    const quota = res("kubernetes:core/v1:ResourceQuota", "q", { metadata: { namespace: "apps" } });
    const limits = res("kubernetes:core/v1:LimitRange", "l", { metadata: { namespace: "apps" } });
    expect(await messages(namespaceQuotaAndLimits, [deployment, quota, limits])).toEqual([]);
    expect(await messages(namespaceQuotaAndLimits, [deployment, quota])).toEqual([
      "Namespace 'apps' has no LimitRange. Remediation: add a LimitRange with 'metadata.namespace: apps'.",
    ]);
  });
});

describe("a workload without containers is not judged by the container policies", () => {
  test.each([podRunAsNonRoot, podNoHostAccess, containerResourcesSet])("%#: %s", async (policy) => {
    const empty = withPath(api, "spec.template.spec.containers", []);
    const result = await run(policy, [res(DEPLOYMENT, "api", empty)]);
    expect(result.violations).toEqual([]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 0, passed: 0 });
  });
});
