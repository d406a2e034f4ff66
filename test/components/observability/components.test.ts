/**
 * The observability components under mocks: exact children, the security-relevant inputs (key and
 * topic policies, actions on ALARM and OK, IAM scoped to the topics / log groups / X-Ray, Secrets
 * instead of values) and the pure builders (Alertmanager routes, chart values), with exact errors.
 */
import { alarmSpecs, alertPathAlarms } from "../../../components/observability/alarm-specs";
import {
  DEFAULT_ALARM_THRESHOLDS,
  resolveAlarmThresholds,
} from "../../../components/observability/alarm-thresholds";
import { alertmanagerConfig } from "../../../components/observability/alertmanager-config";
import { platformAlarmsArgsProblems } from "../../../components/observability/alarms";
import { fluentBitConfig } from "../../../components/observability/logging";
import {
  metricsStackArgsProblems,
  type MetricsStackArgs,
} from "../../../components/observability/metrics-stack";
import { metricsStackValues } from "../../../components/observability/metrics-values";
import { collectorValues } from "../../../components/observability/tracing";
import { byName, json, ofType, type OfflineRun, runProgram } from "../../support/offline";

const RES = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } };
const PLACEMENT = {
  nodeSelector: { workload: "system" },
  tolerations: [{ key: "CriticalAddonsOnly", operator: "Equal", value: "true", effect: "NoSchedule" }],
};
const TARGETS = {
  postgres: { primary: "db", replicas: ["db-replica-1"] },
  redisNodes: ["cache-001", "cache-002"],
  natGateways: { "us-west-2a": "nat-a" },
};
const metricsArgs = (overrides: Partial<MetricsStackArgs> = {}): MetricsStackArgs => ({
  chartVersion: "88.5.3",
  clusterName: "c",
  region: "us-west-2",
  scrapeInterval: "15s",
  prometheus: { replicas: 2, retention: "15d", storageSize: "100Gi", resources: RES },
  alertmanager: { replicas: 2, storageSize: "2Gi", resources: RES },
  grafanaResources: RES,
  storageClassName: "gp3-encrypted",
  placement: PLACEMENT,
  topics: {
    criticalTopicArn: "arn:crit",
    warningTopicArn: "arn:warn",
    heartbeatTopicArn: "arn:beat",
    keyArn: "arn:key",
  },
  runbookBaseUrl: "https://example.com/runbooks/",
  platformComponents: {
    vaultNamespace: "vault",
    vaultTlsSecret: "vault-server-tls",
    vaultServerName: "vault.vault.svc",
    certManagerNamespace: "cert-manager",
    kubeSystemNamespace: "kube-system",
  },
  ruleScope: { vaultNamespace: "vault", vaultContainer: "vault", serviceTargetLabel: "platform_service" },
  ...overrides,
});

