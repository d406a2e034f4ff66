/**
 * The AWS identities of the platform's own delivery pipeline (.github/workflows/): GitHub Actions
 * authenticates with short-lived OIDC tokens, never long-lived keys, and each job can assume only
 * the role its trigger entitles it to.
 *
 * - `preview`: pull requests of the repository (`repo:<owner>/<repo>:pull_request`). AWS
 *   `ReadOnlyAccess`, read of this stack's state, decrypt of its secrets. Runs `pulumi preview`.
 * - `drift`: the default branch (`repo:<owner>/<repo>:ref:refs/heads/<branch>`), where the nightly
 *   drift detection runs. As `preview`, plus the values of the secrets the program writes (a
 *   refresh reads them back). Pull-request code never gets it.
 * - `deploy`: jobs bound to the stack's GitHub environment only
 *   (`repo:<owner>/<repo>:environment:<environment>`), which carries the required reviewers and the
 *   branch restriction. The configured deploy policies, state read/write, secrets decrypt.
 *
 * Every trust statement pins `aud` to `sts.amazonaws.com` and matches `sub` exactly (StringEquals,
 * no wildcard). The GitHub OIDC provider is account-wide: created here or given by ARN. With a
 * cluster name, the roles also get EKS access entries (deploy: cluster admin; drift: admin view,
 * which includes Secrets for refresh; preview: view).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  GITHUB_OIDC_HOST,
  type GithubSubject,
  githubSubject,
  githubTrustPolicy,
  partitionOf,
  secretValuesPolicy,
  type StateLocation,
  stateAccessPolicy,
  STS_AUDIENCE,
} from "./documents";

/** The roles the component creates, in creation order. */
export const DELIVERY_ROLES = ["preview", "drift", "deploy"] as const;
export type DeliveryRole = (typeof DELIVERY_ROLES)[number];

/** Longest session each role allows, in seconds; the workflows request exactly these. */
export const SESSION_SECONDS: Readonly<Record<DeliveryRole, number>> = {
  preview: 3600,
  drift: 3600,
  // A first production `pulumi up` (EKS, Multi-AZ RDS, node groups) can take well over an hour.
  deploy: 7200,
};

/** EKS access policies of the roles, cluster-wide. */
export const EKS_ACCESS_POLICIES: Readonly<Record<DeliveryRole, string>> = {
  preview: "AmazonEKSViewPolicy",
  drift: "AmazonEKSAdminViewPolicy",
  deploy: "AmazonEKSClusterAdminPolicy",
};

/** Managed policies refused for the deploy role (the pack's iam-no-admin-access refuses them too). */
const ADMIN_POLICIES = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

export interface GithubDeliveryIdentityArgs {
  /** `<owner>/<repo>`, spelled as GitHub does (`sub` matching is case-sensitive). */
  readonly repository: string;
  /** GitHub environment whose jobs may assume the deploy role (the workflows use the stack name). */
  readonly githubEnvironment: string;
  /**
   * Branch whose workflows may assume the drift role (scheduled workflows run there).
   * @default "main"
   */
  readonly defaultBranch?: string;
  /**
   * ARN of the account's existing GitHub OIDC provider.
   * @default a provider is created (and retained when the stack is destroyed: other stacks of the account use it)
   */
  readonly oidcProviderArn?: string;
  /** Role names are `<prefix>-preview`, `<prefix>-drift`, `<prefix>-deploy` (predictable ARNs for the workflows). */
  readonly roleNamePrefix: string;
  /** This stack's state in the self-managed S3 backend. */
  readonly state: StateLocation;
  /** KMS key of the stack's `awskms://` secrets provider. */
  readonly secretsKeyArn: string;
  /** Managed policies of the deploy role: what `pulumi up` needs, never administrator access. */
  readonly deployPolicyArns: readonly string[];
  /**
   * Secrets Manager secrets whose value the program writes (`aws.secretsmanager.SecretVersion`):
   * the drift role may read exactly these back.
   * @default none
   */
  readonly refreshSecretArns?: readonly pulumi.Input<string>[];
  /**
   * EKS cluster the roles get access entries on.
   * @default no access entries (grant cluster access elsewhere)
   */
  readonly clusterName?: pulumi.Input<string>;
}

