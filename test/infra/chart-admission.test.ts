/**
 * The platform's own Helm releases against the admission guardrails (docs/decisions/0127): the
 * policy pack cannot see chart-rendered pods, so this holds every container each chart renders, in a
 * namespace the stack does not exempt, to the guardrails' rules — requests and limits of CPU and
 * memory (at the values path the program sets), an image from an allowed prefix, pinned.
 *
 * The tables were read from each chart's values.yaml and templates at the pinned tag. A chart bump
 * fails the version test until the table is checked again at the new tag.
 */
import { POD_RULES } from "../../components/admission/rules";
import { ROLLOUTS_NAMESPACE, rolloutsValues } from "../../components/delivery/rollouts-controller";
import { metricsStackValues } from "../../components/observability/metrics-values";
import { collectorValues, TRACING_NAMESPACE } from "../../components/observability/tracing";
import { CERT_MANAGER_NAMESPACE, certManagerHelmValues } from "../../components/secrets/cert-manager";
import { vaultHelmValues } from "../../components/secrets/vault-helm-values";
import { MONITORING_NAMESPACE } from "../../components/shared/workload-defaults";
import { VAULT_NAMESPACE } from "../../components/shared/vault-names";
import { ALB_CONTROLLER_NAMESPACE } from "../../components/workloads/ingress-controller";
import { parseConfig, type PlatformConfig } from "../../infra/config";
import { readStackFiles } from "../../tools/offline/stack-files";
import { PROJECT_DIR } from "../../tools/offline/preview-stack";

/** One container a chart renders: its image as rendered, and where its resources come from. */
interface ChartContainer {
  /** `<workload>/<container>` as the chart names them. */
  readonly container: string;
  readonly image: string;
  /** Values path of its `resources` (undefined: the chart's own defaults, noted in `note`). */
  readonly resources?: readonly string[];
  readonly note?: string;
}

/** A release the program installs, and what was verified at which tag. */
interface ChartTable {
  readonly chart: string;
  /** The version the table was verified at, and the files read. */
  readonly version: string;
  readonly read: string;
  readonly namespace: string;
  readonly configuredVersion: string;
  /** The program's values for the release ({} where the namespace is exempt and nothing was checked). */
  readonly values: Record<string, unknown>;
  readonly containers: readonly ChartContainer[];
  /** Why the release is not checked (its namespace must then be exempt). */
  readonly exemptBecause?: string;
}

const STACKS = ["dev", "staging", "production"];
const configOf = (stack: string): PlatformConfig =>
  parseConfig({ ...readStackFiles(PROJECT_DIR, stack).config }, "platform", stack);

const PLACEMENT = {
  nodeSelector: { "platform.example/pool": "system" },
  tolerations: [{ key: "system", operator: "Equal" as const, value: "true", effect: "NoSchedule" as const }],
};

