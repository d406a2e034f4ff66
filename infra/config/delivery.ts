/**
 * `platform:delivery`: the AWS identities the GitHub Actions pipeline assumes (.github/workflows/),
 * and the self-managed state backend they use. See docs/delivery.md and decision records 0075-0077.
 */
import { z } from "zod";

/** GitHub owner and repository names: letters, digits, `-`, `_`, `.` (owners at most 39 characters). */
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
/** A git branch name without wildcards or characters IAM conditions would treat specially. */
const BRANCH = /^[A-Za-z0-9._/-]{1,200}$/;
/** S3 bucket naming rules (general purpose buckets). */
const BUCKET = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KMS_KEY_ARN = /^arn:aws(-cn|-us-gov)?:kms:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:key\/[0-9a-f-]{36}$/;
const GITHUB_OIDC_ARN =
  /^arn:aws(-cn|-us-gov)?:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;
const POLICY_ARN = /^arn:aws(-cn|-us-gov)?:iam::(\d{12}|aws):policy\/[\w+=,.@/-]{1,512}$/;

/** Managed policies that are administrator access; the readiness pack refuses them (iam-no-admin-access). */
export const ADMIN_POLICY_NAMES = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"] as const;

const KEY_MESSAGE = "must be a KMS key ARN like arn:aws:kms:us-west-2:123456789012:key/<uuid> (not an alias)";
const kmsKeyArn = z.string({ message: KEY_MESSAGE }).regex(KMS_KEY_ARN, { message: KEY_MESSAGE });

const REPOSITORY_MESSAGE =
  "must be a GitHub repository as <owner>/<repo>, e.g. example-org/platform, without wildcards";
const BRANCH_MESSAGE = "must be a branch name (letters, digits, '.', '_', '/', '-'), without wildcards";
const OIDC_MESSAGE =
  "must be 'create' or the ARN of the account's GitHub OIDC provider, arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com";
const BUCKET_MESSAGE = "must be an S3 bucket name (3-63 lowercase letters, digits, '.', '-')";

export const deliverySchema = z.strictObject({
  /** `<owner>/<repo>` of the GitHub repository whose workflows may assume the roles. */
  repository: z.string({ message: REPOSITORY_MESSAGE }).regex(REPOSITORY, { message: REPOSITORY_MESSAGE }),
  /** Branch the nightly drift detection runs on (the repository's default branch). */
  defaultBranch: z
    .string({ message: BRANCH_MESSAGE })
    .regex(BRANCH, { message: BRANCH_MESSAGE })
    .default("main"),
  /**
   * `create`: this stack creates the account's GitHub OIDC provider (one per account: exactly one
   * stack per account says `create`). Otherwise the ARN of the existing provider.
   */
  oidcProvider: z
    .string({ message: OIDC_MESSAGE })
    .refine((v) => v === "create" || GITHUB_OIDC_ARN.test(v), { message: OIDC_MESSAGE }),
  /** S3 bucket of the self-managed state backend (created by scripts/bootstrap-state-backend.sh). */
  stateBucket: z.string({ message: BUCKET_MESSAGE }).regex(BUCKET, { message: BUCKET_MESSAGE }),
  /** KMS key the state bucket's objects are encrypted with (SSE-KMS). */
  stateKeyArn: kmsKeyArn,
  /** KMS key of this stack's `awskms://` secrets provider. */
  secretsKeyArn: kmsKeyArn,
  /** Managed policies granting the deploy role what `pulumi up` creates; never administrator access. */
  deployPolicyArns: z
    .array(
      z
        .string({ message: "must be an IAM managed policy ARN" })
        .regex(POLICY_ARN, { message: "must be an IAM managed policy ARN" })
        .refine((arn) => !ADMIN_POLICY_NAMES.some((n) => arn.endsWith(`:policy/${n}`)), {
          message:
            "is administrator access, which the readiness pack refuses (iam-no-admin-access); attach a deploy policy scoped to the services the platform uses",
        }),
      { message: "must be a list of IAM managed policy ARNs" },
    )
    .min(1, { message: "must list at least one policy ARN: the deploy role needs permissions" }),
});

export type DeliveryConfig = z.infer<typeof deliverySchema>;
