/**
 * Vault's clients (decision 0056): the CA as a cert-manager ClusterIssuer, and the Kubernetes auth
 * roles and policies of the workloads derived from the service declarations.
 */
import { byName, ofType, runProgram, type OfflineRun } from "../../support/offline";
import { vaultWorkloads, type ServiceDeclaration } from "../../../components/workloads/spec";

const KEY = (name: string) => `arn:aws:kms:us-west-2:123456789012:key/${name}`;
const service = (
  name: string,
  vault?: ServiceDeclaration["vault"],
): Pick<ServiceDeclaration, "name" | "vault"> => (vault ? { name, vault } : { name });
/** As platform.ts derives them: every service that declares vault. */
const WORKLOADS = vaultWorkloads([
  service("api", {
    databaseRole: "api_rw",
    secrets: [{ file: "postgres.json", path: "database/creds/api" }],
  }),
  service("web"),
  service("worker", { secrets: [{ file: "redis.json", path: "platform/worker/redis" }] }),
]);

describe("Vault component with workloads derived from the services", () => {
  let run: OfflineRun;
  let files: Record<string, string>;
  beforeAll(async () => {
    run = await runProgram(async () => {
      const k8s = await import("@pulumi/kubernetes");
      const pulumi = await import("@pulumi/pulumi");
      const { Vault } = await import("../../../components/secrets/vault");
      const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
      // Stands in for CertManager: its Helm release (which installs the CRDs) is a child.
      const certManager = new pulumi.ComponentResource("test:index:CertManager", "cm");
      new k8s.core.v1.ConfigMap("cm-release", {}, { parent: certManager, provider });
      new Vault(
        "vault",
        {
          clusterName: "platform-test",
          region: "us-west-2",
          kmsKeyArn: KEY("vault"),
          backupKmsKeyArn: KEY("backup"),
          secretsKmsKeyArn: KEY("secrets"),
          storageClassName: "gp3-encrypted",
          certManager,
          chartVersion: "0.32.0",
          images: { vault: "1.21.2", injector: "1.7.2", awsCli: "2.27.50" },
          replicas: 1,
          recoveryShares: 5,
          recoveryThreshold: 3,
          storageSize: "5Gi",
          resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
          snapshotSchedule: "0 */6 * * *",
          snapshotRetentionDays: 30,
          rotationPeriodDays: 30,
          workloads: WORKLOADS,
          database: { host: "db.internal", port: 5432, masterSecretArn: "arn:aws:secretsmanager:x" },
        },
        { provider },
      );
    });
    files = byName(run, "kubernetes:core/v1:ConfigMap", "vault-scripts").inputs.data as Record<
      string,
      string
    >;
  });

  test("derived workloads: api with its group role, worker without; web (no vault) absent", () => {
    expect(WORKLOADS).toEqual([
      { name: "api", namespace: "api", serviceAccount: "api", databaseGroupRole: "api_rw" },
      { name: "worker", namespace: "worker", serviceAccount: "worker" },
    ]);
  });

  test("one Kubernetes auth role per workload: its ServiceAccount, its namespace, its policy, audience vault", () => {
    const job = byName(run, "kubernetes:batch/v1:Job", "vault-bootstrap").inputs as unknown as {
      spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } };
    };
    const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e) => [e.name, e.value]));
    // configure.sh writes one role per entry (test/components/secrets/vault-scripts.test.ts runs it).
    expect(env.WORKLOAD_ROLES).toBe("api:api:api worker:worker:worker");
    expect(env.WORKLOAD_AUDIENCE).toBe("vault");
    expect(env.DB_ALLOWED_ROLES).toBe("api");
  });

  test("policies: each reads its own KV subtree; only api reads database credentials, and only its own", () => {
    expect(Object.keys(files).filter((k) => /^policy--(api|worker|web)\.hcl$/.test(k))).toEqual([
      "policy--api.hcl",
      "policy--worker.hcl",
    ]);
    expect(files["policy--api.hcl"]).toContain('path "platform/data/api/*" {');
    expect(files["policy--api.hcl"]).toContain('path "database/creds/api" {');
    expect(files["policy--worker.hcl"]).toContain('path "platform/data/worker/*" {');
    expect(files["policy--worker.hcl"]).not.toContain("database/");
    expect(Object.keys(files).filter((k) => k.startsWith("sql--"))).toEqual([
      "sql--api-create.sql",
      "sql--api-revoke.sql",
    ]);
  });

  test("the injector serves exactly the workloads' namespaces", () => {
    const values = byName(run, "kubernetes:helm.sh/v3:Release", "vault-release").inputs.values as {
      injector: { webhook: { namespaceSelector: unknown } };
    };
    expect(values.injector.webhook.namespaceSelector).toEqual({
      matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["api", "worker"] }],
    });
  });

  test("TLS: self-signed root and CA in cert-manager's namespace, ClusterIssuer vault-ca signs the listener", () => {
    const cr = (kind: string) =>
      ofType(run, `kubernetes:cert-manager.io/v1:${kind}`).map((r) => ({ name: r.name, inputs: r.inputs }));
    expect(cr("Issuer")).toEqual([
      {
        name: "vault-selfsigned",
        inputs: {
          apiVersion: "cert-manager.io/v1",
          kind: "Issuer",
          metadata: { name: "vault-selfsigned", namespace: "cert-manager" },
          spec: { selfSigned: {} },
        },
      },
    ]);
    expect(cr("ClusterIssuer")).toEqual([
      {
        name: "vault-ca-issuer",
        inputs: {
          apiVersion: "cert-manager.io/v1",
          kind: "ClusterIssuer",
          metadata: { name: "vault-ca" },
          spec: { ca: { secretName: "vault-ca" } },
        },
      },
    ]);
    const certs = Object.fromEntries(cr("Certificate").map((c) => [c.name, c.inputs]));
    expect(certs["vault-ca"]).toMatchObject({
      metadata: { name: "vault-ca", namespace: "cert-manager" },
      spec: { isCA: true, secretName: "vault-ca", issuerRef: { name: "vault-selfsigned", kind: "Issuer" } },
    });
    expect(certs["vault-server-tls"]).toMatchObject({
      metadata: { name: "vault-server-tls", namespace: "vault" },
      spec: {
        secretName: "vault-server-tls",
        issuerRef: { name: "vault-ca", kind: "ClusterIssuer", group: "cert-manager.io" },
      },
    });
    const issuer = byName(run, "kubernetes:cert-manager.io/v1:ClusterIssuer", "vault-ca-issuer");
    expect(issuer.dependencies).toContain(
      byName(run, "kubernetes:cert-manager.io/v1:Certificate", "vault-ca").urn,
    );
  });

  test("TLS ordering: cert-manager's release (CRDs) → self-signed Issuer → CA → ClusterIssuer → listener", () => {
    const urn = (kind: string, name: string) =>
      byName(run, `kubernetes:cert-manager.io/v1:${kind}`, name).urn;
    const deps = (kind: string, name: string) =>
      byName(run, `kubernetes:cert-manager.io/v1:${kind}`, name).dependencies;
    expect(deps("Issuer", "vault-selfsigned")).toContain(
      byName(run, "kubernetes:core/v1:ConfigMap", "cm-release").urn,
    );
    expect(deps("Certificate", "vault-ca")).toContain(urn("Issuer", "vault-selfsigned"));
    expect(deps("Certificate", "vault-server-tls")).toContain(urn("ClusterIssuer", "vault-ca-issuer"));
  });
});