/** Every Helm release the program installs, with the program's values for the stack. */
function charts(c: PlatformConfig): ChartTable[] {
  const o = c.observability;
  const v = c.vault;
  const kps = metricsStackValues({
    nodeAgentsNamespace: o.nodeAgentsNamespace,
    scrapeInterval: o.scrapeInterval,
    prometheus: o.prometheus,
    alertmanager: o.alertmanager,
    grafanaResources: o.grafana.resources,
    storageClassName: "gp3",
    placement: PLACEMENT,
    alertmanagerConfigSecret: "alertmanager-config",
    alertmanagerServiceAccount: "alertmanager",
    grafanaAdminSecret: "grafana-admin",
  });
  const vault = vaultHelmValues({
    namespace: VAULT_NAMESPACE,
    region: c.region,
    kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/00000000-0000-0000-0000-000000000000",
    storageClassName: "gp3",
    storageSize: v.storageSize,
    replicas: v.replicas,
    injectorReplicas: v.injectorReplicas ?? 1,
    vaultImageTag: v.images.vault,
    injectorImageTag: v.images.injector,
    resources: v.resources,
    ...PLACEMENT,
    injectNamespaces: ["services"],
  });
  const kpsRead = "charts/kube-prometheus-stack/{values.yaml,templates/prometheus-operator/**}";
  const clusterChart = (chart: string, version: string): ChartTable => ({
    chart,
    version,
    read: "-",
    namespace: "kube-system",
    configuredVersion: version,
    values: {},
    containers: [],
    exemptBecause: "kube-system: node and AWS controllers (system namespace)",
  });
  return [
    {
      chart: "kube-prometheus-stack",
      version: "88.5.3",
      read: `tag kube-prometheus-stack-88.5.3: ${kpsRead}; grafana-12.11.1 (grafana-community/helm-charts) charts/grafana/{values.yaml,templates/_pod.tpl}; kube-state-metrics-8.4.0`,
      namespace: MONITORING_NAMESPACE,
      configuredVersion: o.charts.kubePrometheusStack,
      values: kps,
      containers: [
        {
          container: "kps-operator/kube-prometheus-stack",
          image: "quay.io/prometheus-operator/prometheus-operator:v0.93.1",
          resources: ["prometheusOperator", "resources"],
        },
        {
          container: "kps-admission-create,kps-admission-patch (hook Jobs)/create,patch",
          image: "ghcr.io/jkroepke/kube-webhook-certgen:1.8.7",
          resources: ["prometheusOperator", "admissionWebhooks", "patch", "resources"],
          note: "service account kps-admission (created by the chart)",
        },
        {
          container: "prometheus-kps-prometheus/prometheus",
          image: "quay.io/prometheus/prometheus:v3.14.0-distroless",
          resources: ["prometheus", "prometheusSpec", "resources"],
        },
        {
          container:
            "prometheus-kps-prometheus,alertmanager-kps-alertmanager/config-reloader,init-config-reloader",
          image: "quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1",
          resources: ["prometheusOperator", "prometheusConfigReloader", "resources"],
          note: "the operator's --config-reloader-{cpu,memory}-{request,limit} flags (0: none)",
        },
        {
          container: "alertmanager-kps-alertmanager/alertmanager",
          image: "quay.io/prometheus/alertmanager:v0.34.0",
          resources: ["alertmanager", "alertmanagerSpec", "resources"],
        },
        {
          container: "kps-grafana/grafana",
          image: "docker.io/grafana/grafana:13.2.0",
          resources: ["grafana", "resources"],
        },
        {
          container: "kps-grafana/grafana-sc-dashboard,grafana-sc-datasources",
          image: "quay.io/kiwigrid/k8s-sidecar:2.10.1",
          resources: ["grafana", "sidecar", "resources"],
          note: "init-chown-data (persistence off) and download-dashboards (no dashboards in values) are not rendered",
        },
        {
          container: "kps-kube-state-metrics/kube-state-metrics",
          image: "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0",
          resources: ["kube-state-metrics", "resources"],
          note: "kubeRBACProxy disabled by default",
        },
      ],
    },
    {
      chart: "prometheus-node-exporter (kube-prometheus-stack subchart)",
      version: "4.56.1",
      read: "kube-prometheus-stack-88.5.3 Chart.yaml",
      namespace: o.nodeAgentsNamespace,
      configuredVersion: "4.56.1",
      values: {},
      containers: [],
      exemptBecause: "host network, host PID, hostPath: Pod Security privileged (decision 0101)",
    },
    {
      chart: "fluent-bit",
      version: "0.58.1",
      read: "-",
      namespace: o.nodeAgentsNamespace,
      configuredVersion: o.charts.fluentBit,
      values: {},
      containers: [],
      exemptBecause: "reads the nodes' /var/log through hostPath: Pod Security privileged (decision 0101)",
    },
    {
      chart: "opentelemetry-collector",
      version: "0.170.0",
      read: "tag opentelemetry-collector-0.170.0: charts/opentelemetry-collector/{values.yaml,Chart.yaml,templates/_pod.tpl}",
      namespace: TRACING_NAMESPACE,
      configuredVersion: o.charts.openTelemetryCollector,
      values: collectorValues({
        region: c.region,
        replicas: o.collector.replicas,
        resources: o.collector.resources,
        placement: PLACEMENT,
      }),
      containers: [
        {
          container: "otel-collector/opentelemetry-collector",
          image: "otel/opentelemetry-collector-contrib:0.158.0",
          resources: ["resources"],
        },
      ],
    },
    {
      chart: "argo-rollouts",
      version: "2.41.0",
      read: "tag argo-rollouts-2.41.0 (argoproj/argo-helm): charts/argo-rollouts/{values.yaml,Chart.yaml,templates/controller/deployment.yaml}",
      namespace: ROLLOUTS_NAMESPACE,
      configuredVersion: c.services.rollouts.chartVersion,
      values: rolloutsValues({
        chartVersion: c.services.rollouts.chartVersion,
        replicas: c.services.rollouts.replicas,
        nodeSelector: PLACEMENT.nodeSelector,
        tolerations: PLACEMENT.tolerations,
        runbookBaseUrl: c.observability.runbookBaseUrl,
      }),
      containers: [
        {
          container: "argo-rollouts/argo-rollouts",
          image: "quay.io/argoproj/argo-rollouts:v1.9.0",
          resources: ["controller", "resources"],
        },
      ],
    },
    {
      chart: "vault",
      version: "0.32.0",
      read: "tag v0.32.0 (hashicorp/vault-helm): values.yaml, templates/{server-statefulset,injector-deployment}.yaml, _helpers.tpl",
      namespace: VAULT_NAMESPACE,
      configuredVersion: v.chartVersion,
      values: vault,
      containers: [
        {
          container: "vault/vault",
          image: `hashicorp/vault:${v.images.vault}`,
          resources: ["server", "resources"],
        },
        {
          container: "vault/tls-reloader",
          image: `hashicorp/vault:${v.images.vault}`,
          resources: ["server", "extraContainers", "0", "resources"],
        },
        {
          container: "vault-agent-injector/sidecar-injector",
          image: `hashicorp/vault-k8s:${v.images.injector}`,
          resources: ["injector", "resources"],
        },
        {
          container: "(injected into clients) vault-agent,vault-agent-init",
          image: `hashicorp/vault:${v.images.vault}`,
          note: "chart default injector.agentDefaults: 250m/64Mi requests, 500m/128Mi limits",
        },
      ],
    },
    {
      chart: "cert-manager",
      version: "v1.18.2",
      read: "tag v1.18.2 (cert-manager/cert-manager): deploy/charts/cert-manager/{values.yaml,templates/_helpers.tpl}",
      namespace: CERT_MANAGER_NAMESPACE,
      configuredVersion: v.certManagerChartVersion,
      values: certManagerHelmValues({ chartVersion: v.certManagerChartVersion }),
      containers: ["controller", "webhook", "cainjector", "startupapicheck"].map((part) => ({
        container: `cert-manager-${part}/cert-manager-${part}`,
        image: `quay.io/jetstack/cert-manager-${part}:v1.18.2`,
        resources: part === "controller" ? ["resources"] : [part, "resources"],
      })),
    },
    clusterChart("aws-load-balancer-controller", "-"),
    clusterChart("cluster-autoscaler", "-"),
    clusterChart("metrics-server", "-"),
    clusterChart("nvidia-device-plugin", "-"),
  ];
}

