import { ciRoleTrustScoped, deploymentRolloutBounded } from "../../policy/delivery";
import { describeResourcePolicies } from "./cases";
import { messages, res, run } from "./helpers";

const PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const AUD = "token.actions.githubusercontent.com:aud";
const SUB = "token.actions.githubusercontent.com:sub";

/** The deploy role's trust policy as the delivery component writes it, with one statement changed. */
function trust(change: (s: Record<string, unknown>) => void = () => undefined): string {
  const statement: Record<string, unknown> = {
    Sid: "GithubActionsWebIdentity",
    Effect: "Allow",
    Principal: { Federated: PROVIDER },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: {
      StringEquals: { [AUD]: "sts.amazonaws.com", [SUB]: "repo:example-org/platform:environment:production" },
    },
  };
  change(statement);
  return JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
}
const equals = (s: Record<string, unknown>) =>
  (s.Condition as { StringEquals: Record<string, unknown> }).StringEquals;

const R = "Role 'deploy'";
const SUB_REMEDIATION = `in 'assumeRolePolicy' of 'deploy'.`;

describeResourcePolicies([
  {
    policy: ciRoleTrustScoped,
    type: "aws:iam/role:Role",
    name: "deploy",
    valid: { name: "platform-production-ci-deploy", assumeRolePolicy: trust() },
    failures: [
      [
        "assumeRolePolicy",
        trust((s) => (s.Principal = "*")),
        `${R} trusts "*" for GitHub Actions instead of one OIDC provider. Remediation: set 'Principal' to { Federated: <ARN of the account's token.actions.githubusercontent.com provider> } ${SUB_REMEDIATION}`,
      ],
      [
        "assumeRolePolicy",
        trust((s) => (s.Principal = { Federated: PROVIDER, AWS: "arn:aws:iam::123456789012:root" })),
        `${R} trusts {"Federated":"${PROVIDER}","AWS":"arn:aws:iam::123456789012:root"} for GitHub Actions instead of one OIDC provider. Remediation: set 'Principal' to { Federated: <ARN of the account's token.actions.githubusercontent.com provider> } ${SUB_REMEDIATION}`,
      ],
      [
        "assumeRolePolicy",
        trust((s) => delete equals(s)[AUD]),
        `${R} does not pin the token audience to sts.amazonaws.com. Remediation: add StringEquals { "${AUD}": "sts.amazonaws.com" } to the condition ${SUB_REMEDIATION}`,
      ],
      [
        "assumeRolePolicy",
        trust((s) => (equals(s)[AUD] = ["sts.amazonaws.com", "sigstore"])),
        `${R} does not pin the token audience to sts.amazonaws.com. Remediation: add StringEquals { "${AUD}": "sts.amazonaws.com" } to the condition ${SUB_REMEDIATION}`,
      ],
      [
        "assumeRolePolicy",
        trust((s) => delete equals(s)[SUB]),
        `${R} does not restrict the token subject: any repository's workflow could assume it. Remediation: add StringEquals { "${SUB}": "repo:<owner>/<repo>:environment:<environment>" } ${SUB_REMEDIATION}`,
      ],
      [
        "assumeRolePolicy",
        trust((s) => {
          delete equals(s)[SUB];
          (s.Condition as Record<string, unknown>).StringLike = { [SUB]: "repo:example-org/platform:*" };
        }),
        `${R} matches the token subject with a wildcard (repo:example-org/platform:*). Remediation: list exact subjects under StringEquals "${SUB}" ${SUB_REMEDIATION}`,
      ],
      [
        "assumeRolePolicy",
        trust((s) => (equals(s)[SUB] = "repo:example-org/*")),
        `${R} matches the token subject with a wildcard (repo:example-org/*). Remediation: list exact subjects under StringEquals "${SUB}" ${SUB_REMEDIATION}`,
      ],
      [
        "assumeRolePolicy",
        trust((s) => (equals(s)[SUB] = "repo:example-org/platform:ref:refs/tags/v1.0.0")),
        `${R} trusts subjects repo:example-org/platform:ref:refs/tags/v1.0.0, which name no single repository with an environment, pull request or branch. Remediation: use subjects of the form repo:<owner>/<repo>:environment:<environment> (deploy) or repo:<owner>/<repo>:pull_request ${SUB_REMEDIATION}`,
      ],
      [
        "assumeRolePolicy",
        trust(
          (s) =>
            (equals(s)[SUB] = [
              "repo:example-org/platform:environment:production",
              "repo:example-org/fork:environment:production",
            ]),
        ),
        `${R} is trusted by several repositories (example-org/platform, example-org/fork). Remediation: give each repository its own role; keep one repository ${SUB_REMEDIATION}`,
      ],
      [
        "assumeRolePolicy",
        trust(
          (s) =>
            (equals(s)[SUB] = [
              "repo:example-org/platform:environment:production",
              "repo:example-org/platform:pull_request",
            ]),
        ),
        `${R} is trusted by a GitHub environment and also by pull_request. Remediation: trust only repo:<owner>/<repo>:environment:<environment> in 'assumeRolePolicy' of 'deploy', so its required reviewers and branch rules always apply.`,
      ],
    ],
  },
  {
    policy: ciRoleTrustScoped,
    type: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    name: "github",
    valid: { url: "https://token.actions.githubusercontent.com", clientIdLists: ["sts.amazonaws.com"] },
    failures: [
      [
        "clientIdLists[1]",
        "sigstore",
        `GitHub OIDC provider 'github' accepts audiences ["sts.amazonaws.com","sigstore"]. Remediation: set 'clientIdLists' of 'github' to ["sts.amazonaws.com"].`,
      ],
    ],
  },
  {
    policy: deploymentRolloutBounded,
    type: "kubernetes:apps/v1:Deployment",
    name: "api",
    valid: { spec: { replicas: 3, minReadySeconds: 10, progressDeadlineSeconds: 600 } },
    failures: [
      [
        "spec.progressDeadlineSeconds",
        undefined,
        "Deployment 'api' has progressDeadlineSeconds unset. Remediation: set 'spec.progressDeadlineSeconds' of 'api' to at most 900.",
      ],
      [
        "spec.progressDeadlineSeconds",
        3600,
        "Deployment 'api' has progressDeadlineSeconds 3600. Remediation: set 'spec.progressDeadlineSeconds' of 'api' to at most 900.",
      ],
      [
        "spec.minReadySeconds",
        0,
        "Deployment 'api' has minReadySeconds 0. Remediation: set 'spec.minReadySeconds' of 'api' to at least 1 (the platform uses 10).",
      ],
    ],
  },
]);

