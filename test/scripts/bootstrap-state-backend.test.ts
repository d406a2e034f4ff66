/**
 * scripts/bootstrap-state-backend.sh against a stub AWS CLI (./stubs.ts): the exact calls that
 * make the state bucket versioned, SSE-KMS encrypted without a Bucket Key, private and TLS-only,
 * and one rotated secrets key per stack; the values it prints; and that it stops on an existing
 * bucket or a failed call.
 */
import { runScript } from "./stubs";

const key = (n: number) =>
  `arn:aws:kms:us-west-2:123456789012:key/00000000-0000-0000-0000-${String(n).padStart(12, "0")}`;
const BUCKET = "example-org-platform-pulumi-state";
const ARGS = ["--bucket", BUCKET, "--region", "us-west-2", "dev", "production"];

const keyCalls = (n: number, description: string, alias: string) => [
  `aws kms create-key --region us-west-2 --description ${description} --tags TagKey=ManagedBy,TagValue=bootstrap-state-backend --query KeyMetadata.Arn --output text`,
  `aws kms enable-key-rotation --region us-west-2 --key-id ${key(n)}`,
  `aws kms create-alias --region us-west-2 --alias-name ${alias} --target-key-id ${key(n)}`,
];

test("creates the keys and the bucket with every protection, and prints the values to configure", () => {
  const result = runScript("bootstrap-state-backend.sh", ARGS);
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  expect(result.calls).toEqual([
    `aws s3api head-bucket --bucket ${BUCKET}`,
    ...keyCalls(1, `Pulumi state bucket ${BUCKET} (SSE-KMS)`, `alias/pulumi-state/${BUCKET}`),
    `aws s3api create-bucket --region us-west-2 --bucket ${BUCKET} --create-bucket-configuration LocationConstraint=us-west-2`,
    `aws s3api put-public-access-block --region us-west-2 --bucket ${BUCKET} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`,
    `aws s3api put-bucket-ownership-controls --region us-west-2 --bucket ${BUCKET} --ownership-controls Rules=[{ObjectOwnership=BucketOwnerEnforced}]`,
    `aws s3api put-bucket-versioning --region us-west-2 --bucket ${BUCKET} --versioning-configuration Status=Enabled`,
    `aws s3api put-bucket-encryption --region us-west-2 --bucket ${BUCKET} --server-side-encryption-configuration ${JSON.stringify(
      {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: key(1) },
            BucketKeyEnabled: false,
          },
        ],
      },
    )}`,
    `aws s3api put-bucket-policy --region us-west-2 --bucket ${BUCKET} --policy ${JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TlsOnly",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    })}`,
    `aws s3api put-bucket-lifecycle-configuration --region us-west-2 --bucket ${BUCKET} --lifecycle-configuration ${JSON.stringify(
      {
        Rules: [
          {
            ID: "state-history",
            Status: "Enabled",
            Filter: { Prefix: "" },
            NoncurrentVersionExpiration: { NoncurrentDays: 90 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          },
        ],
      },
    )}`,
    ...keyCalls(2, "Pulumi secrets provider of platform/dev", "alias/pulumi/platform-dev"),
    ...keyCalls(3, "Pulumi secrets provider of platform/production", "alias/pulumi/platform-production"),
  ]);
  expect(result.stdout).toEqual([
    "State backend ready.",
    `export PULUMI_BACKEND_URL="s3://${BUCKET}?region=us-west-2"`,
    "platform:delivery values (every stack):",
    `  stateBucket: ${BUCKET}`,
    `  stateKeyArn: ${key(1)}`,
    "Stack dev:",
    `  secretsKeyArn: ${key(2)}`,
    '  pulumi stack init dev --secrets-provider "awskms://00000000-0000-0000-0000-000000000002?region=us-west-2"',
    "Stack production:",
    `  secretsKeyArn: ${key(3)}`,
    '  pulumi stack init production --secrets-provider "awskms://00000000-0000-0000-0000-000000000003?region=us-west-2"',
  ]);
});

test("in us-east-1 the bucket is created without a location constraint", () => {
  const result = runScript("bootstrap-state-backend.sh", [
    "--bucket",
    BUCKET,
    "--region",
    "us-east-1",
    "dev",
  ]);
  expect(result.status).toBe(0);
  expect(result.calls).toContain(`aws s3api create-bucket --region us-east-1 --bucket ${BUCKET}`);
});

test("an existing bucket stops it before anything is created", () => {
  const result = runScript("bootstrap-state-backend.sh", ARGS, { bucketExists: true });
  expect(result.status).toBe(1);
  expect(result.stderr.trim()).toBe(
    `bootstrap-state-backend: bucket ${BUCKET} already exists; nothing done (the bootstrap runs once)`,
  );
  expect(result.calls).toEqual([`aws s3api head-bucket --bucket ${BUCKET}`]);
});

test.each([
  ["kms create-key", 2],
  ["s3api put-bucket-encryption", 9],
])("a failed %s stops the bootstrap at once", (call, made) => {
  const result = runScript("bootstrap-state-backend.sh", ARGS, { awsFailures: [call] });
  expect(result.status).not.toBe(0);
  expect(result.calls).toHaveLength(made);
  expect(result.calls.at(-1)).toMatch(new RegExp(`^aws ${call} `));
  expect(result.stdout).toEqual([]);
});

test.each<[string[], string]>([
  [["dev"], "bootstrap-state-backend: --bucket and --region are required"],
  [
    ["--bucket", "Upper", "--region", "us-west-2", "dev"],
    "bootstrap-state-backend: --bucket needs an S3 bucket name",
  ],
  [
    ["--bucket", BUCKET, "--region", "uswest2", "dev"],
    "bootstrap-state-backend: --region needs an AWS region",
  ],
  [["--bucket", BUCKET, "--region", "us-west-2"], "bootstrap-state-backend: name at least one stack"],
  [
    ["--bucket", BUCKET, "--region", "us-west-2", "--force", "dev"],
    "bootstrap-state-backend: unknown option '--force'",
  ],
])("usage error %j exits 2 without calling AWS", (args, message) => {
  const result = runScript("bootstrap-state-backend.sh", args);
  expect(result.status).toBe(2);
  expect(result.stderr.split("\n")[0]).toBe(message);
  expect(result.calls).toEqual([]);
});