function at(values: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined,
    values,
  );
}

/** What the guardrails would refuse in the release's containers, as sentences; empty when admitted. */
function chartViolations(table: ChartTable, allowedPrefixes: readonly string[]): string[] {
  const problems: string[] = [];
  const pinned = /@sha256:[0-9a-f]{64}$|:[^:/]+$/;
  for (const c of table.containers) {
    if (!allowedPrefixes.some((p) => c.image.startsWith(p))) {
      problems.push(`${c.container}: image ${c.image} is from no allowed prefix`);
    }
    if (!pinned.test(c.image) || c.image.endsWith(":latest")) {
      problems.push(`${c.container}: image ${c.image} is not pinned`);
    }
    if (c.resources !== undefined) {
      const r = at(table.values, c.resources) as
        { requests?: Record<string, unknown>; limits?: Record<string, unknown> } | undefined;
      const missing = ["requests", "limits"].flatMap((kind) =>
        ["cpu", "memory"]
          .filter((res) => at(r, [kind, res]) === undefined || at(r, [kind, res]) === "")
          .map((res) => `${kind}.${res}`),
      );
      if (missing.length > 0) {
        problems.push(`${c.container}: ${c.resources.join(".")} lacks ${missing.join(", ")}`);
      }
    }
  }
  return problems;
}

describe.each(STACKS)("%s: the platform's charts pass the admission guardrails", (stack) => {
  const config = configOf(stack);
  const exempt = config.admission.exemptNamespaces;
  const prefixes = [...config.admission.allowedImagePrefixes, ...config.registry.allowedImagePrefixes];
  const tables = charts(config);

  test("the tables were verified at the versions the stack pins", () => {
    for (const t of tables.filter((t) => t.exemptBecause === undefined)) {
      expect(`${t.chart} ${t.configuredVersion}`).toBe(`${t.chart} ${t.version}`);
    }
  });

  test("releases not checked run in exempt namespaces", () => {
    for (const t of tables.filter((t) => t.exemptBecause !== undefined)) {
      expect(`${t.chart} in ${t.namespace}: ${exempt.includes(t.namespace)}`).toBe(
        `${t.chart} in ${t.namespace}: true`,
      );
    }
    expect(ALB_CONTROLLER_NAMESPACE).toBe("kube-system");
  });

  test.each(tables.filter((t) => t.exemptBecause === undefined).map((t) => [t.chart, t] as const))(
    "%s: every container has requests and limits, an allowed and pinned image",
    (_chart, table) => {
      expect(exempt).not.toContain(table.namespace);
      expect(chartViolations(table, prefixes)).toEqual([]);
    },
  );
});

describe("chartViolations", () => {
  const config = configOf("production");
  const prefixes = config.admission.allowedImagePrefixes;
  const kps = charts(config)[0];

  test("the guardrails check the rules the tables check", () => {
    expect(POD_RULES.map((r) => r.id)).toEqual([
      "image-registry",
      "image-pinned",
      "resources-set",
      "service-account",
    ]);
  });

  test("a container whose values path leaves out limits is reported", () => {
    const values = structuredClone(kps.values) as { prometheusOperator: Record<string, unknown> };
    values.prometheusOperator.prometheusConfigReloader = {
      resources: { requests: { cpu: "10m", memory: "64Mi" } },
    };
    expect(chartViolations({ ...kps, values }, prefixes)).toEqual([
      "prometheus-kps-prometheus,alertmanager-kps-alertmanager/config-reloader,init-config-reloader: prometheusOperator.prometheusConfigReloader.resources lacks limits.cpu, limits.memory",
    ]);
  });

  test("an image outside the prefixes, or unpinned, is reported", () => {
    const containers = [{ container: "x/y", image: "docker.io/busybox:latest" }];
    expect(chartViolations({ ...kps, containers }, prefixes)).toEqual([
      "x/y: image docker.io/busybox:latest is from no allowed prefix",
      "x/y: image docker.io/busybox:latest is not pinned",
    ]);
  });
});
