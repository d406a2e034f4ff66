/**
 * PlatformService on another platform (decision 0060): the monitoring namespace, IngressClass, Vault
 * connection and reserved names are arguments; each given value reaches exactly the objects that
 * use it, and a bad one is reported with the others before anything is registered.
 */
import { byName, runProgram, type OfflineRun } from "../../support/offline";
import {
  conventionProblems,
  resolveConventions,
  type WorkloadConventions,
} from "../../../components/workloads/conventions";
import { validatePlatformServiceArgs, type PlatformServiceArgs } from "../../../components/workloads/service";

const CERT = "arn:aws:acm:us-west-2:123456789012:certificate/11111111-2222-3333-4444-555555555555";
const OTHER_PLATFORM: WorkloadConventions = {
  monitoringNamespace: "observability",
  ingressClassName: "public-alb",
  vaultConnection: {
    address: "https://secrets.vault-system.svc.cluster.local:8443",
    namespace: "vault-system",
    serverPodLabels: { app: "vault-server" },
    caIssuer: "corp-vault-ca",
    kvMount: "kv",
    tokenAudience: "https://vault.corp.example",
  },
  reservedNamespaces: ["observability", "vault-system"],
};
const ARGS: PlatformServiceArgs = {
  name: "api",
  image: "123456789012.dkr.ecr.us-west-2.amazonaws.com/platform/api:1.0.0",
  ports: { http: 8000, metrics: 9090 },
  replicas: 2,
  resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  dependsOn: ["postgres"],
  expose: { scheme: "internet-facing", host: "api.example.com", certificateArn: CERT },
  vault: {
    databaseRole: "api_rw",
    secrets: [
      { file: "postgres.json", path: "database/creds/api" },
      { file: "redis.json", path: "kv/api/redis" },
    ],
  },
  dataCidrs: ["10.0.144.0/24"],
  publicCidrs: ["10.0.128.0/24"],
  ...OTHER_PLATFORM,
};
const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const SELECTOR = { matchLabels: { "app.kubernetes.io/name": "api" } };

describe("PlatformService with another platform's conventions", () => {
  let run: OfflineRun;
  const pod = () =>
    (
      byName(run, "kubernetes:apps/v1:Deployment", "api-deployment").inputs.spec as {
        template: {
          metadata: { annotations: Record<string, string> };
          spec: { volumes: unknown[] };
        };
      }
    ).template;
  beforeAll(async () => {
    run = await runProgram(async () => {
      const { PlatformService } = await import("../../../components/workloads/service");
      new PlatformService("api", ARGS);
    });
  });

  test("the Ingress names the given IngressClass", () => {
    const ingress = byName(run, "kubernetes:networking.k8s.io/v1:Ingress", "api-ingress").inputs;
    expect((ingress.spec as { ingressClassName: string }).ingressClassName).toBe("public-alb");
  });

  test("only the given monitoring namespace may scrape the metrics port", () => {
    expect(byName(run, NP, "api-allow-metrics").inputs.spec).toEqual({
      podSelector: SELECTOR,
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "observability" } } }],
          ports: [{ protocol: "TCP", port: 9090 }],
        },
      ],
    });
  });

  test("egress reaches the given Vault pods on the address's port only", () => {
    expect(byName(run, NP, "api-allow-vault").inputs.spec).toEqual({
      podSelector: SELECTOR,
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "vault-system" } },
              podSelector: { matchLabels: { app: "vault-server" } },
            },
          ],
          ports: [{ protocol: "TCP", port: 8443 }],
        },
      ],
    });
  });

  test("the agent talks to the given address, reads KV secrets under the given mount, logs in with the given audience", () => {
    const annotations = pod().metadata.annotations;
    expect(annotations["vault.hashicorp.com/service"]).toBe(
      "https://secrets.vault-system.svc.cluster.local:8443",
    );
    expect(annotations["vault.hashicorp.com/agent-inject-secret-redis.json"]).toBe("kv/data/api/redis");
    expect(annotations["vault.hashicorp.com/agent-inject-template-redis.json"]).toBe(
      '{{- with secret "kv/data/api/redis" -}}{{ .Data.data | toJSON }}{{- end }}',
    );
    expect(annotations["vault.hashicorp.com/agent-inject-secret-postgres.json"]).toBe("database/creds/api");
    expect(pod().spec.volumes).toContainEqual({
      name: "vault-token",
      projected: {
        sources: [
          {
            serviceAccountToken: {
              path: "token",
              audience: "https://vault.corp.example",
              expirationSeconds: 3600,
            },
          },
        ],
      },
    });
  });

  test("Vault's CA comes from the given ClusterIssuer", () => {
    const cert = byName(run, "kubernetes:cert-manager.io/v1:Certificate", "api-vault-ca").inputs;
    expect((cert.spec as { issuerRef: unknown }).issuerRef).toEqual({
      name: "corp-vault-ca",
      kind: "ClusterIssuer",
      group: "cert-manager.io",
    });
  });
});

