/**
 * Admission and threat-detection policies: the cluster holds what the preview cannot see to the
 * pack's rules (a ValidatingAdmissionPolicy on pods and one on namespaces, bound with few exemptions),
 * pods run as their own service account, and GuardDuty watches the EKS cluster with its findings
 * routed to a topic.
 */
import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType } from "@pulumi/policy";
import type { PolicyResource, ResourceValidation } from "@pulumi/policy";
import { containersOf, type Obj, podTemplate } from "./lib/k8s";
import { asArray, asRecord, asStrings, dependents, parseJsonish, subjects, violation } from "./lib/props";
import type { PlatformResourcePolicy, PlatformStackPolicy } from "./lib/types";

const WORKLOADS = [
  k8s.apps.v1.Deployment,
  k8s.apps.v1.StatefulSet,
  k8s.apps.v1.DaemonSet,
  k8s.batch.v1.Job,
  k8s.batch.v1.CronJob,
  k8s.core.v1.Pod,
];

export const workloadNoDefaultServiceAccount: PlatformResourcePolicy = {
  name: "workload-no-default-service-account",
  description: "Every pod runs as a service account of its own, never the namespace's `default`.",
  severity: "medium",
  enforcementLevel: "advisory",
  category: "Container Orchestration",
  references: [
    "CIS EKS Benchmark 4.1.5",
    "Checkov CKV_K8S_41",
    "EKS Best Practices Guide: use dedicated service accounts",
  ],
  validateResource: WORKLOADS.map((cls): ResourceValidation =>
    validateResourceOfType(cls as typeof k8s.apps.v1.Deployment, (props, args, report) => {
      const spec = args.type.endsWith(":Pod")
        ? asRecord((props as Obj).spec)
        : podTemplate(args.type, props as Obj).spec;
      const what = `${args.type.split(":").pop()} '${args.name}'`;
      if (containersOf(spec).length === 0) {
        args.notApplicable(`${what} has no containers`);
      }
      const account = spec.serviceAccountName ?? spec.serviceAccount;
      if (typeof account !== "string" || account === "" || account === "default") {
        report(
          violation(
            `${what} runs as the namespace's default service account`,
            `create a ServiceAccount for ${what} and set 'serviceAccountName' in its pod spec.`,
          ),
        );
      }
    }),
  ),
};

const VAP = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const BINDING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";
const NAME_LABEL = "kubernetes.io/metadata.name";

/** Whether a policy's matchConstraints cover `resource` of the core API group. */
function validatesCore(policy: PolicyResource, resource: string): boolean {
  const rules = asArray(asRecord(asRecord(policy.props.spec).matchConstraints).resourceRules);
  return rules.some((r) => {
    const rule = asRecord(r);
    return (
      asStrings(rule.apiGroups).includes("") &&
      asStrings(rule.resources).some((x) => x === resource || x === "*")
    );
  });
}

/** Why a binding does not hold every namespace but the allowed exemptions; undefined when it does. */
function scopeProblem(binding: PolicyResource, allowedExempt: readonly string[]): string | undefined {
  const match = asRecord(asRecord(binding.props.spec).matchResources);
  if (match.objectSelector !== undefined && Object.keys(asRecord(match.objectSelector)).length > 0) {
    return "an objectSelector (objects could opt out by their labels)";
  }
  if (asArray(match.excludeResourceRules).length > 0) {
    return "excludeResourceRules";
  }
  const selector = asRecord(match.namespaceSelector);
  if (Object.keys(asRecord(selector.matchLabels)).length > 0) {
    return "a namespaceSelector with matchLabels (only labelled namespaces would be judged)";
  }
  for (const e of asArray(selector.matchExpressions)) {
    const expr = asRecord(e);
    if (expr.key !== NAME_LABEL || expr.operator !== "NotIn") {
      return `a namespaceSelector expression other than '${NAME_LABEL} NotIn [...]'`;
    }
    const extra = asStrings(expr.values).filter((ns) => !allowedExempt.includes(ns));
    if (extra.length > 0) {
      return `exemptions beyond the allowed system namespaces: ${extra.join(", ")}`;
    }
  }
  return undefined;
}

interface GuardrailsConfig {
  requireDeny: boolean;
  allowedExemptNamespaces: string[];
}