describe("PlatformAlarms", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await runProgram(async () => {
      const { PlatformAlarms } = await import("../../../components/observability/alarms");
      new PlatformAlarms("alarms", {
        ...TARGETS,
        namePrefix: "p-test",
        region: "us-west-2",
        deletionWindowInDays: 30,
        subscriptions: [
          { topic: "critical", protocol: "email", endpoint: "oncall@example.com" },
          { topic: "warning", protocol: "email", endpoint: "team@example.com" },
        ],
      });
    });
  });

  test("children: key and alias, three encrypted topics, two with policies, subscriptions, one alarm per spec", () => {
    expect(ofType(run, "aws:kms/key:Key").map((r) => r.name)).toEqual(["alarms-key"]);
    expect(byName(run, "aws:kms/alias:Alias", "alarms-key").inputs.name).toBe("alias/p-test/alarms");
    const topics = ofType(run, "aws:sns/topic:Topic");
    expect(topics.map((t) => [t.name, t.inputs.name])).toEqual([
      ["alarms-critical", "p-test-alarms-critical"],
      ["alarms-warning", "p-test-alarms-warning"],
      ["alarms-heartbeat", "p-test-alarms-heartbeat"],
    ]);
    expect(
      topics.every((t) => typeof t.inputs.kmsMasterKeyId === "string" && t.inputs.kmsMasterKeyId !== ""),
    ).toBe(true);
    expect(ofType(run, "aws:sns/topicPolicy:TopicPolicy")).toHaveLength(2);
    expect(ofType(run, "aws:sns/topicSubscription:TopicSubscription").map((s) => s.name)).toEqual([
      "alarms-critical-email-1",
      "alarms-warning-email-1",
    ]);
    const expected = [
      ...alarmSpecs(TARGETS, DEFAULT_ALARM_THRESHOLDS),
      ...alertPathAlarms({ critical: "c", warning: "w", heartbeat: "h" }),
    ]
      .map((a) => `alarms-${a.key}`)
      .sort();
    expect(
      ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm")
        .map((a) => a.name)
        .sort(),
    ).toEqual(expected);
  });

  test("the key lets CloudWatch and EventBridge encrypt for the topics; the topics' policies hold the account condition", () => {
    const policy = json<{
      Statement: { Sid: string; Principal: unknown; Action: unknown; Condition?: unknown }[];
    }>(byName(run, "aws:kms/key:Key", "alarms-key").inputs.policy);
    expect(policy.Statement.map((s) => [s.Sid, s.Principal, s.Action])).toEqual([
      ["AccountRootAdministers", { AWS: "arn:aws:iam::123456789012:root" }, "kms:*"],
      [
        "CloudWatchAlarmsPublish",
        { Service: "cloudwatch.amazonaws.com" },
        ["kms:Decrypt", "kms:GenerateDataKey*"],
      ],
      ["EventBridgePublish", { Service: "events.amazonaws.com" }, ["kms:Decrypt", "kms:GenerateDataKey*"]],
    ]);
    // EventBridge's KMS requests carry no aws:SourceAccount: a condition on it would deny every delivery.
    expect(policy.Statement.map((s) => s.Condition)).toEqual([undefined, undefined, undefined]);
    const topicPolicy = json<{ Statement: { Principal: unknown; Condition: unknown }[] }>(
      byName(run, "aws:sns/topicPolicy:TopicPolicy", "alarms-critical").inputs.policy,
    );
    expect(topicPolicy.Statement.map((s) => [s.Principal, s.Condition])).toEqual([
      [
        { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
        { StringEquals: { "aws:SourceAccount": "123456789012" } },
      ],
    ]);
    expect(byName(run, "aws:kms/key:Key", "alarms-key").protect).toBe(true);
  });

  test("every alarm notifies its topic on ALARM and on OK", () => {
    const topicUrn = (t: string) => byName(run, "aws:sns/topic:Topic", `alarms-${t}`);
    for (const alarm of ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm")) {
      expect(alarm.inputs.actionsEnabled).toBe(true);
      expect(alarm.inputs.alarmActions).toHaveLength(1);
      expect(alarm.inputs.okActions).toEqual(alarm.inputs.alarmActions);
    }
    expect(topicUrn("critical")).toBeDefined();
  });

  test("RDS: replica lag on the replica only; ElastiCache: four memory steps per node; NAT by AZ", () => {
    const keys = alarmSpecs(TARGETS, DEFAULT_ALARM_THRESHOLDS).map((a) => [
      a.key,
      a.metricName,
      a.threshold,
      a.topic,
    ]);
    expect(keys.filter(([k]) => String(k).includes("lag"))).toEqual([
      ["rds-db-replica-1-replica-lag", "ReplicaLag", 30, "warning"],
      ["redis-cache-001-replication-lag", "ReplicationLag", 5, "warning"],
      ["redis-cache-002-replication-lag", "ReplicationLag", 5, "warning"],
    ]);
    expect(keys.filter(([k]) => String(k).startsWith("redis-cache-001-memory"))).toEqual([
      ["redis-cache-001-memory-warning", "DatabaseMemoryUsagePercentage", 70, "warning"],
      ["redis-cache-001-memory-high", "DatabaseMemoryUsagePercentage", 80, "warning"],
      ["redis-cache-001-memory-critical", "DatabaseMemoryUsagePercentage", 90, "critical"],
      ["redis-cache-001-memory-emergency", "DatabaseMemoryUsagePercentage", 95, "critical"],
    ]);
    expect(keys.filter(([k]) => String(k).startsWith("nat-")).map(([k]) => k)).toEqual([
      "nat-us-west-2a-port-allocation",
      "nat-us-west-2a-packets-dropped",
    ]);
    expect(alarmSpecs(TARGETS, resolveAlarmThresholds({ rdsCpuPercent: 65 }))[0].threshold).toBe(65);
  });

  test("invalid arguments are reported together", () => {
    expect(
      platformAlarmsArgsProblems({
        namePrefix: "bad prefix",
        region: "us-west-2",
        deletionWindowInDays: 3,
        thresholds: { redisMemoryPercent: { warning: 80, high: 70, critical: 90, emergency: 95 } },
      }),
    ).toEqual([
      'redisMemoryPercent: warning < high < critical < emergency is required (received {"warning":80,"high":70,"critical":90,"emergency":95})',
      "namePrefix: must be letters, digits, '-' or '_' (received \"bad prefix\")",
      "deletionWindowInDays: must be from 7 to 30 (received 3)",
    ]);
  });
});

