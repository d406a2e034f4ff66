/**
 * Alertmanager's configuration (`alertmanager.yaml`): critical and emergency alerts to the critical
 * SNS topic, warning and high to the warning topic, both signed with SigV4 using the pod's own
 * credentials (EKS Pod Identity: no key in the file); extra webhook receivers by severity. The
 * always-firing Watchdog is the dead man's switch: it is published to the heartbeat topic every
 * minute (a CloudWatch alarm fires when those messages stop) and, when configured, to a heartbeat
 * webhook. Stepped alerts (rules.ts `alertgroup`) are inhibited by a higher step about the same
 * target. Pure: the component resolves the topic ARNs first and stores the result in a Secret.
 */
import { stringify } from "yaml";
import { STEPPED_FAMILIES } from "./rules";

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
  /** Topic the Watchdog is published to: its CloudWatch alarm fires when the messages stop. */
  readonly heartbeatTopicArn: string;
  readonly webhooks: readonly WebhookReceiver[];
  /** Heartbeat (dead man's switch) service pinged with the Watchdog; may hold a token. @default none */
  readonly heartbeatUrl?: string;
}

/** Severity labels each topic receives (rules.ts uses these four). */
export const SEVERITY_MATCHERS = {
  critical: 'severity =~ "critical|emergency"',
  warning: 'severity =~ "warning|high"',
} as const;

/** Names of receivers the configuration always has. */
export const BUILT_IN_RECEIVERS = ["null", "critical", "warning", "heartbeat"] as const;

/** How often the Watchdog is re-sent to the heartbeat receiver (at most `group_interval` later). */
export const HEARTBEAT_REPEAT_INTERVAL = "1m";

/** Severities from highest to lowest: each inhibits the lower steps of its family. */
const SEVERITY_ORDER = ["emergency", "critical", "high", "warning"] as const;

/**
 * Inhibit rules of the stepped alerts: a firing step silences every lower step of the same family
 * (`alertgroup`) about the same target (the family's labels). Alertmanager treats a label missing on
 * both alerts as equal, so each family gets its own rules with exactly its labels.
 */
export function steppedInhibitRules(): Record<string, unknown>[] {
  return Object.entries(STEPPED_FAMILIES).flatMap(([family, labels]) =>
    SEVERITY_ORDER.slice(0, -1).map((severity, i) => ({
      source_matchers: [`alertgroup = "${family}"`, `severity = "${severity}"`],
      target_matchers: [`alertgroup = "${family}"`, `severity =~ "${SEVERITY_ORDER.slice(i + 1).join("|")}"`],
      equal: ["alertgroup", ...labels],
    })),
  );
}

function heartbeatReceiver(s: AlertmanagerSettings) {
  const sns = snsReceiver("heartbeat", s.heartbeatTopicArn, s.region).sns_configs.map((c) => ({
    ...c,
    send_resolved: false,
  }));
  return {
    name: "heartbeat",
    sns_configs: sns,
    ...(s.heartbeatUrl ? { webhook_configs: [{ url: s.heartbeatUrl, send_resolved: false }] } : {}),
  };
}
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
        // The chart's always-firing Watchdog proves the whole path works: a heartbeat every minute.
        {
          receiver: "heartbeat",
          matchers: ['alertname = "Watchdog"'],
          group_by: ["alertname"],
          group_wait: "0s",
          group_interval: "1m",
          repeat_interval: HEARTBEAT_REPEAT_INTERVAL,
        },
        // InfoInhibitor (always firing with info alerts) pages nobody.
        { receiver: "null", matchers: ['alertname = "InfoInhibitor"'] },
        ...webhookRoutes,
        { receiver: "critical", matchers: [SEVERITY_MATCHERS.critical] },
        { receiver: "warning", matchers: [SEVERITY_MATCHERS.warning] },
      ],
    },
    inhibit_rules: [
      // The chart's rules that share one alertname across severities (e.g. KubePersistentVolumeFillingUp).
      {
        source_matchers: [SEVERITY_MATCHERS.critical],
        target_matchers: [SEVERITY_MATCHERS.warning],
        equal: ["alertname", "namespace", "service"],
      },
      ...steppedInhibitRules(),
    ],
    receivers: [
      { name: "null" },
      snsReceiver("critical", s.criticalTopicArn, s.region),
      snsReceiver("warning", s.warningTopicArn, s.region),
      heartbeatReceiver(s),
      ...s.webhooks.map((w) => ({ name: w.name, webhook_configs: [{ url: w.url, send_resolved: true }] })),
    ],
  };
}

/** ... and as the YAML the Secret's `alertmanager.yaml` key holds. */
export function alertmanagerYaml(s: AlertmanagerSettings): string {
  return stringify(alertmanagerConfig(s));
}
