/**
 * The S3 bucket Application Load Balancers write their access logs to: private (public access
 * blocked, object ownership enforced), TLS-only, expiring after the retention, with the bucket policy
 * Elastic Load Balancing needs to deliver logs in the bucket's region.
 *
 * Encryption: ALB access logs support SSE-S3 only (SSE-KMS makes delivery fail), so this is the one
 * bucket of the platform without a customer-managed key. The bucket carries the
 * {@link ENCRYPTION_EXCEPTION_TAG} tag, which the pack's `s3-bucket-encrypted-cmk` policy accepts as
 * the recorded exception (docs/decisions/0130).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { statefulOptions } from "../shared/stateful";
import { blockPublicAccess, denyInsecureTransport } from "../shared/bucket";

/** Tag (key and value) recording why a bucket uses SSE-S3 instead of a customer-managed key. */
export const ENCRYPTION_EXCEPTION_TAG = {
  key: "EncryptionException",
  value: "alb-access-logs-support-sse-s3-only",
} as const;

/**
 * Elastic Load Balancing account per Region, for Regions available before August 2022: the bucket
 * policy must name `arn:aws:iam::<account>:root` there. Regions opened since deliver as the service
 * principal {@link ELB_LOG_DELIVERY_PRINCIPAL}. Source: "Enable access logs for your Application Load
 * Balancer", step 2 (docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html).
 */
export const ELB_ACCOUNT_BY_REGION: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-southeast-3": "589379963580",
  "ap-south-1": "718504428378",
  "ap-northeast-3": "383597477331",
  "ap-northeast-2": "600734575887",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-northeast-1": "582318560864",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-south-1": "635631232127",
  "eu-west-3": "009996457667",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
};

/** The principal that delivers access logs in Regions opened since August 2022. */
export const ELB_LOG_DELIVERY_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com";

/** Who writes ALB access logs in `region`: the regional ELB account or the log-delivery service. */
export function elbLogDeliveryPrincipal(
  region: string,
  partition: pulumi.Input<string>,
): { AWS: pulumi.Output<string> } | { Service: string } {
  const account = ELB_ACCOUNT_BY_REGION[region];
  return account === undefined
    ? { Service: ELB_LOG_DELIVERY_PRINCIPAL }
    : { AWS: pulumi.interpolate`arn:${partition}:iam::${account}:root` };
}

export interface AccessLogBucketArgs {
  readonly region: string;
  readonly retentionDays: number;
  readonly protect?: boolean;
}

/** Creates the bucket (protected) and its settings (parented to it). */
export function createAccessLogBucket(
  name: string,
  args: AccessLogBucketArgs,
  parent: pulumi.Resource,
): aws.s3.Bucket {
  const identity = aws.getCallerIdentityOutput({}, { parent });
  const partition = aws.getPartitionOutput({}, { parent });
  const bucket = new aws.s3.Bucket(
    `${name}-access-logs`,
    { forceDestroy: false, tags: { [ENCRYPTION_EXCEPTION_TAG.key]: ENCRYPTION_EXCEPTION_TAG.value } },
    statefulOptions(parent, args.protect),
  );
  const opts = { parent: bucket };
  new aws.s3.BucketOwnershipControls(
    `${name}-access-logs-ownership`,
    { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    opts,
  );
  const publicBlock = blockPublicAccess(`${name}-access-logs-public-access`, bucket, opts);
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-access-logs-encryption`,
    { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
    opts,
  );
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-access-logs-lifecycle`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "expire-access-logs",
          status: "Enabled",
          filter: {},
          expiration: { days: args.retentionDays },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ],
    },
    opts,
  );
  new aws.s3.BucketPolicy(
    `${name}-access-logs-policy`,
    {
      bucket: bucket.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            // Every load balancer writes under `<prefix>/AWSLogs/<this account>/`.
            Sid: "ElbLogDelivery",
            Effect: "Allow",
            Principal: elbLogDeliveryPrincipal(args.region, partition.partition),
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucket.arn}/*/AWSLogs/${identity.accountId}/*`,
          },
          denyInsecureTransport(bucket),
        ],
      }),
    },
    { parent: bucket, dependsOn: [publicBlock] },
  );
  return bucket;
}
