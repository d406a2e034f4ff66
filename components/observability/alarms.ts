/**
 * Alarms that page someone: two SNS topics (critical, warning) encrypted with their own
 * customer-managed key, whose policy lets CloudWatch and EventBridge publish; subscriptions from the
 * caller; CloudWatch alarms on the data tier and the NAT gateways with actions on ALARM and OK.
 * Alertmanager publishes to the same topics (see `metrics-stack.ts`) and its Watchdog heartbeat to a
 * third topic, whose silence is a CloudWatch alarm (the dead man's switch, `alertPathAlarms`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { statefulOptions } from "../shared/stateful";
import { type AlarmTargets, type AlarmTopic, alarmSpecs, alertPathAlarms } from "./alarm-specs";
import { type AlarmThresholdArgs, alarmThresholdProblems, resolveAlarmThresholds } from "./alarm-thresholds";

/** A subscription to one of the topics. */
export interface AlarmSubscription {
  readonly topic: AlarmTopic;
  readonly protocol: "email" | "https" | "sms";
  /** Address, URL or phone number; a URL holding a token should be a secret. */
  readonly endpoint: pulumi.Input<string>;
}

export interface PlatformAlarmsArgs extends AlarmTargets {
  /** Prefix of the topic, alarm and key alias names, e.g. `platform-production`. */
  readonly namePrefix: string;
  /** Region of the topics (the key policy names the services' regional principals' account). */
  readonly region: string;
  /** Waiting period before the topics' key is deleted (7-30 days). */
  readonly deletionWindowInDays: number;
  /** Protect the key from `pulumi destroy`. @default true */
  readonly protect?: boolean;
  /** @default none (add them before production: an alarm nobody receives pages nobody) */
  readonly subscriptions?: readonly AlarmSubscription[];
  /** @default `DEFAULT_ALARM_THRESHOLDS` (the assessments' values) */
  readonly thresholds?: AlarmThresholdArgs;
}

const TOPICS: readonly AlarmTopic[] = ["critical", "warning"];

/** Every problem with the args, as sentences. */
export function platformAlarmsArgsProblems(args: PlatformAlarmsArgs): string[] {
  const problems = alarmThresholdProblems(resolveAlarmThresholds(args.thresholds));
  if (!/^[a-zA-Z0-9_-]{1,200}$/.test(args.namePrefix)) {
    problems.push(
      `namePrefix: must be letters, digits, '-' or '_' (received ${JSON.stringify(args.namePrefix)})`,
    );
  }
  if (args.deletionWindowInDays < 7 || args.deletionWindowInDays > 30) {
    problems.push(`deletionWindowInDays: must be from 7 to 30 (received ${args.deletionWindowInDays})`);
  }
  return problems;
}

/**
 * Key policy: the account administers it; CloudWatch and EventBridge encrypt for the topics. The
 * services' KMS requests made for SNS carry no `aws:SourceAccount` (EventBridge's do not: a
 * condition on it denies every delivery), so the topics' policies hold the account condition.
 */
function keyPolicy(accountId: pulumi.Input<string>, partition: pulumi.Input<string>): pulumi.Output<string> {
  const publisher = (sid: string, service: string) => ({
    Sid: sid,
    Effect: "Allow",
    Principal: { Service: service },
    Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
    Resource: "*",
  });
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountRootAdministers",
        Effect: "Allow",
        Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      publisher("CloudWatchAlarmsPublish", "cloudwatch.amazonaws.com"),
      publisher("EventBridgePublish", "events.amazonaws.com"),
    ],
  });
}

/** Topic policy: CloudWatch alarms and EventBridge rules of this account may publish. */
function topicPolicy(topicArn: pulumi.Input<string>, accountId: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AlarmsAndEventsOfThisAccountPublish",
        Effect: "Allow",
        Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  });
}

/** The topics, their key, the subscriptions and every alarm. */
export class PlatformAlarms extends pulumi.ComponentResource {
  /** ARNs of the two topics. */
  public readonly topicArns: Readonly<Record<AlarmTopic, pulumi.Output<string>>>;
  /** ARN of the topic Alertmanager's Watchdog heartbeat is published to (no subscriber needed). */
  public readonly heartbeatTopicArn: pulumi.Output<string>;
  /** ARN of the topics' key (Alertmanager's role may use it to publish). */
  public readonly keyArn: pulumi.Output<string>;
  /** Names of the alarms created, in creation order. */
  public readonly alarmNames: readonly string[];

