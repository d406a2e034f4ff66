/**
 * The metrics stack: kube-prometheus-stack (Prometheus, Alertmanager, Grafana, kube-state-metrics,
 * node-exporter) in a `monitoring` namespace under Pod Security `restricted`, node-exporter in its
 * own `privileged` namespace (the recorded exception, decision 0101), Alertmanager's configuration
 * and Grafana's admin credential in Secrets (never in values or outputs), Alertmanager signing its
 * SNS requests through its own Pod Identity, the platform's PrometheusRules, dashboards and the
 * monitors of the platform components.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { WorkloadIdentity } from "../cluster/workload-identity";
import { alertmanagerYaml, BUILT_IN_RECEIVERS, type WebhookReceiver } from "./alertmanager-config";
import { dashboardJson, PLATFORM_DASHBOARDS } from "./dashboards";
import {
  KPS_RELEASE,
  metricsStackValues,
  type Placement,
  type Resources,
  retentionSize,
} from "./metrics-values";
import {
  createPlatformMonitors,
  platformMonitorSpecs,
  type PlatformComponentNames,
} from "./platform-monitors";
import { platformRuleGroups, type RuleScope, type SloTargets } from "./rules";

/** Namespace of the metrics stack unless `MetricsStackArgs.namespace` says otherwise. */
export const MONITORING_NAMESPACE_DEFAULT = "monitoring";
/** Namespace of the node agents (node-exporter, Fluent Bit): Pod Security `privileged` by exception. */
export const NODE_AGENTS_NAMESPACE = "node-agents";
/** Secret names and Alertmanager's ServiceAccount. */
export const ALERTMANAGER_CONFIG_SECRET = "alertmanager-platform-config";
export const ALERTMANAGER_SERVICE_ACCOUNT = "alertmanager";
export const GRAFANA_ADMIN_SECRET = "grafana-admin";

/** The alarm topics Alertmanager publishes to. */
export interface AlertTopics {
  readonly criticalTopicArn: pulumi.Input<string>;
  readonly warningTopicArn: pulumi.Input<string>;
  /** Topic the Watchdog heartbeat is published to (the dead man's switch alarm watches it). */
  readonly heartbeatTopicArn: pulumi.Input<string>;
  /** Key the topics are encrypted with: publishing needs GenerateDataKey and Decrypt on it. */
  readonly keyArn: pulumi.Input<string>;
}

export interface MetricsStackArgs {
  /** Exact version of `kube-prometheus-stack` (https://prometheus-community.github.io/helm-charts). */
  readonly chartVersion: string;
  /** EKS cluster whose Pod Identity Alertmanager uses. */
  readonly clusterName: pulumi.Input<string>;
  /** Region of the SNS topics (SigV4 signing region). */
  readonly region: string;
  /** @default `MONITORING_NAMESPACE_DEFAULT` ("monitoring") */
  readonly namespace?: string;
  /** @default `NODE_AGENTS_NAMESPACE` ("node-agents") */
  readonly nodeAgentsNamespace?: string;
  /** Prometheus scrape and rule evaluation interval, e.g. `15s`. */
  readonly scrapeInterval: string;
  readonly prometheus: {
    readonly replicas: number;
    readonly retention: string;
    readonly storageSize: string;
    readonly resources: Resources;
  };
  readonly alertmanager: {
    readonly replicas: number;
    readonly storageSize: string;
    readonly resources: Resources;
  };
  readonly grafanaResources: Resources;
  /** StorageClass of the volumes (the cluster's encrypted gp3 class). */
  readonly storageClassName: pulumi.Input<string>;
  /** Where the stack's pods run (the system nodes). */
  readonly placement: Placement;
  readonly topics: AlertTopics;
  /** Extra receivers; a URL holding a token should be a secret Input. @default none */
  readonly webhooks?: readonly {
    readonly name: string;
    readonly severity: "critical" | "warning";
    readonly url: pulumi.Input<string>;
  }[];
  /**
   * Heartbeat (dead man's switch) service pinged with the always-firing Watchdog every minute; a
   * URL holding a token should be a secret Input. @default none (the heartbeat topic's alarm still fires)
   */
  readonly heartbeatUrl?: pulumi.Input<string>;
  /** Base of the rules' `runbook_url` (the docs/runbooks/ folder, ending in `/`). */
  readonly runbookBaseUrl: string;
  readonly sloTargets?: SloTargets;
  /** Names of the platform components to scrape. */
  readonly platformComponents: PlatformComponentNames;
  /** Names the rules select on: Vault's namespace and container, the services' target label. */
  readonly ruleScope: RuleScope;
}

