/**
 * The cluster's admission guardrails (docs/decisions/0132): built-in ValidatingAdmissionPolicies
 * (`admissionregistration.k8s.io/v1`, Kubernetes 1.30+) that hold every namespace except an explicit
 * list of system ones to the pack's rules, whatever creates the object (Pulumi, a chart, kubectl, a
 * controller):
 *
 * - pods: images from the platform registry or an allowed upstream prefix, pinned (no `latest`),
 *   requests and limits of CPU and memory, a service account other than `default`;
 * - namespaces: the `restricted` Pod Security Standard enforced (the label the built-in Pod Security
 *   admission reads), so every pod of a non-exempt namespace is held to `restricted`;
 * - the `default` namespace, which exists before this program, gets that label too.
 *
 * No controller to run, upgrade or make highly available: the API server evaluates the CEL itself.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  type CelRule,
  NAMESPACE_RULE,
  POD_MATCH_CONDITION,
  POD_RULES,
  POD_SECURITY_LEVEL,
  podVariables,
} from "./rules";

/** What a binding does with a violation (the API's `validationActions`). */
export type ValidationAction = "Deny" | "Warn" | "Audit";
export const VALIDATION_ACTIONS: readonly ValidationAction[] = ["Deny", "Warn", "Audit"];

export interface AdmissionGuardrailsArgs {
  /**
   * What every binding does with a violation: `Deny` refuses the request, `Warn` returns a warning to
   * the client, `Audit` records it in the API server's audit log (CloudWatch, with the control plane's
   * `audit` log type). `Deny` and `Warn` exclude each other.
   * @default ["Deny", "Audit"]: enforced and reported
   */
  readonly validationActions?: readonly ValidationAction[];
  /**
   * Namespaces the guardrails skip: the system ones whose workloads need host access or run images
   * of AWS (kube-system, the GuardDuty agent's). Required: an explicit list, kept minimal.
   */
  readonly exemptNamespaces: readonly string[];
  /**
   * Image prefixes pods may use: the platform registry's (`<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/`)
   * and the upstream images of the platform's own charts (`quay.io/jetstack/cert-manager-`). Required,
   * at least one.
   */
  readonly allowedImagePrefixes: readonly pulumi.Input<string>[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Every problem with the args, as sentences; empty when valid. */
export function admissionGuardrailsArgsProblems(args: AdmissionGuardrailsArgs): string[] {
  const problems: string[] = [];
  const actions = args.validationActions ?? ["Deny", "Audit"];
  if (actions.length === 0) {
    problems.push("validationActions must name at least one of Deny, Warn, Audit");
  }
  const unknown = actions.filter((a) => !VALIDATION_ACTIONS.includes(a));
  if (unknown.length > 0) {
    problems.push(`validationActions ${unknown.join(", ")} unknown: use Deny, Warn or Audit`);
  }
  if (new Set(actions).size !== actions.length) {
    problems.push(`validationActions [${actions.join(", ")}] repeat an action`);
  }
  if (actions.includes("Deny") && actions.includes("Warn")) {
    problems.push("validationActions may not hold both Deny and Warn (the API refuses it)");
  }
  const badNamespaces = args.exemptNamespaces.filter((ns) => !DNS_LABEL.test(ns));
  if (badNamespaces.length > 0) {
    problems.push(
      `exemptNamespaces ${badNamespaces.map((n) => `'${n}'`).join(", ")} are not namespace names`,
    );
  }
  if (args.allowedImagePrefixes.length === 0) {
    problems.push("allowedImagePrefixes must hold at least the platform registry's prefix");
  }
  return problems;
}

/** A selector matching every namespace except the exempt ones (for a Namespace, the object itself). */
function namespaceSelector(exempt: readonly string[]) {
  return exempt.length === 0
    ? {}
    : { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: [...exempt] }] };
}

function validations(rules: readonly CelRule[]) {
  return rules.map((r) => ({
    expression: r.expression,
    messageExpression: r.messageExpression,
    reason: "Forbidden",
  }));
}

/** The ValidatingAdmissionPolicies, their bindings and the `default` namespace's Pod Security label. */
export class AdmissionGuardrails extends pulumi.ComponentResource {
  /** Names of the ValidatingAdmissionPolicies (cluster-scoped): pods, namespaces. */
  public readonly policyNames: readonly string[];

  constructor(name: string, args: AdmissionGuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:admission:AdmissionGuardrails", name, {}, opts);
    const problems = admissionGuardrailsArgsProblems(args);
    if (problems.length > 0) {
      throw new Error(`AdmissionGuardrails '${name}' has invalid arguments:\n  - ${problems.join("\n  - ")}`);
    }
    const actions = [...(args.validationActions ?? ["Deny", "Audit"])];
    const selector = namespaceSelector(args.exemptNamespaces);
    const child = { parent: this };

    const variables = pulumi.all([...args.allowedImagePrefixes]).apply((prefixes) => podVariables(prefixes));
    const pods = this.createPolicy(
      `${name}-pods`,
      {
        failurePolicy: "Fail",
        matchConstraints: {
          resourceRules: [
            { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] },
          ],
        },
        matchConditions: [POD_MATCH_CONDITION],
        variables,
        validations: validations(POD_RULES),
      },
      { actions, selector },
    );
    const namespaces = this.createPolicy(
      `${name}-namespaces`,
      {
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
        validations: validations([NAMESPACE_RULE]),
      },
      { actions, selector },
    );

    // `default` predates the policies (they judge namespaces only when created or updated).
    if (!args.exemptNamespaces.includes("default")) {
      new k8s.core.v1.NamespacePatch(
        `${name}-default-namespace`,
        {
          metadata: {
            name: "default",
            labels: Object.fromEntries(
              ["enforce", "audit", "warn"].map((mode) => [
                `pod-security.kubernetes.io/${mode}`,
                POD_SECURITY_LEVEL,
              ]),
            ),
          },
        },
        child,
      );
    }

    this.policyNames = [pods, namespaces];
    this.registerOutputs({ policyNames: this.policyNames });
  }

  /** A policy named `k8sName` and its binding (same name), with the given actions and namespace selector. */
  private createPolicy(
    k8sName: string,
    spec: k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicySpec,
    binding: { actions: ValidationAction[]; selector: k8s.types.input.meta.v1.LabelSelector },
  ): string {
    const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
      k8sName,
      { metadata: { name: k8sName }, spec },
      { parent: this },
    );
    new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
      `${k8sName}-binding`,
      {
        metadata: { name: k8sName },
        spec: {
          policyName: k8sName,
          validationActions: binding.actions,
          matchResources: { namespaceSelector: binding.selector },
        },
      },
      { parent: this, dependsOn: [policy] },
    );
    return k8sName;
  }
}
