import {
  byName,
  json,
  ofType,
  runProgram,
  type OfflineRun,
  type RecordedResource,
} from "../../support/offline";
import { validateVaultArgs, type VaultArgs } from "../../../components/secrets/vault";
import { formatCpu, formatMemory, parseCpu, parseMemory } from "../../../components/shared/quantity";
import {
  raftMaxUnavailable,
  vaultHelmValues,
  vaultServerHcl,
} from "../../../components/secrets/vault-helm-values";
import { ciPolicyHcl, workloadPolicyHcl } from "../../../components/secrets/vault-policies";
import { readScript } from "../../../components/secrets/vault-scripts";
import { snapshotBucketArgs } from "../../../components/secrets/vault-snapshot-bucket";

/** Recorded JSON (objects and arrays), walked by key in assertions. */
interface Tree extends Iterable<Tree> {
  readonly [key: string]: Tree;
}

const ACCOUNT = "123456789012";
const VAULT_KEY = `arn:aws:kms:us-west-2:${ACCOUNT}:key/vault-key`;
const BACKUP_KEY = `arn:aws:kms:us-west-2:${ACCOUNT}:key/backup-key`;
const SECRETS_KEY = `arn:aws:kms:us-west-2:${ACCOUNT}:key/secrets-key`;
const MASTER_SECRET = `arn:aws:secretsmanager:us-west-2:${ACCOUNT}:secret:rds!db-abc-123456`;

const BASE = {
  clusterName: "platform-test",
  region: "us-west-2",
  kmsKeyArn: VAULT_KEY,
  backupKmsKeyArn: BACKUP_KEY,
  secretsKmsKeyArn: SECRETS_KEY,
  storageClassName: "gp3-encrypted",
  chartVersion: "0.32.0",
  images: { vault: "1.21.2", injector: "1.7.2", awsCli: "2.27.50" },
  replicas: 3,
  injectorReplicas: 2,
  recoveryShares: 5,
  recoveryThreshold: 3,
  storageSize: "10Gi",
  resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } },
  snapshotSchedule: "0 */6 * * *",
  snapshotRetentionDays: 30,
  rotationPeriodDays: 30,
  workloads: [
    { name: "api", namespace: "api", serviceAccount: "api", databaseGroupRole: "api_rw" },
    { name: "worker", namespace: "worker", serviceAccount: "worker" },
  ],
  tolerations: [
    { key: "CriticalAddonsOnly", operator: "Equal" as const, value: "true", effect: "NoSchedule" as const },
  ],
  nodeSelector: { "platform/node-group": "system" },
};

type Values = {
  global: Record<string, unknown>;
  injector: Tree;
  server: Tree;
  ui: Record<string, unknown>;
};

