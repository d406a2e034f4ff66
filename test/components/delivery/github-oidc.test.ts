import { byName, json, ofType, type OfflineRun, runProgram } from "../../support/offline";
import {
  type GithubDeliveryIdentityArgs,
  validateGithubDeliveryIdentityArgs,
} from "../../../components/delivery/github-oidc";
import { stateAccessPolicy, stateKeys } from "../../../components/delivery/documents";

const ACCOUNT = "123456789012";
const STATE_KEY = `arn:aws:kms:us-west-2:${ACCOUNT}:key/00000000-0000-0000-0000-0000000000a1`;
const SECRETS_KEY = `arn:aws:kms:us-west-2:${ACCOUNT}:key/00000000-0000-0000-0000-0000000000f1`;
const EXISTING_PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const DEPLOY_POLICY = `arn:aws:iam::${ACCOUNT}:policy/platform-deploy`;
const BUCKET = "arn:aws:s3:::example-org-platform-pulumi-state";

const VALID: GithubDeliveryIdentityArgs = {
  repository: "example-org/platform",
  githubEnvironment: "production",
  roleNamePrefix: "platform-production-ci",
  state: {
    bucket: "example-org-platform-pulumi-state",
    kmsKeyArn: STATE_KEY,
    project: "platform",
    stack: "production",
  },
  secretsKeyArn: SECRETS_KEY,
  deployPolicyArns: [DEPLOY_POLICY],
};

const ROLE = "aws:iam/role:Role";
const INLINE = "aws:iam/rolePolicy:RolePolicy";
const MANAGED = "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive";
const PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider";
const ENTRY = "aws:eks/accessEntry:AccessEntry";
const ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";
const COMPONENT = "platform:delivery:GithubDeliveryIdentity";

/** Builds the component with a secret to refresh and a cluster, as the platform does. */
function build(args: GithubDeliveryIdentityArgs, platform = true): Promise<OfflineRun> {
  return runProgram(async () => {
    const aws = await import("@pulumi/aws");
    const { GithubDeliveryIdentity } = await import("../../../components/delivery/github-oidc");
    const secret = platform ? new aws.secretsmanager.Secret("redis-auth", {}) : undefined;
    const delivery = new GithubDeliveryIdentity("delivery", {
      ...args,
      ...(platform ? { refreshSecretArns: [secret!.arn], clusterName: "platform-production" } : {}),
    });
    return {
      oidcProviderArn: delivery.oidcProviderArn,
      previewRoleArn: delivery.previewRoleArn,
      driftRoleArn: delivery.driftRoleArn,
      deployRoleArn: delivery.deployRoleArn,
      ...(secret ? { secretArn: secret.arn } : {}),
    };
  });
}

function trustOf(run: OfflineRun, role: string): unknown {
  return json(byName(run, ROLE, `delivery-${role}`).inputs.assumeRolePolicy);
}

function githubTrust(provider: string, sub: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "GithubActionsWebIdentity",
        Effect: "Allow",
        Principal: { Federated: provider },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": sub,
          },
        },
      },
    ],
  };
}

