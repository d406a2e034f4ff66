/**
 * GuardDuty protection of the EKS cluster (docs/decisions/0134): EKS audit-log monitoring and Runtime
 * Monitoring with the security agent deployed and updated by GuardDuty as an EKS add-on, and the
 * cluster's findings routed by an EventBridge rule to an SNS topic (the platform's critical alert
 * topic when given; otherwise a small topic of its own, encrypted with its own key).
 *
 * The detector is account-level and regional: exactly one stack per account and region creates it
 * (`manageDetector: true`); the others route their cluster's findings only.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type StatefulArgs, statefulOptions } from "../shared/stateful";

export interface ThreatDetectionArgs extends StatefulArgs {
  /**
   * Create the account's GuardDuty detector in this region with the EKS features on. False when
   * another stack or the organization's delegated administrator owns it: findings are still routed.
   */
  readonly manageDetector: boolean;
  /** Name of the EKS cluster whose findings are routed. Required. */
  readonly clusterName: pulumi.Input<string>;
  /** Lowest GuardDuty severity routed (1-10; 7 is High, 9 Critical). Required. */
  readonly minSeverity: number;
  /**
   * SNS topic the findings go to (the platform's critical alert topic). Its policy and key must let
   * `events.amazonaws.com` publish.
   * @default none: the component creates an encrypted topic `<namePrefix>-threat-findings`
   */
  readonly alertTopicArn?: pulumi.Input<string>;
  /** Prefix of physical names (`<namePrefix>-threat-findings`). Required. */
  readonly namePrefix: string;
  /** Email addresses subscribed to the component's own topic (ignored with `alertTopicArn`). @default none */
  readonly alertEmails?: readonly string[];
  /** Deletion window of the own topic's KMS key, 7-30 days. Required. */
  readonly keyDeletionWindowInDays: number;
}

/** Every problem with the args, as sentences; empty when valid. */
export function threatDetectionArgsProblems(args: ThreatDetectionArgs): string[] {
  const problems: string[] = [];
  if (!(args.minSeverity >= 1 && args.minSeverity <= 10)) {
    problems.push(`minSeverity ${args.minSeverity} must be between 1 and 10 (GuardDuty's scale; 7 is High)`);
  }
  const window = args.keyDeletionWindowInDays;
  if (!Number.isInteger(window) || window < 7 || window > 30) {
    problems.push(`keyDeletionWindowInDays ${window} must be an integer from 7 to 30`);
  }
  if (args.alertTopicArn !== undefined && (args.alertEmails ?? []).length > 0) {
    problems.push("alertEmails subscribe the component's own topic: give them or alertTopicArn, not both");
  }
  return problems;
}

/** EventBridge pattern: GuardDuty findings about this cluster, at or above `minSeverity`. */
export function findingsEventPattern(clusterName: pulumi.Input<string>, minSeverity: number) {
  return pulumi.jsonStringify({
    source: ["aws.guardduty"],
    "detail-type": ["GuardDuty Finding"],
    detail: {
      severity: [{ numeric: [">=", minSeverity] }],
      resource: { resourceType: ["EKSCluster"], eksClusterDetails: { name: [clusterName] } },
    },
  });
}

/** The detector (when managed), the routing rule, and the topic when none is given. */
export class ThreatDetection extends pulumi.ComponentResource {
  /** The detector's ID; undefined when `manageDetector` is false. */
  public readonly detectorId: pulumi.Output<string> | undefined;
  /** The topic the findings are published to. */
  public readonly alertTopicArn: pulumi.Output<string>;

