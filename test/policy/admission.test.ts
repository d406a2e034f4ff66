import {
  admissionGuardrailsPresent,
  guarddutyEksProtection,
  workloadNoDefaultServiceAccount,
} from "../../policy/admission";
import { describeResourcePolicies } from "./cases";
import { messages, res, run, withPath } from "./helpers";
import type { PlanResource } from "../../tools/policy/plan-input";

const deployment = {
  metadata: { name: "api", namespace: "api" },
  spec: { template: { spec: { serviceAccountName: "api", containers: [{ name: "api", image: "a/b:1" }] } } },
};
const defaultAccount = (what: string) =>
  `${what} runs as the namespace's default service account. Remediation: create a ServiceAccount for ${what} and set 'serviceAccountName' in its pod spec.`;

describeResourcePolicies([
  {
    policy: workloadNoDefaultServiceAccount,
    type: "kubernetes:apps/v1:Deployment",
    name: "api-deployment",
    valid: deployment,
    failures: [
      ["spec.template.spec.serviceAccountName", "default", defaultAccount("Deployment 'api-deployment'")],
      ["spec.template.spec.serviceAccountName", undefined, defaultAccount("Deployment 'api-deployment'")],
      ["spec.template.spec.serviceAccountName", "", defaultAccount("Deployment 'api-deployment'")],
    ],
  },
]);

test("workload-no-default-service-account: a CronJob's pod template and a bare Pod are judged", async () => {
  const cron = res("kubernetes:batch/v1:CronJob", "snap", {
    spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "c", image: "a/b:1" }] } } } } },
  });
  const pod = res("kubernetes:core/v1:Pod", "debug", {
    spec: { serviceAccountName: "debug", containers: [{ name: "c", image: "a/b:1" }] },
  });
  expect(await messages(workloadNoDefaultServiceAccount, [cron, pod])).toEqual([
    defaultAccount("CronJob 'snap'"),
  ]);
});

const VAP = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const BINDING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";
const EXEMPT = ["kube-system", "amazon-guardduty"];

function policy(name: string, resource: string): PlanResource {
  return res(VAP, name, {
    metadata: { name },
    spec: {
      failurePolicy: "Fail",
      matchConstraints: {
        resourceRules: [
          { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: [resource] },
        ],
      },
      validations: [{ expression: "true" }],
    },
  });
}

function binding(name: string, actions = ["Deny", "Audit"], exempt = EXEMPT): PlanResource {
  return res(BINDING, `${name}-binding`, {
    metadata: { name },
    spec: {
      policyName: name,
      validationActions: actions,
      matchResources: {
        namespaceSelector: {
          matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: exempt }],
        },
      },
    },
  });
}

describe("admission-guardrails-present", () => {
  const ns = res("kubernetes:core/v1:Namespace", "api-namespace", { metadata: { name: "api" } });
  const guardrails = () => [
    ns,
    policy("g-pods", "pods"),
    binding("g-pods"),
    policy("g-namespaces", "namespaces"),
    binding("g-namespaces"),
  ];
  const production = { "admission-guardrails-present": { requireDeny: true } };

  test("pods and namespaces policies, bound with Deny and Audit and system exemptions, pass in production", async () => {
    const result = await run(admissionGuardrailsPresent, guardrails(), production);
    expect(result.violations).toEqual([]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 1, passed: 1 });
  });

  test("no policy at all: both resources reported", async () => {
    expect(await messages(admissionGuardrailsPresent, [ns])).toEqual(
      ["pods", "namespaces"].map(
        (r) =>
          `No ValidatingAdmissionPolicy validating ${r} is bound in the stack. Remediation: declare the admission guardrails (platform:admission, components/admission) so the cluster judges ${r} created outside the preview.`,
      ),
    );
  });

  test("a policy without its binding counts as absent", async () => {
    const [n, pods, podsBinding, namespaces] = guardrails();
    expect(await messages(admissionGuardrailsPresent, [n, pods, podsBinding, namespaces])).toEqual([
      "No ValidatingAdmissionPolicy validating namespaces is bound in the stack. Remediation: declare the admission guardrails (platform:admission, components/admission) so the cluster judges namespaces created outside the preview.",
    ]);
  });

  const notEnforced = (problem: string, remediation = "[Deny, Audit]") =>
    `The admission policy on pods is not enforced everywhere: ${problem}. Remediation: bind it with validationActions ${remediation} and exempt only kube-system, kube-public, kube-node-lease, amazon-guardduty.`;

  test.each<[string, PlanResource, string]>([
    [
      "Warn instead of Deny",
      binding("g-pods", ["Warn", "Audit"]),
      notEnforced("binding 'g-pods-binding' does not include Deny in validationActions"),
    ],
    [
      "Deny without a report",
      binding("g-pods", ["Deny"]),
      notEnforced("binding 'g-pods-binding' reports nothing (validationActions without Audit or Warn)"),
    ],
    [
      "an application namespace exempt",
      binding("g-pods", ["Deny", "Audit"], ["kube-system", "api"]),
      notEnforced("binding 'g-pods-binding' has exemptions beyond the allowed system namespaces: api"),
    ],
    [
      "only labelled namespaces",
      withPath(binding("g-pods"), "props.spec.matchResources.namespaceSelector", {
        matchLabels: { guarded: "yes" },
      }),
      notEnforced(
        "binding 'g-pods-binding' has a namespaceSelector with matchLabels (only labelled namespaces would be judged)",
      ),
    ],
    [
      "objects opting out by label",
      withPath(binding("g-pods"), "props.spec.matchResources.objectSelector", {
        matchExpressions: [{ key: "skip", operator: "DoesNotExist" }],
      }),
      notEnforced("binding 'g-pods-binding' has an objectSelector (objects could opt out by their labels)"),
    ],
  ])("%s is caught", async (_label, podsBinding, expected) => {
    const resources = guardrails().map((r) => (r.name === "g-pods-binding" ? podsBinding : r));
    expect(await messages(admissionGuardrailsPresent, resources, production)).toEqual([expected]);
  });

  test("outside production (requireDeny false) Warn and Audit pass", async () => {
    const resources = guardrails().map((r) =>
      r.type === BINDING
        ? binding(String((r.props.spec as { policyName: string }).policyName), ["Warn", "Audit"])
        : r,
    );
    expect(await messages(admissionGuardrailsPresent, resources)).toEqual([]);
  });

  test("a stack without Kubernetes objects is not assessed", async () => {
    const result = await run(admissionGuardrailsPresent, [res("aws:kms/key:Key", "k", {})]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 0 });
  });
});