/** Every problem with the args, as sentences. */
export function metricsStackArgsProblems(args: MetricsStackArgs): string[] {
  const problems: string[] = [];
  if (!/^\d+\.\d+\.\d+$/.test(args.chartVersion)) {
    problems.push(
      `chartVersion: must be an exact version like 88.5.3 (received ${JSON.stringify(args.chartVersion)})`,
    );
  }
  if (retentionSize(args.prometheus.storageSize) === undefined) {
    problems.push(
      `prometheus.storageSize: must be a storage quantity like 100Gi (received ${JSON.stringify(args.prometheus.storageSize)})`,
    );
  }
  if (!args.runbookBaseUrl.endsWith("/")) {
    problems.push(`runbookBaseUrl: must end with '/' (received ${JSON.stringify(args.runbookBaseUrl)})`);
  }
  for (const w of args.webhooks ?? []) {
    if ((BUILT_IN_RECEIVERS as readonly string[]).includes(w.name)) {
      problems.push(`webhooks: '${w.name}' is a built-in receiver name; choose another`);
    }
  }
  return problems;
}

const pss = (level: string, auditWarn = level) => ({
  "pod-security.kubernetes.io/enforce": level,
  "pod-security.kubernetes.io/audit": auditWarn,
  "pod-security.kubernetes.io/warn": auditWarn,
});

/** Alertmanager may publish to the three topics and use their key, nothing else. */
function snsPublishPolicy(topics: AlertTopics): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PublishAlerts",
        Effect: "Allow",
        Action: "sns:Publish",
        Resource: [topics.criticalTopicArn, topics.warningTopicArn, topics.heartbeatTopicArn],
      },
      {
        Sid: "EncryptForTheTopics",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: topics.keyArn,
      },
    ],
  });
}

/** kube-prometheus-stack with its Secrets, identity, rules, dashboards and platform monitors. */
export class MetricsStack extends pulumi.ComponentResource {
  /** Namespace of Prometheus, Alertmanager and Grafana. */
  public readonly namespace: pulumi.Output<string>;
  /** Namespace of the node agents (Pod Security `privileged`). */
  public readonly nodeAgentsNamespace: pulumi.Output<string>;
  /** The Helm release (other components' CustomResources wait for its CRDs). */
  public readonly release: k8s.helm.v3.Release;
  /** ARN of Alertmanager's role. */
  public readonly alertmanagerRoleArn: pulumi.Output<string>;