describe("GithubDeliveryIdentity creating the OIDC provider, on a cluster", () => {
  let run: OfflineRun;
  let createdProvider: string;

  beforeAll(async () => {
    run = await build(VALID);
    createdProvider = run.outputs.oidcProviderArn as string;
  });

  test("exact children, all parented to the component", () => {
    const [component] = ofType(run, COMPONENT);
    const children = run.resources
      .filter((r) => r.parent === component.urn)
      .map((r) => `${r.type} ${r.name}`);
    expect(children.sort()).toEqual(
      [
        `${PROVIDER} delivery-github`,
        ...["preview", "drift", "deploy"].flatMap((role) => [
          `${ROLE} delivery-${role}`,
          `${INLINE} delivery-${role}-state`,
          `${MANAGED} delivery-${role}-managed`,
          `${ENTRY} delivery-${role}-access`,
          `${ASSOCIATION} delivery-${role}-access`,
        ]),
        `${INLINE} delivery-drift-secrets`,
      ].sort(),
    );
  });

  test("the provider is GitHub's, accepts only the STS audience, and outlives the stack", () => {
    const provider = byName(run, PROVIDER, "delivery-github");
    expect(provider.inputs).toEqual({
      url: "https://token.actions.githubusercontent.com",
      clientIdLists: ["sts.amazonaws.com"],
    });
    expect(provider.retainOnDelete).toBe(true);
    expect(createdProvider).toBe(`arn:aws:iam::${ACCOUNT}:oidc-provider/delivery-github`);
  });

  test.each([
    ["preview", "repo:example-org/platform:pull_request", 3600],
    ["drift", "repo:example-org/platform:ref:refs/heads/main", 3600],
    ["deploy", "repo:example-org/platform:environment:production", 7200],
  ])("the %s role trusts exactly %s, with aud pinned", (role, sub, session) => {
    expect(trustOf(run, role)).toEqual(githubTrust(createdProvider, sub));
    expect(byName(run, ROLE, `delivery-${role}`).inputs).toMatchObject({
      name: `platform-production-ci-${role}`,
      maxSessionDuration: session,
    });
    expect(run.outputs[`${role}RoleArn`]).toBe(`arn:aws:iam::${ACCOUNT}:role/platform-production-ci-${role}`);
  });

  test.each([
    ["preview", ["arn:aws:iam::aws:policy/ReadOnlyAccess"], "read"],
    ["drift", ["arn:aws:iam::aws:policy/ReadOnlyAccess"], "read"],
    ["deploy", [DEPLOY_POLICY], "write"],
  ] as const)("the %s role gets %j and %s access to the stack's state", (role, managed, access) => {
    const roleUrn = byName(run, ROLE, `delivery-${role}`).urn;
    const attachments = byName(run, MANAGED, `delivery-${role}-managed`);
    expect(attachments.inputs).toEqual({ roleName: `platform-production-ci-${role}`, policyArns: managed });
    expect(attachments.dependencies).toContain(roleUrn);
    const inline = byName(run, INLINE, `delivery-${role}-state`);
    expect(inline.inputs.role).toBe(`platform-production-ci-${role}`);
    expect(json(inline.inputs.policy)).toEqual(stateAccessPolicy(VALID.state, SECRETS_KEY, access));
  });

  test("the drift role may read back exactly the secrets the program writes", () => {
    const secret = byName(run, "aws:secretsmanager/secret:Secret", "redis-auth");
    const inline = byName(run, INLINE, "delivery-drift-secrets");
    expect(inline.inputs.role).toBe("platform-production-ci-drift");
    expect(json(inline.inputs.policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "RefreshSecretValues",
          Effect: "Allow",
          Action: "secretsmanager:GetSecretValue",
          Resource: [run.outputs.secretArn],
        },
      ],
    });
    expect(run.outputs.secretArn).toMatch(/^arn:aws:secretsmanager:us-west-2:123456789012:secret:redis-auth/);
    expect(inline.dependencies).toContain(secret.urn);
  });

  test.each([
    ["preview", "AmazonEKSViewPolicy"],
    ["drift", "AmazonEKSAdminViewPolicy"],
    ["deploy", "AmazonEKSClusterAdminPolicy"],
  ])("the %s role gets the cluster-wide EKS access policy %s", (role, policy) => {
    const entry = byName(run, ENTRY, `delivery-${role}-access`);
    expect(entry.inputs).toEqual({
      clusterName: "platform-production",
      principalArn: `arn:aws:iam::${ACCOUNT}:role/platform-production-ci-${role}`,
      type: "STANDARD",
    });
    expect(byName(run, ASSOCIATION, `delivery-${role}-access`).inputs).toEqual({
      clusterName: "platform-production",
      principalArn: `arn:aws:iam::${ACCOUNT}:role/platform-production-ci-${role}`,
      policyArn: `arn:aws:eks::aws:cluster-access-policy/${policy}`,
      accessScope: { type: "cluster" },
    });
  });
});

test("with an existing provider and nothing else: no provider, no access entries, no secrets policy", async () => {
  const run = await build({ ...VALID, oidcProviderArn: EXISTING_PROVIDER, defaultBranch: "trunk" }, false);
  expect(ofType(run, PROVIDER)).toEqual([]);
  expect(ofType(run, ENTRY)).toEqual([]);
  expect(ofType(run, ASSOCIATION)).toEqual([]);
  expect(
    ofType(run, INLINE)
      .map((r) => r.name)
      .sort(),
  ).toEqual(["delivery-deploy-state", "delivery-drift-state", "delivery-preview-state"]);
  expect(run.outputs.oidcProviderArn).toBe(EXISTING_PROVIDER);
  expect(trustOf(run, "drift")).toEqual(
    githubTrust(EXISTING_PROVIDER, "repo:example-org/platform:ref:refs/heads/trunk"),
  );
  expect(trustOf(run, "deploy")).toEqual(
    githubTrust(EXISTING_PROVIDER, "repo:example-org/platform:environment:production"),
  );
});

