/** Encryption and key policies: KMS keys, log groups, EBS volumes, storage classes, secrets, S3 buckets. */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType } from "@pulumi/policy";
import { asArray, asRecord, dependents, subjects, violation } from "./lib/props";
import type { PlatformResourcePolicy, PlatformStackPolicy } from "./lib/types";

export const kmsKeyRotationEnabled: PlatformResourcePolicy = {
  name: "kms-key-rotation-enabled",
  description: "Symmetric KMS keys rotate automatically.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Storage and Backup",
  references: ["AWS FSBP KMS.4", "CIS AWS Foundations 3.6", "Checkov CKV_AWS_7"],
  validateResource: validateResourceOfType(aws.kms.Key, (key, args, report) => {
    const spec = key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
    if (spec !== "SYMMETRIC_DEFAULT") {
      args.notApplicable(`KMS cannot rotate ${spec} keys automatically`);
    }
    if (key.enableKeyRotation !== true) {
      report(
        violation(
          `KMS key '${args.name}' does not rotate`,
          `set 'enableKeyRotation: true' on KMS key '${args.name}'.`,
        ),
      );
    }
  }),
};

export const kmsKeyDeletionWindow: PlatformResourcePolicy = {
  name: "kms-key-deletion-window",
  description: "KMS keys wait at least the configured number of days before deletion.",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "Storage and Backup",
  references: ["AWS FSBP KMS.3 (keys not deleted unintentionally)"],
  configSchema: { properties: { minDays: { type: "integer", minimum: 7, maximum: 30, default: 30 } } },
  validateResource: validateResourceOfType(aws.kms.Key, (key, args, report) => {
    const { minDays } = args.getConfig<{ minDays: number }>();
    const days = key.deletionWindowInDays ?? 30; // AWS default
    if (days < minDays) {
      report(
        violation(
          `KMS key '${args.name}' has a deletion window of ${days} days, less than ${minDays}`,
          `set 'deletionWindowInDays' to at least ${minDays} on KMS key '${args.name}'.`,
        ),
      );
    }
  }),
};

export const logGroupEncrypted: PlatformResourcePolicy = {
  name: "cloudwatch-log-group-encrypted",
  description: "CloudWatch log groups are encrypted with a customer-managed KMS key.",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "Monitoring and Observability",
  references: ["Checkov CKV_AWS_158"],
  validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (group, args, report) => {
    if (!group.kmsKeyId) {
      report(
        violation(
          `Log group '${args.name}' is not encrypted with a customer-managed key`,
          `set 'kmsKeyId' on log group '${args.name}'.`,
        ),
      );
    }
  }),
};

export const logGroupRetention: PlatformResourcePolicy = {
  name: "cloudwatch-log-group-retention",
  description:
    "CloudWatch log groups keep logs for at least the configured number of days, and not forever by accident.",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "Monitoring and Observability",
  references: ["Checkov CKV_AWS_338", "AWS FSBP CloudWatch.16"],
  configSchema: { properties: { minDays: { type: "integer", minimum: 1, default: 30 } } },
  validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (group, args, report) => {
    const { minDays } = args.getConfig<{ minDays: number }>();
    const days = group.retentionInDays;
    if (!days || days < minDays) {
      report(
        violation(
          `Log group '${args.name}' ${days ? `keeps logs ${days} days, less than ${minDays}` : "has no retention (kept forever, unbudgeted)"}`,
          `set 'retentionInDays' to at least ${minDays} on log group '${args.name}'.`,
        ),
      );
    }
  }),
};

export const ebsVolumesEncrypted: PlatformResourcePolicy = {
  name: "ebs-volumes-encrypted",
  description: "Launch templates and EBS volumes encrypt every volume with a customer-managed KMS key.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Storage and Backup",
  references: ["AWS FSBP EC2.3", "AWS FSBP EC2.7", "Checkov CKV_AWS_3", "Checkov CKV_AWS_8"],
  validateResource: [
    validateResourceOfType(aws.ebs.Volume, (volume, args, report) => {
      if (volume.encrypted !== true || !volume.kmsKeyId) {
        report(
          violation(
            `EBS volume '${args.name}' is not encrypted with a customer-managed key`,
            `set 'encrypted: true' and 'kmsKeyId' on EBS volume '${args.name}'.`,
          ),
        );
      }
    }),
    validateResourceOfType(aws.ec2.LaunchTemplate, (lt, args, report) => {
      const mappings = asArray(lt.blockDeviceMappings).map(asRecord);
      if (mappings.length === 0) {
        report(
          violation(
            `Launch template '${args.name}' leaves the root volume to the AMI default (unencrypted unless the account default says otherwise)`,
            `set 'blockDeviceMappings' with 'ebs.encrypted: "true"' and 'ebs.kmsKeyId' on launch template '${args.name}'.`,
          ),
        );
      }
      for (const m of mappings) {
        const ebs = asRecord(m.ebs);
        if (String(ebs.encrypted) !== "true" || !ebs.kmsKeyId) {
          report(
            violation(
              `Launch template '${args.name}' volume ${String(m.deviceName)} is not encrypted with a customer-managed key`,
              `set 'ebs.encrypted: "true"' and 'ebs.kmsKeyId' for ${String(m.deviceName)} in 'blockDeviceMappings' of launch template '${args.name}'.`,
            ),
          );
        }
      }
    }),
  ],
};

