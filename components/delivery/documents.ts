/**
 * The IAM documents of the delivery identities, as pure functions so tests read them without an
 * engine: GitHub OIDC trust policies, and access to the self-managed state backend (S3 objects of one
 * stack, SSE-KMS) and to the stack's `awskms://` secrets provider key.
 *
 * State layout (Pulumi's DIY backend, project-scoped stacks, `.pulumi/meta.yaml` version 1):
 * `.pulumi/stacks/<project>/<stack>.json[.bak|.gz]`, `.pulumi/history/<project>/<stack>/`,
 * `.pulumi/backups/<project>/<stack>/`, `.pulumi/locks/organization/<project>/<stack>/`.
 * A preview reads the checkpoint and takes no lock; an update locks, writes the checkpoint, its
 * backup and a history entry.
 */

/** Issuer host of GitHub Actions' OIDC tokens; IAM condition keys are `<host>:aud` and `<host>:sub`. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience aws-actions/configure-aws-credentials requests. */
export const STS_AUDIENCE = "sts.amazonaws.com";

/** Where the state of one stack lives. */
export interface StateLocation {
  /** S3 bucket of the backend. */
  readonly bucket: string;
  /** KMS key the bucket encrypts objects with (SSE-KMS, no S3 Bucket Key: see decision 0076). */
  readonly kmsKeyArn: string;
  /** Pulumi project name. */
  readonly project: string;
  /** Pulumi stack name. */
  readonly stack: string;
}

interface Statement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly object[];
}

/** `aws`, `aws-cn` or `aws-us-gov`, read from any ARN. */
export function partitionOf(arn: string): string {
  return arn.split(":")[1];
}

/** Region of a regional ARN (a KMS key's). */
export function regionOf(arn: string): string {
  return arn.split(":")[3];
}

/** The `sub` claims GitHub issues: a pull request, a branch, or a job bound to a GitHub environment. */
export type GithubSubject =
  | { readonly kind: "pull_request" }
  | { readonly kind: "branch"; readonly branch: string }
  | { readonly kind: "environment"; readonly environment: string };

/** `repo:<owner>/<repo>:pull_request`, `...:ref:refs/heads/<branch>`, `...:environment:<name>`. */
export function githubSubject(repository: string, subject: GithubSubject): string {
  switch (subject.kind) {
    case "pull_request":
      return `repo:${repository}:pull_request`;
    case "branch":
      return `repo:${repository}:ref:refs/heads/${subject.branch}`;
    case "environment":
      return `repo:${repository}:environment:${subject.environment}`;
  }
}

/**
 * Trust of GitHub Actions for exactly one `sub` (no wildcard, StringEquals) and the STS audience,
 * through the account's GitHub OIDC provider.
 */
export function githubTrustPolicy(providerArn: string, subject: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "GithubActionsWebIdentity",
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: STS_AUDIENCE,
            [`${GITHUB_OIDC_HOST}:sub`]: subject,
          },
        },
      },
    ],
  };
}

/** Object keys (relative to the bucket) of one stack, by what an operation does with them. */
export function stateKeys(state: StateLocation): {
  readonly checkpoint: string[];
  readonly update: string[];
} {
  const { project, stack } = state;
  return {
    // The checkpoint and its `.bak`/`.gz` variants; meta.yaml says which layout the bucket uses.
    checkpoint: [".pulumi/meta.yaml", `.pulumi/stacks/${project}/${stack}.json*`],
    update: [
      `.pulumi/stacks/${project}/${stack}.json*`,
      `.pulumi/history/${project}/${stack}/*`,
      `.pulumi/backups/${project}/${stack}/*`,
      `.pulumi/locks/organization/${project}/${stack}/*`,
    ],
  };
}

/**
 * Access to one stack's state and secrets. `read` (preview, drift detection): list the backend,
 * read the checkpoint, decrypt it. `write` (deploy): also lock, write the checkpoint, its backup
 * and history. Both decrypt with the stack's secrets key (Decrypt only: values are encrypted with
 * the data key the stack's config holds, so no KMS encryption happens in CI).
 */
export function stateAccessPolicy(
  state: StateLocation,
  secretsKeyArn: string,
  access: "read" | "write",
): PolicyDocument {
  const p = partitionOf(state.kmsKeyArn);
  const bucketArn = `arn:${p}:s3:::${state.bucket}`;
  const keys = stateKeys(state);
  const objects = (list: readonly string[]) => list.map((k) => `${bucketArn}/${k}`);
  const readable = access === "read" ? keys.checkpoint : [...new Set([...keys.checkpoint, ...keys.update])];
  const statements: Statement[] = [
    {
      Sid: "ListStateBackend",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucketArn,
      Condition: { StringLike: { "s3:prefix": [".pulumi/*"] } },
    },
    { Sid: "ReadStackState", Effect: "Allow", Action: "s3:GetObject", Resource: objects(readable) },
  ];
  if (access === "write") {
    statements.push({
      Sid: "WriteStackState",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:DeleteObject"],
      Resource: objects(keys.update),
    });
  }
  statements.push(
    {
      Sid: access === "read" ? "DecryptStackStateObjects" : "EncryptStackStateObjects",
      Effect: "Allow",
      Action: access === "read" ? "kms:Decrypt" : ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: state.kmsKeyArn,
      Condition: {
        StringEquals: { "kms:ViaService": `s3.${regionOf(state.kmsKeyArn)}.amazonaws.com` },
        // SSE-KMS without a Bucket Key binds each data key to its object's ARN.
        StringLike: { "kms:EncryptionContext:aws:s3:arn": objects(readable) },
      },
    },
    { Sid: "DecryptStackSecrets", Effect: "Allow", Action: "kms:Decrypt", Resource: secretsKeyArn },
  );
  return { Version: "2012-10-17", Statement: statements };
}

/** Read the values of the secrets the program writes, so `pulumi refresh` can compare them. */
export function secretValuesPolicy(secretArns: readonly string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RefreshSecretValues",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: [...secretArns],
      },
    ],
  };
}