describe("Vault component", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await runProgram(async () => {
      const k8s = await import("@pulumi/kubernetes");
      const pulumi = await import("@pulumi/pulumi");
      const { Vault } = await import("../../../components/secrets/vault");
      const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
      const certManager = new pulumi.ComponentResource("test:index:CertManager", "cm");
      const vault = new Vault(
        "vault",
        {
          ...BASE,
          certManager,
          database: {
            host: "db.internal",
            port: 5432,
            masterSecretArn: MASTER_SECRET,
            cidrBlocks: ["10.0.144.0/22"],
          },
        },
        { provider },
      );
      return {
        namespace: vault.namespace,
        address: vault.address,
        recoveryKeysSecretArn: vault.recoveryKeysSecretArn,
        rootTokenSecretArn: vault.rootTokenSecretArn,
        snapshotBucketName: vault.snapshotBucketName,
        serverRoleArn: vault.serverRoleArn,
      };
    });
  });

  const release = () => byName(run, "kubernetes:helm.sh/v3:Release", "vault-release");
  const values = () => release().inputs.values as Values;
  const policyOf = (role: string) =>
    json<{ Statement: Record<string, unknown>[] }>(
      byName(run, "aws:iam/rolePolicy:RolePolicy", `vault-${role}-policy`).inputs.policy,
    );

  test("creates exactly the expected children", () => {
    const custom = run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    expect(custom.map((r) => `${r.type} ${r.name}`).sort()).toEqual(
      [
        "aws:eks/podIdentityAssociation:PodIdentityAssociation vault-bootstrap-association",
        "aws:eks/podIdentityAssociation:PodIdentityAssociation vault-db-sync-association",
        "aws:eks/podIdentityAssociation:PodIdentityAssociation vault-server-association",
        "aws:eks/podIdentityAssociation:PodIdentityAssociation vault-snapshot-association",
        "aws:iam/role:Role vault-bootstrap-role",
        "aws:iam/role:Role vault-db-sync-role",
        "aws:iam/role:Role vault-server-role",
        "aws:iam/role:Role vault-snapshot-role",
        "aws:iam/rolePolicy:RolePolicy vault-bootstrap-policy",
        "aws:iam/rolePolicy:RolePolicy vault-db-sync-policy",
        "aws:iam/rolePolicy:RolePolicy vault-server-policy",
        "aws:iam/rolePolicy:RolePolicy vault-snapshot-policy",
        "aws:s3/bucket:Bucket vault-snapshots",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration vault-snapshots-lifecycle",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls vault-snapshots-ownership",
        "aws:s3/bucketPolicy:BucketPolicy vault-snapshots-policy",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock vault-snapshots-public-access",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration vault-snapshots-encryption",
        "aws:s3/bucketVersioning:BucketVersioning vault-snapshots-versioning",
        "aws:secretsmanager/secret:Secret vault-recovery-keys",
        "aws:secretsmanager/secret:Secret vault-root-token",
        "kubernetes:batch/v1:CronJob vault-db-sync",
        "kubernetes:batch/v1:CronJob vault-snapshot",
        "kubernetes:batch/v1:Job vault-bootstrap",
        "kubernetes:cert-manager.io/v1:Certificate vault-ca",
        "kubernetes:cert-manager.io/v1:Certificate vault-server-tls",
        "kubernetes:cert-manager.io/v1:ClusterIssuer vault-ca-issuer",
        "kubernetes:cert-manager.io/v1:Issuer vault-selfsigned",
        "kubernetes:core/v1:ConfigMap vault-scripts",
        "kubernetes:core/v1:LimitRange vault-limits",
        "kubernetes:core/v1:Namespace vault-namespace",
        "kubernetes:core/v1:ResourceQuota vault-quota",
        "kubernetes:core/v1:ServiceAccount vault-bootstrap-sa",
        "kubernetes:core/v1:ServiceAccount vault-db-sync-sa",
        "kubernetes:core/v1:ServiceAccount vault-snapshot-sa",
        "kubernetes:helm.sh/v3:Release vault-release",
        "kubernetes:networking.k8s.io/v1:NetworkPolicy vault-netpol-allow-dns",
        "kubernetes:networking.k8s.io/v1:NetworkPolicy vault-netpol-default-deny",
        "kubernetes:networking.k8s.io/v1:NetworkPolicy vault-netpol-vault-injector",
        "kubernetes:networking.k8s.io/v1:NetworkPolicy vault-netpol-vault-jobs",
        "kubernetes:networking.k8s.io/v1:NetworkPolicy vault-netpol-vault-server",
      ].sort(),
    );
  });

  test("every Kubernetes object uses the caller's provider", () => {
    const k8sObjects = run.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
    expect(k8sObjects.length).toBeGreaterThan(10);
    for (const r of k8sObjects) {
      expect(r.provider).toMatch(/::pulumi:providers:kubernetes::k8s::/);
    }
  });

  test("stateful children are protected: bucket (and its settings, parented to it), both secrets, the release", () => {
    const protectedNames = run.resources
      .filter((r) => r.protect)
      .map((r) => r.name)
      .sort();
    const bucketSettings = [
      "encryption",
      "lifecycle",
      "ownership",
      "policy",
      "public-access",
      "versioning",
    ].map((k) => `vault-snapshots-${k}`);
    expect(protectedNames).toEqual(
      [
        "vault-recovery-keys",
        "vault-release",
        "vault-root-token",
        "vault-snapshots",
        ...bucketSettings,
      ].sort(),
    );
    expect(byName(run, "kubernetes:batch/v1:Job", "vault-bootstrap").protect).toBe(false);
  });

  test("the namespace enforces Pod Security restricted", () => {
    expect(byName(run, "kubernetes:core/v1:Namespace", "vault-namespace").inputs.metadata).toEqual({
      name: "vault",
      labels: {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
      },
    });
  });

  test("the namespace has a quota sized from the server pods plus headroom, and container defaults", () => {
    const quota = byName(run, "kubernetes:core/v1:ResourceQuota", "vault-quota").inputs.spec as {
      hard: unknown;
    };
    const { requests, limits } = BASE.resources;
    expect(quota.hard).toEqual({
      "requests.cpu": formatCpu(BASE.replicas * parseCpu(requests.cpu)! + 2000),
      "requests.memory": formatMemory(BASE.replicas * parseMemory(requests.memory)! + 2 * 2 ** 30),
      "limits.cpu": formatCpu(BASE.replicas * parseCpu(limits.cpu)! + 4000),
      "limits.memory": formatMemory(BASE.replicas * parseMemory(limits.memory)! + 4 * 2 ** 30),
      "services.loadbalancers": "0",
      "services.nodeports": "0",
    });
    expect(byName(run, "kubernetes:core/v1:LimitRange", "vault-limits").inputs.spec).toEqual({
      limits: [
        {
          type: "Container",
          defaultRequest: { cpu: "50m", memory: "64Mi" },
          default: { cpu: "500m", memory: "256Mi" },
        },
      ],
    });
  });

  test("job service accounts mount no token by default; only the job pods opt in", () => {
    for (const sa of ofType(run, "kubernetes:core/v1:ServiceAccount")) {
      expect([sa.name, sa.inputs.automountServiceAccountToken]).toEqual([sa.name, false]);
    }
  });

  test("the release pins the official chart and does not wait for uninitialised pods", () => {
    expect(release().inputs).toMatchObject({
      name: "vault",
      chart: "vault",
      version: "0.32.0",
      namespace: "vault",
      repositoryOpts: { repo: "https://helm.releases.hashicorp.com" },
      skipAwait: true,
    });
  });

  test("values: HA Raft with 3 replicas, TLS on, awskms seal naming our key and region", () => {
    const v = values();
    expect(v.global.tlsDisable).toBe(false);
    expect(v.server.ha.enabled).toBe(true);
    expect(v.server.ha.replicas).toBe(3);
    expect(v.server.ha.raft.enabled).toBe(true);
    expect(v.server.ha.raft.setNodeId).toBe(true);
    expect(v.server.standalone.enabled).toBe(false);
    expect(v.server.dev.enabled).toBe(false);
    const hcl = v.server.ha.raft.config as unknown as string;
    expect(hcl).toContain(`seal "awskms" {\n  region     = "us-west-2"\n  kms_key_id = "${VAULT_KEY}"\n}`);
    expect(hcl).toContain('tls_cert_file   = "/vault/userconfig/vault-server-tls/tls.crt"');
    expect(hcl).toContain('tls_key_file    = "/vault/userconfig/vault-server-tls/tls.key"');
    expect(hcl).not.toContain("tls_disable");
    expect(hcl).toContain('service_registration "kubernetes" {}');
    expect(hcl).toContain("disable_mlock = true");
    expect(hcl.match(/retry_join \{/g)).toHaveLength(3);
    for (const i of [0, 1, 2]) {
      expect(hcl).toContain(`leader_api_addr       = "https://vault-${i}.vault-internal:8200"`);
      expect(hcl).toContain(`leader_tls_servername = "vault-${i}.vault-internal"`);
    }
    expect(v.server.extraVolumes).toEqual([{ type: "secret", name: "vault-server-tls" }]);
  });

  test("values: storage on the encrypted class, audit to stdout, PDB keeps quorum, UI internal", () => {
    const v = values();
    expect(v.server.dataStorage).toEqual({
      enabled: true,
      size: "10Gi",
      storageClass: "gp3-encrypted",
      accessMode: "ReadWriteOnce",
      mountPath: "/vault/data",
    });
    expect(v.server.auditStorage).toEqual({ enabled: false });
    expect(v.server.ha.disruptionBudget).toEqual({ enabled: true, maxUnavailable: 1 });
    expect(v.ui).toEqual({
      enabled: true,
      serviceType: "ClusterIP",
      activeVaultPodOnly: true,
      externalPort: 8200,
    });
    expect(v.server.ingress).toEqual({ enabled: false });
    expect(v.server.service.type).toBe("ClusterIP");
    expect(v.server.resources).toEqual(BASE.resources);
    expect(v.server.nodeSelector).toEqual(BASE.nodeSelector);
    expect(v.server.tolerations).toEqual(BASE.tolerations);
  });

  test("values: hostname anti-affinity required, zone spread enforced", () => {
    const v = values();
    const selector = {
      matchLabels: {
        "app.kubernetes.io/name": "vault",
        "app.kubernetes.io/instance": "vault",
        component: "server",
      },
    };
    expect(v.server.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { labelSelector: selector, topologyKey: "kubernetes.io/hostname" },
    ]);
    expect(v.server.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      {
        weight: 100,
        podAffinityTerm: { labelSelector: selector, topologyKey: "topology.kubernetes.io/zone" },
      },
    ]);
    expect(v.server.topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "DoNotSchedule",
        labelSelector: selector,
      },
    ]);
  });

  test("values: security contexts fit PSS restricted for server, sidecar and injector", () => {
    const v = values();
    const container = {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    };
    const pod = {
      runAsNonRoot: true,
      runAsUser: 100,
      runAsGroup: 1000,
      fsGroup: 1000,
      seccompProfile: { type: "RuntimeDefault" },
    };
    expect(v.server.statefulSet.securityContext).toEqual({ pod, container });
    expect(v.injector.securityContext).toEqual({ pod, container });
    expect(v.server.extraContainers).toHaveLength(1);
    expect(v.server.extraContainers[0].securityContext).toEqual(container);
    expect(v.server.hostNetwork).toBe(false);
  });

  test("values: /tmp is a memory volume, since the chart writes /tmp/storageconfig.hcl under a read-only root", () => {
    const v = values();
    expect(v.server.statefulSet.securityContext.container.readOnlyRootFilesystem).toBe(true);
    expect(v.server.volumes).toEqual([{ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "32Mi" } }]);
    expect(v.server.volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
  });

  test("values: injector enabled, pinned, fail-closed, limited to the workloads' namespaces", () => {
    const v = values();
    expect(v.injector.enabled).toBe(true);
    expect(v.injector.replicas).toBe(2);
    expect(v.injector.image).toEqual({ repository: "hashicorp/vault-k8s", tag: "1.7.2" });
    expect(v.injector.agentImage).toEqual({ repository: "hashicorp/vault", tag: "1.21.2" });
    expect(v.injector.webhook).toEqual({
      failurePolicy: "Fail",
      namespaceSelector: {
        matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["api", "worker"] }],
      },
    });
    expect(v.injector.podDisruptionBudget).toEqual({ maxUnavailable: 1 });
  });

  test("server role: only Encrypt/Decrypt/DescribeKey on the unseal key, trusted by vault/vault only", () => {
    expect(policyOf("server").Statement).toEqual([
      {
        Sid: "VaultAutoUnseal",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt"],
        Resource: VAULT_KEY,
      },
    ]);
    const trust = json<{ Statement: { Condition: { StringEquals: Record<string, string> } }[] }>(
      byName(run, "aws:iam/role:Role", "vault-server-role").inputs.assumeRolePolicy,
    );
    expect(trust.Statement[0].Condition.StringEquals).toEqual({
      "aws:RequestTag/eks-cluster-name": "platform-test",
      "aws:RequestTag/kubernetes-namespace": "vault",
      "aws:RequestTag/kubernetes-service-account": "vault",
    });
  });

  test.each([
    ["bootstrap", "vault-bootstrap"],
    ["snapshot", "vault-snapshot"],
    ["db-sync", "vault-db-sync"],
    ["server", "vault"],
  ])("the %s role is associated with exactly service account vault/%s", (role, sa) => {
    expect(
      byName(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", `vault-${role}-association`)
        .inputs,
    ).toMatchObject({
      clusterName: "platform-test",
      namespace: "vault",
      serviceAccount: sa,
    });
  });

  test("bootstrap role: writes exactly the two secrets, reads back the root token and the DB master login", () => {
    const recovery = byName(run, "aws:secretsmanager/secret:Secret", "vault-recovery-keys");
    const root = byName(run, "aws:secretsmanager/secret:Secret", "vault-root-token");
    // A Secrets Manager secret's ID is its ARN.
    const recoveryArn = recovery.id;
    const rootArn = root.id;
    // Named `<cluster>/vault/<key>-<random>` from their namePrefix, as Secrets Manager does.
    expect(recoveryArn).toMatch(
      /^arn:aws:secretsmanager:us-west-2:\d{12}:secret:platform-test\/vault\/recovery-keys-/,
    );
    expect(rootArn).toMatch(
      /^arn:aws:secretsmanager:us-west-2:\d{12}:secret:platform-test\/vault\/root-token-/,
    );
    expect(policyOf("bootstrap").Statement).toEqual([
      {
        Sid: "StoreInitOutput",
        Effect: "Allow",
        Action: ["secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue"],
        Resource: [recoveryArn, rootArn],
      },
      {
        Sid: "ResumeWithRootToken",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: rootArn,
      },
      {
        Sid: "ReadDatabaseMasterLogin",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: MASTER_SECRET,
      },
      {
        Sid: "UseSecretsKeyThroughSecretsManager",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
        Resource: [SECRETS_KEY],
        Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-west-2.amazonaws.com" } },
      },
    ]);
  });

  test("snapshot role: put under raft/ and list on the bucket only, backup key through S3 only", () => {
    const bucketArn = "arn:aws:s3:::vault-snapshots";
    expect(policyOf("snapshot").Statement).toEqual([
      { Sid: "ListSnapshotBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
      { Sid: "WriteSnapshots", Effect: "Allow", Action: "s3:PutObject", Resource: `${bucketArn}/raft/*` },
      {
        Sid: "EncryptSnapshotsWithBackupKey",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
        Resource: BACKUP_KEY,
        Condition: { StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com" } },
      },
    ]);
  });

  test("secrets are created empty, encrypted with the secrets key, recoverable for 30 days", () => {
    for (const key of ["recovery-keys", "root-token"]) {
      const s = byName(run, "aws:secretsmanager/secret:Secret", `vault-${key}`);
      expect(s.inputs).toMatchObject({
        kmsKeyId: SECRETS_KEY,
        recoveryWindowInDays: 30,
        namePrefix: `platform-test/vault/${key}-`,
      });
    }
    expect(ofType(run, "aws:secretsmanager/secretVersion:SecretVersion")).toHaveLength(0);
  });

  test("snapshot bucket: SSE-KMS with the backup key, versioned, private, TLS-only, 30-day expiry", () => {
    // Protected: Pulumi never empties it.
    expect(byName(run, "aws:s3/bucket:Bucket", "vault-snapshots").inputs.forceDestroy).toBe(false);
    const b = (type: string, n: string) => byName(run, type, `vault-snapshots-${n}`).inputs;
    expect(
      b(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "encryption",
      ).rules,
    ).toEqual([
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: BACKUP_KEY },
        bucketKeyEnabled: true,
      },
    ]);
    expect(b("aws:s3/bucketVersioning:BucketVersioning", "versioning").versioningConfiguration).toEqual({
      status: "Enabled",
    });
    expect(b("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "public-access")).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(b("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "lifecycle").rules).toEqual([
      {
        id: "expire-raft-snapshots",
        status: "Enabled",
        filter: { prefix: "raft/" },
        expiration: { days: 30 },
        noncurrentVersionExpiration: { noncurrentDays: 7 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      },
    ]);
    const policy = json<{ Statement: unknown[] }>(b("aws:s3/bucketPolicy:BucketPolicy", "policy").policy);
    expect(policy.Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["arn:aws:s3:::vault-snapshots", "arn:aws:s3:::vault-snapshots/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  test("snapshot CronJob: schedule from args, no overlap, restricted pod, bucket from the component", () => {
    const cron = byName(run, "kubernetes:batch/v1:CronJob", "vault-snapshot").inputs as unknown as Tree;
    expect(cron.spec).toMatchObject({
      schedule: "0 */6 * * *",
      concurrencyPolicy: "Forbid",
      timeZone: "Etc/UTC",
    });
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe("vault-snapshot");
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      seccompProfile: { type: "RuntimeDefault" },
    });
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
      });
      expect(c.image).not.toMatch(/:latest$/);
    }
    expect(pod.containers[0].command).toEqual(["/bin/bash", "/scripts/snapshot.sh"]);
    expect(pod.containers[0].env).toContainEqual({ name: "SNAPSHOT_BUCKET", value: "vault-snapshots-id" });
  });

  test("bootstrap Job: runs after the release, passes only secret ARNs, quorum sizes and the declared configuration", () => {
    const job = byName(run, "kubernetes:batch/v1:Job", "vault-bootstrap");
    expect(job.dependencies).toContain(release().urn);
    const pod = (job.inputs as unknown as Tree).spec.template.spec;
    expect(pod.serviceAccountName).toBe("vault-bootstrap");
    expect(pod.restartPolicy).toBe("OnFailure");
    expect(pod.volumes).toContainEqual({ name: "state", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } });
    expect(pod.containers[0].command).toEqual(["/bin/bash", "/scripts/bootstrap.sh"]);
    const env = Object.fromEntries(
      (pod.containers[0].env as unknown as { name: string; value: string }[]).map((e) => [e.name, e.value]),
    );
    const recovery = byName(run, "aws:secretsmanager/secret:Secret", "vault-recovery-keys");
    const root = byName(run, "aws:secretsmanager/secret:Secret", "vault-root-token");
    expect(env).toEqual({
      VAULT_ACTIVE_ADDR: "https://vault-active.vault.svc:8200",
      VAULT_LEADER_ADDR: "https://vault-0.vault-internal:8200",
      VAULT_CACERT: "/vault/tls/ca.crt",
      AWS_REGION: "us-west-2",
      HOME: "/tmp",
      STATE_DIR: "/state",
      RECOVERY_SHARES: "5",
      RECOVERY_THRESHOLD: "3",
      RECOVERY_KEYS_SECRET_ID: recovery.id,
      ROOT_TOKEN_SECRET_ID: root.id,
      DB_MASTER_SECRET_ARN: MASTER_SECRET,
      // configure.sh's parameters.
      JOB_NAMESPACE: "vault",
      KV_MOUNT: "platform",
      WORKLOAD_AUDIENCE: "vault",
      WORKLOAD_ROLES: "api:api:api worker:worker:worker",
      CI_ROTATION_PERIOD: "720h",
      DB_CONNECTION: "platform-postgres",
      DB_CONNECTION_URL: "postgresql://{{username}}:{{password}}@db.internal:5432/postgres?sslmode=require",
      DB_ALLOWED_ROLES: "api",
    });
  });

  test("the scripts ConfigMap carries the bootstrap, configuration, per-service policies and SQL", () => {
    const data = (byName(run, "kubernetes:core/v1:ConfigMap", "vault-scripts").inputs as unknown as Tree)
      .data as unknown as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(
      [
        "bootstrap.sh",
        "configure.sh",
        "db-sync.sh",
        "policy--api.hcl",
        "policy--ci.hcl",
        "policy--database-sync.hcl",
        "policy--raft-snapshot.hcl",
        "policy--vault-configurer.hcl",
        "policy--worker.hcl",
        "snapshot.sh",
        "sql--api-create.sql",
        "sql--api-revoke.sql",
      ].sort(),
    );
    expect(data["configure.sh"]).toBe(readScript("configure.sh"));
    expect(data["policy--ci.hcl"]).toBe(ciPolicyHcl("platform"));
  });

  test("network policies: default deny, Vault peers on 8200/8201, clients on 8200, database egress only to its CIDRs", () => {
    const spec = (n: string) =>
      (
        byName(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", `vault-netpol-${n}`)
          .inputs as unknown as Tree
      ).spec;
    expect(spec("default-deny")).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const server = spec("vault-server");
    expect(server.ingress[0].ports).toEqual([
      { protocol: "TCP", port: 8200 },
      { protocol: "TCP", port: 8201 },
    ]);
    expect(server.ingress[2]).toEqual({
      from: [
        {
          namespaceSelector: {
            matchExpressions: [
              { key: "kubernetes.io/metadata.name", operator: "In", values: ["api", "worker"] },
            ],
          },
        },
      ],
      ports: [{ protocol: "TCP", port: 8200 }],
    });
    expect(server.egress).toContainEqual({
      to: [{ ipBlock: { cidr: "10.0.144.0/22" } }],
      ports: [{ protocol: "TCP", port: 5432 }],
    });
    expect(server.egress).toContainEqual({
      to: [{ ipBlock: { cidr: "169.254.170.23/32" } }],
      ports: [{ protocol: "TCP", port: 80 }],
    });
  });

  test("outputs: address, namespace, ARNs, bucket; nothing secret-looking in clear anywhere", () => {
    expect(run.outputs).toMatchObject({
      namespace: "vault",
      address: "https://vault.vault.svc:8200",
      snapshotBucketName: "vault-snapshots-id",
      serverRoleArn: `arn:aws:iam::${ACCOUNT}:role/vault-server-role`,
    });
    const everything = JSON.stringify([run.outputs, run.resources.map((r: RecordedResource) => r.inputs)]);
    expect(everything).not.toMatch(/hvs\.|root_token":"[^r]|"password"\s*:|unseal_keys_b64":\s*\["/);
    expect(run.secretOutputs).toEqual([]);
  });
});

