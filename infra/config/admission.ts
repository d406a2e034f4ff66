/**
 * `platform:admission`: the cluster's admission guardrails (docs/decisions/0132). What a violation
 * does (refused in production), the system namespaces they skip, and the upstream image prefixes the
 * platform's own charts run besides the platform registry.
 *
 * `platform:threatDetection`: GuardDuty's EKS protection (docs/decisions/0134). The detector is
 * account-level: one stack per account and region manages it, the others only route their findings.
 */
import { z } from "zod";
import type { ConfigProblem } from "./problems";

const NAMESPACE = "must be a namespace name (lower-case letters, digits and '-', at most 63 characters)";
/**
 * Upstream images of the charts and jobs the platform runs outside kube-system, exactly as the
 * charts render them at their pinned versions (docs/decisions/0127; test/infra/chart-admission.test.ts).
 */
export const DEFAULT_UPSTREAM_IMAGE_PREFIXES = [
  "hashicorp/vault:",
  "hashicorp/vault-k8s:",
  "amazon/aws-cli:",
  "quay.io/jetstack/cert-manager-",
  // kube-prometheus-stack 88.5.3 and its grafana, kube-state-metrics subcharts
  "quay.io/prometheus/prometheus:",
  "quay.io/prometheus/alertmanager:",
  "quay.io/prometheus-operator/prometheus-operator:",
  "quay.io/prometheus-operator/prometheus-config-reloader:",
  "ghcr.io/jkroepke/kube-webhook-certgen:",
  "docker.io/grafana/grafana:",
  "quay.io/kiwigrid/k8s-sidecar:",
  "registry.k8s.io/kube-state-metrics/kube-state-metrics:",
  // opentelemetry-collector 0.170.0 with the program's `image.repository`
  "otel/opentelemetry-collector-contrib:",
  // argo-rollouts 2.41.0 (controller) and the canary release checks' default image
  "quay.io/argoproj/argo-rollouts:",
  "curlimages/curl:",
];
/** The system namespaces skipped unless the stack says otherwise. */
export const DEFAULT_EXEMPT_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"];
/** Where GuardDuty's managed add-on runs its security agent (privileged, images from AWS's registry). */
export const GUARDDUTY_AGENT_NAMESPACE = "amazon-guardduty";

export const admissionSchema = z.strictObject({
  /** Deny refuses, Warn warns the client, Audit records in the API audit log. */
  validationActions: z
    .array(z.enum(["Deny", "Warn", "Audit"], { message: "must be Deny, Warn or Audit" }))
    .min(1, { message: "must name at least one of Deny, Warn, Audit" })
    .default(["Deny", "Audit"]),
  /** System namespaces the guardrails skip: an explicit, minimal list. */
  exemptNamespaces: z
    .array(z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { message: NAMESPACE }))
    .default(DEFAULT_EXEMPT_NAMESPACES),
  /** Image prefixes allowed besides the platform registry (the platform charts' upstream images). */
  allowedImagePrefixes: z
    .array(z.string().min(1, { message: "must not be empty (it would allow every image)" }))
    .default(DEFAULT_UPSTREAM_IMAGE_PREFIXES),
});

export type AdmissionConfig = z.infer<typeof admissionSchema>;

export function checkAdmission(admission: AdmissionConfig, environment: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const actions = admission.validationActions;
  const key = "platform:admission.validationActions";
  if (new Set(actions).size !== actions.length) {
    problems.push({ key, received: actions, message: "names an action twice" });
  }
  if (actions.includes("Deny") && actions.includes("Warn")) {
    problems.push({
      key,
      received: actions,
      message: "may not hold both Deny and Warn (the API refuses it)",
    });
  }
  if (environment === "production" && !actions.includes("Deny")) {
    problems.push({ key, received: actions, message: "production refuses violations: include Deny" });
  }
  if (!actions.includes("Audit") && !actions.includes("Warn")) {
    problems.push({ key, received: actions, message: "must report violations: include Audit (or Warn)" });
  }
  const repeated = admission.exemptNamespaces.filter((n, i) => admission.exemptNamespaces.indexOf(n) !== i);
  if (repeated.length > 0) {
    problems.push({
      key: "platform:admission.exemptNamespaces",
      received: admission.exemptNamespaces,
      message: `names ${[...new Set(repeated)].join(", ")} twice`,
    });
  }
  return problems;
}