describe("MetricsStack", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await runProgram(async () => {
      const { MetricsStack } = await import("../../../components/observability/metrics-stack");
      new MetricsStack(
        "metrics",
        metricsArgs({ webhooks: [{ name: "pager", severity: "critical", url: "https://hook/x" }] }),
      );
    });
  });

  test("children: two namespaces, Grafana and Alertmanager Secrets, Alertmanager's identity, the release, rules, dashboards, monitors", () => {
    const kinds = run.resources
      .filter((r) => r.custom)
      .map((r) => `${r.type} ${r.name}`)
      .sort();
    expect(kinds).toEqual(
      [
        "kubernetes:core/v1:Namespace metrics-namespace",
        "kubernetes:core/v1:Namespace metrics-node-agents-namespace",
        "random:index/randomPassword:RandomPassword metrics-grafana-admin",
        "kubernetes:core/v1:Secret metrics-grafana-admin",
        "kubernetes:core/v1:Secret metrics-alertmanager-config",
        "aws:iam/role:Role metrics-alertmanager-role",
        "aws:iam/rolePolicy:RolePolicy metrics-alertmanager-policy",
        "aws:eks/podIdentityAssociation:PodIdentityAssociation metrics-alertmanager-association",
        "kubernetes:helm.sh/v3:Release metrics-release",
        "kubernetes:monitoring.coreos.com/v1:PrometheusRule metrics-rules",
        "kubernetes:core/v1:ConfigMap metrics-dashboard-platform-cluster",
        "kubernetes:core/v1:ConfigMap metrics-dashboard-platform-services",
        "kubernetes:monitoring.coreos.com/v1:ServiceMonitor metrics-monitor-vault",
        "kubernetes:monitoring.coreos.com/v1:ServiceMonitor metrics-monitor-cert-manager",
        "kubernetes:monitoring.coreos.com/v1:PodMonitor metrics-monitor-alb-controller",
        "kubernetes:monitoring.coreos.com/v1:ServiceMonitor metrics-monitor-cluster-autoscaler",
      ].sort(),
    );
  });

  test("monitoring is restricted; the node agents' namespace is privileged by exception", () => {
    const labels = (n: string) =>
      (byName(run, "kubernetes:core/v1:Namespace", n).inputs.metadata as { labels: unknown }).labels;
    expect(labels("metrics-namespace")).toEqual({
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/warn": "restricted",
    });
    expect(labels("metrics-node-agents-namespace")).toEqual({
      "pod-security.kubernetes.io/enforce": "privileged",
      "pod-security.kubernetes.io/audit": "baseline",
      "pod-security.kubernetes.io/warn": "baseline",
    });
  });

  test("credentials live in Secrets: the Grafana password and the Alertmanager configuration are secret, never in values", () => {
    expect(byName(run, "kubernetes:core/v1:Secret", "metrics-grafana-admin").secretInputs).toContain(
      "stringData",
    );
    expect(byName(run, "kubernetes:core/v1:Secret", "metrics-alertmanager-config").secretInputs).toContain(
      "stringData",
    );
    const release = byName(run, "kubernetes:helm.sh/v3:Release", "metrics-release");
    expect(release.inputs).toMatchObject({
      chart: "kube-prometheus-stack",
      version: "88.5.3",
      repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
      namespace: "monitoring",
    });
    const text = JSON.stringify(release.inputs.values);
    expect(text).not.toMatch(/adminPassword|hook\/x|arn:crit/);
  });

  test("Alertmanager may publish to the three topics and use their key, nothing else", () => {
    const policy = json<{ Statement: unknown[] }>(
      byName(run, "aws:iam/rolePolicy:RolePolicy", "metrics-alertmanager-policy").inputs.policy,
    );
    expect(policy.Statement).toEqual([
      {
        Sid: "PublishAlerts",
        Effect: "Allow",
        Action: "sns:Publish",
        Resource: ["arn:crit", "arn:warn", "arn:beat"],
      },
      {
        Sid: "EncryptForTheTopics",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "arn:key",
      },
    ]);
    expect(
      byName(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "metrics-alertmanager-association")
        .inputs,
    ).toMatchObject({ namespace: "monitoring", serviceAccount: "alertmanager" });
  });

  test("dashboards are ConfigMaps the Grafana sidecar loads; the rules wait for the CRDs", () => {
    const cm = byName(run, "kubernetes:core/v1:ConfigMap", "metrics-dashboard-platform-services");
    expect((cm.inputs.metadata as { labels: unknown }).labels).toEqual({ grafana_dashboard: "1" });
    const rules = byName(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "metrics-rules");
    expect(rules.dependencies).toContain(byName(run, "kubernetes:helm.sh/v3:Release", "metrics-release").urn);
  });

  test("invalid arguments are reported together", () => {
    expect(
      metricsStackArgsProblems(
        metricsArgs({
          chartVersion: "latest",
          runbookBaseUrl: "https://x",
          webhooks: [{ name: "critical", severity: "warning", url: "u" }],
        }),
      ),
    ).toEqual([
      'chartVersion: must be an exact version like 88.5.3 (received "latest")',
      "runbookBaseUrl: must end with '/' (received \"https://x\")",
      "webhooks: 'critical' is a built-in receiver name; choose another",
    ]);
  });
});

