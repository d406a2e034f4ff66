/** Secrets policies: no credential in plain text in workloads or ConfigMaps; Vault serves TLS only. */
import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType } from "@pulumi/policy";
import type { ResourceValidation } from "@pulumi/policy";
import { plaintextCredential } from "./lib/credentials";
import { containersOf, type Obj, podTemplate, RolloutType } from "./lib/k8s";
import { asArray, asRecord, asStrings, violation } from "./lib/props";
import type { PlatformResourcePolicy } from "./lib/types";

const WORKLOAD_CLASSES = [
  k8s.apps.v1.Deployment,
  k8s.apps.v1.StatefulSet,
  k8s.apps.v1.DaemonSet,
  k8s.batch.v1.Job,
  k8s.batch.v1.CronJob,
];

const REMEDY = "a Kubernetes Secret ('valueFrom.secretKeyRef') or a Vault-rendered file";

/** Literal env values of every container of a workload that are credentials. */
const workloadEnv: ResourceValidation[] = [...WORKLOAD_CLASSES, RolloutType].map((cls) =>
  validateResourceOfType(cls as typeof k8s.apps.v1.Deployment, (props, args, report) => {
    const pod = podTemplate(args.type, props as Obj);
    const containers = containersOf(pod.spec);
    if (containers.length === 0) {
      args.notApplicable(`${args.type.split(":").pop()} '${args.name}' has no pod template with containers`);
    }
    const what = `${args.type.split(":").pop()} '${args.name}'`;
    for (const { name, container } of containers) {
      for (const env of asArray(container.env).map(asRecord)) {
        const why = plaintextCredential(String(env.name), env.value);
        if (why !== undefined) {
          report(
            violation(
              `Container '${name}' of ${what} has '${String(env.name)}' in plain text (${why})`,
              `deliver 'env[${String(env.name)}]' of container '${name}' of ${what} through ${REMEDY}.`,
            ),
          );
        }
      }
    }
  }),
);

const configMapData = validateResourceOfType(k8s.core.v1.ConfigMap, (cm, args, report) => {
  for (const [key, value] of Object.entries(asRecord(cm.data))) {
    const why = plaintextCredential(key, value);
    if (why !== undefined) {
      report(
        violation(
          `ConfigMap '${args.name}' holds '${key}' in plain text (${why})`,
          `move 'data.${key}' of ConfigMap '${args.name}' to ${REMEDY}.`,
        ),
      );
    }
  }
});

export const noPlaintextCredentials: PlatformResourcePolicy = {
  name: "no-plaintext-credentials",
  description:
    "No credential sits in plain text in container env or ConfigMaps: by name (*_KEY, *_TOKEN, *_SECRET, *PASSWORD*) or shape (URL with a password, AKIA..., sk_live_..., ghp_...).",
  severity: "critical",
  enforcementLevel: "mandatory",
  category: "Infrastructure as Code",
  references: [
    "CIS Kubernetes Benchmark 5.4.1",
    "Checkov CKV_K8S_35",
    "OWASP Kubernetes Top 10 K08 (secrets management)",
  ],
  validateResource: [...workloadEnv, configMapData],
};

/** The Vault config the chart renders for the mode its values select, and the path it sits at. */
function vaultServerConfig(values: Obj): { path: string; config: unknown } | { dev: true } {
  const server = asRecord(values.server);
  if (asRecord(server.dev).enabled === true) {
    return { dev: true };
  }
  const ha = asRecord(server.ha);
  if (ha.enabled === true) {
    return asRecord(ha.raft).enabled === true
      ? { path: "server.ha.raft.config", config: asRecord(ha.raft).config }
      : { path: "server.ha.config", config: ha.config };
  }
  return { path: "server.standalone.config", config: asRecord(server.standalone).config };
}

/** Whether a Vault config (HCL text, or the JSON form as an object or string) turns TLS off. */
export function disablesTls(config: unknown): boolean {
  const text = typeof config === "string" ? config : JSON.stringify(config);
  // Comments (`#` or `//` to the end of the line) say nothing.
  const code = text.replace(/(^|\s)(#|\/\/).*$/gm, "$1");
  return /"?\btls_disable"?\s*[=:]\s*"?(true|1)"?/i.test(code);
}

export const vaultListenerTls: PlatformResourcePolicy = {
  name: "vault-listener-tls",
  description:
    "Vault Helm releases serve TLS: global.tlsDisable is false and the server's listener config has no tls_disable.",
  severity: "critical",
  enforcementLevel: "mandatory",
  category: "Network Security",
  references: [
    "HashiCorp Vault Production Hardening: end-to-end TLS",
    "Vault Helm chart: global.tlsDisable",
    "CIS Kubernetes Benchmark 5.4 (secrets in transit)",
  ],
  configSchema: {
    properties: {
      charts: {
        type: "array",
        items: { type: "string", minLength: 1 },
        default: ["vault"],
        description: "Chart names that deploy a Vault server.",
      },
    },
  },
  validateResource: validateResourceOfType(k8s.helm.v3.Release, (release, args, report) => {
    const { charts } = args.getConfig<{ charts: string[] }>();
    const chart = String(release.chart ?? "")
      .split("/")
      .pop();
    if (!asStrings(charts).includes(chart ?? "")) {
      args.notApplicable(`Helm release '${args.name}' does not deploy a Vault server`);
    }
    const values = asRecord(release.values);
    if (asRecord(values.global).tlsDisable !== false) {
      report(
        violation(
          `Helm release '${args.name}' ${asRecord(values.global).tlsDisable === undefined ? "leaves 'global.tlsDisable' at the chart's default (true)" : "sets 'global.tlsDisable'"}, so clients reach Vault over plain HTTP`,
          `set 'values.global.tlsDisable: false' on Helm release '${args.name}' and give the listener a certificate.`,
        ),
      );
    }
    const server = vaultServerConfig(values);
    if ("dev" in server) {
      report(
        violation(
          `Helm release '${args.name}' runs Vault in dev mode (in memory, unsealed, no TLS)`,
          `set 'values.server.dev.enabled: false' on Helm release '${args.name}'.`,
        ),
      );
    } else if (server.config === undefined || server.config === "") {
      report(
        violation(
          `Helm release '${args.name}' keeps the chart's default '${server.path}', whose listener sets tls_disable`,
          `set 'values.${server.path}' on Helm release '${args.name}' to a listener with 'tls_cert_file' and 'tls_key_file'.`,
        ),
      );
    } else if (disablesTls(server.config)) {
      report(
        violation(
          `The Vault listener config of Helm release '${args.name}' ('${server.path}') sets tls_disable`,
          `remove 'tls_disable' from 'values.${server.path}' on Helm release '${args.name}' and set 'tls_cert_file' and 'tls_key_file'.`,
        ),
      );
    }
  }),
};

export const secretsPolicies = [noPlaintextCredentials, vaultListenerTls];