/**
 * The observability node agents (node-exporter, Fluent Bit) need host network, host PID and hostPath:
 * their namespace is Pod Security `privileged` (decision 0101), which the guardrails' namespace rule
 * refuses. It must be exempt, or the guardrails refuse the namespace and its DaemonSets' pods.
 */
export function admissionAgainstNodeAgents(
  admission: AdmissionConfig,
  nodeAgentsNamespace: string,
): ConfigProblem[] {
  if (admission.exemptNamespaces.includes(nodeAgentsNamespace)) {
    return [];
  }
  return [
    {
      key: "platform:admission.exemptNamespaces",
      received: admission.exemptNamespaces,
      message: `must include ${nodeAgentsNamespace} (platform:observability.nodeAgentsNamespace): node-exporter and Fluent Bit run there with host access under Pod Security privileged`,
    },
  ];
}

const SEVERITY = "must be a number from 1 to 10 (GuardDuty severity: 4 Medium, 7 High, 9 Critical)";

export const threatDetectionSchema = z.strictObject({
  /**
   * `manage`: this stack creates the region's detector with the EKS features; `external`: another
   * stack or the organization owns it, this stack routes its cluster's findings; `off`: nothing.
   */
  mode: z.enum(["manage", "external", "off"], { message: "must be manage, external or off" }),
  /** Lowest severity routed to the alert topic. */
  minSeverity: z
    .number({ message: SEVERITY })
    .min(1, { message: SEVERITY })
    .max(10, { message: SEVERITY })
    .default(7),
  /** The alert topic (the platform's critical topic); none: a topic of the stack's own. */
  alertTopicArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, {
      message: "must be an SNS topic ARN: arn:aws:sns:<region>:<account>:<name>",
    })
    .optional(),
  /** Addresses subscribed to the stack's own topic (without alertTopicArn). */
  alertEmails: z.array(z.email({ message: "must be an email address" })).default([]),
});

export type ThreatDetectionConfig = z.infer<typeof threatDetectionSchema>;

export function checkThreatDetection(td: ThreatDetectionConfig, environment: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (environment === "production" && td.mode === "off") {
    problems.push({
      key: "platform:threatDetection.mode",
      received: "off",
      message:
        "production watches its cluster for threats: use manage, or external when another stack owns the detector",
    });
  }
  if (td.alertTopicArn !== undefined && td.alertEmails.length > 0) {
    problems.push({
      key: "platform:threatDetection.alertEmails",
      received: td.alertEmails,
      message:
        "subscribe the stack's own topic: with alertTopicArn, subscribe to that topic instead (leave this empty)",
    });
  }
  return problems;
}

/**
 * With a managed detector, GuardDuty deploys its runtime agent (privileged, AWS's images) into
 * `amazon-guardduty`: that namespace must be exempt or the guardrails refuse the agent. (The v1
 * ValidatingAdmissionPolicy API needs Kubernetes 1.30: every version platform:cluster accepts has it.)
 */
export function admissionAgainstThreatDetection(
  admission: AdmissionConfig,
  threatDetection: ThreatDetectionConfig,
): ConfigProblem[] {
  if (threatDetection.mode !== "manage" || admission.exemptNamespaces.includes(GUARDDUTY_AGENT_NAMESPACE)) {
    return [];
  }
  return [
    {
      key: "platform:admission.exemptNamespaces",
      received: admission.exemptNamespaces,
      message: `must include ${GUARDDUTY_AGENT_NAMESPACE}: GuardDuty's runtime agent runs there with host access and AWS's images`,
    },
  ];
}