describe("state access documents", () => {
  const state = VALID.state;
  const objects = (keys: string[]) => keys.map((k) => `${BUCKET}/${k}`);

  test("the stack's keys in Pulumi's project-scoped DIY layout", () => {
    expect(stateKeys(state)).toEqual({
      checkpoint: [".pulumi/meta.yaml", ".pulumi/stacks/platform/production.json*"],
      update: [
        ".pulumi/stacks/platform/production.json*",
        ".pulumi/history/platform/production/*",
        ".pulumi/backups/platform/production/*",
        ".pulumi/locks/organization/platform/production/*",
      ],
    });
  });

  test("read: list, get the checkpoint, decrypt it through S3 for these objects only, decrypt secrets", () => {
    const readable = objects([".pulumi/meta.yaml", ".pulumi/stacks/platform/production.json*"]);
    expect(stateAccessPolicy(state, SECRETS_KEY, "read")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ListStateBackend",
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: BUCKET,
          Condition: { StringLike: { "s3:prefix": [".pulumi/*"] } },
        },
        { Sid: "ReadStackState", Effect: "Allow", Action: "s3:GetObject", Resource: readable },
        {
          Sid: "DecryptStackStateObjects",
          Effect: "Allow",
          Action: "kms:Decrypt",
          Resource: STATE_KEY,
          Condition: {
            StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com" },
            StringLike: { "kms:EncryptionContext:aws:s3:arn": readable },
          },
        },
        { Sid: "DecryptStackSecrets", Effect: "Allow", Action: "kms:Decrypt", Resource: SECRETS_KEY },
      ],
    });
  });

  test("write: also put and delete the checkpoint, history, backups and locks of this stack only", () => {
    const document = stateAccessPolicy(state, SECRETS_KEY, "write");
    const all = objects([
      ".pulumi/meta.yaml",
      ".pulumi/stacks/platform/production.json*",
      ".pulumi/history/platform/production/*",
      ".pulumi/backups/platform/production/*",
      ".pulumi/locks/organization/platform/production/*",
    ]);
    expect(document.Statement).toEqual([
      expect.objectContaining({ Sid: "ListStateBackend" }),
      { Sid: "ReadStackState", Effect: "Allow", Action: "s3:GetObject", Resource: all },
      {
        Sid: "WriteStackState",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:DeleteObject"],
        Resource: all.slice(1),
      },
      {
        Sid: "EncryptStackStateObjects",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: STATE_KEY,
        Condition: {
          StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com" },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": all },
        },
      },
      { Sid: "DecryptStackSecrets", Effect: "Allow", Action: "kms:Decrypt", Resource: SECRETS_KEY },
    ]);
    expect(JSON.stringify(document)).not.toMatch(/staging|dev\b/);
  });
});

describe("validation", () => {
  test("valid args have no problem", () => {
    expect(validateGithubDeliveryIdentityArgs(VALID)).toEqual([]);
  });

  test.each<[string, Partial<GithubDeliveryIdentityArgs>, string]>([
    [
      "a wildcard repository",
      { repository: "example-org/*" },
      "repository 'example-org/*' must be <owner>/<repo> (letters, digits, '-', '_', '.'), without wildcards",
    ],
    [
      "an owner without repository",
      { repository: "example-org" },
      "repository 'example-org' must be <owner>/<repo> (letters, digits, '-', '_', '.'), without wildcards",
    ],
    [
      "a wildcard environment",
      { githubEnvironment: "prod*" },
      "githubEnvironment 'prod*' must be a GitHub environment name (letters, digits, '.', '_', '-'), without wildcards",
    ],
    [
      "an environment with a colon",
      { githubEnvironment: "prod:x" },
      "githubEnvironment 'prod:x' must be a GitHub environment name (letters, digits, '.', '_', '-'), without wildcards",
    ],
    [
      "a wildcard branch",
      { defaultBranch: "release/*" },
      "defaultBranch 'release/*' must be a branch name (letters, digits, '.', '_', '/', '-'), without wildcards",
    ],
    [
      "a role prefix too long",
      { roleNamePrefix: "p".repeat(57) },
      `roleNamePrefix '${"p".repeat(57)}' must be 1-56 characters of letters, digits and +=,.@_- (role names are at most 64)`,
    ],
    [
      "another identity provider",
      { oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com` },
      `oidcProviderArn 'arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com' must be arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com`,
    ],
    [
      "a key alias instead of a key",
      { secretsKeyArn: `arn:aws:kms:us-west-2:${ACCOUNT}:alias/pulumi` },
      `secretsKeyArn 'arn:aws:kms:us-west-2:${ACCOUNT}:alias/pulumi' must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)`,
    ],
    [
      "a bad state key",
      { state: { ...VALID.state, kmsKeyArn: "key" } },
      "state.kmsKeyArn 'key' must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)",
    ],
    [
      "no deploy policy",
      { deployPolicyArns: [] },
      "deployPolicyArns must list at least one managed policy ARN",
    ],
    [
      "a deploy policy that is not an ARN",
      { deployPolicyArns: ["platform-deploy"] },
      "deployPolicyArns entry 'platform-deploy' must be an IAM managed policy ARN",
    ],
    [
      "administrator access",
      { deployPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] },
      "deployPolicyArns entry 'arn:aws:iam::aws:policy/AdministratorAccess' is administrator access; attach a deploy policy scoped to the platform's services",
    ],
  ])("%s", (_label, change, message) => {
    expect(validateGithubDeliveryIdentityArgs({ ...VALID, ...change })).toEqual([message]);
  });

  test("the constructor reports every problem at once, before any resource", async () => {
    await expect(
      runProgram(async () => {
        const { GithubDeliveryIdentity } = await import("../../../components/delivery/github-oidc");
        new GithubDeliveryIdentity("delivery", { ...VALID, repository: "*", deployPolicyArns: [] });
      }),
    ).rejects.toThrow(
      "GithubDeliveryIdentity 'delivery' has invalid arguments:\n" +
        "  - repository '*' must be <owner>/<repo> (letters, digits, '-', '_', '.'), without wildcards\n" +
        "  - deployPolicyArns must list at least one managed policy ARN",
    );
  });
});
