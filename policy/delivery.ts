/**
 * Delivery policies (CI/CD): the identities a pipeline assumes are scoped. A role GitHub Actions can
 * assume names one repository and one environment, pull request or branch, exactly (no wildcard),
 * pins the audience to STS and trusts the account's GitHub OIDC provider, not a wildcard principal.
 * Capability proved: scoped delivery identity.
 */
import { asRecord, parseJsonish, violation } from "./lib/props";
import type { PlatformResourcePolicy } from "./lib/types";

/** Issuer host of GitHub Actions' OIDC tokens. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
const AUD = `${GITHUB_OIDC_HOST}:aud`;
const SUB = `${GITHUB_OIDC_HOST}:sub`;
const STS_AUDIENCE = "sts.amazonaws.com";
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/\S+$/;
/** `repo:<owner>/<repo>:` followed by one environment, the pull-request context or one branch. */
const SCOPED_SUB =
  /^repo:([A-Za-z0-9-]+\/[A-Za-z0-9._-]+):(environment:[^:*?]+|pull_request|ref:refs\/heads\/[^*?]+)$/;

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const strings = (v: unknown): string[] => list(v).map(String);

/** True when the statement lets GitHub Actions tokens in: its provider or its condition keys say so. */
function trustsGithub(statement: Record<string, unknown>): boolean {
  const federated = strings(asRecord(statement.Principal).Federated);
  const keys = Object.values(asRecord(statement.Condition)).flatMap((c) => Object.keys(asRecord(c)));
  return (
    federated.some((f) => f.endsWith(`oidc-provider/${GITHUB_OIDC_HOST}`)) ||
    keys.some((k) => k.startsWith(`${GITHUB_OIDC_HOST}:`))
  );
}

/** Values of a condition key under the operators whose name matches `operator`. */
function conditionValues(statement: Record<string, unknown>, key: string, operator: RegExp): string[] {
  return Object.entries(asRecord(statement.Condition))
    .filter(([op]) => operator.test(op))
    .flatMap(([, block]) => strings(asRecord(block)[key]));
}

/** Problems of one trust statement, as [what is wrong, remediation]. */
function statementProblems(s: Record<string, unknown>, role: string): [string, string][] {
  const problems: [string, string][] = [];
  const principal = s.Principal;
  const federated = strings(asRecord(principal).Federated);
  if (
    typeof principal === "string" ||
    Object.keys(asRecord(principal)).some((k) => k !== "Federated") ||
    federated.length !== 1 ||
    !OIDC_PROVIDER_ARN.test(federated[0])
  ) {
    problems.push([
      `Role '${role}' trusts ${JSON.stringify(principal ?? null)} for GitHub Actions instead of one OIDC provider`,
      `set 'Principal' to { Federated: <ARN of the account's ${GITHUB_OIDC_HOST} provider> } in 'assumeRolePolicy' of '${role}'.`,
    ]);
  }
  const aud = conditionValues(s, AUD, /^StringEquals$/);
  if (aud.length === 0 || aud.some((a) => a !== STS_AUDIENCE)) {
    problems.push([
      `Role '${role}' does not pin the token audience to ${STS_AUDIENCE}`,
      `add StringEquals { "${AUD}": "${STS_AUDIENCE}" } to the condition in 'assumeRolePolicy' of '${role}'.`,
    ]);
  }
  const wildcard = conditionValues(s, SUB, /.*/).filter((v) => /[*?]/.test(v));
  const exact = conditionValues(s, SUB, /^StringEquals$/);
  if (wildcard.length > 0) {
    problems.push([
      `Role '${role}' matches the token subject with a wildcard (${wildcard.join(", ")})`,
      `list exact subjects under StringEquals "${SUB}" in 'assumeRolePolicy' of '${role}'.`,
    ]);
  } else if (exact.length === 0) {
    problems.push([
      `Role '${role}' does not restrict the token subject: any repository's workflow could assume it`,
      `add StringEquals { "${SUB}": "repo:<owner>/<repo>:environment:<environment>" } in 'assumeRolePolicy' of '${role}'.`,
    ]);
  }
  const unscoped = exact.filter((v) => !SCOPED_SUB.test(v) && !/[*?]/.test(v));
  if (unscoped.length > 0) {
    problems.push([
      `Role '${role}' trusts subjects ${unscoped.join(", ")}, which name no single repository with an environment, pull request or branch`,
      `use subjects of the form repo:<owner>/<repo>:environment:<environment> (deploy) or repo:<owner>/<repo>:pull_request in 'assumeRolePolicy' of '${role}'.`,
    ]);
  }
  return problems;
}

