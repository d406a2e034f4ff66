/**
 * Network policies of Vault's namespace: default deny, then exactly the flows Vault, its injector
 * and its jobs need (peers, clients, AWS APIs, the Pod Identity Agent, the database).
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { MONITORING_NAMESPACE } from "../shared/workload-defaults";
import type { VaultDatabaseArgs } from "./vault-args";
import { JOB_LABELS, SERVER_POD_LABELS } from "./vault-layout";

/** Where the database may be when its CIDRs are not given. */
const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
/** Link-local address of the EKS Pod Identity Agent on every node. */
const POD_IDENTITY_AGENT = "169.254.170.23/32";

/** Default deny, then exactly the flows Vault, its injector and its jobs need. */
export function createVaultNetworkPolicies(
  name: string,
  namespace: pulumi.Input<string>,
  flows: {
    /** Namespaces whose pods are Vault clients. */
    readonly clientNamespaces: readonly string[];
    readonly database: VaultDatabaseArgs | undefined;
    /** Where the API server calls the injector webhook from. @default RFC 1918 */
    readonly webhookSourceCidrs: readonly string[] | undefined;
    readonly parent: pulumi.Resource;
  },
): void {
  const { clientNamespaces, database, parent } = flows;
  const webhookSources = flows.webhookSourceCidrs ?? RFC1918;
  const databaseCidrs = database?.cidrBlocks ?? (database ? RFC1918 : []);
  const databasePort = database?.port;
  const tcp = (port: pulumi.Input<number>) => ({ protocol: "TCP", port });
  const server = { podSelector: { matchLabels: { ...SERVER_POD_LABELS } } };
  const anyIp = { ipBlock: { cidr: "0.0.0.0/0" } };
  const awsApis = { to: [anyIp], ports: [tcp(443)] }; // KMS, STS, S3, Secrets Manager, the Kubernetes API
  const podIdentityAgent = { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT } }], ports: [tcp(80)] };
  const policy = (key: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
    new k8s.networking.v1.NetworkPolicy(
      `${name}-netpol-${key}`,
      { metadata: { name: key, namespace }, spec },
      { parent },
    );

  policy("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  policy("allow-dns", {
    podSelector: {},
    policyTypes: ["Egress"],
    egress: [
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
          },
        ],
        ports: [{ protocol: "UDP", port: 53 }, tcp(53)],
      },
    ],
  });
  const serverIngress: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = [
    { from: [server], ports: [tcp(8200), tcp(8201)] },
    { from: [{ podSelector: { matchLabels: { ...JOB_LABELS } } }], ports: [tcp(8200)] },
  ];
  if (clientNamespaces.length > 0) {
    serverIngress.push({
      from: [
        {
          namespaceSelector: {
            matchExpressions: [
              { key: "kubernetes.io/metadata.name", operator: "In", values: [...clientNamespaces] },
            ],
          },
        },
      ],
      ports: [tcp(8200)],
    });
  }
  // Prometheus scrapes the telemetry endpoint (/v1/sys/metrics).
  serverIngress.push({
    from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": MONITORING_NAMESPACE } } }],
    ports: [tcp(8200)],
  });
  const serverEgress: k8s.types.input.networking.v1.NetworkPolicyEgressRule[] = [
    { to: [server], ports: [tcp(8200), tcp(8201)] },
    awsApis,
    podIdentityAgent,
  ];
  if (databasePort !== undefined && databaseCidrs.length > 0) {
    serverEgress.push({
      to: databaseCidrs.map((cidr) => ({ ipBlock: { cidr } })),
      ports: [tcp(databasePort)],
    });
  }
  policy("vault-server", {
    podSelector: server.podSelector,
    policyTypes: ["Ingress", "Egress"],
    ingress: serverIngress,
    egress: serverEgress,
  });
  policy("vault-jobs", {
    podSelector: { matchLabels: { ...JOB_LABELS } },
    policyTypes: ["Egress"],
    egress: [{ to: [server], ports: [tcp(8200)] }, awsApis, podIdentityAgent],
  });
  // The API server calls the webhook from the control-plane ENIs, placed in the cluster's subnets.
  policy("vault-injector", {
    podSelector: { matchLabels: { "app.kubernetes.io/name": "vault-agent-injector" } },
    policyTypes: ["Ingress", "Egress"],
    ingress: [{ from: webhookSources.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(8080)] }],
    egress: [awsApis],
  });
}
