/**
 * PlatformService's optional access: Vault secrets through the agent injector (decision 0056) and a
 * read-only Role on the Kubernetes API (decision 0043); and that neither appears when not declared.
 */
import { byName, runProgram, type OfflineRun } from "../../support/offline";
import {
  PRE_STOP_SECONDS,
  VAULT_REVOKE_GRACE_SECONDS,
  TERMINATION_GRACE_SECONDS,
} from "../../../components/workloads/graceful-shutdown";
import { validatePlatformServiceArgs, type PlatformServiceArgs } from "../../../components/workloads/service";
import { vaultAgentAnnotations } from "../../../components/workloads/vault-access";
import {
  KV_MOUNT,
  SERVER_POD_LABELS,
  VAULT_ADDRESS,
  VAULT_CA_ISSUER,
  VAULT_NAMESPACE,
  VAULT_TOKEN_AUDIENCE,
} from "../../../components/shared/vault-names";
import { DEFAULT_VAULT_CONNECTION } from "../../../components/workloads/conventions";
import { vaultWorkloads } from "../../../components/workloads/vault-rules";

const BASE: PlatformServiceArgs = {
  name: "api",
  image: "123456789012.dkr.ecr.us-west-2.amazonaws.com/platform/api:1.0.0",
  ports: { http: 8000 },
  replicas: 2,
  resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  dependsOn: ["postgres", "redis"],
  runAsUser: 10001,
  dataCidrs: ["10.0.144.0/24"],
  publicCidrs: [],
};
const WITH_ACCESS: PlatformServiceArgs = {
  ...BASE,
  vault: {
    databaseRole: "api_rw",
    secrets: [
      { file: "postgres.json", path: "database/creds/api" },
      { file: "redis.json", path: "platform/api/redis" },
    ],
  },
  kubernetesApi: { readOnly: ["pods", "endpointslices", "configmaps"] },
  apiServerCidrs: ["10.0.0.0/19", "10.0.32.0/19"],
};

const LABELS = {
  "app.kubernetes.io/name": "api",
  "app.kubernetes.io/part-of": "platform",
  "app.kubernetes.io/managed-by": "pulumi",
};
const SELECTOR = { matchLabels: { "app.kubernetes.io/name": "api" } };
const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
type PodTemplate = {
  metadata: { annotations: Record<string, string> };
  spec: Record<string, unknown> & { volumes: unknown[]; containers: { volumeMounts: unknown[] }[] };
};

async function build(args: PlatformServiceArgs): Promise<OfflineRun> {
  return runProgram(async () => {
    const { PlatformService } = await import("../../../components/workloads/service");
    new PlatformService("api", args);
  });
}
const template = (run: OfflineRun) =>
  (byName(run, "kubernetes:apps/v1:Deployment", "api-deployment").inputs.spec as { template: PodTemplate })
    .template;

