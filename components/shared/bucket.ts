/**
 * What every S3 bucket of the platform has, whatever it holds: all public access blocked, and a
 * policy statement refusing requests that do not use TLS (AWS FSBP S3.1 / S3.5).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** `<name>` blocks public ACLs and policies on `bucket`, and ignores and restricts existing ones. */
export function blockPublicAccess(
  name: string,
  bucket: aws.s3.Bucket,
  opts: pulumi.CustomResourceOptions,
): aws.s3.BucketPublicAccessBlock {
  return new aws.s3.BucketPublicAccessBlock(
    name,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
}

/** The bucket-policy statement that denies every request to `bucket` made without TLS. */
export function denyInsecureTransport(bucket: aws.s3.Bucket): Record<string, unknown> {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}
