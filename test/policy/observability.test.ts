/**
 * Monitoring policies: one valid plan, then one changed field per failure, each with its exact
 * message.
 */
import {
  alertingAddressesNotPlaceholders,
  containerLogsShipped,
  isPlaceholderAddress,
  metricsStackWithAlertRouting,
  platformServicesScraped,
  snsTopicEncryptedCmk,
  statefulServicesAlarmed,
  traceGatewayPresent,
} from "../../policy/observability";
import { messages, res, withPath } from "./helpers";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const SECRET = "kubernetes:core/v1:Secret";
const SERVICE = "kubernetes:core/v1:Service";
const MONITOR = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

describe("metrics-stack-with-alert-routing", () => {
  const kps = {
    chart: "kube-prometheus-stack",
    namespace: "monitoring",
    values: { alertmanager: { alertmanagerSpec: { useExistingSecret: true, configSecret: "am-config" } } },
  };
  const secret = {
    metadata: { name: "am-config", namespace: "monitoring" },
    stringData: { "alertmanager.yaml": "route: {}" },
  };
  const broken = (what: string) =>
    `Metrics stack 'kps' does not route alerts from an Alertmanager configuration Secret. Remediation: set 'alertmanager.alertmanagerSpec.useExistingSecret: true' and 'configSecret' on release 'kps' to a Secret in its namespace with key 'alertmanager.yaml'.${what}`;

  test("a release whose Alertmanager reads its configuration Secret passes; a masked Secret counts", async () => {
    expect(
      await messages(metricsStackWithAlertRouting, [res(RELEASE, "kps", kps), res(SECRET, "am", secret)]),
    ).toEqual([]);
    const masked = { ...secret, stringData: "[secret]" };
    expect(
      await messages(metricsStackWithAlertRouting, [res(RELEASE, "kps", kps), res(SECRET, "am", masked)]),
    ).toEqual([]);
  });

  test.each([
    [
      "useExistingSecret off",
      withPath(kps, "values.alertmanager.alertmanagerSpec.useExistingSecret", false),
      secret,
    ],
    [
      "no configSecret",
      withPath(kps, "values.alertmanager.alertmanagerSpec.configSecret", undefined),
      secret,
    ],
    ["Alertmanager disabled", withPath(kps, "values.alertmanager.enabled", false), secret],
    ["the Secret in another namespace", kps, withPath(secret, "metadata.namespace", "default")],
    ["the Secret without alertmanager.yaml", kps, withPath(secret, "stringData", { "other.yaml": "x" })],
  ])("%s fails", async (_what, release, s) => {
    expect(
      await messages(metricsStackWithAlertRouting, [res(RELEASE, "kps", release), res(SECRET, "am", s)]),
    ).toEqual([broken("")]);
  });

  test("no metrics stack at all fails", async () => {
    expect(await messages(metricsStackWithAlertRouting, [res(SECRET, "am", secret)])).toEqual([
      "The stack has no metrics stack (no kube-prometheus-stack Helm release). Remediation: add a helm.v3.Release of chart 'kube-prometheus-stack' (see components/observability/metrics-stack.ts).",
    ]);
  });
});

describe("platform-services-scraped", () => {
  const labels = { "app.kubernetes.io/name": "api", "app.kubernetes.io/part-of": "platform" };
  const service = {
    metadata: { name: "api", namespace: "api", labels },
    spec: {
      ports: [
        { name: "http", port: 8000 },
        { name: "metrics", port: 9090 },
      ],
    },
  };
  const monitor = {
    metadata: { name: "api", namespace: "api" },
    spec: {
      selector: { matchLabels: { "app.kubernetes.io/name": "api" } },
      namespaceSelector: { matchNames: ["api"] },
    },
  };
  const unscraped =
    "Service 'api' exposes a metrics port that no ServiceMonitor selects. Remediation: add a ServiceMonitor in namespace 'api' whose 'spec.selector.matchLabels' match the labels of Service 'api'.";

  test("a ServiceMonitor selecting the Service passes; a Service without metrics port is not judged", async () => {
    expect(
      await messages(platformServicesScraped, [res(SERVICE, "api", service), res(MONITOR, "m", monitor)]),
    ).toEqual([]);
    const noMetrics = withPath(service, "spec.ports", [{ name: "http", port: 8000 }]);
    expect(await messages(platformServicesScraped, [res(SERVICE, "api", noMetrics)])).toEqual([]);
  });

  test.each([
    ["other labels", withPath(monitor, "spec.selector.matchLabels", { "app.kubernetes.io/name": "worker" })],
    ["an empty selector", withPath(monitor, "spec.selector.matchLabels", {})],
    ["another namespace", withPath(monitor, "spec.namespaceSelector.matchNames", ["worker"])],
  ])("a ServiceMonitor with %s does not count", async (_what, m) => {
    expect(
      await messages(platformServicesScraped, [res(SERVICE, "api", service), res(MONITOR, "m", m)]),
    ).toEqual([unscraped]);
  });
});