describe("PlatformService with vault and kubernetesApi", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await build(WITH_ACCESS);
  });

  test("adds exactly a Role, a RoleBinding, the Vault CA certificate and two egress policies", () => {
    const added = run.resources
      .filter((r) => r.custom)
      .map((r) => `${r.type} ${r.name}`)
      .filter((n) => /rbac|cert-manager|allow-vault|allow-kubernetes-api/.test(n))
      .sort();
    expect(added).toEqual([
      "kubernetes:cert-manager.io/v1:Certificate api-vault-ca",
      `${NP} api-allow-kubernetes-api`,
      `${NP} api-allow-vault`,
      "kubernetes:rbac.authorization.k8s.io/v1:Role api-api-reader",
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding api-api-reader",
    ]);
  });

  test("the Role reads only the declared resources, grouped by API group, get/list/watch only", () => {
    expect(byName(run, "kubernetes:rbac.authorization.k8s.io/v1:Role", "api-api-reader").inputs).toEqual({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "api-api-reader", namespace: "api", labels: LABELS },
      rules: [
        { apiGroups: [""], resources: ["configmaps", "pods"], verbs: ["get", "list", "watch"] },
        { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
      ],
    });
    expect(
      byName(run, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "api-api-reader").inputs,
    ).toEqual({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "api-api-reader", namespace: "api", labels: LABELS },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "api-api-reader" },
      subjects: [{ kind: "ServiceAccount", name: "api", namespace: "api" }],
    });
  });

  test("the ServiceAccount still never automounts; the pod opts in", () => {
    expect(byName(run, "kubernetes:core/v1:ServiceAccount", "api-service-account").inputs).toMatchObject({
      automountServiceAccountToken: false,
    });
    expect(template(run).spec.automountServiceAccountToken).toBe(true);
  });

  test("pod annotations: injector, role, TLS trust, agent as the service's UID, one JSON file per secret", () => {
    expect(template(run).metadata.annotations).toEqual({
      // The platform's metrics port (9090) when none is declared.
      "prometheus.io/scrape": "true",
      "prometheus.io/port": "9090",
      "prometheus.io/path": "/metrics",
      "vault.hashicorp.com/agent-inject": "true",
      "vault.hashicorp.com/role": "api",
      "vault.hashicorp.com/service": "https://vault.vault.svc:8200",
      "vault.hashicorp.com/tls-secret": "vault-tls",
      "vault.hashicorp.com/ca-cert": "/vault/tls/ca.crt",
      "vault.hashicorp.com/agent-service-account-token-volume-name": "vault-token",
      "vault.hashicorp.com/agent-pre-populate": "true",
      "vault.hashicorp.com/agent-pre-populate-only": "false",
      "vault.hashicorp.com/agent-revoke-on-shutdown": "true",
      "vault.hashicorp.com/agent-revoke-grace": "45",
      "vault.hashicorp.com/agent-set-security-context": "true",
      "vault.hashicorp.com/agent-run-as-user": "10001",
      "vault.hashicorp.com/agent-run-as-group": "10001",
      "vault.hashicorp.com/agent-requests-cpu": "50m",
      "vault.hashicorp.com/agent-requests-mem": "64Mi",
      "vault.hashicorp.com/agent-limits-cpu": "250m",
      "vault.hashicorp.com/agent-limits-mem": "128Mi",
      "vault.hashicorp.com/agent-inject-secret-postgres.json": "database/creds/api",
      "vault.hashicorp.com/agent-inject-template-postgres.json":
        '{{- with secret "database/creds/api" -}}{{ .Data | toJSON }}{{- end }}',
      "vault.hashicorp.com/agent-inject-perms-postgres.json": "0400",
      "vault.hashicorp.com/agent-inject-secret-redis.json": "platform/data/api/redis",
      "vault.hashicorp.com/agent-inject-template-redis.json":
        '{{- with secret "platform/data/api/redis" -}}{{ .Data.data | toJSON }}{{- end }}',
      "vault.hashicorp.com/agent-inject-perms-redis.json": "0400",
    });
  });

  test("the agent revokes its leases after the app drained, inside the termination grace period", () => {
    expect(VAULT_REVOKE_GRACE_SECONDS).toBeGreaterThan(PRE_STOP_SECONDS);
    expect(VAULT_REVOKE_GRACE_SECONDS).toBeLessThan(TERMINATION_GRACE_SECONDS);
  });

  test("the agent logs in with a projected token for audience vault, not mounted into the app", () => {
    const t = template(run);
    expect(t.spec.volumes).toEqual([
      { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
      {
        name: "vault-token",
        projected: {
          sources: [{ serviceAccountToken: { path: "token", audience: "vault", expirationSeconds: 3600 } }],
        },
      },
    ]);
    expect(t.spec.containers[0].volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
  });

  test("Vault's CA reaches the namespace as a certificate from the vault-ca ClusterIssuer", () => {
    const cert = byName(run, "kubernetes:cert-manager.io/v1:Certificate", "api-vault-ca").inputs;
    expect(cert).toEqual({
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: { name: "vault-tls", namespace: "api", labels: LABELS },
      spec: {
        secretName: "vault-tls",
        commonName: "api.vault-agent",
        duration: "2160h",
        renewBefore: "720h",
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        usages: ["client auth", "digital signature"],
        issuerRef: { name: "vault-ca", kind: "ClusterIssuer", group: "cert-manager.io" },
      },
    });
    const deployment = byName(run, "kubernetes:apps/v1:Deployment", "api-deployment");
    const certUrn = byName(run, "kubernetes:cert-manager.io/v1:Certificate", "api-vault-ca").urn;
    expect(deployment.dependencies).toContain(certUrn);
  });

  test("egress: TCP 8200 to the Vault server pods only; TCP 443 to the API server's subnets only", () => {
    expect(byName(run, NP, "api-allow-vault").inputs.spec).toEqual({
      podSelector: SELECTOR,
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "vault" } },
              podSelector: { matchLabels: { ...SERVER_POD_LABELS } },
            },
          ],
          ports: [{ protocol: "TCP", port: 8200 }],
        },
      ],
    });
    expect(byName(run, NP, "api-allow-kubernetes-api").inputs.spec).toEqual({
      podSelector: SELECTOR,
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ ipBlock: { cidr: "10.0.0.0/19" } }, { ipBlock: { cidr: "10.0.32.0/19" } }],
          ports: [{ protocol: "TCP", port: 443 }],
        },
      ],
    });
  });
});