describe("values and configuration builders", () => {
  test("kube-prometheus-stack: 15 s scrape, HA replicas, encrypted volumes, config and admin from Secrets, node-exporter aside", () => {
    const v = metricsStackValues({
      nodeAgentsNamespace: "node-agents",
      scrapeInterval: "15s",
      prometheus: { replicas: 2, retention: "15d", storageSize: "100Gi", resources: RES },
      alertmanager: { replicas: 2, storageSize: "2Gi", resources: RES },
      grafanaResources: RES,
      storageClassName: "gp3-encrypted",
      placement: PLACEMENT,
      alertmanagerConfigSecret: "am-config",
      alertmanagerServiceAccount: "alertmanager",
      grafanaAdminSecret: "grafana-admin",
    }) as Record<string, Record<string, Record<string, unknown>>>;
    expect(v.prometheus.prometheusSpec).toMatchObject({
      scrapeInterval: "15s",
      retention: "15d",
      replicas: 2,
      resources: RES,
      serviceMonitorSelectorNilUsesHelmValues: false,
      ruleSelectorNilUsesHelmValues: false,
      storageSpec: {
        volumeClaimTemplate: {
          spec: { storageClassName: "gp3-encrypted", resources: { requests: { storage: "100Gi" } } },
        },
      },
      nodeSelector: PLACEMENT.nodeSelector,
      tolerations: PLACEMENT.tolerations,
    });
    expect(v.alertmanager.alertmanagerSpec).toMatchObject({
      replicas: 2,
      useExistingSecret: true,
      configSecret: "am-config",
    });
    expect(v.alertmanager.serviceAccount).toEqual({ create: true, name: "alertmanager" });
    expect(v.grafana.admin).toEqual({
      existingSecret: "grafana-admin",
      userKey: "admin-user",
      passwordKey: "admin-password",
    });
    expect(v["prometheus-node-exporter"].namespaceOverride).toBe("node-agents");
  });

  test("Alertmanager routes critical and emergency to one topic, warning and high to the other, with SigV4 and no keys", () => {
    const c = alertmanagerConfig({
      region: "us-west-2",
      criticalTopicArn: "arn:crit",
      warningTopicArn: "arn:warn",
      heartbeatTopicArn: "arn:beat",
      webhooks: [{ name: "pager", severity: "critical", url: "https://hook/x" }],
    }) as { route: { routes: unknown[] }; receivers: { name: string; sns_configs?: unknown[] }[] };
    expect(c.route.routes).toEqual([
      {
        receiver: "heartbeat",
        matchers: ['alertname = "Watchdog"'],
        group_by: ["alertname"],
        group_wait: "0s",
        group_interval: "1m",
        repeat_interval: "1m",
      },
      { receiver: "null", matchers: ['alertname = "InfoInhibitor"'] },
      { receiver: "pager", matchers: ['severity =~ "critical|emergency"'], continue: true },
      { receiver: "critical", matchers: ['severity =~ "critical|emergency"'] },
      { receiver: "warning", matchers: ['severity =~ "warning|high"'] },
    ]);
    expect(c.receivers.find((r) => r.name === "critical")!.sns_configs).toEqual([
      expect.objectContaining({ topic_arn: "arn:crit", sigv4: { region: "us-west-2" }, send_resolved: true }),
    ]);
  });

  test("Fluent Bit writes only to the program's groups and never creates one", () => {
    const { outputs } = fluentBitConfig(
      "us-west-2",
      { containers: "/p/containers", vaultAudit: "/p/vault-audit" },
      { namespace: "vault", container: "vault" },
    );
    expect(outputs.match(/(Match|log_group_name|auto_create_group)\s+\S+/g)).toEqual([
      "Match              kube.*",
      "log_group_name     /p/containers",
      "auto_create_group  false",
      "Match              vault.*",
      "log_group_name     /p/vault-audit",
      "auto_create_group  false",
    ]);
  });

  test("the collector: contrib image, OTLP in, X-Ray out, restricted security contexts", () => {
    const v = collectorValues({ region: "us-west-2", replicas: 2, resources: RES, placement: PLACEMENT });
    expect(v).toMatchObject({
      mode: "deployment",
      replicaCount: 2,
      image: { repository: "otel/opentelemetry-collector-contrib" },
      config: { exporters: { awsxray: { region: "us-west-2" } } },
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      },
      podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    });
    expect(v.config.service.pipelines.traces).toEqual({
      receivers: ["otlp"],
      processors: ["memory_limiter", "batch"],
      exporters: ["awsxray"],
    });
  });
});