export const admissionGuardrailsPresent: PlatformStackPolicy = {
  name: "admission-guardrails-present",
  description:
    "ValidatingAdmissionPolicies on pods and on namespaces are bound to every namespace but a few system ones, denying (where required) and reporting violations.",
  severity: "high",
  enforcementLevel: "advisory",
  category: "Container Orchestration",
  references: [
    "CIS EKS Benchmark 4.2 (admission of pods)",
    "EKS Best Practices Guide: policy-as-code admission control",
    "Kubernetes: ValidatingAdmissionPolicy",
  ],
  configSchema: {
    properties: {
      requireDeny: { type: "boolean", default: false },
      allowedExemptNamespaces: {
        type: "array",
        items: { type: "string" },
        default: ["kube-system", "kube-public", "kube-node-lease", "amazon-guardduty"],
      },
    },
  },
  validateStack: (args, report) => {
    const { requireDeny, allowedExemptNamespaces } = args.getConfig<GuardrailsConfig>();
    const k8sObjects = subjects(args, (r) => r.type.startsWith("kubernetes:"), "Kubernetes object");
    const policies = args.resources.filter((r) => r.type === VAP);
    const bindings = args.resources.filter((r) => r.type === BINDING);
    for (const resource of ["pods", "namespaces"]) {
      const covering = policies.filter((p) => validatesCore(p, resource));
      const bound = covering.flatMap((p) => {
        const name = asRecord(p.props.metadata).name;
        return bindings.filter((b) => asRecord(b.props.spec).policyName === name);
      });
      const problems = bound.map((b) => {
        const actions = asStrings(asRecord(b.props.spec).validationActions);
        const scope = scopeProblem(b, allowedExemptNamespaces);
        if (requireDeny && !actions.includes("Deny")) {
          return `binding '${b.name}' does not include Deny in validationActions`;
        }
        if (!actions.includes("Audit") && !actions.includes("Warn")) {
          return `binding '${b.name}' reports nothing (validationActions without Audit or Warn)`;
        }
        return scope === undefined ? undefined : `binding '${b.name}' has ${scope}`;
      });
      if (bound.length === 0) {
        report(
          violation(
            `No ValidatingAdmissionPolicy validating ${resource} is bound in the stack`,
            `declare the admission guardrails (platform:admission, components/admission) so the cluster judges ${resource} created outside the preview.`,
          ),
          k8sObjects[0]?.urn,
        );
      } else if (problems.every((p) => p !== undefined)) {
        report(
          violation(
            `The admission policy on ${resource} is not enforced everywhere: ${problems.join("; ")}`,
            `bind it with validationActions ${requireDeny ? "[Deny, Audit]" : "including Audit or Warn"} and exempt only ${allowedExemptNamespaces.join(", ")}.`,
          ),
          bound[0].urn,
        );
      }
    }
  },
};

const DETECTOR = "aws:guardduty/detector:Detector";
const FEATURE = "aws:guardduty/detectorFeature:DetectorFeature";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";

/** What a detector lacks of EKS protection (audit logs, runtime monitoring with the managed add-on). */
function detectorGaps(resources: readonly PolicyResource[], detector: PolicyResource): string[] {
  const features = dependents(resources, detector, FEATURE).map((f) => f.props);
  const enabled = (name: string) => features.find((f) => f.name === name && f.status === "ENABLED");
  const gaps: string[] = [];
  if (detector.props.enable === false) {
    gaps.push("the detector is disabled");
  }
  if (!enabled("EKS_AUDIT_LOGS")) {
    gaps.push("feature EKS_AUDIT_LOGS is not ENABLED");
  }
  const runtime = enabled("RUNTIME_MONITORING") ?? enabled("EKS_RUNTIME_MONITORING");
  const addon = asArray(runtime?.additionalConfigurations).some(
    (c) => asRecord(c).name === "EKS_ADDON_MANAGEMENT" && asRecord(c).status === "ENABLED",
  );
  if (!runtime || !addon) {
    gaps.push("feature RUNTIME_MONITORING is not ENABLED with EKS_ADDON_MANAGEMENT ENABLED");
  }
  return gaps;
}

/** An EventBridge rule on GuardDuty findings with a target. */
function routesFindings(resources: readonly PolicyResource[], rule: PolicyResource): boolean {
  const pattern = asRecord(parseJsonish(rule.props.eventPattern));
  return (
    asStrings(pattern.source).includes("aws.guardduty") && dependents(resources, rule, TARGET).length > 0
  );
}

export const guarddutyEksProtection: PlatformStackPolicy = {
  name: "guardduty-eks-protection",
  description:
    "GuardDuty watches the EKS cluster (audit logs, runtime monitoring through its managed add-on) and its findings are routed to a topic.",
  severity: "medium",
  enforcementLevel: "advisory",
  category: "Monitoring and Observability",
  references: [
    "AWS FSBP GuardDuty.5 (EKS audit log monitoring)",
    "AWS FSBP GuardDuty.7 (EKS runtime monitoring)",
    "AWS Config guardduty-eks-protection-runtime-enabled",
  ],
  validateStack: (args, report) => {
    const clusters = subjects(args, (r) => r.type === "aws:eks/cluster:Cluster", "EKS cluster");
    for (const detector of args.resources.filter((r) => r.type === DETECTOR)) {
      const gaps = detectorGaps(args.resources, detector);
      if (gaps.length > 0) {
        report(
          violation(
            `GuardDuty detector '${detector.name}' does not protect EKS: ${gaps.join("; ")}`,
            `add aws.guardduty.DetectorFeature EKS_AUDIT_LOGS and RUNTIME_MONITORING (additionalConfigurations EKS_ADDON_MANAGEMENT) ENABLED to '${detector.name}'.`,
          ),
          detector.urn,
        );
      }
    }
    if (!args.resources.some((r) => r.type === RULE && routesFindings(args.resources, r))) {
      report(
        violation(
          "No EventBridge rule routes GuardDuty findings to a target",
          "set platform:threatDetection.mode to manage (or external where another stack owns the detector) so the cluster's findings reach the alert topic.",
        ),
        clusters[0].urn,
      );
    }
  },
};

export const admissionPolicies = [
  workloadNoDefaultServiceAccount,
  admissionGuardrailsPresent,
  guarddutyEksProtection,
];
