/** The bucket of Vault's Raft snapshots: SSE-KMS with the backup key, versioned, private, TLS-only, expiring after the retention. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { statefulOptions } from "../shared/stateful";
import type { VaultArgs } from "./vault-args";
import { blockPublicAccess, denyInsecureTransport } from "../shared/bucket";

/**
 * The bucket's own arguments. A protected bucket is never emptied by Pulumi; an unprotected one (dev,
 * `protectStatefulResources: false`) is `forceDestroy`: it is versioned, so `pulumi destroy` could not
 * delete it otherwise (S3 refuses to delete a bucket that still holds object versions).
 */
export function snapshotBucketArgs(protect: boolean | undefined): { forceDestroy: boolean } {
  return { forceDestroy: protect === false };
}

/** Creates the bucket (protected unless `protect` is false) and its settings (parented to it, so protected with it). */
export function createSnapshotBucket(
  name: string,
  args: Pick<VaultArgs, "backupKmsKeyArn" | "snapshotRetentionDays" | "protect">,
  parent: pulumi.Resource,
): aws.s3.Bucket {
  const bucket = new aws.s3.Bucket(
    `${name}-snapshots`,
    snapshotBucketArgs(args.protect),
    statefulOptions(parent, args.protect),
  );
  const opts = { parent: bucket };
  new aws.s3.BucketOwnershipControls(
    `${name}-snapshots-ownership`,
    { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    opts,
  );
  const publicBlock = blockPublicAccess(`${name}-snapshots-public-access`, bucket, opts);
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-snapshots-encryption`,
    {
      bucket: bucket.id,
      rules: [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: "aws:kms",
            kmsMasterKeyId: args.backupKmsKeyArn,
          },
          bucketKeyEnabled: true,
        },
      ],
    },
    opts,
  );
  const versioning = new aws.s3.BucketVersioning(
    `${name}-snapshots-versioning`,
    { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
    opts,
  );
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-snapshots-lifecycle`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "expire-raft-snapshots",
          status: "Enabled",
          filter: { prefix: "raft/" },
          expiration: { days: args.snapshotRetentionDays },
          noncurrentVersionExpiration: { noncurrentDays: 7 },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ],
    },
    { parent: bucket, dependsOn: [versioning] },
  );
  new aws.s3.BucketPolicy(
    `${name}-snapshots-policy`,
    {
      bucket: bucket.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [denyInsecureTransport(bucket)],
      }),
    },
    { parent: bucket, dependsOn: [publicBlock] },
  );
  return bucket;
}