describe("guardduty-eks-protection", () => {
  const cluster = res("aws:eks/cluster:Cluster", "platform-eks", { name: "platform-production" });
  const detector = res("aws:guardduty/detector:Detector", "td-detector", { enable: true });
  const feature = (name: string, extra: Record<string, unknown> = {}) =>
    res(
      "aws:guardduty/detectorFeature:DetectorFeature",
      `td-${name}`,
      { name, status: "ENABLED", ...extra },
      {
        dependsOn: [detector],
      },
    );
  const audit = feature("EKS_AUDIT_LOGS");
  const runtime = feature("RUNTIME_MONITORING", {
    additionalConfigurations: [{ name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" }],
  });
  const rule = res("aws:cloudwatch/eventRule:EventRule", "td-findings", {
    eventPattern: JSON.stringify({ source: ["aws.guardduty"], "detail-type": ["GuardDuty Finding"] }),
  });
  const target = res(
    "aws:cloudwatch/eventTarget:EventTarget",
    "td-target",
    { arn: "arn:aws:sns:::t" },
    { dependsOn: [rule] },
  );
  const all = [cluster, detector, audit, runtime, rule, target];
  const gaps = (g: string) =>
    `GuardDuty detector 'td-detector' does not protect EKS: ${g}. Remediation: add aws.guardduty.DetectorFeature EKS_AUDIT_LOGS and RUNTIME_MONITORING (additionalConfigurations EKS_ADDON_MANAGEMENT) ENABLED to 'td-detector'.`;
  const noRoute =
    "No EventBridge rule routes GuardDuty findings to a target. Remediation: set platform:threatDetection.mode to manage (or external where another stack owns the detector) so the cluster's findings reach the alert topic.";

  test("a detector with both EKS features and a routed findings rule passes", async () => {
    const result = await run(guarddutyEksProtection, all);
    expect(result.violations).toEqual([]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 1, passed: 1 });
  });

  test("routing only (the detector owned elsewhere) passes", async () => {
    expect(await messages(guarddutyEksProtection, [cluster, rule, target])).toEqual([]);
  });

  test.each<[string, PlanResource[], string]>([
    [
      "disabled detector",
      [withPath(detector, "props.enable", false), audit, runtime],
      gaps("the detector is disabled"),
    ],
    ["no audit logs", [detector, runtime], gaps("feature EKS_AUDIT_LOGS is not ENABLED")],
    [
      "runtime monitoring without the managed add-on",
      [detector, audit, withPath(runtime, "props.additionalConfigurations[0].status", "DISABLED")],
      gaps("feature RUNTIME_MONITORING is not ENABLED with EKS_ADDON_MANAGEMENT ENABLED"),
    ],
    [
      "runtime monitoring disabled",
      [detector, audit, withPath(runtime, "props.status", "DISABLED")],
      gaps("feature RUNTIME_MONITORING is not ENABLED with EKS_ADDON_MANAGEMENT ENABLED"),
    ],
  ])("%s is caught", async (_label, guardduty, expected) => {
    expect(await messages(guarddutyEksProtection, [cluster, ...guardduty, rule, target])).toEqual([expected]);
  });

  test.each<[string, PlanResource[]]>([
    ["a rule without a target", [cluster, detector, audit, runtime, rule]],
    [
      "a rule on other events",
      [
        cluster,
        detector,
        audit,
        runtime,
        withPath(rule, "props.eventPattern", '{"source":["aws.ec2"]}'),
        target,
      ],
    ],
    ["nothing at all", [cluster]],
  ])("%s: findings not routed", async (_label, resources) => {
    expect(await messages(guarddutyEksProtection, resources)).toEqual([noRoute]);
  });

  test("a stack without an EKS cluster is not assessed", async () => {
    const result = await run(guarddutyEksProtection, [detector]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 0 });
  });
});
