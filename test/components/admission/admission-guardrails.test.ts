import { byName, runProgram, type OfflineRun } from "../../support/offline";
import {
  admissionGuardrailsArgsProblems,
  type AdmissionGuardrailsArgs,
} from "../../../components/admission/admission-guardrails";
import { NAMESPACE_RULE, POD_MATCH_CONDITION, POD_RULES } from "../../../components/admission/rules";

const VAP = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const BINDING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";
const REGISTRY = "123456789012.dkr.ecr.us-west-2.amazonaws.com/platform/";
const ARGS: AdmissionGuardrailsArgs = {
  exemptNamespaces: ["kube-system", "amazon-guardduty"],
  allowedImagePrefixes: [REGISTRY, "hashicorp/vault:"],
};

async function build(args: AdmissionGuardrailsArgs): Promise<OfflineRun> {
  return runProgram(async () => {
    const { AdmissionGuardrails } = await import("../../../components/admission/admission-guardrails");
    return { names: new AdmissionGuardrails("guardrails", args).policyNames };
  });
}

const EXEMPT = {
  namespaceSelector: {
    matchExpressions: [
      { key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", "amazon-guardduty"] },
    ],
  },
};

describe("AdmissionGuardrails", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await build(ARGS);
  });

  test("two policies, each bound once, and the default namespace's Pod Security labels", () => {
    const children = run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    expect(children.map((r) => `${r.type} ${r.name}`).sort()).toEqual(
      [
        `${VAP} guardrails-pods`,
        `${BINDING} guardrails-pods-binding`,
        `${VAP} guardrails-namespaces`,
        `${BINDING} guardrails-namespaces-binding`,
        "kubernetes:core/v1:NamespacePatch guardrails-default-namespace",
      ].sort(),
    );
    const component = byName(run, "platform:admission:AdmissionGuardrails", "guardrails");
    expect(children.every((r) => r.parent === component.urn)).toBe(true);
    expect(run.outputs.names).toEqual(["guardrails-pods", "guardrails-namespaces"]);
  });

  test("pods: created or re-imaged pods, every rule, failing closed", () => {
    expect(byName(run, VAP, "guardrails-pods").inputs).toEqual({
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      metadata: { name: "guardrails-pods" },
      spec: {
        failurePolicy: "Fail",
        matchConstraints: {
          resourceRules: [
            { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] },
          ],
        },
        matchConditions: [POD_MATCH_CONDITION],
        variables: [
          { name: "containers", expression: expect.stringContaining("object.spec.containers") },
          { name: "allowedImagePrefixes", expression: `["${REGISTRY}", "hashicorp/vault:"]` },
        ],
        validations: POD_RULES.map((r) => ({
          expression: r.expression,
          messageExpression: r.messageExpression,
          reason: "Forbidden",
        })),
      },
    });
  });

  test("namespaces: the restricted enforce label", () => {
    expect(byName(run, VAP, "guardrails-namespaces").inputs.spec).toEqual({
      failurePolicy: "Fail",
      matchConstraints: {
        resourceRules: [
          {
            apiGroups: [""],
            apiVersions: ["v1"],
            operations: ["CREATE", "UPDATE"],
            resources: ["namespaces"],
          },
        ],
      },
      validations: [
        {
          expression: NAMESPACE_RULE.expression,
          messageExpression: NAMESPACE_RULE.messageExpression,
          reason: "Forbidden",
        },
      ],
    });
  });

  test("bindings: deny and audit by default, every namespace but the exempt ones, after their policy", () => {
    for (const policy of ["guardrails-pods", "guardrails-namespaces"]) {
      const binding = byName(run, BINDING, `${policy}-binding`);
      expect(binding.inputs).toEqual({
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "ValidatingAdmissionPolicyBinding",
        metadata: { name: policy },
        spec: { policyName: policy, validationActions: ["Deny", "Audit"], matchResources: EXEMPT },
      });
      expect(binding.dependencies).toContain(byName(run, VAP, policy).urn);
    }
  });

  test("the default namespace enforces, audits and warns on restricted", () => {
    expect(
      byName(run, "kubernetes:core/v1:NamespacePatch", "guardrails-default-namespace").inputs.metadata,
    ).toEqual({
      name: "default",
      labels: {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
      },
    });
  });

  test("Warn and Audit where given; no namespace patch when default is exempt", async () => {
    const other = await build({
      ...ARGS,
      validationActions: ["Warn", "Audit"],
      exemptNamespaces: ["default"],
    });
    expect(byName(other, BINDING, "guardrails-pods-binding").inputs.spec).toMatchObject({
      validationActions: ["Warn", "Audit"],
    });
    expect(other.resources.some((r) => r.type === "kubernetes:core/v1:NamespacePatch")).toBe(false);
  });
});

describe("admissionGuardrailsArgsProblems", () => {
  test("the test args are valid", () => {
    expect(admissionGuardrailsArgsProblems(ARGS)).toEqual([]);
  });
  test.each<[Partial<AdmissionGuardrailsArgs>, string[]]>([
    [{ validationActions: [] }, ["validationActions must name at least one of Deny, Warn, Audit"]],
    [
      { validationActions: ["Deny", "Warn"] },
      ["validationActions may not hold both Deny and Warn (the API refuses it)"],
    ],
    [{ validationActions: ["Audit", "Audit"] }, ["validationActions [Audit, Audit] repeat an action"]],
    [{ validationActions: ["Block" as never] }, ["validationActions Block unknown: use Deny, Warn or Audit"]],
    [{ exemptNamespaces: ["Kube_System"] }, ["exemptNamespaces 'Kube_System' are not namespace names"]],
    [
      { allowedImagePrefixes: [] },
      ["allowedImagePrefixes must hold at least the platform registry's prefix"],
    ],
  ])("%j", (change, expected) => {
    expect(admissionGuardrailsArgsProblems({ ...ARGS, ...change })).toEqual(expected);
  });

  test("the constructor throws every problem before registering anything", async () => {
    await expect(build({ ...ARGS, validationActions: [], allowedImagePrefixes: [] })).rejects.toThrow(
      "AdmissionGuardrails 'guardrails' has invalid arguments:\n  - validationActions must name at least one of Deny, Warn, Audit\n  - allowedImagePrefixes must hold at least the platform registry's prefix",
    );
  });
});