describe("stateful-services-alarmed", () => {
  const db = { identifier: "db", engine: "postgres" };
  const group = { replicationGroupId: "cache" };
  const alarm = (key: string, value: string) => ({
    dimensions: { [key]: value },
    actionsEnabled: true,
    alarmActions: ["arn:topic"],
    okActions: ["arn:topic"],
  });
  const plan = (dbAlarm: Record<string, unknown>, cacheAlarm: Record<string, unknown>) => [
    res("aws:rds/instance:Instance", "db", db),
    res("aws:elasticache/replicationGroup:ReplicationGroup", "cache", group),
    res(ALARM, "a1", dbAlarm),
    res(ALARM, "a2", cacheAlarm),
  ];
  const dbMissing =
    "Database 'db' has no CloudWatch alarm with actions on ALARM and OK. Remediation: add an aws.cloudwatch.MetricAlarm with dimension DBInstanceIdentifier = 'db' and both 'alarmActions' and 'okActions'.";
  const cacheMissing =
    "Replication group 'cache' has no CloudWatch alarm with actions on ALARM and OK. Remediation: add aws.cloudwatch.MetricAlarm resources with dimension CacheClusterId = 'cache-001' (each node) and both 'alarmActions' and 'okActions'.";

  test("alarms with actions on each pass", async () => {
    expect(
      await messages(
        statefulServicesAlarmed,
        plan(alarm("DBInstanceIdentifier", "db"), alarm("CacheClusterId", "cache-001")),
      ),
    ).toEqual([]);
  });

  test.each([
    ["no OK action", withPath(alarm("DBInstanceIdentifier", "db"), "okActions", [])],
    ["no ALARM action", withPath(alarm("DBInstanceIdentifier", "db"), "alarmActions", undefined)],
    ["actions disabled", withPath(alarm("DBInstanceIdentifier", "db"), "actionsEnabled", false)],
    ["another instance", alarm("DBInstanceIdentifier", "db-old")],
  ])("a database alarm with %s does not count", async (_what, a) => {
    expect(await messages(statefulServicesAlarmed, plan(a, alarm("CacheClusterId", "cache-001")))).toEqual([
      dbMissing,
    ]);
  });

  test("a cache alarm on another group's node does not count", async () => {
    expect(
      await messages(
        statefulServicesAlarmed,
        plan(alarm("DBInstanceIdentifier", "db"), alarm("CacheClusterId", "other-001")),
      ),
    ).toEqual([cacheMissing]);
  });
});

describe("sns-topic-encrypted-cmk", () => {
  const message =
    "Topic 't' is not encrypted with a customer-managed key. Remediation: set 'kmsMasterKeyId' on topic 't' to a customer-managed KMS key whose policy lets the publishers (CloudWatch, EventBridge) use it.";
  test("a topic with a customer-managed key passes", async () => {
    expect(
      await messages(snsTopicEncryptedCmk, [
        res("aws:sns/topic:Topic", "t", { kmsMasterKeyId: "arn:aws:kms:us-west-2:1:key/x" }),
      ]),
    ).toEqual([]);
  });
  test.each([
    ["no key", undefined],
    ["the AWS managed key", "alias/aws/sns"],
  ])("%s fails", async (_what, key) => {
    expect(
      await messages(snsTopicEncryptedCmk, [res("aws:sns/topic:Topic", "t", { kmsMasterKeyId: key })]),
    ).toEqual([message]);
  });
});