describe("PlatformService without vault or kubernetesApi", () => {
  test("no Vault annotations, token volume, certificate, Role or API egress; the pod mounts no token", async () => {
    // platform.ts passes apiServerCidrs to every service: only kubernetesApi may open the API egress.
    const run = await build({ ...BASE, apiServerCidrs: ["10.0.0.0/19", "10.0.32.0/19"] });
    const types = run.resources.map((r) => r.type);
    expect(types.filter((t) => /rbac|cert-manager/.test(t))).toEqual([]);
    expect(run.resources.map((r) => r.name)).not.toContain("api-allow-vault");
    expect(run.resources.map((r) => r.name)).not.toContain("api-allow-kubernetes-api");
    const policies = run.resources.filter((r) => r.type === NP).map((r) => JSON.stringify(r.inputs));
    expect(policies.filter((p) => p.includes("10.0.0.0/19") || p.includes(":443"))).toEqual([]);
    const t = template(run);
    expect(t.metadata.annotations).toEqual({
      "prometheus.io/scrape": "true",
      "prometheus.io/port": "9090",
      "prometheus.io/path": "/metrics",
    });
    expect(t.spec.automountServiceAccountToken).toBe(false);
    expect(t.spec.volumes).toEqual([{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }]);
  });
});

describe("validatePlatformServiceArgs: access", () => {
  test.each<[Partial<PlatformServiceArgs>, string[]]>([
    [
      { kubernetesApi: { readOnly: ["pods"] } },
      [
        "apiServerCidrs: is required with kubernetesApi; pass the CIDRs of the subnets the EKS control plane's interfaces sit in",
      ],
    ],
    [
      { kubernetesApi: { readOnly: ["secrets"] }, apiServerCidrs: ["10.0.0.0/19"] },
      [
        'kubernetesApi.readOnly[0]: is not readable by services; choose from configmaps, endpoints, events, pods, services, endpointslices (received "secrets")',
      ],
    ],
    [
      { vault: { secrets: [{ file: "db.json", path: "database/creds/billing" }] } },
      [
        `vault.secrets[0].path: belongs to another service; this service's Vault policy reads database/creds/api only (received "database/creds/billing")`,
      ],
    ],
    [{ vault: { secrets: [{ file: "a.json", path: "platform/api/a" }] } }, []],
  ])("%j", (over, expected) => {
    expect(validatePlatformServiceArgs({ ...BASE, ...over })).toEqual(expected);
  });

  test("apiServerCidrs are checked as CIDRs", () => {
    const problems = validatePlatformServiceArgs({ ...WITH_ACCESS, apiServerCidrs: ["10.0.0/19"] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^apiServerCidrs: '10\.0\.0\/19' /);
  });
});

describe("pure helpers", () => {
  test("vaultAgentAnnotations: KV paths read through data/, database logins as is", () => {
    const a = vaultAgentAnnotations("worker", 2000, {
      secrets: [{ file: "queue.json", path: "platform/worker/queue/credentials" }],
    });
    expect(a["vault.hashicorp.com/agent-inject-secret-queue.json"]).toBe(
      "platform/data/worker/queue/credentials",
    );
    expect(a["vault.hashicorp.com/agent-run-as-user"]).toBe("2000");
    expect(a["vault.hashicorp.com/role"]).toBe("worker");
  });

  test("by default a service reads the platform's Vault: the names the Vault component installs it under", () => {
    expect(DEFAULT_VAULT_CONNECTION).toEqual({
      address: VAULT_ADDRESS,
      namespace: VAULT_NAMESPACE,
      serverPodLabels: SERVER_POD_LABELS,
      caIssuer: VAULT_CA_ISSUER,
      kvMount: KV_MOUNT,
      tokenAudience: VAULT_TOKEN_AUDIENCE,
      port: 8200,
    });
  });

  test("vaultWorkloads: one Vault workload per service that declares vault, bound to its own ServiceAccount", () => {
    expect(
      vaultWorkloads([
        { name: "api", vault: { databaseRole: "api_rw", secrets: [] } },
        { name: "web" },
        { name: "worker", vault: { secrets: [] } },
      ]),
    ).toEqual([
      { name: "api", namespace: "api", serviceAccount: "api", databaseGroupRole: "api_rw" },
      { name: "worker", namespace: "worker", serviceAccount: "worker" },
    ]);
  });
});
