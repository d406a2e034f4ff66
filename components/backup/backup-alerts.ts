/**
 * Failed backup, copy and restore jobs (restore tests included, with their validation and cleanup),
 * and failed Secrets Manager rotations, go to an SNS topic: the caller's (the observability tier's
 * critical topic), or a small one created here, encrypted with its own key that EventBridge may use
 * (EventBridge cannot publish to a topic under the AWS managed SNS key).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { statefulOptions } from "../shared/stateful";

/**
 * EventBridge patterns, one rule each (docs/decisions/0115). Backup and copy jobs report `state`;
 * restore jobs report `status`, and restore tests also `validationStatus` (set only by a
 * PutRestoreValidationResult call) and `deletionStatus` (the cleanup of the restored copy), the
 * fields of DescribeRestoreJob in the events' camelCase. Secrets Manager reports a failed rotation
 * through CloudTrail as the service event `RotationFailed`.
 */
export const FAILED_JOB_PATTERNS = {
  jobs: {
    source: ["aws.backup"],
    "detail-type": ["Backup Job State Change", "Copy Job State Change"],
    detail: { state: ["FAILED", "ABORTED", "EXPIRED"] },
  },
  restores: {
    source: ["aws.backup"],
    "detail-type": ["Restore Job State Change"],
    detail: { status: ["FAILED", "ABORTED"] },
  },
  validations: {
    source: ["aws.backup"],
    "detail-type": ["Restore Job State Change"],
    detail: { status: ["COMPLETED"], validationStatus: ["FAILED", "TIMED_OUT"] },
  },
  cleanups: {
    source: ["aws.backup"],
    "detail-type": ["Restore Job State Change"],
    detail: { deletionStatus: ["FAILED"] },
  },
  rotations: {
    source: ["aws.secretsmanager"],
    "detail-type": ["AWS Service Event via CloudTrail"],
    detail: { eventSource: ["secretsmanager.amazonaws.com"], eventName: ["RotationFailed"] },
  },
} as const;

/** What each rule reports (its description). */
const RULE_DESCRIPTIONS: Record<keyof typeof FAILED_JOB_PATTERNS, string> = {
  jobs: "AWS Backup backup or copy jobs that failed",
  restores: "AWS Backup restore jobs and restore tests that failed",
  validations: "AWS Backup restore tests whose validation failed or timed out",
  cleanups: "AWS Backup restore tests whose restored copy could not be deleted",
  rotations: "Secrets Manager rotations that failed (the database master password's)",
};

/** `${name}-alerts` key and topic: EventBridge may publish, nobody outside the account may. */
export function createAlertTopic(
  name: string,
  parent: pulumi.Resource,
  protect: boolean | undefined,
): aws.sns.Topic {
  const identity = aws.getCallerIdentityOutput({}, { parent });
  const partition = aws.getPartitionOutput({}, { parent });
  const key = new aws.kms.Key(
    `${name}-alerts`,
    {
      description: "SNS topic of failed AWS Backup jobs (EventBridge publishes to it)",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AccountRootAdministers",
            Effect: "Allow",
            Principal: {
              AWS: pulumi.interpolate`arn:${partition.partition}:iam::${identity.accountId}:root`,
            },
            Action: "kms:*",
            Resource: "*",
          },
          {
            Sid: "EventBridgePublishesEncrypted",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
            Resource: "*",
          },
        ],
      }),
    },
    statefulOptions(parent, protect),
  );
  return new aws.sns.Topic(`${name}-alerts`, { kmsMasterKeyId: key.arn }, { parent });
}

/**
 * `${name}-<kind>-failed` for each pattern (jobs, restores, validations, cleanups, rotations):
 * EventBridge rules whose target is the topic; `${name}-alerts-policy` lets EventBridge publish
 * from those rules only (when the topic is ours).
 */
export function createFailedJobAlerts(
  name: string,
  topicArn: pulumi.Input<string>,
  ownTopic: boolean,
  parent: pulumi.Resource,
): aws.cloudwatch.EventRule[] {
  const rules = (Object.keys(FAILED_JOB_PATTERNS) as (keyof typeof FAILED_JOB_PATTERNS)[]).map((kind) => {
    const rule = new aws.cloudwatch.EventRule(
      `${name}-${kind}-failed`,
      {
        description: RULE_DESCRIPTIONS[kind],
        eventPattern: JSON.stringify(FAILED_JOB_PATTERNS[kind]),
      },
      { parent },
    );
    new aws.cloudwatch.EventTarget(
      `${name}-${kind}-failed`,
      { rule: rule.name, arn: topicArn, targetId: "sns" },
      { parent: rule },
    );
    return rule;
  });
  if (ownTopic) {
    new aws.sns.TopicPolicy(
      `${name}-alerts-policy`,
      {
        arn: topicArn,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "EventBridgeRulesPublish",
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sns:Publish",
              Resource: topicArn,
              Condition: { ArnEquals: { "aws:SourceArn": rules.map((r) => r.arn) } },
            },
          ],
        }),
      },
      { parent },
    );
  }
  return rules;
}