const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/;
/** GitHub environment names: no wildcard or separator that would widen or break the `sub` match. */
const ENVIRONMENT = /^[A-Za-z0-9._-]{1,255}$/;
const BRANCH = /^[A-Za-z0-9._/-]{1,200}$/;
const ROLE_PREFIX = /^[\w+=,.@-]{1,56}$/;
const OIDC_ARN = new RegExp(`^arn:aws(-cn|-us-gov)?:iam::\\d{12}:oidc-provider/${GITHUB_OIDC_HOST}$`);
const KMS_KEY_ARN = /^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/;
const POLICY_ARN = /^arn:aws(-cn|-us-gov)?:iam::(\d{12}|aws):policy\/[\w+=,.@/-]+$/;

/** Every problem with the args, as sentences; empty when valid. Pure, so tests call it directly. */
export function validateGithubDeliveryIdentityArgs(args: GithubDeliveryIdentityArgs): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) {
      problems.push(message);
    }
  };
  check(
    REPOSITORY.test(args.repository),
    `repository '${args.repository}' must be <owner>/<repo> (letters, digits, '-', '_', '.'), without wildcards`,
  );
  check(
    ENVIRONMENT.test(args.githubEnvironment),
    `githubEnvironment '${args.githubEnvironment}' must be a GitHub environment name (letters, digits, '.', '_', '-'), without wildcards`,
  );
  const branch = args.defaultBranch ?? "main";
  check(
    BRANCH.test(branch),
    `defaultBranch '${branch}' must be a branch name (letters, digits, '.', '_', '/', '-'), without wildcards`,
  );
  check(
    ROLE_PREFIX.test(args.roleNamePrefix),
    `roleNamePrefix '${args.roleNamePrefix}' must be 1-56 characters of letters, digits and +=,.@_- (role names are at most 64)`,
  );
  if (args.oidcProviderArn !== undefined) {
    check(
      OIDC_ARN.test(args.oidcProviderArn),
      `oidcProviderArn '${args.oidcProviderArn}' must be arn:aws:iam::<account>:oidc-provider/${GITHUB_OIDC_HOST}`,
    );
  }
  for (const [field, arn] of [
    ["state.kmsKeyArn", args.state.kmsKeyArn],
    ["secretsKeyArn", args.secretsKeyArn],
  ] as const) {
    check(
      KMS_KEY_ARN.test(arn),
      `${field} '${arn}' must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)`,
    );
  }
  check(args.deployPolicyArns.length > 0, "deployPolicyArns must list at least one managed policy ARN");
  for (const arn of args.deployPolicyArns) {
    check(POLICY_ARN.test(arn), `deployPolicyArns entry '${arn}' must be an IAM managed policy ARN`);
    check(
      !ADMIN_POLICIES.some((n) => arn.endsWith(`:policy/${n}`)),
      `deployPolicyArns entry '${arn}' is administrator access; attach a deploy policy scoped to the platform's services`,
    );
  }
  return problems;
}

/**
 * The GitHub OIDC provider (or the given one) and the preview, drift and deploy roles of one stack.
 * Children: the provider when created (`<name>-github`), and per role `<name>-<role>` (role),
 * `<name>-<role>-state` (inline policy), `<name>-<role>-managed` (exclusive managed policy
 * attachments), `<name>-drift-secrets` (inline policy, when there are secrets to refresh), and with a
 * cluster `<name>-<role>-access` (access entry and policy association).
 */
export class GithubDeliveryIdentity extends pulumi.ComponentResource {
  /** ARN of the GitHub OIDC provider the roles trust. */
  public readonly oidcProviderArn: pulumi.Output<string>;
  /** Role for pull-request previews. */
  public readonly previewRoleArn: pulumi.Output<string>;
  /** Role for drift detection on the default branch. */
  public readonly driftRoleArn: pulumi.Output<string>;
  /** Role for `pulumi up` from the stack's GitHub environment. */
  public readonly deployRoleArn: pulumi.Output<string>;

