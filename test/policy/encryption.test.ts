import {
  ebsVolumesEncrypted,
  kmsKeyDeletionWindow,
  kmsKeyRotationEnabled,
  logGroupEncrypted,
  logGroupRetention,
  s3BucketEncryptedCmk,
  s3BucketPublicAccessBlocked,
  secretsManagerCmk,
  storageClassEncrypted,
  backupVaultCmk,
} from "../../policy/encryption";
import { describeResourcePolicies } from "./cases";
import { messages, res, run } from "./helpers";

const KEY = "arn:aws:kms:us-west-2:123456789012:key/k";

describeResourcePolicies([
  {
    policy: backupVaultCmk,
    type: "aws:backup/vault:Vault",
    name: "b",
    valid: { kmsKeyArn: KEY },
    failures: [
      [
        "kmsKeyArn",
        undefined,
        "Backup vault 'b' encrypts recovery points with the AWS-managed key. Remediation: set 'kmsKeyArn' on backup vault 'b' to the backup key.",
      ],
    ],
  },
  {
    policy: kmsKeyRotationEnabled,
    type: "aws:kms/key:Key",
    name: "k",
    valid: { enableKeyRotation: true },
    failures: [
      [
        "enableKeyRotation",
        false,
        "KMS key 'k' does not rotate. Remediation: set 'enableKeyRotation: true' on KMS key 'k'.",
      ],
    ],
  },
  {
    policy: kmsKeyDeletionWindow,
    type: "aws:kms/key:Key",
    name: "k",
    valid: { deletionWindowInDays: 30 },
    failures: [
      [
        "deletionWindowInDays",
        7,
        "KMS key 'k' has a deletion window of 7 days, less than 30. Remediation: set 'deletionWindowInDays' to at least 30 on KMS key 'k'.",
      ],
    ],
  },
  {
    policy: logGroupEncrypted,
    type: "aws:cloudwatch/logGroup:LogGroup",
    name: "lg",
    valid: { kmsKeyId: KEY, retentionInDays: 30 },
    failures: [
      [
        "kmsKeyId",
        undefined,
        "Log group 'lg' is not encrypted with a customer-managed key. Remediation: set 'kmsKeyId' on log group 'lg'.",
      ],
    ],
  },
  {
    policy: logGroupRetention,
    type: "aws:cloudwatch/logGroup:LogGroup",
    name: "lg",
    valid: { retentionInDays: 30 },
    failures: [
      [
        "retentionInDays",
        7,
        "Log group 'lg' keeps logs 7 days, less than 30. Remediation: set 'retentionInDays' to at least 30 on log group 'lg'.",
      ],
      [
        "retentionInDays",
        undefined,
        "Log group 'lg' has no retention (kept forever, unbudgeted). Remediation: set 'retentionInDays' to at least 30 on log group 'lg'.",
      ],
    ],
  },
  {
    policy: ebsVolumesEncrypted,
    type: "aws:ec2/launchTemplate:LaunchTemplate",
    name: "lt",
    valid: { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", kmsKeyId: KEY } }] },
    failures: [
      [
        "blockDeviceMappings[0].ebs.encrypted",
        "false",
        "Launch template 'lt' volume /dev/xvda is not encrypted with a customer-managed key. Remediation: set 'ebs.encrypted: \"true\"' and 'ebs.kmsKeyId' for /dev/xvda in 'blockDeviceMappings' of launch template 'lt'.",
      ],
      [
        "blockDeviceMappings",
        undefined,
        "Launch template 'lt' leaves the root volume to the AMI default (unencrypted unless the account default says otherwise). Remediation: set 'blockDeviceMappings' with 'ebs.encrypted: \"true\"' and 'ebs.kmsKeyId' on launch template 'lt'.",
      ],
    ],
  },
  {
    policy: ebsVolumesEncrypted,
    type: "aws:ebs/volume:Volume",
    name: "vol",
    valid: { availabilityZone: "us-west-2a", size: 20, encrypted: true, kmsKeyId: KEY },
    failures: [
      [
        "encrypted",
        undefined,
        "EBS volume 'vol' is not encrypted with a customer-managed key. Remediation: set 'encrypted: true' and 'kmsKeyId' on EBS volume 'vol'.",
      ],
      [
        "kmsKeyId",
        undefined,
        "EBS volume 'vol' is not encrypted with a customer-managed key. Remediation: set 'encrypted: true' and 'kmsKeyId' on EBS volume 'vol'.",
      ],
    ],
  },
  {
    policy: storageClassEncrypted,
    type: "kubernetes:storage.k8s.io/v1:StorageClass",
    name: "in-tree",
    valid: { provisioner: "kubernetes.io/aws-ebs", parameters: { encrypted: "true", kmsKeyId: KEY } },
    failures: [
      [
        "parameters.encrypted",
        "false",
        "Storage class 'in-tree' does not encrypt volumes with a customer-managed key. Remediation: set 'parameters.encrypted: \"true\"' and 'parameters.kmsKeyId' on storage class 'in-tree'.",
      ],
    ],
  },
  {
    policy: storageClassEncrypted,
    type: "kubernetes:storage.k8s.io/v1:StorageClass",
    name: "gp3",
    valid: { provisioner: "ebs.csi.aws.com", parameters: { type: "gp3", encrypted: "true", kmsKeyId: KEY } },
    failures: [
      [
        "parameters.kmsKeyId",
        undefined,
        "Storage class 'gp3' does not encrypt volumes with a customer-managed key. Remediation: set 'parameters.encrypted: \"true\"' and 'parameters.kmsKeyId' on storage class 'gp3'.",
      ],
    ],
  },
  {
    policy: secretsManagerCmk,
    type: "aws:secretsmanager/secret:Secret",
    name: "s",
    valid: { kmsKeyId: KEY },
    failures: [
      [
        "kmsKeyId",
        undefined,
        "Secret 's' uses the AWS-managed key. Remediation: set 'kmsKeyId' on secret 's'.",
      ],
    ],
  },
]);

describe("s3 bucket stack policies", () => {
  const bucket = res("aws:s3/bucketV2:BucketV2", "backups", {});
  const sse = (algorithm: string) =>
    res(
      "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
      "backups-sse",
      { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: algorithm, kmsMasterKeyId: KEY } }] },
      { dependsOn: [bucket] },
    );
  const pab = (flag: boolean) =>
    res(
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "backups-pab",
      { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: flag },
      { dependsOn: [bucket] },
    );

  test("encrypted with a CMK and fully blocked passes", async () => {
    expect(await messages(s3BucketEncryptedCmk, [bucket, sse("aws:kms")])).toEqual([]);
    expect(await messages(s3BucketPublicAccessBlocked, [bucket, pab(true)])).toEqual([]);
  });

  test("SSE-S3 instead of KMS is caught", async () => {
    expect(await messages(s3BucketEncryptedCmk, [bucket, sse("AES256")])).toEqual([
      "Bucket 'backups' has no default encryption with a customer-managed key. Remediation: add an aws.s3.BucketServerSideEncryptionConfigurationV2 for bucket 'backups' with 'sseAlgorithm: \"aws:kms\"' and 'kmsMasterKeyId'.",
    ]);
  });

  test("SSE-S3 passes only on a bucket tagged as the ALB access-log exception, never no encryption", async () => {
    const tagged = (value: string) =>
      res("aws:s3/bucketV2:BucketV2", "backups", { tags: { EncryptionException: value } });
    const exception = tagged("alb-access-logs-support-sse-s3-only");
    expect(await messages(s3BucketEncryptedCmk, [exception, sse("AES256")])).toEqual([]);
    const failure =
      "Bucket 'backups' has no default encryption with a customer-managed key. Remediation: add an aws.s3.BucketServerSideEncryptionConfigurationV2 for bucket 'backups' with 'sseAlgorithm: \"aws:kms\"' and 'kmsMasterKeyId'.";
    expect(await messages(s3BucketEncryptedCmk, [tagged("other-reason"), sse("AES256")])).toEqual([failure]);
    expect(await messages(s3BucketEncryptedCmk, [exception])).toEqual([failure]);
  });

  test("a public access block with one flag off is caught", async () => {
    expect(await messages(s3BucketPublicAccessBlocked, [bucket, pab(false)])).toEqual([
      "Bucket 'backups' does not block all public access. Remediation: add an aws.s3.BucketPublicAccessBlock for bucket 'backups' with 'blockPublicAcls: true', 'blockPublicPolicy: true', 'ignorePublicAcls: true', 'restrictPublicBuckets: true'.",
    ]);
  });

  test("without buckets the policies are not assessed", async () => {
    const result = await run(s3BucketEncryptedCmk, [res("aws:kms/key:Key", "k", {})]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 0 });
  });
});

describe("policies that cannot judge a resource say so instead of passing it", () => {
  test.each([
    [
      kmsKeyRotationEnabled,
      "aws:kms/key:Key",
      { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" },
    ],
    [kmsKeyRotationEnabled, "aws:kms/key:Key", { customerMasterKeySpec: "HMAC_256" }],
    [storageClassEncrypted, "kubernetes:storage.k8s.io/v1:StorageClass", { provisioner: "efs.csi.aws.com" }],
  ])("%#: %s on %s %j is not assessed", async (policy, type, props) => {
    const result = await run(policy, [res(type, "x", props)]);
    expect(result.violations).toEqual([]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 0, passed: 0 });
  });
});