describe("ci-role-trust-scoped beyond one field", () => {
  test("pull-request and branch subjects of one repository pass (preview and drift roles)", async () => {
    for (const sub of [
      "repo:example-org/platform:pull_request",
      "repo:example-org/platform:ref:refs/heads/main",
    ]) {
      const role = res("aws:iam/role:Role", "preview", {
        assumeRolePolicy: trust((s) => (equals(s)[SUB] = sub)),
      });
      expect(await messages(ciRoleTrustScoped, [role])).toEqual([]);
    }
  });

  test("a trust policy given as an object with a single Statement is read the same", async () => {
    const document = JSON.parse(trust((s) => (s.Principal = "*"))) as { Statement: unknown[] };
    const role = res("aws:iam/role:Role", "deploy", {
      assumeRolePolicy: { Version: "2012-10-17", Statement: document.Statement[0] },
    });
    expect(await messages(ciRoleTrustScoped, [role])).toHaveLength(1);
  });

  test("a provider trust without any condition fails on both audience and subject", async () => {
    const role = res("aws:iam/role:Role", "deploy", { assumeRolePolicy: trust((s) => delete s.Condition) });
    expect((await messages(ciRoleTrustScoped, [role])).map((m) => m.split(".")[0])).toEqual([
      "Role 'deploy' does not pin the token audience to sts",
      "Role 'deploy' does not restrict the token subject: any repository's workflow could assume it",
    ]);
  });

  test("roles GitHub cannot assume (IRSA, services) and other OIDC providers are not assessed", async () => {
    const irsa = res("aws:iam/role:Role", "irsa", {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: {
              Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC",
            },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: { "oidc.eks.us-west-2.amazonaws.com/id/ABC:sub": "system:serviceaccount:a:b" },
            },
          },
        ],
      }),
    });
    const eks = res("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "eks", {
      url: "https://oidc.eks.us-west-2.amazonaws.com/id/ABC",
      clientIdLists: ["sts.amazonaws.com"],
    });
    const result = await run(ciRoleTrustScoped, [irsa, eks]);
    expect(result.violations).toEqual([]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 0 });
  });

  test("the policy is mandatory, critical, in CI/CD for the Security group", () => {
    expect(ciRoleTrustScoped).toMatchObject({
      enforcementLevel: "mandatory",
      severity: "critical",
      category: "CI/CD",
      group: "Security",
    });
  });
});
