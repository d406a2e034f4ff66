/**
 * Platform conventions a {@link PlatformService} follows: where metrics are scraped from, which
 * IngressClass exposes it, how it reaches Vault, which names a service may not take. Each is an
 * argument whose default is this platform's value (`components/shared/workload-defaults.ts`,
 * `components/shared/vault-names.ts`), so the component works unchanged on another platform that
 * passes its own (decision 0060).
 */
import {
  INGRESS_CLASS,
  MONITORING_NAMESPACE,
  PLATFORM_VAULT_CONNECTION,
  PROMETHEUS_ADDRESS,
} from "../shared/workload-defaults";
import { RESERVED_NAMES } from "./declaration";
import { DNS_LABEL, DNS_SUBDOMAIN, validLabels } from "./kubernetes-names";
import { kvMountProblem } from "./vault-rules";

/**
 * How a service that declares `vault` reaches the platform's Vault. Each value must match the Vault
 * installation (for this platform, the `Vault` component of components/secrets).
 */
export interface VaultConnection {
  /**
   * Address the Vault agent talks to; the egress policy opens its port (443 when it names none).
   * @default `VAULT_ADDRESS` ("https://vault.vault.svc:8200")
   */
  readonly address?: string;
  /** Namespace of the Vault server pods, the egress policy's destination. @default `VAULT_NAMESPACE` ("vault") */
  readonly namespace?: string;
  /**
   * Labels of the Vault server pods: the only pods of that namespace the egress policy admits.
   * @default `SERVER_POD_LABELS` (the Vault chart's: app.kubernetes.io/name=vault, app.kubernetes.io/instance=vault, component=server)
   */
  readonly serverPodLabels?: Readonly<Record<string, string>>;
  /**
   * cert-manager ClusterIssuer of Vault's private CA: a certificate from it brings `ca.crt` into the
   * service's namespace for the agent to trust. @default `VAULT_CA_ISSUER` ("vault-ca")
   */
  readonly caIssuer?: string;
  /** KV v2 mount holding the services' secrets (`<kvMount>/<service>/...`). @default `KV_MOUNT` ("platform") */
  readonly kvMount?: string;
  /**
   * Audience of the projected token the agent logs in with; Vault's Kubernetes auth roles must expect it.
   * @default `VAULT_TOKEN_AUDIENCE` ("vault")
   */
  readonly tokenAudience?: string;
}

/** The conventions as component arguments; every one optional. */
export interface WorkloadConventions {
  /**
   * Namespace of the Prometheus that scrapes services: the only namespace the metrics port admits.
   * @default `MONITORING_NAMESPACE` ("monitoring")
   */
  readonly monitoringNamespace?: string;
  /**
   * IngressClass of an AWS Load Balancer Controller (the Ingress carries ALB annotations).
   * @default `INGRESS_CLASS` ("alb")
   */
  readonly ingressClassName?: string;
  /** How the service reaches Vault when it declares `vault`. @default this platform's Vault (see {@link VaultConnection}) */
  readonly vaultConnection?: VaultConnection;
  /**
   * Namespaces of the cluster and the platform a service may not take as its name (`kube-*` is
   * always refused). Include the monitoring and Vault namespaces when you change those.
   * @default `RESERVED_NAMES` (default, monitoring, vault, external-secrets, cert-manager)
   */
  readonly reservedNamespaces?: readonly string[];
  /**
   * The platform's trace gateway: the service gets `OTEL_EXPORTER_OTLP_ENDPOINT` and an egress
   * policy to it (components/workloads/observability.ts).
   * @default none: no tracing environment, no egress to a collector
   */
  readonly tracing?: TraceGateway;
  /**
   * Prometheus the canary analysis queries (from the Argo Rollouts controller), `http://host:port`.
   * @default `PROMETHEUS_ADDRESS` ("http://kps-prometheus.monitoring.svc:9090")
   */
  readonly prometheusAddress?: string;
}

/** Where services send their traces (OTLP). */
export interface TraceGateway {
  /** OTLP endpoint, e.g. `http://otel-collector.tracing.svc:4317`. */
  readonly endpoint: string;
  /** Namespace of the collector pods. */
  readonly namespace: string;
  /** Labels of the collector pods (the egress policy's destination). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** TCP port the endpoint names. */
  readonly port: number;
}

/** {@link VaultConnection} with every default applied, plus the port taken from the address. */
export type ResolvedVaultConnection = Required<VaultConnection> & { readonly port: number };

/** {@link WorkloadConventions} with every default applied. */
export interface ResolvedConventions {
  readonly monitoringNamespace: string;
  readonly ingressClassName: string;
  readonly vault: ResolvedVaultConnection;
  readonly reservedNamespaces: readonly string[];
  readonly tracing: TraceGateway | undefined;
  readonly prometheusAddress: string;
}