describe("container-logs-shipped", () => {
  const outputs = "[OUTPUT]\n    Name cloudwatch_logs\n    Match kube.*\n    auto_create_group false\n";
  const fluentBit = { chart: "fluent-bit", values: { config: { outputs } } };
  const message =
    "Container logs are not shipped off the nodes. Remediation: add a helm.v3.Release of chart 'fluent-bit' whose 'values.config.outputs' has a cloudwatch_logs output to log groups the program creates (see components/observability/logging.ts).";
  test("Fluent Bit to CloudWatch Logs passes, and so does the CloudWatch observability add-on", async () => {
    expect(await messages(containerLogsShipped, [res(RELEASE, "fb", fluentBit)])).toEqual([]);
    expect(
      await messages(containerLogsShipped, [
        res("aws:eks/addon:Addon", "cw", { addonName: "amazon-cloudwatch-observability" }),
      ]),
    ).toEqual([]);
  });
  test.each([
    ["another output", withPath(fluentBit, "values.config.outputs", "[OUTPUT]\n    Name es\n")],
    [
      "groups created by the shipper",
      withPath(fluentBit, "values.config.outputs", outputs.replace("false", "true")),
    ],
  ])("%s fails", async (_what, release) => {
    expect(await messages(containerLogsShipped, [res(RELEASE, "fb", release)])).toEqual([message]);
  });
});

describe("trace-gateway-present", () => {
  test("an OpenTelemetry Collector release passes; none fails", async () => {
    expect(
      await messages(traceGatewayPresent, [res(RELEASE, "otel", { chart: "opentelemetry-collector" })]),
    ).toEqual([]);
    expect(await messages(traceGatewayPresent, [res(RELEASE, "x", { chart: "other" })])).toEqual([
      "The stack has no trace gateway. Remediation: add a helm.v3.Release of chart 'opentelemetry-collector' (see components/observability/tracing.ts) and give services OTEL_EXPORTER_OTLP_ENDPOINT.",
    ]);
  });
});

describe("alerting-addresses-not-placeholders", () => {
  const SUB = "aws:sns/topicSubscription:TopicSubscription";
  const RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
  const rule = (url: string) => ({
    spec: {
      groups: [{ name: "g", rules: [{ record: "r" }, { alert: "A", annotations: { runbook_url: url } }] }],
    },
  });
  const valid = [
    res(SUB, "crit-email-1", { protocol: "email", endpoint: "oncall@acme.io" }),
    res(SUB, "crit-https-1", { protocol: "https", endpoint: "[secret]" }),
    res(
      RULE,
      "rules",
      rule("https://github.com/acme/platform/blob/main/docs/runbooks/alerts.md#servicedown"),
    ),
  ];

  test("real addresses pass; a masked endpoint is not judged", async () => {
    expect(await messages(alertingAddressesNotPlaceholders, valid)).toEqual([]);
  });

  test.each([
    ["oncall@example.com", true],
    ["team@mail.example.org", true],
    ["https://hooks.example.net/x", true],
    ["https://github.com/example-org/platform/blob/main/docs/runbooks/", true],
    ["oncall@example.company.com", false],
    ["https://github.com/example-organisation/x/", false],
    ["+15555550100", false],
  ])("isPlaceholderAddress(%s) is %s", (value, expected) => {
    expect(isPlaceholderAddress(value)).toBe(expected);
  });

  test("a placeholder subscription fails", async () => {
    const bad = [
      res(SUB, "crit-email-1", { protocol: "email", endpoint: "oncall@example.com" }),
      ...valid.slice(1),
    ];
    expect(await messages(alertingAddressesNotPlaceholders, bad)).toEqual([
      "Subscription 'crit-email-1' sends alarms to the placeholder 'oncall@example.com'. Remediation: set 'platform:observability.subscriptions' in the stack file to the on-call rotation's real address.",
    ]);
  });

  test("a placeholder runbook link fails", async () => {
    const url = "https://github.com/example-org/platform/blob/main/docs/runbooks/alerts.md#servicedown";
    const bad = [...valid.slice(0, 2), res(RULE, "rules", rule(url))];
    expect(await messages(alertingAddressesNotPlaceholders, bad)).toEqual([
      `PrometheusRule 'rules' links its alerts to a placeholder runbook ('${url}'). Remediation: set 'platform:observability.runbookBaseUrl' to where this repository's docs/runbooks/ folder is browsable.`,
    ]);
  });
});
