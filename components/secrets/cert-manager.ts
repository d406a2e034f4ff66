/**
 * cert-manager from its official chart: issues and renews in-cluster TLS certificates (Vault's
 * listener first). Installed with its CRDs by a `helm.v3.Release`; the components that create
 * Issuers and Certificates depend on this component so the CRDs exist first.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "./security-context";
import type { Toleration } from "./types";

/** Namespace cert-manager is installed in unless `CertManagerArgs.namespace` says otherwise. */
export const CERT_MANAGER_NAMESPACE = "cert-manager";

export interface CertManagerArgs {
  /** Exact version of the `cert-manager` chart from https://charts.jetstack.io, e.g. `v1.18.2`. Required. */
  readonly chartVersion: string;
  /**
   * Replicas of the controller, webhook and CA injector.
   * @default 2 (one may be drained at a time)
   */
  readonly replicas?: number;
  /**
   * Node selector of all cert-manager pods (e.g. the system node group's label).
   * @default none: any schedulable node
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * Tolerations of all cert-manager pods (e.g. `CriticalAddonsOnly`).
   * @default none
   */
  readonly tolerations?: readonly Toleration[];
  /**
   * Namespace to install cert-manager into (created by the component, PSS restricted). Components
   * that keep a CA key pair for a ClusterIssuer (Vault's `certManagerNamespace`) must name the same.
   * @default "cert-manager"
   */
  readonly namespace?: string;
}

/** Every problem with the args, as sentences; empty when valid. */
export function validateCertManagerArgs(args: CertManagerArgs): string[] {
  const problems: string[] = [];
  if (!/^v\d+\.\d+\.\d+$/.test(args.chartVersion)) {
    problems.push(`chartVersion '${args.chartVersion}' must be an exact chart version like v1.18.2`);
  }
  const replicas = args.replicas ?? 2;
  if (!Number.isInteger(replicas) || replicas < 1) {
    problems.push(`replicas ${replicas} must be an integer of at least 1`);
  }
  const namespace = args.namespace ?? CERT_MANAGER_NAMESPACE;
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
    problems.push(
      `namespace '${namespace}' must be a DNS-1123 label (lowercase letters, digits, '-', at most 63 characters)`,
    );
  }
  return problems;
}

/**
 * Requests and limits of cert-manager's containers (the chart sets none; the admission guardrails
 * refuse a container without them, docs/decisions/0132). Sized from the project's own defaults for
 * a cluster with a handful of certificates.
 */
export const CERT_MANAGER_RESOURCES = {
  controller: { requests: { cpu: "10m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
  webhook: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
  cainjector: { requests: { cpu: "10m", memory: "64Mi" }, limits: { cpu: "100m", memory: "256Mi" } },
  startupapicheck: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
} as const;

/** Helm values: restricted security contexts and resources everywhere, CRDs installed and kept on uninstall. */
export function certManagerHelmValues(args: CertManagerArgs): Record<string, unknown> {
  const replicas = args.replicas ?? 2;
  const placement = {
    replicaCount: replicas,
    nodeSelector: { ...(args.nodeSelector ?? {}) },
    tolerations: (args.tolerations ?? []).map((t) => ({ ...t })),
    podDisruptionBudget: { enabled: replicas > 1, maxUnavailable: 1 },
    securityContext: restrictedPodSecurityContext(1000, 1000),
    containerSecurityContext: restrictedContainerSecurityContext(),
  };
  return {
    crds: { enabled: true, keep: true },
    ...placement,
    resources: CERT_MANAGER_RESOURCES.controller,
    webhook: { ...placement, resources: CERT_MANAGER_RESOURCES.webhook },
    cainjector: { ...placement, resources: CERT_MANAGER_RESOURCES.cainjector },
    startupapicheck: {
      resources: CERT_MANAGER_RESOURCES.startupapicheck,
      securityContext: restrictedPodSecurityContext(1000, 1000),
      containerSecurityContext: restrictedContainerSecurityContext(),
      nodeSelector: placement.nodeSelector,
      tolerations: placement.tolerations,
    },
    prometheus: { enabled: true },
  };
}

/** cert-manager in its own namespace (PSS restricted). Kubernetes provider from `opts`. */
export class CertManager extends pulumi.ComponentResource {
  /** The Helm release; depend on it before creating Issuers or Certificates. */
  public readonly release: k8s.helm.v3.Release;
  public readonly namespace: pulumi.Output<string>;

  constructor(name: string, args: CertManagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:secrets:CertManager", name, {}, opts);
    const problems = validateCertManagerArgs(args);
    if (problems.length > 0) {
      throw new Error(`CertManager '${name}' has invalid arguments:\n  - ${problems.join("\n  - ")}`);
    }
    const pss = { enforce: "restricted", audit: "restricted", warn: "restricted" };
    const ns = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: args.namespace ?? CERT_MANAGER_NAMESPACE,
          labels: Object.fromEntries(
            Object.entries(pss).map(([mode, level]) => [`pod-security.kubernetes.io/${mode}`, level]),
          ),
        },
      },
      { parent: this },
    );
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: "cert-manager",
        chart: "cert-manager",
        version: args.chartVersion,
        repositoryOpts: { repo: "https://charts.jetstack.io" },
        namespace: ns.metadata.name,
        createNamespace: false,
        values: certManagerHelmValues(args),
        maxHistory: 10,
      },
      { parent: this },
    );
    this.namespace = ns.metadata.name;
    this.registerOutputs({ namespace: this.namespace });
  }
}
