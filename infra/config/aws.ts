/**
 * What AWS offers, for config checks that must not wait for `pulumi up` to fail: regions, the
 * availability zones of a region, EC2 instance types, RDS instance classes and ElastiCache node
 * types. The lists come from the enums `@pulumi/aws` ships (its `Region`, `ec2.InstanceType` and
 * `rds.InstanceType`) where it has them; see docs/decisions/0080-config-checks-against-aws-lists.md.
 */
import { Region } from "@pulumi/aws/types/enums";
import { InstanceType as Ec2InstanceType } from "@pulumi/aws/types/enums/ec2";
import { InstanceType as RdsInstanceType } from "@pulumi/aws/types/enums/rds";
import { CACHE_NODE_FAMILIES, DB_INSTANCE_FAMILIES } from "../../components/data/rules";
import { notOneOf } from "./suggest";

/** Every region `@pulumi/aws` knows (its `Region` enum), sorted. */
export const AWS_REGIONS: readonly string[] = [...new Set(Object.values(Region))].sort();

/**
 * Availability-zone letters per region, as AWS publishes them (an account may see a subset, and
 * some older accounts see other letters in us-west-1 and ap-northeast-1, which are left out).
 * Regions not listed here are checked for the AZ name's shape only.
 */
export const AZ_LETTERS: Readonly<Record<string, string>> = {
  "us-east-1": "abcdef",
  "us-east-2": "abc",
  "us-west-2": "abcd",
  "ca-central-1": "abd",
  "ca-west-1": "abc",
  "sa-east-1": "abc",
  "eu-central-1": "abc",
  "eu-central-2": "abc",
  "eu-west-1": "abc",
  "eu-west-2": "abc",
  "eu-west-3": "abc",
  "eu-north-1": "abc",
  "eu-south-1": "abc",
  "eu-south-2": "abc",
  "af-south-1": "abc",
  "ap-east-1": "abc",
  "ap-south-1": "abc",
  "ap-south-2": "abc",
  "ap-southeast-1": "abc",
  "ap-southeast-2": "abc",
  "ap-southeast-3": "abc",
  "ap-southeast-4": "abc",
  "ap-northeast-2": "abcd",
  "ap-northeast-3": "abc",
  "il-central-1": "abc",
  "me-central-1": "abc",
  "me-south-1": "abc",
  "us-gov-east-1": "abc",
  "us-gov-west-1": "abc",
};

/** The AZ names of `region`, or undefined when the table does not know the region. */
export function availabilityZonesOf(region: string): string[] | undefined {
  const letters = AZ_LETTERS[region];
  return letters === undefined ? undefined : [...letters].map((l) => `${region}${l}`);
}

/** Every EC2 instance type `@pulumi/aws` knows (its `ec2.InstanceType` enum). */
export const EC2_INSTANCE_TYPES: readonly string[] = [...new Set(Object.values(Ec2InstanceType))].sort();

/** Sizes the data tier's classes come in (the same set as components/data/rules.ts accepts). */
const DATA_SIZES = [
  "micro",
  "small",
  "medium",
  "large",
  "xlarge",
  "2xlarge",
  "4xlarge",
  "8xlarge",
  "12xlarge",
];
const DATA_BIG_SIZES = ["16xlarge", "24xlarge", "32xlarge"];

function classes(families: readonly string[]): string[] {
  return families.flatMap((f) => [...DATA_SIZES, ...DATA_BIG_SIZES].map((s) => `${f}.${s}`));
}

/**
 * RDS instance classes: the `rds.InstanceType` enum of `@pulumi/aws` (which stops at the 6th
 * generation) plus the supported families of components/data/rules.ts in every size.
 */
export const RDS_INSTANCE_CLASSES: readonly string[] = [
  ...new Set([...Object.values(RdsInstanceType), ...classes(DB_INSTANCE_FAMILIES)]),
].sort();

/** ElastiCache node types of the supported families (`@pulumi/aws` has no enum for them). */
export const CACHE_NODE_TYPES: readonly string[] = classes(CACHE_NODE_FAMILIES).sort();

/** Problem with an `aws:region` value, or undefined when AWS has the region. */
export function regionProblem(region: string): string | undefined {
  return AWS_REGIONS.includes(region) ? undefined : notOneOf(region, AWS_REGIONS, "an AWS region");
}

/** Problem with an EC2 instance type, or undefined when `@pulumi/aws` knows it. */
export function instanceTypeProblem(type: string): string | undefined {
  return EC2_INSTANCE_TYPES.includes(type)
    ? undefined
    : notOneOf(
        type,
        EC2_INSTANCE_TYPES,
        "an EC2 instance type",
        "see the ec2.InstanceType list of @pulumi/aws; a type newer than that list needs a newer @pulumi/aws",
      );
}

/**
 * A class of a supported family with a misspelt size (`db.r6g.xlage`): the did-you-mean message.
 * Undefined for a known class, and for another family, which the family rules of
 * components/data/rules.ts explain with the list of supported families.
 */
export function sizeTypoProblem(value: string, known: readonly string[], what: string): string | undefined {
  const family = value.slice(0, value.lastIndexOf("."));
  const sameFamily = known.filter((k) => k.startsWith(`${family}.`));
  if (known.includes(value) || sameFamily.length === 0) {
    return undefined;
  }
  return notOneOf(value, sameFamily, what);
}