describe("LogShipping and TraceCollector", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await runProgram(async () => {
      const { LogShipping } = await import("../../../components/observability/logging");
      const { TraceCollector } = await import("../../../components/observability/tracing");
      new LogShipping("logs", {
        chartVersion: "0.58.1",
        clusterName: "c",
        region: "us-west-2",
        namespace: "node-agents",
        logGroupPrefix: "/platform/p-test",
        kmsKeyArn: "arn:logs-key",
        retentionInDays: 30,
        resources: RES,
      });
      new TraceCollector("tracing", {
        chartVersion: "0.170.0",
        clusterName: "c",
        region: "us-west-2",
        replicas: 2,
        resources: RES,
        placement: PLACEMENT,
      });
    });
  });

  test("log groups are the program's, encrypted and kept; the shipper writes to them only", () => {
    expect(
      ofType(run, "aws:cloudwatch/logGroup:LogGroup").map((g) => [
        g.inputs.name,
        g.inputs.kmsKeyId,
        g.inputs.retentionInDays,
      ]),
    ).toEqual([
      ["/platform/p-test/containers", "arn:logs-key", 30],
      ["/platform/p-test/vault-audit", "arn:logs-key", 30],
    ]);
    const policy = json<{ Statement: { Action: string[]; Resource: string[] }[] }>(
      byName(run, "aws:iam/rolePolicy:RolePolicy", "logs-shipper-policy").inputs.policy,
    );
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0].Action).toEqual([
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:DescribeLogStreams",
    ]);
    expect(policy.Statement[0].Resource).toHaveLength(2);
    expect(
      policy.Statement[0].Resource.every((r) =>
        /:log-group:\/platform\/p-test\/(containers|vault-audit):\*$/.test(r),
      ),
    ).toBe(true);
    expect(byName(run, "kubernetes:helm.sh/v3:Release", "logs-release").inputs).toMatchObject({
      chart: "fluent-bit",
      version: "0.58.1",
      namespace: "node-agents",
    });
  });

  test("the collector runs in a restricted namespace with an X-Ray write-only role", () => {
    const ns = byName(run, "kubernetes:core/v1:Namespace", "tracing-namespace");
    expect((ns.inputs.metadata as { name: string }).name).toBe("tracing");
    const policy = json<{ Statement: { Action: string[] }[] }>(
      byName(run, "aws:iam/rolePolicy:RolePolicy", "tracing-collector-policy").inputs.policy,
    );
    expect(policy.Statement.map((s) => s.Action)).toEqual([
      ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
    ]);
  });
});
