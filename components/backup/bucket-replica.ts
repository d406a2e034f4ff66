/**
 * A copy of an S3 bucket in another region (docs/decisions/0111): a private, versioned, TLS-only
 * bucket there, encrypted with that region's customer-managed key, expiring objects like the source,
 * and the replication of every new object version (delete markers are not replicated: deleting in
 * the source never deletes the copy).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type StatefulArgs, statefulOptions } from "../shared/stateful";
import { blockPublicAccess, denyInsecureTransport } from "../shared/bucket";

export interface BucketReplicaArgs extends StatefulArgs {
  /** Name of the source bucket (versioned, SSE-KMS); its replication configuration is set here. */
  readonly sourceBucketName: pulumi.Input<string>;
  /** Key encrypting the source objects (the replication role decrypts with it). */
  readonly sourceKmsKeyArn: pulumi.Input<string>;
  /** Provider of the destination region. */
  readonly destinationProvider: pulumi.ProviderResource;
  /** Customer-managed key of the destination region. */
  readonly destinationKmsKeyArn: pulumi.Input<string>;
  /** Days before a copy expires (the source's retention). */
  readonly expirationDays: number;
}

/** Replicates one bucket into a bucket of another region. */
export class BucketReplica extends pulumi.ComponentResource {
  /** Name of the bucket in the destination region. */
  public readonly bucketName: pulumi.Output<string>;

  constructor(name: string, args: BucketReplicaArgs, opts?: pulumi.ComponentResourceOptions) {
    if (!Number.isInteger(args.expirationDays) || args.expirationDays < 1) {
      throw new Error(
        `Invalid BucketReplica arguments:\n- expirationDays (received ${JSON.stringify(args.expirationDays)}): must be an integer of at least 1`,
      );
    }
    super("platform:backup:BucketReplica", name, {}, opts);
    const { bucket: replica, versioning } = createDestinationBucket(name, args, this);
    const { role, policy } = createReplicationRole(name, args, replica.arn, this);
    new aws.s3.BucketReplicationConfig(
      `${name}-replication`,
      {
        bucket: args.sourceBucketName,
        role: role.arn,
        rules: [
          {
            id: "all-objects",
            status: "Enabled",
            priority: 1,
            filter: {},
            deleteMarkerReplication: { status: "Disabled" },
            sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
            destination: {
              bucket: replica.arn,
              storageClass: "STANDARD",
              encryptionConfiguration: { replicaKmsKeyId: args.destinationKmsKeyArn },
            },
          },
        ],
      },
      // S3 refuses the configuration until the destination is versioned ("Destination bucket must
      // have versioning enabled") and fails replication until the role may act: wait for all three.
      { parent: this, dependsOn: [role, policy, versioning] },
    );
    this.bucketName = replica.id;
    this.registerOutputs({ bucketName: this.bucketName });
  }
}

/**
 * `${name}` (protected) with ownership, public access block, encryption, versioning, lifecycle,
 * TLS-only policy; returns the bucket and its versioning (the replication waits for it).
 */
function createDestinationBucket(
  name: string,
  args: BucketReplicaArgs,
  parent: pulumi.Resource,
): { bucket: aws.s3.Bucket; versioning: aws.s3.BucketVersioning } {
  const provider = { provider: args.destinationProvider };
  const bucket = new aws.s3.Bucket(
    name,
    { forceDestroy: false },
    statefulOptions(parent, args.protect, provider),
  );
  const opts = { parent: bucket, ...provider };
  new aws.s3.BucketOwnershipControls(
    `${name}-ownership`,
    { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    opts,
  );
  const publicBlock = blockPublicAccess(`${name}-public-access`, bucket, opts);
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    {
      bucket: bucket.id,
      rules: [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: "aws:kms",
            kmsMasterKeyId: args.destinationKmsKeyArn,
          },
          bucketKeyEnabled: true,
        },
      ],
    },
    opts,
  );
  const versioning = new aws.s3.BucketVersioning(
    `${name}-versioning`,
    { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
    opts,
  );
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-lifecycle`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "expire-copies",
          status: "Enabled",
          filter: {},
          expiration: { days: args.expirationDays },
          noncurrentVersionExpiration: { noncurrentDays: 7 },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ],
    },
    { ...opts, dependsOn: [versioning] },
  );
  new aws.s3.BucketPolicy(
    `${name}-policy`,
    {
      bucket: bucket.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [denyInsecureTransport(bucket)],
      }),
    },
    { ...opts, dependsOn: [publicBlock, versioning] },
  );
  return { bucket, versioning };
}

/** `${name}-replication`: the role S3 assumes to read the source versions and write the copies, and its policy. */
function createReplicationRole(
  name: string,
  args: BucketReplicaArgs,
  destinationArn: pulumi.Output<string>,
  parent: pulumi.Resource,
): { role: aws.iam.Role; policy: aws.iam.RolePolicy } {
  const partition = aws.getPartitionOutput({}, { parent });
  const sourceArn = pulumi.interpolate`arn:${partition.partition}:s3:::${args.sourceBucketName}`;
  const role = new aws.iam.Role(
    `${name}-replication`,
    {
      description: "S3 replication of the Vault snapshot bucket to the disaster-recovery region",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      }),
    },
    { parent },
  );
  const policy = new aws.iam.RolePolicy(
    `${name}-replication`,
    {
      role: role.name,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ReadSourceConfiguration",
            Effect: "Allow",
            Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
            Resource: sourceArn,
          },
          {
            Sid: "ReadSourceVersions",
            Effect: "Allow",
            Action: [
              "s3:GetObjectVersionForReplication",
              "s3:GetObjectVersionAcl",
              "s3:GetObjectVersionTagging",
            ],
            Resource: pulumi.interpolate`${sourceArn}/*`,
          },
          {
            Sid: "WriteCopies",
            Effect: "Allow",
            Action: ["s3:ReplicateObject", "s3:ReplicateTags"],
            Resource: pulumi.interpolate`${destinationArn}/*`,
          },
          { Sid: "DecryptSource", Effect: "Allow", Action: "kms:Decrypt", Resource: args.sourceKmsKeyArn },
          {
            Sid: "EncryptCopies",
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:GenerateDataKey"],
            Resource: args.destinationKmsKeyArn,
          },
        ],
      }),
    },
    { parent: role },
  );
  return { role, policy };
}