  constructor(name: string, args: GithubDeliveryIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:delivery:GithubDeliveryIdentity", name, {}, opts);
    const problems = validateGithubDeliveryIdentityArgs(args);
    if (problems.length > 0) {
      throw new Error(
        `GithubDeliveryIdentity '${name}' has invalid arguments:\n  - ${problems.join("\n  - ")}`,
      );
    }
    const providerArn = this.createProvider(name, args.oidcProviderArn);
    const partition = partitionOf(args.secretsKeyArn);
    const subjects: Record<DeliveryRole, GithubSubject> = {
      preview: { kind: "pull_request" },
      drift: { kind: "branch", branch: args.defaultBranch ?? "main" },
      deploy: { kind: "environment", environment: args.githubEnvironment },
    };
    const readOnly = [`arn:${partition}:iam::aws:policy/ReadOnlyAccess`];
    const managed: Record<DeliveryRole, readonly string[]> = {
      preview: readOnly,
      drift: readOnly,
      deploy: args.deployPolicyArns,
    };
    const roles = Object.fromEntries(
      DELIVERY_ROLES.map((role) => [
        role,
        this.createRole(name, role, {
          trust: providerArn.apply((arn) =>
            JSON.stringify(githubTrustPolicy(arn, githubSubject(args.repository, subjects[role]))),
          ),
          description: `GitHub Actions ${role} of ${args.state.project}/${args.state.stack} for ${args.repository} (${subjectLabel(subjects[role])})`,
          roleName: `${args.roleNamePrefix}-${role}`,
          statePolicy: stateAccessPolicy(
            args.state,
            args.secretsKeyArn,
            role === "deploy" ? "write" : "read",
          ),
          managedPolicyArns: managed[role],
        }),
      ]),
    ) as Record<DeliveryRole, aws.iam.Role>;

    const secrets = args.refreshSecretArns ?? [];
    if (secrets.length > 0) {
      new aws.iam.RolePolicy(
        `${name}-drift-secrets`,
        {
          role: roles.drift.name,
          policy: pulumi.all([...secrets]).apply((arns) => JSON.stringify(secretValuesPolicy(arns))),
        },
        { parent: this },
      );
    }
    if (args.clusterName !== undefined) {
      for (const role of DELIVERY_ROLES) {
        this.createClusterAccess(name, role, args.clusterName, roles[role], partition);
      }
    }

    this.oidcProviderArn = providerArn;
    this.previewRoleArn = roles.preview.arn;
    this.driftRoleArn = roles.drift.arn;
    this.deployRoleArn = roles.deploy.arn;
    this.registerOutputs({
      oidcProviderArn: this.oidcProviderArn,
      previewRoleArn: this.previewRoleArn,
      driftRoleArn: this.driftRoleArn,
      deployRoleArn: this.deployRoleArn,
    });
  }

  private createProvider(name: string, existingArn: string | undefined): pulumi.Output<string> {
    if (existingArn !== undefined) {
      return pulumi.output(existingArn);
    }
    // No thumbprints: IAM validates GitHub's certificate against its own trusted CAs.
    const provider = new aws.iam.OpenIdConnectProvider(
      `${name}-github`,
      { url: `https://${GITHUB_OIDC_HOST}`, clientIdLists: [STS_AUDIENCE] },
      // Account-wide: other stacks of the account trust it, so destroying this stack leaves it.
      { parent: this, retainOnDelete: true },
    );
    return provider.arn;
  }

  private createRole(
    name: string,
    role: DeliveryRole,
    spec: {
      trust: pulumi.Output<string>;
      description: string;
      roleName: string;
      statePolicy: object;
      managedPolicyArns: readonly string[];
    },
  ): aws.iam.Role {
    const created = new aws.iam.Role(
      `${name}-${role}`,
      {
        name: spec.roleName,
        description: spec.description,
        assumeRolePolicy: spec.trust,
        maxSessionDuration: SESSION_SECONDS[role],
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-${role}-state`,
      { role: created.name, policy: JSON.stringify(spec.statePolicy) },
      { parent: this },
    );
    new aws.iam.RolePolicyAttachmentsExclusive(
      `${name}-${role}-managed`,
      { roleName: created.name, policyArns: [...spec.managedPolicyArns] },
      { parent: this },
    );
    return created;
  }

  private createClusterAccess(
    name: string,
    role: DeliveryRole,
    clusterName: pulumi.Input<string>,
    iamRole: aws.iam.Role,
    partition: string,
  ): void {
    const entry = new aws.eks.AccessEntry(
      `${name}-${role}-access`,
      { clusterName, principalArn: iamRole.arn, type: "STANDARD" },
      { parent: this },
    );
    new aws.eks.AccessPolicyAssociation(
      `${name}-${role}-access`,
      {
        clusterName,
        principalArn: entry.principalArn,
        policyArn: `arn:${partition}:eks::aws:cluster-access-policy/${EKS_ACCESS_POLICIES[role]}`,
        accessScope: { type: "cluster" },
      },
      { parent: this },
    );
  }
}

function subjectLabel(subject: GithubSubject): string {
  switch (subject.kind) {
    case "pull_request":
      return "pull requests";
    case "branch":
      return `branch ${subject.branch}`;
    case "environment":
      return `environment ${subject.environment}`;
  }
}