  constructor(name: string, args: PlatformAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = platformAlarmsArgsProblems(args);
    if (problems.length > 0) {
      throw new Error(`PlatformAlarms '${name}' has invalid arguments:\n  - ${problems.join("\n  - ")}`);
    }
    super("platform:observability:Alarms", name, {}, opts);
    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });

    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Alarm topics of ${args.namePrefix} (SNS); CloudWatch and EventBridge may publish`,
        keyUsage: "ENCRYPT_DECRYPT",
        customerMasterKeySpec: "SYMMETRIC_DEFAULT",
        enableKeyRotation: true,
        deletionWindowInDays: args.deletionWindowInDays,
        bypassPolicyLockoutSafetyCheck: false,
        policy: keyPolicy(identity.accountId, partition.partition),
      },
      statefulOptions(this, args.protect),
    );
    new aws.kms.Alias(
      `${name}-key`,
      { name: `alias/${args.namePrefix}/alarms`, targetKeyId: key.keyId },
      { parent: this },
    );

    const topics = {} as Record<AlarmTopic, aws.sns.Topic>;
    for (const topic of TOPICS) {
      topics[topic] = new aws.sns.Topic(
        `${name}-${topic}`,
        { name: `${args.namePrefix}-alarms-${topic}`, kmsMasterKeyId: key.arn },
        { parent: this },
      );
      new aws.sns.TopicPolicy(
        `${name}-${topic}`,
        { arn: topics[topic].arn, policy: topicPolicy(topics[topic].arn, identity.accountId) },
        { parent: this },
      );
    }
    // Only Alertmanager's role publishes here (its IAM policy); nobody subscribes: CloudWatch counts.
    const heartbeat = new aws.sns.Topic(
      `${name}-heartbeat`,
      { name: `${args.namePrefix}-alarms-heartbeat`, kmsMasterKeyId: key.arn },
      { parent: this },
    );
    // Numbered within topic and protocol: adding a subscription of another kind renames nothing.
    const seen = new Map<string, number>();
    (args.subscriptions ?? []).forEach((s) => {
      const kind = `${s.topic}-${s.protocol}`;
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
      new aws.sns.TopicSubscription(
        `${name}-${kind}-${seen.get(kind)}`,
        { topic: topics[s.topic].arn, protocol: s.protocol, endpoint: s.endpoint },
        { parent: this },
      );
    });

    const specs = [
      ...alarmSpecs(args, resolveAlarmThresholds(args.thresholds)),
      ...alertPathAlarms({
        critical: `${args.namePrefix}-alarms-critical`,
        warning: `${args.namePrefix}-alarms-warning`,
        heartbeat: `${args.namePrefix}-alarms-heartbeat`,
      }),
    ];
    for (const a of specs) {
      const actions = [topics[a.topic].arn];
      new aws.cloudwatch.MetricAlarm(
        `${name}-${a.key}`,
        {
          name: `${args.namePrefix}-${a.key}`,
          alarmDescription: a.description,
          namespace: a.namespace,
          metricName: a.metricName,
          dimensions: { ...a.dimensions },
          statistic: a.statistic,
          comparisonOperator: a.comparisonOperator,
          threshold: a.threshold,
          period: a.periodSeconds,
          evaluationPeriods: a.evaluationPeriods,
          treatMissingData: a.treatMissingData,
          actionsEnabled: true,
          alarmActions: actions,
          okActions: actions,
        },
        { parent: this },
      );
    }

    this.topicArns = { critical: topics.critical.arn, warning: topics.warning.arn };
    this.heartbeatTopicArn = heartbeat.arn;
    this.keyArn = key.arn;
    this.alarmNames = specs.map((a) => `${args.namePrefix}-${a.key}`);
    this.registerOutputs({
      topicArns: this.topicArns,
      heartbeatTopicArn: this.heartbeatTopicArn,
      keyArn: this.keyArn,
    });
  }
}