/** Problems across the role's GitHub statements: one repository; an environment role trusts nothing else. */
function roleProblems(subjects: readonly string[], role: string): [string, string][] {
  const scoped = subjects.map((s) => SCOPED_SUB.exec(s)).filter((m): m is RegExpExecArray => m !== null);
  const problems: [string, string][] = [];
  const repositories = [...new Set(scoped.map((m) => m[1]))];
  if (repositories.length > 1) {
    problems.push([
      `Role '${role}' is trusted by several repositories (${repositories.join(", ")})`,
      `give each repository its own role; keep one repository in 'assumeRolePolicy' of '${role}'.`,
    ]);
  }
  const contexts = scoped.map((m) => m[2]);
  if (
    contexts.some((c) => c.startsWith("environment:")) &&
    contexts.some((c) => !c.startsWith("environment:"))
  ) {
    problems.push([
      `Role '${role}' is trusted by a GitHub environment and also by ${contexts.filter((c) => !c.startsWith("environment:")).join(", ")}`,
      `trust only repo:<owner>/<repo>:environment:<environment> in 'assumeRolePolicy' of '${role}', so its required reviewers and branch rules always apply.`,
    ]);
  }
  return problems;
}

export const ciRoleTrustScoped: PlatformResourcePolicy = {
  name: "ci-role-trust-scoped",
  description:
    "Roles GitHub Actions can assume trust one OIDC provider, pin aud to sts.amazonaws.com and match sub exactly to one repository and environment, pull request or branch; the OIDC provider accepts only that audience.",
  severity: "critical",
  enforcementLevel: "mandatory",
  category: "CI/CD",
  group: "Security",
  references: [
    "GitHub Docs: Configuring OpenID Connect in Amazon Web Services (sub and aud conditions)",
    "AWS IAM User Guide: Configuring a role for GitHub OIDC identity provider",
    "Checkov CKV_AWS_358",
  ],
  validateResource: (args, report) => {
    const messages: [string, string][] = [];
    if (args.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider") {
      if (
        String(args.props.url)
          .replace(/^https:\/\//, "")
          .replace(/\/$/, "") !== GITHUB_OIDC_HOST
      ) {
        args.notApplicable("Not the GitHub Actions OIDC provider");
      }
      const clients = strings(args.props.clientIdLists);
      if (clients.length !== 1 || clients[0] !== STS_AUDIENCE) {
        messages.push([
          `GitHub OIDC provider '${args.name}' accepts audiences ${JSON.stringify(clients)}`,
          `set 'clientIdLists' of '${args.name}' to ["${STS_AUDIENCE}"].`,
        ]);
      }
    } else if (args.type === "aws:iam/role:Role") {
      const document = asRecord(parseJsonish(args.props.assumeRolePolicy));
      const github = list(document.Statement)
        .map(asRecord)
        .filter((s) => s.Effect === "Allow" && trustsGithub(s));
      if (github.length === 0) {
        args.notApplicable("Role is not trusted by GitHub Actions");
      }
      for (const s of github) {
        messages.push(...statementProblems(s, args.name));
      }
      const subjects = github.flatMap((s) => conditionValues(s, SUB, /^StringEquals$/));
      messages.push(...roleProblems(subjects, args.name));
    } else {
      args.notApplicable("Policy applies to IAM roles and OIDC providers");
    }
    for (const [problem, remediation] of messages) {
      report(violation(problem, remediation));
    }
  },
};

/** Longest progress deadline the pack accepts: a stuck rollout must fail the deploy within 15 minutes. */
export const MAX_PROGRESS_DEADLINE_SECONDS = 900;

export const deploymentRolloutBounded: PlatformResourcePolicy = {
  name: "deployment-rollout-bounded",
  description: `Deployments and Argo Rollouts set minReadySeconds (at least 1) and an explicit progressDeadlineSeconds of at most ${MAX_PROGRESS_DEADLINE_SECONDS}, so a stuck rollout fails the deploy (and the pipeline rolls back) instead of hanging.`,
  severity: "high",
  enforcementLevel: "mandatory",
  category: "CI/CD",
  group: "Reliability",
  references: ["Kubernetes Docs: Deployments, Progress Deadline Seconds and Min Ready Seconds"],
  validateResource: (args, report) => {
    if (
      args.type !== "kubernetes:apps/v1:Deployment" &&
      args.type !== "kubernetes:argoproj.io/v1alpha1:Rollout"
    ) {
      args.notApplicable("Policy applies to Deployments and Rollouts");
      return;
    }
    const kind = args.type.split(":").pop();
    const spec = asRecord(args.props.spec);
    const deadline = spec.progressDeadlineSeconds;
    if (typeof deadline !== "number" || deadline > MAX_PROGRESS_DEADLINE_SECONDS) {
      report(
        violation(
          `${kind} '${args.name}' has progressDeadlineSeconds ${deadline === undefined ? "unset" : JSON.stringify(deadline)}`,
          `set 'spec.progressDeadlineSeconds' of '${args.name}' to at most ${MAX_PROGRESS_DEADLINE_SECONDS}.`,
        ),
      );
    }
    const minReady = spec.minReadySeconds;
    if (typeof minReady !== "number" || minReady < 1) {
      report(
        violation(
          `${kind} '${args.name}' has minReadySeconds ${minReady === undefined ? "unset" : JSON.stringify(minReady)}`,
          `set 'spec.minReadySeconds' of '${args.name}' to at least 1 (the platform uses 10).`,
        ),
      );
    }
  },
};

export const deliveryPolicies = [ciRoleTrustScoped, deploymentRolloutBounded];