describe("validation against the given conventions", () => {
  test("accepts the declaration", () => {
    expect(validatePlatformServiceArgs(ARGS)).toEqual([]);
  });

  test("a KV path outside the given mount is refused, with the mount in the message", () => {
    expect(
      validatePlatformServiceArgs({
        ...ARGS,
        vault: { secrets: [{ file: "redis.json", path: "platform/api/redis" }] },
      }),
    ).toEqual([
      'vault.secrets[0].path: must be kv/<service>/<key> (the service\'s KV secrets) or database/creds/<service> (a dynamic PostgreSQL login) (received "platform/api/redis")',
    ]);
  });

  test("the given reserved names replace the defaults", () => {
    expect(
      validatePlatformServiceArgs({
        ...ARGS,
        vault: undefined,
        name: "observability",
        callers: ["vault-system"],
      }),
    ).toEqual([
      'name: is reserved for a cluster or platform namespace (observability, vault-system, kube-*); choose another name (received "observability")',
      "callers: 'vault-system' is reserved for a cluster or platform namespace (observability, vault-system, kube-*); choose another name",
    ]);
    expect(
      validatePlatformServiceArgs({
        ...ARGS,
        name: "monitoring",
        vault: { secrets: [{ file: "redis.json", path: "kv/monitoring/redis" }] },
      }),
    ).toEqual([]);
  });

  test.each<[string, WorkloadConventions, string]>([
    [
      "monitoring namespace",
      { monitoringNamespace: "Monitoring" },
      `monitoringNamespace: must be a namespace name: lowercase letters, digits and '-', at most 63 characters (received "Monitoring")`,
    ],
    [
      "IngressClass",
      { ingressClassName: "alb class" },
      `ingressClassName: must be an IngressClass name: lowercase letters, digits, '-' and '.' (received "alb class")`,
    ],
    [
      "reserved name",
      { reservedNamespaces: ["ok", "Not_OK"] },
      `reservedNamespaces[1]: must be a namespace name: lowercase letters, digits and '-', at most 63 characters (received "Not_OK")`,
    ],
    [
      "plain-HTTP Vault address",
      { vaultConnection: { address: "http://vault.vault.svc:8200" } },
      `vaultConnection.address: must be an https:// address with no path, e.g. https://vault.vault.svc:8200 (received "http://vault.vault.svc:8200")`,
    ],
    [
      "Vault address with a path",
      { vaultConnection: { address: "https://vault.vault.svc:8200/v1" } },
      `vaultConnection.address: must be an https:// address with no path, e.g. https://vault.vault.svc:8200 (received "https://vault.vault.svc:8200/v1")`,
    ],
    [
      "Vault namespace",
      { vaultConnection: { namespace: "vault_system" } },
      `vaultConnection.namespace: must be a namespace name: lowercase letters, digits and '-', at most 63 characters (received "vault_system")`,
    ],
    [
      "empty server pod selector",
      { vaultConnection: { serverPodLabels: {} } },
      `vaultConnection.serverPodLabels: must be at least one valid label selecting the Vault server pods (an empty selector admits every pod of the namespace) (received {})`,
    ],
    [
      "malformed server pod label",
      { vaultConnection: { serverPodLabels: { "bad key": "vault" } } },
      `vaultConnection.serverPodLabels: must be at least one valid label selecting the Vault server pods (an empty selector admits every pod of the namespace) (received {"bad key":"vault"})`,
    ],
    [
      "CA issuer",
      { vaultConnection: { caIssuer: "Vault CA" } },
      `vaultConnection.caIssuer: must be a ClusterIssuer name: lowercase letters, digits, '-' and '.' (received "Vault CA")`,
    ],
    [
      "KV mount of two segments",
      { vaultConnection: { kvMount: "secret/platform" } },
      `vaultConnection.kvMount: must be a KV v2 mount path of one segment: lowercase letters, digits, '-' and '_', e.g. platform (received "secret/platform")`,
    ],
    [
      "empty token audience",
      { vaultConnection: { tokenAudience: "" } },
      `vaultConnection.tokenAudience: must be a non-empty audience without spaces, the one Vault's Kubernetes auth roles expect (received "")`,
    ],
  ])("reports a bad %s", (_label, conventions, expected) => {
    expect(conventionProblems(conventions)).toEqual([expected]);
    expect(validatePlatformServiceArgs({ ...ARGS, ...OTHER_PLATFORM, ...conventions })).toContain(expected);
  });

  test("the platform's defaults pass; a Vault address without a port means 443", () => {
    expect(conventionProblems({})).toEqual([]);
    const resolved = resolveConventions({ vaultConnection: { address: "https://vault.example.com" } });
    expect(resolved.vault).toMatchObject({
      address: "https://vault.example.com",
      port: 443,
      namespace: "vault",
    });
    expect(resolveConventions({})).toEqual({
      monitoringNamespace: "monitoring",
      ingressClassName: "alb",
      reservedNamespaces: ["default", "monitoring", "vault", "external-secrets", "cert-manager"],
      prometheusAddress: "http://kps-prometheus.monitoring.svc:9090",
      vault: {
        address: "https://vault.vault.svc:8200",
        namespace: "vault",
        serverPodLabels: {
          "app.kubernetes.io/name": "vault",
          "app.kubernetes.io/instance": "vault",
          component: "server",
        },
        caIssuer: "vault-ca",
        kvMount: "platform",
        tokenAudience: "vault",
        port: 8200,
      },
    });
  });
});
