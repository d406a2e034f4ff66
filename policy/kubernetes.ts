/**
 * Workload policies (Kubernetes): Pod Security Standards "restricted", resources, probes, images,
 * secrets, service accounts, namespaces, and the stack-wide NetworkPolicy / quota rules (PDB, HPA and
 * replicas: workload-availability.ts).
 */
import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType } from "@pulumi/policy";
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import {
  containersOf,
  namespaceOf,
  nameOf,
  type Obj,
  podTemplate,
  RolloutType,
  securityValue,
  WORKLOAD_TYPES,
} from "./lib/k8s";
import { asArray, asRecord, asStrings, subjects, violation } from "./lib/props";
import type { PlatformResourcePolicy, PlatformStackPolicy } from "./lib/types";
import { workloadHasHpa, workloadHasPdb, workloadMinReplicas } from "./workload-availability";

export { workloadHasHpa, workloadHasPdb, workloadMinReplicas } from "./workload-availability";

type Pod = { metadata: Obj; spec: Obj };
type PodCheck = (pod: Pod, args: ResourceValidationArgs, report: ReportViolation) => void;

const ALL_WORKLOADS = [
  k8s.apps.v1.Deployment,
  k8s.apps.v1.StatefulSet,
  k8s.apps.v1.DaemonSet,
  k8s.batch.v1.Job,
  k8s.batch.v1.CronJob,
];
const LONG_RUNNING = [k8s.apps.v1.Deployment, k8s.apps.v1.StatefulSet, k8s.apps.v1.DaemonSet];

/**
 * One `validateResourceOfType` per workload class, each checking the pod template; Argo Rollouts'
 * Rollout (a CustomResource) through its type token ({@link RolloutType}).
 */
function forWorkloads(check: PodCheck, classes = ALL_WORKLOADS): ResourceValidation[] {
  return [...classes, RolloutType].map((cls) =>
    validateResourceOfType(cls as typeof k8s.apps.v1.Deployment, (props, args, report) => {
      const pod = podTemplate(args.type, props as Obj);
      // A pod template without containers would pass every container check without being judged.
      if (containersOf(pod.spec).length === 0) {
        args.notApplicable(`${what(args)} has no pod template with containers`);
      }
      check(pod, args, report);
    }),
  );
}

/** `Deployment 'api'` from the type token and the Pulumi name. */
function what(args: { type: string; name: string }): string {
  return `${args.type.split(":").pop()} '${args.name}'`;
}

const PSS = "Pod Security Standards (restricted)";

export const podRunAsNonRoot: PlatformResourcePolicy = {
  name: "pod-run-as-non-root",
  description: "Every container runs as a non-root user.",
  severity: "critical",
  enforcementLevel: "mandatory",
  category: "Container Orchestration",
  references: [
    `${PSS}: Running as Non-root`,
    "CIS EKS Benchmark 4.2.6",
    "Checkov CKV_K8S_23",
    "kube-score container-security-context-user-group-id",
    "Polaris runAsRootAllowed",
  ],
  validateResource: forWorkloads((pod, args, report) => {
    for (const { name, container } of containersOf(pod.spec)) {
      if (
        securityValue(pod.spec, container, "runAsNonRoot") !== true ||
        securityValue(pod.spec, container, "runAsUser") === 0
      ) {
        report(
          violation(
            `Container '${name}' of ${what(args)} may run as root`,
            `set 'securityContext.runAsNonRoot: true' and a non-zero 'runAsUser' on the pod or container '${name}' of ${what(args)}.`,
          ),
        );
      }
    }
  }),
};

export const podSeccompRuntimeDefault: PlatformResourcePolicy = {
  name: "pod-seccomp-runtime-default",
  description: "Every container runs with the RuntimeDefault (or a Localhost) seccomp profile.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Container Orchestration",
  references: [
    `${PSS}: Seccomp`,
    "CIS EKS Benchmark 4.6.2",
    "Checkov CKV_K8S_31",
    "kube-score container-seccomp-profile",
  ],
  validateResource: forWorkloads((pod, args, report) => {
    for (const { name, container } of containersOf(pod.spec)) {
      const type = asRecord(securityValue(pod.spec, container, "seccompProfile")).type;
      if (type !== "RuntimeDefault" && type !== "Localhost") {
        report(
          violation(
            `Container '${name}' of ${what(args)} has no seccomp profile`,
            `set 'securityContext.seccompProfile.type: "RuntimeDefault"' on the pod or container '${name}' of ${what(args)}.`,
          ),
        );
      }
    }
  }),
};

