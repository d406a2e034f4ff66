/**
 * Policy of the S3 gateway endpoint: what may pass through it, whatever the caller's own IAM
 * policies allow (decision 0138). Objects of this account's buckets (`aws:ResourceAccount`), and
 * reads of the AWS-owned buckets the nodes need in the region:
 * - `prod-<region>-starport-layer-bucket`: ECR image layers (Amazon ECR interface endpoints guide,
 *   "Minimum Amazon S3 bucket permissions for Amazon ECR");
 * - `al2023-repos-<region>-*`: the Amazon Linux 2023 package repositories of the nodes' AMI;
 * - `prod-registry-k8s-io-<region>`: where registry.k8s.io redirects image layers for clients in
 *   AWS (the cluster autoscaler and metrics-server images). Not a stable contract upstream: mirror
 *   those images into the platform registry to drop it;
 * - `extraReadBuckets`: any other bucket a platform adds (the caller's list).
 * Anything else through the endpoint (another account's bucket, a bucket policy change) is denied.
 */

/** Data-plane calls on this account's buckets (objects, listing, multipart uploads). */
export const OWN_BUCKET_ACTIONS = [
  "s3:GetObject*",
  "s3:PutObject*",
  "s3:DeleteObject*",
  "s3:ListBucket*",
  "s3:ListMultipartUploadParts",
  "s3:AbortMultipartUpload",
  "s3:GetBucketLocation",
];

/** The AWS-owned buckets nodes read in `region` (bucket names, `*` allowed). */
export function awsOwnedBuckets(region: string): string[] {
  return [
    `prod-${region}-starport-layer-bucket`,
    `al2023-repos-${region}-*`,
    `prod-registry-k8s-io-${region}`,
  ];
}

/** The endpoint policy for one account and region. */
export function s3GatewayEndpointPolicy(p: {
  partition: string;
  region: string;
  accountId: string;
  /** More buckets (names) whose objects may be read through the endpoint. */
  extraReadBuckets?: readonly string[];
}): Record<string, unknown> {
  const buckets = [...awsOwnedBuckets(p.region), ...(p.extraReadBuckets ?? [])];
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ThisAccountsBuckets",
        Effect: "Allow",
        Principal: "*",
        Action: OWN_BUCKET_ACTIONS,
        Resource: [`arn:${p.partition}:s3:::*`, `arn:${p.partition}:s3:::*/*`],
        Condition: { StringEquals: { "aws:ResourceAccount": p.accountId } },
      },
      {
        Sid: "AwsOwnedBucketsNodesRead",
        Effect: "Allow",
        Principal: "*",
        Action: "s3:GetObject",
        Resource: buckets.map((b) => `arn:${p.partition}:s3:::${b}/*`),
      },
    ],
  };
}
