/**
 * The service's network isolation: deny everything, then admit exactly what the declaration needs.
 * In: the load balancer's subnets to the http port when exposed, the monitoring namespace to the
 * metrics port, each declared caller to the http port. Out: DNS, the data subnets on the database
 * ports, each callee's http port, the Pod Identity agent, the Vault server pods, the API server and
 * public HTTPS, each only when declared.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ServiceScope } from "./scope";

/**
 * Link-local address of the EKS Pod Identity agent (a hostNetwork DaemonSet on every node). Pods with
 * an AWS role fetch their credentials from it on TCP 80; the default-deny egress policy would block it.
 */
export const POD_IDENTITY_AGENT_CIDR = "169.254.170.23/32";
/** Private IPv4 ranges (RFC 1918): never reached by the internet egress rule. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;

type PolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

const tcp = (port: pulumi.Input<number>) => ({ protocol: "TCP", port });
const cidrPeers = (cidrs: readonly string[]) => cidrs.map((cidr) => ({ ipBlock: { cidr } }));
const namespacePeer = (ns: string, pods?: Readonly<Record<string, string>>) => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
  ...(pods ? { podSelector: { matchLabels: { ...pods } } } : {}),
});

/** One NetworkPolicy of the service: child `${name}-${key}`, object `objectName`. */
function policy(s: ServiceScope, key: string, objectName: string, spec: PolicySpec): void {
  new k8s.networking.v1.NetworkPolicy(`${s.name}-${key}`, { metadata: s.meta(objectName), spec }, s.child);
}

/** Every policy of the service; `awsIdentity` when the pods fetch AWS credentials from the Pod Identity agent. */
export function createNetworkPolicies(s: ServiceScope, options: { readonly awsIdentity: boolean }): void {
  policy(s, "deny-all", "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  policy(s, "allow-dns", "allow-dns", {
    podSelector: {},
    policyTypes: ["Egress"],
    egress: [
      {
        to: [namespacePeer("kube-system", { "k8s-app": "kube-dns" })],
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
    ],
  });
  createIngressPolicies(s);
  createEgressPolicies(s, options.awsIdentity);
}

/** Who may call the service: the load balancer, the monitoring namespace, declared callers. */
function createIngressPolicies(s: ServiceScope): void {
  const { args } = s;
  const admit = (key: string, objectName: string, ingress: PolicySpec["ingress"]) =>
    policy(s, key, objectName, {
      podSelector: { matchLabels: s.selector },
      policyTypes: ["Ingress"],
      ingress,
    });
  if (args.expose) {
    const sources = args.expose.scheme === "internet-facing" ? args.publicCidrs : (args.internalCidrs ?? []);
    admit("allow-load-balancer", "allow-from-load-balancer", [
      { from: cidrPeers(sources), ports: [tcp(args.ports.http)] },
    ]);
  }
  if (args.ports.metrics !== undefined) {
    admit("allow-metrics", "allow-metrics-scrape", [
      { from: [namespacePeer(s.conventions.monitoringNamespace)], ports: [tcp(args.ports.metrics)] },
    ]);
  }
  for (const caller of [...new Set(args.callers ?? [])].sort()) {
    admit(`from-${caller}`, `allow-from-${caller}`, [
      {
        from: [namespacePeer(caller, { "app.kubernetes.io/name": caller })],
        ports: [tcp(args.ports.http)],
      },
    ]);
  }
}

/** Whom the service may call: its dependencies, its AWS credentials, Vault, the API server, the internet. */
function createEgressPolicies(s: ServiceScope, awsIdentity: boolean): void {
  const { args } = s;
  const allow = (key: string, objectName: string, egress: PolicySpec["egress"]) =>
    policy(s, key, objectName, {
      podSelector: { matchLabels: s.selector },
      policyTypes: ["Egress"],
      egress,
    });
  const dataPorts = { postgres: args.postgres?.port ?? 5432, redis: args.redis?.port ?? 6379 };
  for (const dep of args.dependsOn ?? []) {
    if (dep === "postgres" || dep === "redis") {
      allow(`allow-${dep}`, `allow-${dep}`, [
        { to: cidrPeers(args.dataCidrs), ports: [tcp(dataPorts[dep])] },
      ]);
    } else {
      allow(`to-${dep}`, `allow-to-${dep}`, [
        {
          to: [namespacePeer(dep, { "app.kubernetes.io/name": dep })],
          ports: [tcp(args.servicePorts![dep])],
        },
      ]);
    }
  }
  if (awsIdentity) {
    allow("allow-pod-identity-agent", "allow-pod-identity-agent", [
      { to: cidrPeers([POD_IDENTITY_AGENT_CIDR]), ports: [tcp(80)] },
    ]);
  }
  if (args.vault) {
    const vault = s.conventions.vault;
    allow("allow-vault", "allow-vault", [
      { to: [namespacePeer(vault.namespace, vault.serverPodLabels)], ports: [tcp(vault.port)] },
    ]);
  }
  if (args.kubernetesApi) {
    allow("allow-kubernetes-api", "allow-kubernetes-api", [
      { to: cidrPeers(args.apiServerCidrs ?? []), ports: [tcp(443)] },
    ]);
  }
  if (args.internetEgress) {
    allow("allow-internet-https", "allow-internet-https", [
      { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [...PRIVATE_RANGES] } }], ports: [tcp(443)] },
    ]);
  }
}