describe("IRSA mechanism", () => {
  test("annotates the server and job service accounts with their roles", async () => {
    const run = await runProgram(async () => {
      const k8s = await import("@pulumi/kubernetes");
      const pulumi = await import("@pulumi/pulumi");
      const { Vault } = await import("../../../components/secrets/vault");
      const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
      new Vault(
        "vault",
        {
          ...BASE,
          replicas: 1,
          workloads: [],
          certManager: new pulumi.ComponentResource("test:index:CertManager", "cm"),
          identity: {
            mechanism: "irsa",
            oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.example/id/X`,
            oidcIssuer: "oidc.example/id/X",
          },
        },
        { provider },
      );
    });
    const values = byName(run, "kubernetes:helm.sh/v3:Release", "vault-release").inputs.values as Values;
    expect(values.server.serviceAccount.annotations).toEqual({
      "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT}:role/vault-server-role`,
    });
    expect(values.server.ha.replicas).toBe(1);
    expect(values.server.ha.disruptionBudget).toEqual({ enabled: true, maxUnavailable: 1 });
    expect(
      (byName(run, "kubernetes:core/v1:ServiceAccount", "vault-snapshot-sa").inputs as unknown as Tree)
        .metadata.annotations,
    ).toEqual({
      "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT}:role/vault-snapshot-role`,
    });
    expect(ofType(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation")).toHaveLength(0);
    expect(ofType(run, "kubernetes:batch/v1:CronJob").map((r) => r.name)).toEqual(["vault-snapshot"]);
  });
});

describe("pure helpers", () => {
  test.each([
    [undefined, false],
    [true, false],
    [false, true],
  ])(
    "snapshot bucket with protect %p: forceDestroy %p (a versioned bucket blocks destroy otherwise)",
    (protect, force) => {
      expect(snapshotBucketArgs(protect)).toEqual({ forceDestroy: force });
    },
  );

  test.each([
    [1, 1],
    [3, 1],
    [5, 2],
    [7, 3],
  ])("raftMaxUnavailable(%i) = %i", (replicas, expected) => {
    expect(raftMaxUnavailable(replicas)).toBe(expected);
  });

  test("vaultServerHcl writes one retry_join per replica", () => {
    expect(
      vaultServerHcl({ region: "eu-west-1", kmsKeyArn: "k", replicas: 5 }).match(/retry_join/g),
    ).toHaveLength(5);
  });

  test("vaultHelmValues sets no IRSA annotation for Pod Identity", () => {
    const v = vaultHelmValues({
      namespace: "vault",
      region: "us-west-2",
      kmsKeyArn: VAULT_KEY,
      storageClassName: "gp3",
      storageSize: "10Gi",
      replicas: 3,
      injectorReplicas: 1,
      vaultImageTag: "1.21.2",
      injectorImageTag: "1.7.0",
      resources: BASE.resources,
      nodeSelector: {},
      tolerations: [],
      injectNamespaces: [],
    }) as Values;
    expect(v.server.serviceAccount.annotations).toEqual({});
    expect(v.injector.podDisruptionBudget).toEqual({});
    expect(v.injector.enabled).toBe(false);
    expect(v.injector.webhook).toEqual({ failurePolicy: "Fail", namespaceSelector: {} });
  });

  test("workload policies grant read on their own subtree and database creds only when declared", () => {
    expect(workloadPolicyHcl({ name: "worker", namespace: "w", serviceAccount: "w" }, "platform")).toBe(
      [
        "# worker: read-only access to its own secrets.",
        'path "platform/data/worker/*" {',
        '  capabilities = ["read"]',
        "}",
        'path "platform/metadata/worker/*" {',
        '  capabilities = ["read", "list"]',
        "}",
        "",
      ].join("\n"),
    );
    expect(
      workloadPolicyHcl(
        { name: "api", namespace: "a", serviceAccount: "a", databaseGroupRole: "api_rw" },
        "platform",
      ),
    ).toContain('path "database/creds/api" {\n  capabilities = ["read"]\n}');
  });

  test("bootstrap.sh: init only when uninitialised, quorum from env, stores both secrets, revokes the root token", () => {
    const BOOTSTRAP_SCRIPT = readScript("bootstrap.sh");
    expect(BOOTSTRAP_SCRIPT).toContain("grep -q '\"initialized\": false'");
    expect(BOOTSTRAP_SCRIPT).toContain(
      'vault operator init -recovery-shares="$RECOVERY_SHARES" -recovery-threshold="$RECOVERY_THRESHOLD" -format=json',
    );
    expect(BOOTSTRAP_SCRIPT).toContain('put "$RECOVERY_KEYS_SECRET_ID"');
    expect(BOOTSTRAP_SCRIPT).toContain('put "$ROOT_TOKEN_SECRET_ID"');
    expect(BOOTSTRAP_SCRIPT).toContain("vault token revoke -self");
    expect(BOOTSTRAP_SCRIPT).not.toContain("generate-root -init");
  });
});

describe("validateVaultArgs", () => {
  const args = (over: Partial<VaultArgs>): VaultArgs => ({
    ...BASE,
    certManager: {} as VaultArgs["certManager"],
    database: { host: "h", port: 5432, masterSecretArn: MASTER_SECRET },
    ...over,
  });

  test("accepts the base args", () => {
    expect(validateVaultArgs(args({}))).toEqual([]);
  });

  test.each<[Partial<VaultArgs>, string]>([
    [{ recoveryShares: 2, recoveryThreshold: 2 }, "recoveryShares 2 must be an integer from 3 to 10"],
    [{ recoveryShares: 11, recoveryThreshold: 3 }, "recoveryShares 11 must be an integer from 3 to 10"],
    [{ recoveryThreshold: 1 }, "recoveryThreshold 1 must be an integer of at least 2"],
    [{ recoveryShares: 5, recoveryThreshold: 6 }, "recoveryThreshold 6 must be at most recoveryShares (5)"],
    [{ replicas: 2 }, "replicas 2 must be 1 or an odd number from 3 (Raft quorum)"],
    [
      { images: { vault: "latest", injector: "1.7.0", awsCli: "2" } },
      "images.vault 'latest' must be a pinned tag, never empty or 'latest'",
    ],
    [{ storageSize: "ten" }, "storageSize 'ten' must be a Kubernetes quantity like 10Gi"],
    [
      { chartVersion: "0.31.0" },
      "chartVersion '0.31.0' appends a second disable_mlock to the server config, which Vault 1.21+ refuses; use 0.32.0 or newer",
    ],
    [{ snapshotSchedule: "@daily" }, "snapshotSchedule '@daily' must be a 5-field cron expression"],
    [
      { workloads: [{ name: "vault", namespace: "a", serviceAccount: "a" }] },
      "workload name 'vault' must be a DNS-1123 label other than 'vault'",
    ],
    [
      { namespace: "Vault" },
      "namespace 'Vault' must be a DNS-1123 label (lowercase letters, digits, '-', at most 63 characters)",
    ],
    [
      { certManagerNamespace: "cert_manager" },
      "certManagerNamespace 'cert_manager' must be a DNS-1123 label (lowercase letters, digits, '-', at most 63 characters)",
    ],
    [
      { caIssuerName: "Vault CA" },
      "caIssuerName 'Vault CA' must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.')",
    ],
    [
      { kvMount: "sys" },
      "kvMount 'sys' must be one path segment (letters, digits, '-', '_') other than sys, auth, identity, cubbyhole, database",
    ],
    [
      { kvMount: "kv/platform" },
      "kvMount 'kv/platform' must be one path segment (letters, digits, '-', '_') other than sys, auth, identity, cubbyhole, database",
    ],
    [
      { tokenAudience: "vault agents" },
      "tokenAudience 'vault agents' must be non-empty, without spaces or commas",
    ],
    [{ tokenAudience: "" }, "tokenAudience '' must be non-empty, without spaces or commas"],
  ])("rejects %j", (over, message) => {
    expect(validateVaultArgs(args(over))).toEqual([message]);
  });

  test("rejects a workload whose namespace or service account is not a Kubernetes name", () => {
    expect(
      validateVaultArgs(args({ workloads: [{ name: "api", namespace: "API", serviceAccount: "api:sa" }] })),
    ).toEqual([
      "workload 'api' namespace 'API' must be a DNS-1123 label",
      "workload 'api' serviceAccount 'api:sa' must be a DNS-1123 subdomain",
    ]);
  });

  test("reports every problem at once", () => {
    expect(validateVaultArgs(args({ replicas: 2, kvMount: "auth", namespace: "" }))).toEqual([
      "replicas 2 must be 1 or an odd number from 3 (Raft quorum)",
      "namespace '' must be a DNS-1123 label (lowercase letters, digits, '-', at most 63 characters)",
      "kvMount 'auth' must be one path segment (letters, digits, '-', '_') other than sys, auth, identity, cubbyhole, database",
    ]);
  });

  test("rejects database credentials without a database", () => {
    expect(validateVaultArgs(args({ database: undefined }))).toEqual([
      "workload 'api' asks for database credentials but no database is configured",
    ]);
  });
});

describe("platform conventions as arguments", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await runProgram(async () => {
      const k8s = await import("@pulumi/kubernetes");
      const pulumi = await import("@pulumi/pulumi");
      const { Vault } = await import("../../../components/secrets/vault");
      const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
      const vault = new Vault(
        "vault",
        {
          ...BASE,
          certManager: new pulumi.ComponentResource("test:index:CertManager", "cm"),
          database: { host: "db.internal", port: 5432, masterSecretArn: MASTER_SECRET },
          namespace: "secrets",
          caIssuerName: "internal-ca",
          certManagerNamespace: "pki",
          kvMount: "kv",
          tokenAudience: "vault.example",
        },
        { provider },
      );
      return {
        namespace: vault.namespace,
        address: vault.address,
        caIssuerName: vault.caIssuerName,
        kvMount: vault.kvMount,
        tokenAudience: vault.tokenAudience,
      };
    });
  });
  const inputs = (type: string, name: string) => byName(run, type, name).inputs as unknown as Tree;
  const envOf = (pod: Tree) =>
    Object.fromEntries(
      (pod.containers[0].env as unknown as { name: string; value: string }[]).map((e) => [e.name, e.value]),
    );

  test("outputs name the namespace, the address in it and the conventions clients need", () => {
    expect(run.outputs).toEqual({
      namespace: "secrets",
      address: "https://vault.secrets.svc:8200",
      caIssuerName: "internal-ca",
      kvMount: "kv",
      tokenAudience: "vault.example",
    });
  });

  test("namespace: the Namespace, the release, the workload identities and the listener certificate", () => {
    expect(inputs("kubernetes:core/v1:Namespace", "vault-namespace").metadata.name).toBe("secrets");
    expect(inputs("kubernetes:helm.sh/v3:Release", "vault-release").namespace).toBe("secrets");
    for (const role of ["server", "bootstrap", "snapshot", "db-sync"]) {
      expect(
        inputs("aws:eks/podIdentityAssociation:PodIdentityAssociation", `vault-${role}-association`)
          .namespace,
      ).toBe("secrets");
    }
    const tls = inputs("kubernetes:cert-manager.io/v1:Certificate", "vault-server-tls");
    expect(tls.metadata.namespace).toBe("secrets");
    expect(tls.spec.commonName).toBe("vault.secrets.svc");
    expect(tls.spec.dnsNames).toContain("vault-active.secrets.svc");
    expect(tls.spec.dnsNames).toContain("*.vault-internal.secrets.svc.cluster.local");
    expect(tls.spec.dnsNames).not.toContain("vault.vault.svc");
    const values = inputs("kubernetes:helm.sh/v3:Release", "vault-release").values;
    expect(values.server.extraEnvironmentVars.VAULT_TLS_SERVER_NAME).toBe("vault.secrets.svc");
  });

  test("CA: the ClusterIssuer is named from the argument; the CA's key pair lives in cert-manager's namespace", () => {
    expect(inputs("kubernetes:cert-manager.io/v1:ClusterIssuer", "vault-ca-issuer").metadata).toEqual({
      name: "internal-ca",
    });
    expect(inputs("kubernetes:cert-manager.io/v1:Issuer", "vault-selfsigned").metadata.namespace).toBe("pki");
    expect(inputs("kubernetes:cert-manager.io/v1:Certificate", "vault-ca").metadata.namespace).toBe("pki");
    expect(inputs("kubernetes:cert-manager.io/v1:Certificate", "vault-server-tls").spec.issuerRef.name).toBe(
      "internal-ca",
    );
  });

  test("KV mount and audience: the policies, the bootstrap's and the database sync's environment", () => {
    const data = inputs("kubernetes:core/v1:ConfigMap", "vault-scripts").data as unknown as Record<
      string,
      string
    >;
    expect(data["policy--api.hcl"]).toContain('path "kv/data/api/*" {');
    expect(data["policy--ci.hcl"]).toBe(ciPolicyHcl("kv"));
    expect(data["policy--database-sync.hcl"]).toContain('path "kv/data/vault/database-master" {');
    expect(data["policy--vault-configurer.hcl"]).toContain('path "kv/config" {');
    const bootstrap = envOf(inputs("kubernetes:batch/v1:Job", "vault-bootstrap").spec.template.spec);
    expect(bootstrap).toMatchObject({
      VAULT_ACTIVE_ADDR: "https://vault-active.secrets.svc:8200",
      JOB_NAMESPACE: "secrets",
      KV_MOUNT: "kv",
      WORKLOAD_AUDIENCE: "vault.example",
    });
    const sync = envOf(
      inputs("kubernetes:batch/v1:CronJob", "vault-db-sync").spec.jobTemplate.spec.template.spec,
    );
    expect(sync).toMatchObject({ KV_MOUNT: "kv", DB_CONNECTION: "platform-postgres" });
  });
});