export const containerNoPrivilegeEscalation: PlatformResourcePolicy = {
  name: "container-no-privilege-escalation",
  description: "No container is privileged or allows privilege escalation.",
  severity: "critical",
  enforcementLevel: "mandatory",
  category: "Container Orchestration",
  references: [
    `${PSS}: Privilege Escalation`,
    "Pod Security Standards (baseline): Privileged Containers",
    "CIS EKS Benchmark 4.2.1",
    "Checkov CKV_K8S_16",
    "Checkov CKV_K8S_20",
    "Polaris privilegeEscalationAllowed",
  ],
  validateResource: forWorkloads((pod, args, report) => {
    for (const { name, container } of containersOf(pod.spec)) {
      const sc = asRecord(container.securityContext);
      if (sc.allowPrivilegeEscalation !== false || sc.privileged === true) {
        report(
          violation(
            `Container '${name}' of ${what(args)} can gain privileges`,
            `set 'securityContext.allowPrivilegeEscalation: false' (and no 'privileged: true') on container '${name}' of ${what(args)}.`,
          ),
        );
      }
    }
  }),
};

export const containerReadOnlyRootFilesystem: PlatformResourcePolicy = {
  name: "container-read-only-root-filesystem",
  description: "Every container has a read-only root filesystem (writable paths are emptyDir volumes).",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Container Orchestration",
  references: [
    "Checkov CKV_K8S_22",
    "kube-score container-security-context-readonlyrootfilesystem",
    "Polaris notReadOnlyRootFilesystem",
  ],
  validateResource: forWorkloads((pod, args, report) => {
    for (const { name, container } of containersOf(pod.spec)) {
      if (asRecord(container.securityContext).readOnlyRootFilesystem !== true) {
        report(
          violation(
            `Container '${name}' of ${what(args)} has a writable root filesystem`,
            `set 'securityContext.readOnlyRootFilesystem: true' on container '${name}' of ${what(args)} and mount emptyDir volumes where it writes.`,
          ),
        );
      }
    }
  }),
};

export const containerDropAllCapabilities: PlatformResourcePolicy = {
  name: "container-drop-all-capabilities",
  description: "Every container drops ALL capabilities and adds back at most NET_BIND_SERVICE.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Container Orchestration",
  references: [
    `${PSS}: Capabilities`,
    "CIS EKS Benchmark 4.2.9",
    "Checkov CKV_K8S_28",
    "Checkov CKV_K8S_37",
    "Polaris dangerousCapabilities",
  ],
  validateResource: forWorkloads((pod, args, report) => {
    for (const { name, container } of containersOf(pod.spec)) {
      const caps = asRecord(asRecord(container.securityContext).capabilities);
      const added = asStrings(caps.add).filter((c) => c !== "NET_BIND_SERVICE");
      if (!asStrings(caps.drop).includes("ALL") || added.length > 0) {
        report(
          violation(
            `Container '${name}' of ${what(args)} keeps capabilities${added.length ? ` (adds ${added.join(", ")})` : ""}`,
            `set 'securityContext.capabilities.drop: ["ALL"]' and add nothing but NET_BIND_SERVICE on container '${name}' of ${what(args)}.`,
          ),
        );
      }
    }
  }),
};