export const storageClassEncrypted: PlatformResourcePolicy = {
  name: "storage-class-encrypted",
  description: "EBS storage classes (CSI or in-tree) encrypt volumes with a customer-managed KMS key.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Storage and Backup",
  references: ["EKS Best Practices Guide: Data encryption (encrypt EBS volumes)"],
  validateResource: validateResourceOfType(k8s.storage.v1.StorageClass, (sc, args, report) => {
    if (sc.provisioner !== "ebs.csi.aws.com" && sc.provisioner !== "kubernetes.io/aws-ebs") {
      args.notApplicable(`Provisioner '${String(sc.provisioner)}' does not create EBS volumes`);
    }
    const params = asRecord(sc.parameters);
    if (params.encrypted !== "true" || !params.kmsKeyId) {
      report(
        violation(
          `Storage class '${args.name}' does not encrypt volumes with a customer-managed key`,
          `set 'parameters.encrypted: "true"' and 'parameters.kmsKeyId' on storage class '${args.name}'.`,
        ),
      );
    }
  }),
};

export const secretsManagerCmk: PlatformResourcePolicy = {
  name: "secretsmanager-secret-cmk",
  description: "Secrets Manager secrets are encrypted with a customer-managed KMS key.",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "Storage and Backup",
  references: ["Checkov CKV_AWS_149"],
  validateResource: validateResourceOfType(aws.secretsmanager.Secret, (secret, args, report) => {
    if (!secret.kmsKeyId) {
      report(
        violation(
          `Secret '${args.name}' uses the AWS-managed key`,
          `set 'kmsKeyId' on secret '${args.name}'.`,
        ),
      );
    }
  }),
};

export const backupVaultCmk: PlatformResourcePolicy = {
  name: "backup-vault-cmk",
  description: "AWS Backup vaults encrypt recovery points with a customer-managed KMS key.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Storage and Backup",
  references: ["Checkov CKV_AWS_166", "AWS FSBP Backup.1"],
  validateResource: validateResourceOfType(aws.backup.Vault, (vault, args, report) => {
    if (!vault.kmsKeyArn) {
      report(
        violation(
          `Backup vault '${args.name}' encrypts recovery points with the AWS-managed key`,
          `set 'kmsKeyArn' on backup vault '${args.name}' to the backup key.`,
        ),
      );
    }
  }),
};

const BUCKET_TYPES = ["aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket"];
const SSE_TYPES = [
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
];

/**
 * The one recorded exception to customer-managed keys on buckets: ALB access logs, whose delivery
 * supports SSE-S3 only. A bucket tagged so may use SSE-S3 (`AES256`), never no encryption.
 */
export const SSE_S3_EXCEPTION_TAG = {
  key: "EncryptionException",
  value: "alb-access-logs-support-sse-s3-only",
};

export const s3BucketEncryptedCmk: PlatformStackPolicy = {
  name: "s3-bucket-encrypted-cmk",
  description:
    "Every S3 bucket has default encryption with a customer-managed KMS key (SSE-S3 only for buckets tagged as ALB access-log buckets).",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Storage and Backup",
  references: ["AWS FSBP S3.17", "Checkov CKV_AWS_145"],
  validateStack: (args, report) => {
    for (const bucket of subjects(args, (r) => BUCKET_TYPES.includes(r.type), "S3 bucket")) {
      const configs = SSE_TYPES.flatMap((t) => dependents(args.resources, bucket, t));
      const sseS3Allowed =
        asRecord(bucket.props.tags)[SSE_S3_EXCEPTION_TAG.key] === SSE_S3_EXCEPTION_TAG.value;
      const ok = configs.some((c) =>
        asArray(c.props.rules).some((rule) => {
          const sse = asRecord(asRecord(rule).applyServerSideEncryptionByDefault);
          return (
            (sse.sseAlgorithm === "aws:kms" && Boolean(sse.kmsMasterKeyId)) ||
            (sseS3Allowed && sse.sseAlgorithm === "AES256")
          );
        }),
      );
      if (!ok) {
        report(
          violation(
            `Bucket '${bucket.name}' has no default encryption with a customer-managed key`,
            `add an aws.s3.BucketServerSideEncryptionConfigurationV2 for bucket '${bucket.name}' with 'sseAlgorithm: "aws:kms"' and 'kmsMasterKeyId'.`,
          ),
          bucket.urn,
        );
      }
    }
  },
};

export const s3BucketPublicAccessBlocked: PlatformStackPolicy = {
  name: "s3-bucket-public-access-blocked",
  description: "Every S3 bucket blocks public ACLs and policies.",
  severity: "critical",
  enforcementLevel: "mandatory",
  category: "Storage and Backup",
  references: [
    "AWS FSBP S3.8",
    "Checkov CKV_AWS_53",
    "Checkov CKV_AWS_54",
    "Checkov CKV_AWS_55",
    "Checkov CKV_AWS_56",
  ],
  validateStack: (args, report) => {
    const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
    for (const bucket of subjects(args, (r) => BUCKET_TYPES.includes(r.type), "S3 bucket")) {
      const blocks = dependents(
        args.resources,
        bucket,
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      );
      if (!blocks.some((b) => flags.every((f) => b.props[f] === true))) {
        report(
          violation(
            `Bucket '${bucket.name}' does not block all public access`,
            `add an aws.s3.BucketPublicAccessBlock for bucket '${bucket.name}' with ${flags.map((f) => `'${f}: true'`).join(", ")}.`,
          ),
          bucket.urn,
        );
      }
    }
  },
};

export const encryptionPolicies = [
  kmsKeyRotationEnabled,
  kmsKeyDeletionWindow,
  logGroupEncrypted,
  logGroupRetention,
  ebsVolumesEncrypted,
  storageClassEncrypted,
  secretsManagerCmk,
  backupVaultCmk,
  s3BucketEncryptedCmk,
  s3BucketPublicAccessBlocked,
];
