/** `platform:delivery`: the stack files' values, the default branch, and one bad field per case. */
import { ConfigError, parseConfig, type RawConfig } from "../../../infra/config";
import { readStackFiles } from "../../../tools/offline/stack-files";
import { PROJECT_DIR } from "../../../tools/offline/preview-stack";

const KEY = "platform:delivery";

function raw(stack: string): Record<string, string> {
  return { ...readStackFiles(PROJECT_DIR, stack).config };
}

function withDelivery(change: (d: Record<string, unknown>) => void): RawConfig {
  const config = raw("production");
  const delivery = JSON.parse(config[KEY]) as Record<string, unknown>;
  change(delivery);
  return { ...config, [KEY]: JSON.stringify(delivery) };
}

function problemsOf(config: RawConfig): string[] {
  try {
    parseConfig(config, "platform", "production");
  } catch (err) {
    if (err instanceof ConfigError) {
      return err.problems.map((p) => `${p.key}: ${p.message} (received ${JSON.stringify(p.received)})`);
    }
    throw err;
  }
  return [];
}

test("dev creates the account's GitHub OIDC provider; staging and production reference it", () => {
  const [dev, staging, production] = ["dev", "staging", "production"].map(
    (s) => parseConfig(raw(s), "platform", s).delivery,
  );
  expect(dev.oidcProvider).toBe("create");
  const arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
  expect([staging.oidcProvider, production.oidcProvider]).toEqual([arn, arn]);
  for (const d of [dev, staging, production]) {
    expect(d).toMatchObject({ repository: "example-org/platform", defaultBranch: "main" });
    expect(d.stateBucket).toBe(dev.stateBucket);
    expect(d.stateKeyArn).toBe(dev.stateKeyArn);
  }
  // One secrets key per stack.
  expect(new Set([dev, staging, production].map((d) => d.secretsKeyArn)).size).toBe(3);
});

test("defaultBranch defaults to main", () => {
  const config = withDelivery((d) => delete d.defaultBranch);
  expect(parseConfig(config, "platform", "production").delivery.defaultBranch).toBe("main");
});

test("the section is required", () => {
  const config = raw("production");
  delete config[KEY];
  expect(problemsOf(config)).toEqual([
    "platform:delivery: is required; see docs/configuration.md for its fields (received undefined)",
  ]);
});

test.each<[string, (d: Record<string, unknown>) => void, string[]]>([
  [
    "a repository with a wildcard",
    (d) => (d.repository = "example-org/*"),
    [
      'platform:delivery.repository: must be a GitHub repository as <owner>/<repo>, e.g. example-org/platform, without wildcards (received "example-org/*")',
    ],
  ],
  [
    "a branch with a wildcard",
    (d) => (d.defaultBranch = "release/*"),
    [
      "platform:delivery.defaultBranch: must be a branch name (letters, digits, '.', '_', '/', '-'), without wildcards (received \"release/*\")",
    ],
  ],
  [
    "another identity provider",
    (d) => (d.oidcProvider = "arn:aws:iam::123456789012:oidc-provider/gitlab.com"),
    [
      "platform:delivery.oidcProvider: must be 'create' or the ARN of the account's GitHub OIDC provider, arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com (received \"arn:aws:iam::123456789012:oidc-provider/gitlab.com\")",
    ],
  ],
  [
    "an upper-case bucket",
    (d) => (d.stateBucket = "Pulumi-State"),
    [
      "platform:delivery.stateBucket: must be an S3 bucket name (3-63 lowercase letters, digits, '.', '-') (received \"Pulumi-State\")",
    ],
  ],
  [
    "a key alias",
    (d) => (d.secretsKeyArn = "arn:aws:kms:us-west-2:123456789012:alias/pulumi"),
    [
      'platform:delivery.secretsKeyArn: must be a KMS key ARN like arn:aws:kms:us-west-2:123456789012:key/<uuid> (not an alias) (received "arn:aws:kms:us-west-2:123456789012:alias/pulumi")',
    ],
  ],
  [
    "no state key",
    (d) => delete d.stateKeyArn,
    [
      "platform:delivery.stateKeyArn: must be a KMS key ARN like arn:aws:kms:us-west-2:123456789012:key/<uuid> (not an alias) (received undefined)",
    ],
  ],
  [
    "no deploy policy",
    (d) => (d.deployPolicyArns = []),
    [
      "platform:delivery.deployPolicyArns: must list at least one policy ARN: the deploy role needs permissions (received [])",
    ],
  ],
  [
    "administrator access for the deploy role",
    (d) => (d.deployPolicyArns = ["arn:aws:iam::aws:policy/AdministratorAccess"]),
    [
      'platform:delivery.deployPolicyArns[0]: is administrator access, which the readiness pack refuses (iam-no-admin-access); attach a deploy policy scoped to the services the platform uses (received "arn:aws:iam::aws:policy/AdministratorAccess")',
    ],
  ],
  [
    "an unknown field",
    (d) => (d.githubEnvironment = "prod"),
    [
      "platform:delivery: unknown key 'githubEnvironment'; the keys here are repository, defaultBranch, oidcProvider, stateBucket, stateKeyArn, secretsKeyArn, deployPolicyArns (received [\"githubEnvironment\"])",
    ],
  ],
])("%s is refused with a clear message", (_label, change, expected) => {
  expect(problemsOf(withDelivery(change))).toEqual(expected);
});