export const podNoHostAccess: PlatformResourcePolicy = {
  name: "pod-no-host-access",
  description: "Pods share no host namespace and mount no hostPath volume; containers bind no host port.",
  severity: "critical",
  enforcementLevel: "mandatory",
  category: "Container Orchestration",
  references: [
    "Pod Security Standards (baseline): Host Namespaces, HostPath Volumes, Host Ports",
    "CIS EKS Benchmark 4.2.2-4.2.4",
    "Checkov CKV_K8S_17",
    "Checkov CKV_K8S_18",
    "Checkov CKV_K8S_19",
  ],
  validateResource: forWorkloads((pod, args, report) => {
    const shared = ["hostNetwork", "hostPID", "hostIPC"].filter((k) => pod.spec[k] === true);
    if (shared.length > 0) {
      report(
        violation(
          `${what(args)} shares the host's ${shared.join(", ")}`,
          `remove ${shared.map((k) => `'${k}'`).join(", ")} from the pod spec of ${what(args)}.`,
        ),
      );
    }
    for (const volume of asArray(pod.spec.volumes)
      .map(asRecord)
      .filter((v) => v.hostPath !== undefined)) {
      report(
        violation(
          `${what(args)} mounts hostPath volume '${String(volume.name)}'`,
          `replace hostPath volume '${String(volume.name)}' in 'volumes' of ${what(args)}.`,
        ),
      );
    }
    for (const { name, container } of containersOf(pod.spec)) {
      if (asArray(container.ports).some((p) => asRecord(p).hostPort !== undefined)) {
        report(
          violation(
            `Container '${name}' of ${what(args)} binds a host port`,
            `remove 'ports[].hostPort' from container '${name}' of ${what(args)}.`,
          ),
        );
      }
    }
  }),
};

export const containerResourcesSet: PlatformResourcePolicy = {
  name: "container-resources-set",
  description: "Every container declares CPU and memory requests and limits.",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "Container Orchestration",
  references: [
    "Checkov CKV_K8S_10",
    "Checkov CKV_K8S_11",
    "Checkov CKV_K8S_12",
    "Checkov CKV_K8S_13",
    "kube-score container-resources",
    "Polaris cpuRequestsMissing",
  ],
  validateResource: forWorkloads((pod, args, report) => {
    for (const { name, container } of containersOf(pod.spec)) {
      const res = asRecord(container.resources);
      const missing = ["requests", "limits"].flatMap((kind) =>
        ["cpu", "memory"].filter((r) => asRecord(res[kind])[r] === undefined).map((r) => `${kind}.${r}`),
      );
      if (missing.length > 0) {
        report(
          violation(
            `Container '${name}' of ${what(args)} has no ${missing.join(", ")}`,
            `set 'resources.${missing.join("', 'resources.")}' on container '${name}' of ${what(args)}.`,
          ),
        );
      }
    }
  }),
};

export const containerProbesSet: PlatformResourcePolicy = {
  name: "container-probes-set",
  description: "Every long-running container has readiness and liveness probes.",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "Container Orchestration",
  references: [
    "Checkov CKV_K8S_8",
    "Checkov CKV_K8S_9",
    "kube-score pod-probes",
    "Polaris readinessProbeMissing",
    "Polaris livenessProbeMissing",
  ],
  validateResource: forWorkloads((pod, args, report) => {
    for (const { name, container } of containersOf(pod.spec, false)) {
      const missing = ["readinessProbe", "livenessProbe"].filter((p) => container[p] === undefined);
      if (missing.length > 0) {
        report(
          violation(
            `Container '${name}' of ${what(args)} has no ${missing.join(" or ")}`,
            `set ${missing.map((p) => `'${p}'`).join(" and ")} on container '${name}' of ${what(args)}.`,
          ),
        );
      }
    }
  }, LONG_RUNNING),
};