  constructor(name: string, args: MetricsStackArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = metricsStackArgsProblems(args);
    if (problems.length > 0) {
      throw new Error(`MetricsStack '${name}' has invalid arguments:\n  - ${problems.join("\n  - ")}`);
    }
    super("platform:observability:MetricsStack", name, {}, opts);
    const child = { parent: this };
    const nsName = args.namespace ?? MONITORING_NAMESPACE_DEFAULT;
    const ns = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: nsName, labels: pss("restricted") } },
      child,
    );
    // node-exporter needs host network, host PID and hostPath: no profile below privileged admits it.
    const agents = new k8s.core.v1.Namespace(
      `${name}-node-agents-namespace`,
      {
        metadata: {
          name: args.nodeAgentsNamespace ?? NODE_AGENTS_NAMESPACE,
          labels: pss("privileged", "baseline"),
        },
      },
      child,
    );
    const inNs = { parent: this, dependsOn: [ns] };

    const password = new random.RandomPassword(
      `${name}-grafana-admin`,
      { length: 32, special: false },
      child,
    );
    const grafanaSecret = new k8s.core.v1.Secret(
      `${name}-grafana-admin`,
      {
        metadata: { name: GRAFANA_ADMIN_SECRET, namespace: nsName },
        type: "Opaque",
        stringData: { "admin-user": "admin", "admin-password": pulumi.secret(password.result) },
      },
      inNs,
    );

    const identity = new WorkloadIdentity(
      `${name}-alertmanager`,
      {
        clusterName: args.clusterName,
        namespace: nsName,
        serviceAccount: ALERTMANAGER_SERVICE_ACCOUNT,
        policyJson: snsPublishPolicy(args.topics),
      },
      child,
    );
    const amSecret = this.createAlertmanagerSecret(name, nsName, args, inNs);

    const values = pulumi.output(args.storageClassName).apply((storageClassName) =>
      metricsStackValues({
        nodeAgentsNamespace: args.nodeAgentsNamespace ?? NODE_AGENTS_NAMESPACE,
        scrapeInterval: args.scrapeInterval,
        prometheus: args.prometheus,
        alertmanager: args.alertmanager,
        grafanaResources: args.grafanaResources,
        storageClassName,
        placement: args.placement,
        alertmanagerConfigSecret: ALERTMANAGER_CONFIG_SECRET,
        alertmanagerServiceAccount: ALERTMANAGER_SERVICE_ACCOUNT,
        grafanaAdminSecret: GRAFANA_ADMIN_SECRET,
      }),
    );
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: KPS_RELEASE,
        chart: "kube-prometheus-stack",
        version: args.chartVersion,
        repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
        namespace: nsName,
        createNamespace: false,
        values,
        maxHistory: 10,
      },
      // Alertmanager's pods start with their credentials and configuration in place.
      { parent: this, dependsOn: [ns, agents, grafanaSecret, amSecret, identity] },
    );

    const afterCrds = { parent: this, dependsOn: [this.release] };
    new k8s.apiextensions.CustomResource(
      `${name}-rules`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: {
          name: "platform-rules",
          namespace: nsName,
          labels: { "app.kubernetes.io/part-of": "platform" },
        },
        spec: { groups: platformRuleGroups(args.runbookBaseUrl, args.ruleScope, args.sloTargets) },
      },
      afterCrds,
    );
    for (const d of PLATFORM_DASHBOARDS) {
      new k8s.core.v1.ConfigMap(
        `${name}-dashboard-${d.uid}`,
        {
          metadata: { name: `dashboard-${d.uid}`, namespace: nsName, labels: { grafana_dashboard: "1" } },
          data: { [`${d.uid}.json`]: dashboardJson(d) },
        },
        inNs,
      );
    }
    createPlatformMonitors(name, platformMonitorSpecs(args.platformComponents), this, [this.release]);

    this.namespace = ns.metadata.name;
    this.nodeAgentsNamespace = agents.metadata.name;
    this.alertmanagerRoleArn = identity.roleArn;
    this.registerOutputs({
      namespace: this.namespace,
      nodeAgentsNamespace: this.nodeAgentsNamespace,
      alertmanagerRoleArn: this.alertmanagerRoleArn,
    });
  }

  /** `alertmanager.yaml` in a Secret: the topic ARNs and any webhook URL (which may hold a token). */
  private createAlertmanagerSecret(
    name: string,
    namespace: string,
    args: MetricsStackArgs,
    opts: pulumi.CustomResourceOptions,
  ): k8s.core.v1.Secret {
    const webhooks = pulumi
      .all((args.webhooks ?? []).map((w) => pulumi.all([w.name, w.severity, w.url])))
      .apply((list) => list.map(([n, severity, url]): WebhookReceiver => ({ name: n, severity, url })));
    const t = args.topics;
    const yaml = pulumi
      .all([t.criticalTopicArn, t.warningTopicArn, t.heartbeatTopicArn, webhooks, args.heartbeatUrl])
      .apply(([criticalTopicArn, warningTopicArn, heartbeatTopicArn, hooks, heartbeatUrl]) =>
        alertmanagerYaml({
          region: args.region,
          criticalTopicArn,
          warningTopicArn,
          heartbeatTopicArn,
          webhooks: hooks,
          heartbeatUrl,
        }),
      );
    return new k8s.core.v1.Secret(
      `${name}-alertmanager-config`,
      {
        metadata: { name: ALERTMANAGER_CONFIG_SECRET, namespace },
        type: "Opaque",
        stringData: { "alertmanager.yaml": pulumi.secret(yaml) },
      },
      opts,
    );
  }
}
