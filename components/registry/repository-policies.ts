/**
 * The JSON documents of a service repository: its lifecycle policy and its repository policy.
 * Pure functions of plain values, so tests compare them whole.
 */
import * as pulumi from "@pulumi/pulumi";

/** What a node needs to pull an image (the actions of AmazonEC2ContainerRegistryPullOnly on a repository). */
export const PULL_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
] as const;

/** What CI needs besides pulling to push an image. */
export const PUSH_ACTIONS = [
  "ecr:CompleteLayerUpload",
  "ecr:InitiateLayerUpload",
  "ecr:PutImage",
  "ecr:UploadLayerPart",
] as const;

/**
 * Untagged images expire after `untaggedExpiryDays`; of the tagged ones, the newest
 * `keepTaggedImages` stay.
 */
export function lifecyclePolicy(untaggedExpiryDays: number, keepTaggedImages: number): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images ${untaggedExpiryDays} days after push`,
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: untaggedExpiryDays,
        },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the last ${keepTaggedImages} tagged images`,
        selection: {
          tagStatus: "tagged",
          tagPatternList: ["*"],
          countType: "imageCountMoreThan",
          countNumber: keepTaggedImages,
        },
        action: { type: "expire" },
      },
    ],
  });
}

/**
 * The nodes pull; the push roles (CI) push and pull; with push roles, nobody else may push: a
 * deny on the push actions for every other principal (IAM policies of the account cannot override it).
 */
export function repositoryPolicy(
  pullPrincipalArns: readonly pulumi.Input<string>[],
  pushPrincipalArns: readonly pulumi.Input<string>[],
): pulumi.Output<string> {
  const statements: Record<string, unknown>[] = [
    {
      Sid: "NodesPull",
      Effect: "Allow",
      Principal: { AWS: pullPrincipalArns },
      Action: [...PULL_ACTIONS],
    },
  ];
  if (pushPrincipalArns.length > 0) {
    statements.push(
      {
        Sid: "CiPushAndPull",
        Effect: "Allow",
        Principal: { AWS: pushPrincipalArns },
        Action: [...PULL_ACTIONS, ...PUSH_ACTIONS],
      },
      {
        Sid: "OnlyCiPushes",
        Effect: "Deny",
        Principal: "*",
        Action: [...PUSH_ACTIONS],
        Condition: { ArnNotEquals: { "aws:PrincipalArn": pushPrincipalArns } },
      },
    );
  }
  return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}