/** True when the image names a tag other than `latest`, or a digest. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) {
    return true;
  }
  const last = image.split("/").pop() ?? "";
  const tag = last.includes(":") ? last.split(":").pop() : undefined;
  return tag !== undefined && tag !== "" && tag !== "latest";
}

export const containerImagePinned: PlatformResourcePolicy = {
  name: "container-image-pinned",
  description: "Every container image is pinned to a version tag or digest (never latest, never untagged).",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "CI/CD",
  references: [
    "Checkov CKV_K8S_14",
    "Checkov CKV_K8S_43",
    "kube-score container-image-tag",
    "Polaris tagNotSpecified",
  ],
  validateResource: forWorkloads((pod, args, report) => {
    for (const { name, container } of containersOf(pod.spec)) {
      const image = String(container.image ?? "");
      if (!isPinnedImage(image)) {
        report(
          violation(
            `Container '${name}' of ${what(args)} uses unpinned image '${image}'`,
            `set 'image' of container '${name}' of ${what(args)} to a version tag or digest.`,
          ),
        );
      }
    }
  }),
};

export const serviceAccountNoAutomount: PlatformResourcePolicy = {
  name: "service-account-no-automount",
  description:
    "Service accounts do not automount API tokens; pods that need the API opt in on their pod spec.",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "Container Orchestration",
  references: [
    "CIS EKS Benchmark 4.1.6",
    "Checkov CKV_K8S_38",
    "EKS Best Practices Guide: Disable auto-mounting of service account tokens",
  ],
  configSchema: {
    properties: {
      allowed: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "namespace/name of service accounts allowed to automount",
      },
    },
  },
  validateResource: validateResourceOfType(k8s.core.v1.ServiceAccount, (sa, args, report) => {
    const { allowed } = args.getConfig<{ allowed: string[] }>();
    const id = `${namespaceOf(sa as Obj)}/${nameOf(sa as Obj, args.name)}`;
    if (sa.automountServiceAccountToken !== false && !allowed.includes(id)) {
      report(
        violation(
          `Service account '${args.name}' (${id}) automounts its API token`,
          `set 'automountServiceAccountToken: false' on service account '${args.name}' and opt in on the pods that call the API.`,
        ),
      );
    }
  }),
};

export const namespacePodSecurityRestricted: PlatformResourcePolicy = {
  name: "namespace-pod-security-restricted",
  description: "Namespaces enforce, audit and warn on the Pod Security Standards restricted profile.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Container Orchestration",
  references: [
    PSS,
    "CIS EKS Benchmark 4.2 (admission of pods)",
    "EKS Best Practices Guide: Pod Security Standards",
  ],
  configSchema: {
    properties: { exemptNamespaces: { type: "array", items: { type: "string" }, default: [] } },
  },
  validateResource: validateResourceOfType(k8s.core.v1.Namespace, (ns, args, report) => {
    const { exemptNamespaces } = args.getConfig<{ exemptNamespaces: string[] }>();
    const meta = asRecord(ns.metadata);
    if (exemptNamespaces.includes(nameOf(ns as Obj, args.name))) {
      return;
    }
    const labels = asRecord(meta.labels);
    const missing = ["enforce", "audit", "warn"].filter(
      (m) => labels[`pod-security.kubernetes.io/${m}`] !== "restricted",
    );
    if (missing.length > 0) {
      report(
        violation(
          `Namespace '${args.name}' does not ${missing.join("/")} the restricted Pod Security Standard`,
          `set labels ${missing.map((m) => `'pod-security.kubernetes.io/${m}: restricted'`).join(", ")} in 'metadata.labels' of namespace '${args.name}'.`,
        ),
      );
    }
  }),
};

function isExactVersion(version: unknown): boolean {
  return typeof version === "string" && /^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(version);
}

export const helmReleasePinned: PlatformResourcePolicy = {
  name: "helm-release-pinned",
  description: "Helm releases pin an exact chart version from a named repository.",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "CI/CD",
  references: [
    "Checkov CKV_K8S_14 (by analogy: pinned artefacts)",
    "EKS Best Practices Guide: Cluster upgrades",
  ],
  validateResource: validateResourceOfType(k8s.helm.v3.Release, (release, args, report) => {
    const chart = String(release.chart ?? "");
    if (!isExactVersion(release.version)) {
      report(
        violation(
          `Helm release '${args.name}' does not pin an exact chart version (${release.version === undefined ? "none" : `'${String(release.version)}'`})`,
          `set 'version' to an exact chart version (e.g. 1.2.3) on Helm release '${args.name}'.`,
        ),
      );
    }
    if (!chart.startsWith("oci://") && !asRecord(release.repositoryOpts).repo) {
      report(
        violation(
          `Helm release '${args.name}' does not name its chart repository`,
          `set 'repositoryOpts.repo' (or an oci:// 'chart') on Helm release '${args.name}'.`,
        ),
      );
    }
  }),
};

// ---- stack policies -------------------------------------------------------------------------

const WORKLOAD_TYPE_LIST = Object.values(WORKLOAD_TYPES) as string[];

function workloadNamespaces(args: StackValidationArgs): Map<string, PolicyResource> {
  const found = new Map<string, PolicyResource>();
  for (const w of subjects(args, (r) => WORKLOAD_TYPE_LIST.includes(r.type), "Kubernetes workload")) {
    const ns = namespaceOf(w.props);
    if (!found.has(ns)) {
      found.set(ns, w);
    }
  }
  return found;
}

function isDefaultDeny(np: PolicyResource): boolean {
  const spec = asRecord(np.props.spec);
  const selector = asRecord(spec.podSelector);
  const all =
    Object.keys(asRecord(selector.matchLabels)).length === 0 &&
    asArray(selector.matchExpressions).length === 0;
  const types = asStrings(spec.policyTypes);
  return (
    all &&
    types.includes("Ingress") &&
    types.includes("Egress") &&
    asArray(spec.ingress).length === 0 &&
    asArray(spec.egress).length === 0
  );
}

export const namespaceDefaultDenyNetworkPolicy: PlatformStackPolicy = {
  name: "namespace-default-deny-network-policy",
  description: "Every namespace with workloads has a default-deny NetworkPolicy for ingress and egress.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Network Security",
  references: [
    "CIS EKS Benchmark 4.3.2",
    "kube-score pod-networkpolicy",
    "EKS Best Practices Guide: Network policy (default deny)",
  ],
  validateStack: (args, report) => {
    for (const [ns, first] of workloadNamespaces(args)) {
      const policies = args.resources.filter(
        (r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && namespaceOf(r.props) === ns,
      );
      if (!policies.some(isDefaultDeny)) {
        report(
          violation(
            `Namespace '${ns}' runs workloads (e.g. '${first.name}') without a default-deny NetworkPolicy`,
            `add a NetworkPolicy in namespace '${ns}' with 'spec.podSelector: {}' and 'spec.policyTypes: ["Ingress", "Egress"]' and no rules.`,
          ),
          first.urn,
        );
      }
    }
  },
};

export const namespaceQuotaAndLimits: PlatformStackPolicy = {
  name: "namespace-quota-and-limits",
  description: "Every namespace with workloads has a ResourceQuota and a LimitRange.",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "Multi-Environment",
  references: [
    "CIS Kubernetes Benchmark 5.7.1 (namespaces as boundaries)",
    "EKS Best Practices Guide: Multi-tenancy (quotas)",
  ],
  validateStack: (args, report) => {
    for (const [ns, first] of workloadNamespaces(args)) {
      const missing = ["kubernetes:core/v1:ResourceQuota", "kubernetes:core/v1:LimitRange"].filter(
        (t) => !args.resources.some((r) => r.type === t && namespaceOf(r.props) === ns),
      );
      if (missing.length > 0) {
        const kinds = missing.map((t) => t.split(":").pop()).join(" and ");
        report(
          violation(`Namespace '${ns}' has no ${kinds}`, `add a ${kinds} with 'metadata.namespace: ${ns}'.`),
          first.urn,
        );
      }
    }
  },
};

export const kubernetesPolicies = [
  podRunAsNonRoot,
  podSeccompRuntimeDefault,
  containerNoPrivilegeEscalation,
  containerReadOnlyRootFilesystem,
  containerDropAllCapabilities,
  podNoHostAccess,
  containerResourcesSet,
  containerProbesSet,
  containerImagePinned,
  serviceAccountNoAutomount,
  namespacePodSecurityRestricted,
  helmReleasePinned,
  workloadHasPdb,
  workloadHasHpa,
  workloadMinReplicas,
  namespaceDefaultDenyNetworkPolicy,
  namespaceQuotaAndLimits,
];
