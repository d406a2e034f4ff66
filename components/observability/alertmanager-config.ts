/**
 * Alertmanager's configuration (`alertmanager.yaml`): critical and emergency alerts to the critical
 * SNS topic, warning and high to the warning topic, both signed with SigV4 using the pod's own
 * credentials (EKS Pod Identity: no key in the file); extra webhook receivers by severity. Pure:
 * the component resolves the topic ARNs first and stores the result in a Secret.
 */
import { stringify } from "yaml";

/** An extra receiver: a paging or chat webhook. Its URL may hold a token: the config is a Secret. */
export interface WebhookReceiver {
  readonly name: string;
  readonly severity: "critical" | "warning";
  readonly url: string;
}

/** Plain values the configuration needs. */
export interface AlertmanagerSettings {
  readonly region: string;
  readonly criticalTopicArn: string;
  readonly warningTopicArn: string;
  readonly webhooks: readonly WebhookReceiver[];
}

/** Severity labels each topic receives (rules.ts uses these four). */
export const SEVERITY_MATCHERS = {
  critical: 'severity =~ "critical|emergency"',
  warning: 'severity =~ "warning|high"',
} as const;

/** Names of receivers the configuration always has. */
export const BUILT_IN_RECEIVERS = ["null", "critical", "warning"] as const;

function snsReceiver(name: string, topicArn: string, region: string) {
  return {
    name,
    sns_configs: [
      {
        topic_arn: topicArn,
        // No keys, profile or role: the SDK's default chain finds the Pod Identity credentials.
        sigv4: { region },
        subject: `[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}`,
        send_resolved: true,
      },
    ],
  };
}

/** The configuration as an object (tests read it) ... */
export function alertmanagerConfig(s: AlertmanagerSettings): Record<string, unknown> {
  const webhookRoutes = s.webhooks.map((w) => ({
    receiver: w.name,
    matchers: [SEVERITY_MATCHERS[w.severity]],
    continue: true,
  }));
  return {
    global: { resolve_timeout: "5m" },
    route: {
      receiver: "null",
      group_by: ["alertname", "namespace", "service"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      routes: [
        // The chart's always-firing Watchdog and InfoInhibitor page nobody.
        { receiver: "null", matchers: ['alertname =~ "Watchdog|InfoInhibitor"'] },
        ...webhookRoutes,
        { receiver: "critical", matchers: [SEVERITY_MATCHERS.critical] },
        { receiver: "warning", matchers: [SEVERITY_MATCHERS.warning] },
      ],
    },
    inhibit_rules: [
      {
        source_matchers: [SEVERITY_MATCHERS.critical],
        target_matchers: [SEVERITY_MATCHERS.warning],
        equal: ["alertname", "namespace", "service"],
      },
    ],
    receivers: [
      { name: "null" },
      snsReceiver("critical", s.criticalTopicArn, s.region),
      snsReceiver("warning", s.warningTopicArn, s.region),
      ...s.webhooks.map((w) => ({ name: w.name, webhook_configs: [{ url: w.url, send_resolved: true }] })),
    ],
  };
}

/** ... and as the YAML the Secret's `alertmanager.yaml` key holds. */
export function alertmanagerYaml(s: AlertmanagerSettings): string {
  return stringify(alertmanagerConfig(s));
}