/** The port of an `https://` address (443 when it names none), or undefined when it is not one. */
function httpsPort(address: string): number | undefined {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return undefined;
  }
  const bare = url.pathname === "/" && !url.search && !url.hash && !url.username;
  return url.protocol === "https:" && url.hostname !== "" && bare ? Number(url.port || 443) : undefined;
}

/** This platform's Vault, as the Vault component installs it. */
export const DEFAULT_VAULT_CONNECTION: ResolvedVaultConnection = {
  ...PLATFORM_VAULT_CONNECTION,
  port: httpsPort(PLATFORM_VAULT_CONNECTION.address)!,
};

/** The conventions with every default applied (`??`, so only a left-out value takes the default). */
export function resolveConventions(c: WorkloadConventions): ResolvedConventions {
  const v = c.vaultConnection ?? {};
  const d = DEFAULT_VAULT_CONNECTION;
  const address = v.address ?? d.address;
  return {
    monitoringNamespace: c.monitoringNamespace ?? MONITORING_NAMESPACE,
    ingressClassName: c.ingressClassName ?? INGRESS_CLASS,
    reservedNamespaces: c.reservedNamespaces ?? RESERVED_NAMES,
    tracing: c.tracing,
    prometheusAddress: c.prometheusAddress ?? PROMETHEUS_ADDRESS,
    vault: {
      address,
      namespace: v.namespace ?? d.namespace,
      serverPodLabels: v.serverPodLabels ?? d.serverPodLabels,
      caIssuer: v.caIssuer ?? d.caIssuer,
      kvMount: v.kvMount ?? d.kvMount,
      tokenAudience: v.tokenAudience ?? d.tokenAudience,
      port: httpsPort(address) ?? d.port,
    },
  };
}

/** Every problem with the conventions given, as sentences (`key: what is wrong (received ...)`). */
export function conventionProblems(c: WorkloadConventions): string[] {
  const problems: string[] = [];
  const check = (key: string, value: unknown, ok: boolean, message: string) => {
    if (!ok) {
      problems.push(`${key}: ${message} (received ${JSON.stringify(value)})`);
    }
  };
  const namespace = "must be a namespace name: lowercase letters, digits and '-', at most 63 characters";
  if (c.monitoringNamespace !== undefined) {
    check("monitoringNamespace", c.monitoringNamespace, DNS_LABEL.test(c.monitoringNamespace), namespace);
  }
  if (c.ingressClassName !== undefined) {
    check(
      "ingressClassName",
      c.ingressClassName,
      DNS_SUBDOMAIN.test(c.ingressClassName),
      "must be an IngressClass name: lowercase letters, digits, '-' and '.'",
    );
  }
  c.reservedNamespaces?.forEach((name, i) => {
    check(`reservedNamespaces[${i}]`, name, DNS_LABEL.test(name), namespace);
  });
  if (c.prometheusAddress !== undefined) {
    check(
      "prometheusAddress",
      c.prometheusAddress,
      /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/.test(c.prometheusAddress),
      "must be an http(s):// address with no path, e.g. http://kps-prometheus.monitoring.svc:9090",
    );
  }
  const v = c.vaultConnection ?? {};
  if (v.address !== undefined) {
    check(
      "vaultConnection.address",
      v.address,
      httpsPort(v.address) !== undefined,
      "must be an https:// address with no path, e.g. https://vault.vault.svc:8200",
    );
  }
  if (v.namespace !== undefined) {
    check("vaultConnection.namespace", v.namespace, DNS_LABEL.test(v.namespace), namespace);
  }
  if (v.serverPodLabels !== undefined) {
    check(
      "vaultConnection.serverPodLabels",
      v.serverPodLabels,
      Object.keys(v.serverPodLabels).length > 0 && validLabels(v.serverPodLabels),
      "must be at least one valid label selecting the Vault server pods (an empty selector admits every pod of the namespace)",
    );
  }
  if (v.caIssuer !== undefined) {
    check(
      "vaultConnection.caIssuer",
      v.caIssuer,
      DNS_SUBDOMAIN.test(v.caIssuer),
      "must be a ClusterIssuer name: lowercase letters, digits, '-' and '.'",
    );
  }
  if (v.kvMount !== undefined) {
    const message = kvMountProblem(v.kvMount);
    check("vaultConnection.kvMount", v.kvMount, message === undefined, message ?? "");
  }
  if (v.tokenAudience !== undefined) {
    check(
      "vaultConnection.tokenAudience",
      v.tokenAudience,
      /^\S+$/.test(v.tokenAudience),
      "must be a non-empty audience without spaces, the one Vault's Kubernetes auth roles expect",
    );
  }
  return problems;
}
