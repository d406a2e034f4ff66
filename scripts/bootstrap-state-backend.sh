#!/usr/bin/env bash
# One-time bootstrap of the self-managed Pulumi state backend (docs/delivery.md, decision 0076):
# an S3 bucket (versioned, SSE-KMS with a dedicated key, public access blocked, TLS only, old
# versions kept 90 days) and one KMS key per stack for its awskms:// secrets provider. Run it once
# per account with administrator credentials, before the first `pulumi stack init`; it refuses to
# touch a bucket that already exists. Prints the values for platform:delivery and the next commands.
#
# Usage: scripts/bootstrap-state-backend.sh --bucket NAME --region REGION [--project NAME] STACK...
# Needs the AWS CLI v2. Exit codes: 0 done, 1 an AWS call failed or the bucket exists, 2 usage.
set -euo pipefail
shopt -s inherit_errexit

usage() {
  printf '%s\n' \
    "Usage: bootstrap-state-backend.sh --bucket NAME --region REGION [--project NAME] STACK..." \
    "  --bucket NAME    S3 bucket of the state backend (3-63 lowercase letters, digits, '-')" \
    "  --region REGION  region of the bucket and the keys, e.g. us-west-2" \
    "  --project NAME   Pulumi project (default platform); names the keys' aliases" \
    "  STACK...         stacks that get a secrets key, e.g. dev staging production"
}

die_usage() {
  printf 'bootstrap-state-backend: %s\n' "$1" >&2
  usage >&2
  exit 2
}

bucket=""
region=""
project="platform"
stacks=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bucket)
      [[ $# -ge 2 && "$2" =~ ^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$ ]] || die_usage "--bucket needs an S3 bucket name"
      bucket="$2"
      shift 2
      ;;
    --region)
      [[ $# -ge 2 && "$2" =~ ^[a-z]{2}(-gov)?-[a-z]+-[0-9]$ ]] || die_usage "--region needs an AWS region"
      region="$2"
      shift 2
      ;;
    --project)
      [[ $# -ge 2 && "$2" =~ ^[A-Za-z0-9_.-]+$ ]] || die_usage "--project needs a Pulumi project name"
      project="$2"
      shift 2
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    -*)
      die_usage "unknown option '$1'"
      ;;
    *)
      [[ "$1" =~ ^[A-Za-z0-9_.-]+$ ]] || die_usage "stack '$1' is not a Pulumi stack name"
      stacks+=("$1")
      shift
      ;;
  esac
done
[[ -n "$bucket" && -n "$region" ]] || die_usage "--bucket and --region are required"
[[ ${#stacks[@]} -gt 0 ]] || die_usage "name at least one stack"
command -v aws >/dev/null || die_usage "the AWS CLI is not on PATH"

if aws s3api head-bucket --bucket "$bucket" >/dev/null 2>&1; then
  printf 'bootstrap-state-backend: bucket %s already exists; nothing done (the bootstrap runs once)\n' "$bucket" >&2
  exit 1
fi

# A customer-managed key with yearly rotation; its default key policy delegates to IAM, so the CI
# roles' own policies decide who may use it (components/delivery/).
create_key() {
  local description="$1" alias="$2" arn
  arn="$(aws kms create-key --region "$region" --description "$description" \
    --tags TagKey=ManagedBy,TagValue=bootstrap-state-backend --query KeyMetadata.Arn --output text)"
  aws kms enable-key-rotation --region "$region" --key-id "$arn" >/dev/null
  aws kms create-alias --region "$region" --alias-name "$alias" --target-key-id "$arn" >/dev/null
  printf '%s' "$arn"
}

state_key="$(create_key "Pulumi state bucket $bucket (SSE-KMS)" "alias/pulumi-state/$bucket")"
partition="$(cut -d: -f2 <<<"$state_key")"

location=()
if [[ "$region" != "us-east-1" ]]; then
  location=(--create-bucket-configuration "LocationConstraint=$region")
fi
aws s3api create-bucket --region "$region" --bucket "$bucket" "${location[@]}" >/dev/null
aws s3api put-public-access-block --region "$region" --bucket "$bucket" --public-access-block-configuration \
  BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
aws s3api put-bucket-ownership-controls --region "$region" --bucket "$bucket" \
  --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'
aws s3api put-bucket-versioning --region "$region" --bucket "$bucket" --versioning-configuration Status=Enabled
# No S3 Bucket Key: each object's data key is bound to the object's ARN, which lets the CI roles
# decrypt only their own stack's state (decision 0076).
aws s3api put-bucket-encryption --region "$region" --bucket "$bucket" --server-side-encryption-configuration \
  "{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"$state_key\"},\"BucketKeyEnabled\":false}]}"
aws s3api put-bucket-policy --region "$region" --bucket "$bucket" --policy \
  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"TlsOnly\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:$partition:s3:::$bucket\",\"arn:$partition:s3:::$bucket/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}"
aws s3api put-bucket-lifecycle-configuration --region "$region" --bucket "$bucket" --lifecycle-configuration \
  '{"Rules":[{"ID":"state-history","Status":"Enabled","Filter":{"Prefix":""},"NoncurrentVersionExpiration":{"NoncurrentDays":90},"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":7}}]}'

printf 'State backend ready.\n\n'
printf 'export PULUMI_BACKEND_URL="s3://%s?region=%s"\n\n' "$bucket" "$region"
printf 'platform:delivery values (every stack):\n  stateBucket: %s\n  stateKeyArn: %s\n\n' "$bucket" "$state_key"
for stack in "${stacks[@]}"; do
  key="$(create_key "Pulumi secrets provider of $project/$stack" "alias/pulumi/$project-$stack")"
  printf 'Stack %s:\n  secretsKeyArn: %s\n' "$stack" "$key"
  printf '  pulumi stack init %s --secrets-provider "awskms://%s?region=%s"\n\n' "$stack" "${key##*/}" "$region"
done