  constructor(name: string, args: ThreatDetectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:security:ThreatDetection", name, {}, opts);
    const problems = threatDetectionArgsProblems(args);
    if (problems.length > 0) {
      throw new Error(`ThreatDetection '${name}' has invalid arguments:\n  - ${problems.join("\n  - ")}`);
    }
    this.detectorId = args.manageDetector ? this.createDetector(name) : undefined;

    const rule = new aws.cloudwatch.EventRule(
      `${name}-findings`,
      {
        name: `${args.namePrefix}-eks-findings`,
        description: `GuardDuty findings (severity ${args.minSeverity}+) about the EKS cluster`,
        eventPattern: findingsEventPattern(args.clusterName, args.minSeverity),
      },
      { parent: this },
    );
    const topicArn =
      args.alertTopicArn !== undefined
        ? pulumi.output(args.alertTopicArn)
        : this.createTopic(name, args, rule);
    new aws.cloudwatch.EventTarget(
      `${name}-findings-target`,
      { rule: rule.name, arn: topicArn },
      { parent: this },
    );
    this.alertTopicArn = topicArn;
    this.registerOutputs({ detectorId: this.detectorId, alertTopicArn: this.alertTopicArn });
  }

  /** The detector with EKS audit logs and Runtime Monitoring (agent managed by GuardDuty as an EKS add-on). */
  private createDetector(name: string): pulumi.Output<string> {
    const detector = new aws.guardduty.Detector(
      `${name}-detector`,
      { enable: true, findingPublishingFrequency: "FIFTEEN_MINUTES" },
      // Account-level: removing this stack (or switching it to `external`) must not end GuardDuty
      // for the account's other stacks nor discard its findings.
      { parent: this, retainOnDelete: true },
    );
    new aws.guardduty.DetectorFeature(
      `${name}-eks-audit-logs`,
      { detectorId: detector.id, name: "EKS_AUDIT_LOGS", status: "ENABLED" },
      { parent: this },
    );
    new aws.guardduty.DetectorFeature(
      `${name}-runtime-monitoring`,
      {
        detectorId: detector.id,
        name: "RUNTIME_MONITORING",
        status: "ENABLED",
        additionalConfigurations: [{ name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" }],
      },
      { parent: this },
    );
    return detector.id;
  }

  /** A topic encrypted with its own key, which EventBridge (and only this rule) may publish to. */
  private createTopic(
    name: string,
    args: ThreatDetectionArgs,
    rule: aws.cloudwatch.EventRule,
  ): pulumi.Output<string> {
    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });
    const key = new aws.kms.Key(
      `${name}-topic-key`,
      {
        description: `Encrypts the SNS topic ${args.namePrefix}-threat-findings; EventBridge may publish`,
        keyUsage: "ENCRYPT_DECRYPT",
        customerMasterKeySpec: "SYMMETRIC_DEFAULT",
        enableKeyRotation: true,
        bypassPolicyLockoutSafetyCheck: false,
        deletionWindowInDays: args.keyDeletionWindowInDays,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "AccountAdministers",
              Effect: "Allow",
              Principal: {
                AWS: pulumi.interpolate`arn:${partition.partition}:iam::${identity.accountId}:root`,
              },
              Action: "kms:*",
              Resource: "*",
            },
            {
              Sid: "EventBridgePublishes",
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
              Resource: "*",
              Condition: { StringEquals: { "aws:SourceAccount": identity.accountId } },
            },
          ],
        }),
      },
      statefulOptions(this, args.protect),
    );
    const topic = new aws.sns.Topic(
      `${name}-topic`,
      { name: `${args.namePrefix}-threat-findings`, kmsMasterKeyId: key.arn },
      { parent: this },
    );
    new aws.sns.TopicPolicy(
      `${name}-topic-policy`,
      {
        arn: topic.arn,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "FindingsRulePublishes",
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sns:Publish",
              Resource: topic.arn,
              Condition: { ArnEquals: { "aws:SourceArn": rule.arn } },
            },
          ],
        }),
      },
      { parent: this },
    );
    for (const email of args.alertEmails ?? []) {
      new aws.sns.TopicSubscription(
        `${name}-subscription-${email}`,
        { topic: topic.arn, protocol: "email", endpoint: email },
        { parent: this },
      );
    }
    return topic.arn;
  }
}
