import { byName, json, runProgram, type OfflineRun } from "../../support/offline";
import {
  threatDetectionArgsProblems,
  type ThreatDetectionArgs,
} from "../../../components/security/threat-detection";

const TOPIC = "arn:aws:sns:us-west-2:123456789012:platform-production-alarms-critical";
const ARGS: ThreatDetectionArgs = {
  manageDetector: true,
  clusterName: "platform-production",
  minSeverity: 7,
  namePrefix: "platform-production",
  alertEmails: ["oncall@example.com"],
  keyDeletionWindowInDays: 30,
};

async function build(args: ThreatDetectionArgs): Promise<OfflineRun> {
  return runProgram(async () => {
    const { ThreatDetection } = await import("../../../components/security/threat-detection");
    const td = new ThreatDetection("threats", args);
    return { topic: td.alertTopicArn, ...(td.detectorId ? { detector: td.detectorId } : {}) };
  });
}

const names = (run: OfflineRun) =>
  run.resources
    .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))
    .map((r) => `${r.type} ${r.name}`)
    .sort();

const PATTERN = {
  source: ["aws.guardduty"],
  "detail-type": ["GuardDuty Finding"],
  detail: {
    severity: [{ numeric: [">=", 7] }],
    resource: { resourceType: ["EKSCluster"], eksClusterDetails: { name: ["platform-production"] } },
  },
};

describe("ThreatDetection managing the detector, with a topic of its own", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await build(ARGS);
  });

  test("detector, two EKS features, the findings rule and target, the topic with its key, policy and subscription", () => {
    expect(names(run)).toEqual(
      [
        "aws:guardduty/detector:Detector threats-detector",
        "aws:guardduty/detectorFeature:DetectorFeature threats-eks-audit-logs",
        "aws:guardduty/detectorFeature:DetectorFeature threats-runtime-monitoring",
        "aws:cloudwatch/eventRule:EventRule threats-findings",
        "aws:cloudwatch/eventTarget:EventTarget threats-findings-target",
        "aws:kms/key:Key threats-topic-key",
        "aws:sns/topic:Topic threats-topic",
        "aws:sns/topicPolicy:TopicPolicy threats-topic-policy",
        "aws:sns/topicSubscription:TopicSubscription threats-subscription-oncall@example.com",
      ].sort(),
    );
    expect(byName(run, "aws:kms/key:Key", "threats-topic-key").protect).toBe(true);
  });

  test("EKS audit logs and Runtime Monitoring with the agent managed as an EKS add-on", () => {
    const detector = byName(run, "aws:guardduty/detector:Detector", "threats-detector");
    expect(detector.inputs).toEqual({ enable: true, findingPublishingFrequency: "FIFTEEN_MINUTES" });
    expect(
      byName(run, "aws:guardduty/detectorFeature:DetectorFeature", "threats-eks-audit-logs").inputs,
    ).toMatchObject({
      name: "EKS_AUDIT_LOGS",
      status: "ENABLED",
    });
    const runtime = byName(
      run,
      "aws:guardduty/detectorFeature:DetectorFeature",
      "threats-runtime-monitoring",
    );
    expect(runtime.inputs).toMatchObject({
      name: "RUNTIME_MONITORING",
      status: "ENABLED",
      additionalConfigurations: [{ name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" }],
    });
    expect(runtime.dependencies).toContain(detector.urn);
  });

  test("the rule routes this cluster's High and Critical findings to the topic", () => {
    const rule = byName(run, "aws:cloudwatch/eventRule:EventRule", "threats-findings");
    expect(rule.inputs.name).toBe("platform-production-eks-findings");
    expect(json(rule.inputs.eventPattern)).toEqual(PATTERN);
    const topic = byName(run, "aws:sns/topic:Topic", "threats-topic");
    expect(topic.inputs).toMatchObject({ name: "platform-production-threat-findings" });
    const target = byName(run, "aws:cloudwatch/eventTarget:EventTarget", "threats-findings-target");
    expect(target.dependencies).toEqual(expect.arrayContaining([rule.urn, topic.urn]));
  });

  test("only this rule may publish (topic policy), EventBridge may use the topic's key", () => {
    const policy = json<{ Statement: Record<string, unknown>[] }>(
      byName(run, "aws:sns/topicPolicy:TopicPolicy", "threats-topic-policy").inputs.policy,
    );
    expect(policy.Statement).toEqual([
      {
        Sid: "FindingsRulePublishes",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: "arn:aws:sns:us-west-2:123456789012:platform-production-threat-findings",
        Condition: {
          ArnEquals: {
            "aws:SourceArn": "arn:aws:events:us-west-2:123456789012:rule/platform-production-eks-findings",
          },
        },
      },
    ]);
    const key = json<{ Statement: Record<string, unknown>[] }>(
      byName(run, "aws:kms/key:Key", "threats-topic-key").inputs.policy,
    );
    expect(key.Statement.map((s) => [s.Sid, s.Principal, s.Action])).toEqual([
      ["AccountAdministers", { AWS: "arn:aws:iam::123456789012:root" }, "kms:*"],
      ["EventBridgePublishes", { Service: "events.amazonaws.com" }, ["kms:Decrypt", "kms:GenerateDataKey*"]],
    ]);
    expect(byName(run, "aws:kms/key:Key", "threats-topic-key").inputs).toMatchObject({
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
  });
});

test("external detector with the platform's alert topic: the rule and its target only", async () => {
  const run = await build({ ...ARGS, manageDetector: false, alertTopicArn: TOPIC, alertEmails: [] });
  expect(names(run)).toEqual([
    "aws:cloudwatch/eventRule:EventRule threats-findings",
    "aws:cloudwatch/eventTarget:EventTarget threats-findings-target",
  ]);
  expect(byName(run, "aws:cloudwatch/eventTarget:EventTarget", "threats-findings-target").inputs.arn).toBe(
    TOPIC,
  );
  expect(run.outputs).toEqual({ topic: TOPIC });
});

describe("threatDetectionArgsProblems", () => {
  test("the test args are valid", () => {
    expect(threatDetectionArgsProblems(ARGS)).toEqual([]);
  });
  test.each<[Partial<ThreatDetectionArgs>, string[]]>([
    [{ minSeverity: 0 }, ["minSeverity 0 must be between 1 and 10 (GuardDuty's scale; 7 is High)"]],
    [{ minSeverity: 11 }, ["minSeverity 11 must be between 1 and 10 (GuardDuty's scale; 7 is High)"]],
    [{ keyDeletionWindowInDays: 5 }, ["keyDeletionWindowInDays 5 must be an integer from 7 to 30"]],
    [
      { alertTopicArn: TOPIC },
      ["alertEmails subscribe the component's own topic: give them or alertTopicArn, not both"],
    ],
  ])("%j", (change, expected) => {
    expect(threatDetectionArgsProblems({ ...ARGS, ...change })).toEqual(expected);
  });
});
