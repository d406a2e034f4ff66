/**
 * The three stack files, previewed offline as `npm run preview -- <stack>` does, then evaluated by
 * the readiness pack as `npm run policy -- <stack>` does: each previews cleanly, the environments
 * differ the way their stack files say, no mandatory rule fails anywhere, production scores what it
 * has (go once the observability policies prove Monitoring), and breaking one field of the
 * production plan is caught.
 * One file, so each stack is previewed once.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { readStackFiles } from "../tools/offline/stack-files";
import { PROJECT_DIR } from "../tools/offline/preview-stack";
import { REQUIRED_TAGS } from "../infra/config/core";
import { toPlan } from "../tools/offline/plan";
import { type PlanInput, type PlanResource, readPlan } from "../tools/policy/plan-input";
import { type PolicyRun, runPolicies } from "../tools/policy/run";
import { usd } from "../tools/cost/bands";
import { costReport } from "../tools/cost/run";
import { type OfflineRun, byName, json, ofType, runStack } from "./support/offline";
import { recoveryModel } from "../policy/recovery";
import { stackResources } from "../tools/policy/evaluate";

const STACKS = ["dev", "staging", "production"] as const;
const runs: Partial<Record<(typeof STACKS)[number], OfflineRun>> = {};
const results: Partial<Record<(typeof STACKS)[number], PolicyRun>> = {};
const plans: Partial<Record<(typeof STACKS)[number], PlanInput>> = {};
/** Policies with nothing to judge, and why: no readiness exclusions; protection is off outside
 * production; dev runs single replicas without autoscaling; only dev sleeps (AutoShutdown=true). */
const IDLE: Record<(typeof STACKS)[number], string[]> = {
  dev: ["readiness-exclusions", "stateful-resources-protected", "workload-has-hpa", "workload-has-pdb"],
  staging: ["auto-shutdown-scheduled", "readiness-exclusions", "stateful-resources-protected"],
  production: ["auto-shutdown-scheduled", "readiness-exclusions"],
};

beforeAll(async () => {
  for (const stack of STACKS) {
    runs[stack] = await runStack(stack);
    // Through JSON, as the plan file would be read back.
    plans[stack] = readPlan(JSON.parse(JSON.stringify(toPlan(runs[stack]!))));
    results[stack] = await runPolicies(plans[stack]!);
  }
});

describe.each(STACKS)("stack %s", (stack) => {
  test("every AWS resource uses the stack's providers, whose default tags carry the governance tags", () => {
    const run = runs[stack]!;
    const providers = ofType(run, "pulumi:providers:aws");
    const ref = (name: string) => {
      const p = byName(run, "pulumi:providers:aws", name);
      return `${p.urn}::${p.id}`;
    };
    for (const provider of providers) {
      const tags = json<{ tags: Record<string, string> }>(provider.inputs.defaultTags).tags;
      for (const name of REQUIRED_TAGS) {
        expect([provider.name, name, tags[name]]).toEqual([provider.name, name, expect.stringMatching(/\S/)]);
      }
      expect(tags.Environment).toBe(stack);
    }
    // The DR-region provider (when the stack copies backups across regions) carries exactly the copies and their key.
    const inDrRegion = [
      "aws:kms/key:Key kms-dr-rds",
      "aws:kms/alias:Alias kms-dr-rds",
      "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication postgres-backup-replication",
      "aws:kms/key:Key kms-dr-backup",
      "aws:kms/alias:Alias kms-dr-backup",
      "aws:backup/vault:Vault backup-dr-vault",
      "aws:backup/vaultPolicy:VaultPolicy backup-dr-vault-policy",
      "aws:backup/vaultLockConfiguration:VaultLockConfiguration backup-dr-vault-lock",
      "aws:s3/bucket:Bucket vault-snapshots-dr",
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls vault-snapshots-dr-ownership",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock vault-snapshots-dr-public-access",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration vault-snapshots-dr-encryption",
      "aws:s3/bucketVersioning:BucketVersioning vault-snapshots-dr-versioning",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration vault-snapshots-dr-lifecycle",
      "aws:s3/bucketPolicy:BucketPolicy vault-snapshots-dr-policy",
    ];
    const aws = run.resources.filter((r) => r.custom && r.type.startsWith("aws:"));
    expect(aws.length).toBeGreaterThan(0);
    for (const r of aws) {
      const expected = inDrRegion.includes(`${r.type} ${r.name}`) ? ref("aws-dr") : ref("aws");
      expect([r.urn, r.provider]).toEqual([r.urn, expected]);
    }
    const drProviders = providers.filter((p) => p.name === "aws-dr");
    const files = readStackFiles(PROJECT_DIR, stack);
    const copies = (
      JSON.parse(files.config["platform:data"]) as { postgres: { crossRegionBackup?: { region: string } } }
    ).postgres.crossRegionBackup;
    expect(drProviders.map((p) => p.inputs.region)).toEqual(copies ? [copies.region] : []);
  });

  test("stateful resources are protected exactly when the stack says so", () => {
    const run = runs[stack]!;
    const files = readStackFiles(PROJECT_DIR, stack);
    const protect = files.config["platform:protectStatefulResources"] === "true";
    for (const key of ofType(run, "aws:kms/key:Key")) {
      expect([key.name, key.protect]).toEqual([key.name, protect]);
    }
  });

  test("outputs hold no secret in clear", () => {
    expect(JSON.stringify(runs[stack]!.outputs)).not.toMatch(
      /mock-[0-9a-f]{8}|offline-preview-placeholder-secret/,
    );
  });
});

test("production's plan file masks every secret: the Redis AUTH token, its stored copy, the kubeconfig", () => {
  const run = runs.production!;
  const plan = toPlan(run);
  const text = JSON.stringify(plan);
  const group = byName(run, "aws:elasticache/replicationGroup:ReplicationGroup", "redis-group");
  expect(group.inputs.authToken).toBe("[secret]");
  expect(group.secretInputs).toContain("authToken");
  const version = ofType(run, "aws:secretsmanager/secretVersion:SecretVersion").find((v) =>
    v.name.startsWith("redis"),
  )!;
  expect(version.inputs.secretString).toBe("[secret]");
  // The database master password (decision 0110): write-only inputs, masked too.
  expect(byName(run, "aws:rds/instance:Instance", "postgres-primary").inputs.passwordWo).toBe("[secret]");
  expect(
    byName(run, "aws:secretsmanager/secretVersion:SecretVersion", "postgres-master").inputs.secretStringWo,
  ).toBe("[secret]");
  expect(plan.outputs!.kubeconfig).toBe("[secret]");
  expect(run.secretOutputs).toContain("kubeconfig");
  // The mocks' generated values (`mock-<hex>`) never reach the plan in clear.
  expect(text).not.toMatch(/"mock-[0-9a-f]+/);
});

describe("environment differences", () => {
  test("production: 3 AZs and one NAT gateway per AZ, flow logs kept 30 days", () => {
    const run = runs.production!;
    const subnets = ofType(run, "aws:ec2/subnet:Subnet");
    expect(new Set(subnets.map((s) => s.inputs.availabilityZone))).toEqual(
      new Set(["us-west-2a", "us-west-2b", "us-west-2c"]),
    );
    expect(subnets).toHaveLength(9);
    expect(ofType(run, "aws:ec2/natGateway:NatGateway")).toHaveLength(3);
    expect(
      ofType(run, "aws:cloudwatch/logGroup:LogGroup").find((g) => g.name.includes("flow-logs"))!.inputs
        .retentionInDays,
    ).toBe(30);
    expect(ofType(run, "aws:ec2/vpc:Vpc")[0].inputs.cidrBlock).toBe("10.0.0.0/16");
  });

  test("dev: the cheaper layout, 2 AZs and a single NAT gateway", () => {
    const run = runs.dev!;
    expect(ofType(run, "aws:ec2/subnet:Subnet")).toHaveLength(6);
    expect(ofType(run, "aws:ec2/natGateway:NatGateway")).toHaveLength(1);
    expect(ofType(run, "aws:ec2/eip:Eip")).toHaveLength(1);
  });
});

describe.each(STACKS)("readiness pack on stack %s", (stack) => {
  test("has no mandatory violation", () => {
    const { evaluation } = results[stack]!;
    expect(evaluation.stack).toBe(stack);
    expect(evaluation.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
  });

  test("every policy judged something, except those whose subject the stack does not have", () => {
    const { evaluation } = results[stack]!;
    const idle = evaluation.outcomes
      .filter((o) => o.enforcementLevel !== "disabled" && o.assessed === 0)
      .map((o) => o.policy)
      .sort();
    expect(idle).toEqual(IDLE[stack]);
  });
});

test("production passes every policy and is go: Monitoring is proven by the observability policies", () => {
  const production = results.production!.scorecard;
  expect(production.mandatoryViolations).toBe(0);
  expect(production.coveredWeight).toBe(100);
  const score = (category: string) => production.categories.find((c) => c.category === category)?.score;
  expect(score("Monitoring and Observability")).toBe(100);
  expect(score("CI/CD")).toBe(80);
  expect(production.capabilities.filter((c) => c.status === "failed")).toEqual([]);
  expect(production.verdict).toBe("go");

  const dev = results.dev!.scorecard;
  expect(dev.verdict).toBe("no-go");
  // Dev's Reliability sits at the threshold since the progressive-delivery capability (CI/CD) joined
  // the weighting; dev stays no-go on Security.
  expect(dev.reasons.join("\n")).toMatch(/Security/);
  expect(results.dev!.evaluation.violations.map((v) => v.policy).sort()).toEqual(
    expect.arrayContaining([
      "elasticache-high-availability",
      "rds-multi-az",
      "public-service-canary-release",
    ]),
  );
});

describe("one field broken in the production plan is caught", () => {
  const edit = (
    match: (r: PlanResource) => boolean,
    change: (props: Record<string, unknown>) => Record<string, unknown> | undefined,
  ): PlanInput => {
    const plan = plans.production!;
    const resources = plan.resources.flatMap((r) => {
      if (!match(r)) {
        return [r];
      }
      const props = change(structuredClone(r.props));
      return props === undefined ? [] : [{ ...r, props }];
    });
    expect(resources).not.toEqual(plan.resources);
    return { ...plan, resources };
  };
  const named = (type: string, name: string) => (r: PlanResource) => r.type === type && r.name === name;
  const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
  const VAULT = "kubernetes:helm.sh/v3:Release";

  test.each([
    [
      "a node group with SSH remoteAccess",
      "eks-node-group-no-ssh",
      () =>
        edit(
          (r) => r.type === NODE_GROUP,
          (p) => ({ ...p, remoteAccess: { ec2SshKey: "ops" } }),
        ),
    ],
    [
      "the api HorizontalPodAutoscaler removed",
      "workload-min-replicas",
      () => edit(named("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "api-hpa"), () => undefined),
    ],
    [
      "Vault's listener with TLS disabled",
      "vault-listener-tls",
      () =>
        edit(named(VAULT, "vault-release"), (p) => {
          const raft = (p.values as { server: { ha: { raft: { config: string } } } }).server.ha.raft;
          raft.config = raft.config.replace('tls_min_version = "tls12"', "tls_disable = 1");
          return p;
        }),
    ],
    [
      "a credential in a ConfigMap",
      "no-plaintext-credentials",
      () =>
        edit(
          (r) => r.type === "kubernetes:core/v1:ConfigMap",
          (p) => ({ ...p, data: { ...(p.data as object), DATABASE_URL: "postgres://app:hunter2@db/app" } }),
        ),
    ],
  ])("%s: %s reports a mandatory violation", async (_label, policy, broken) => {
    const { evaluation } = await runPolicies(broken());
    const mandatory = evaluation.violations.filter((v) => v.enforcementLevel === "mandatory");
    expect(mandatory.length).toBeGreaterThan(0);
    expect([...new Set(mandatory.map((v) => v.policy))]).toEqual([policy]);
  });
});

test("the disaster-recovery runbook's table is the recovery model of the production plan", () => {
  const minutes = (m: number) => (m === Infinity ? "never" : `${m} min`);
  const rows = recoveryModel(stackResources(plans.production!)).map(
    (c) =>
      `| ${c.component} | ${c.kind} | ${minutes(c.failover.rpoMinutes)} | ${minutes(c.failover.rtoMinutes)} | ${c.failover.how} | ${minutes(c.restore.rpoMinutes)} | ${minutes(c.restore.rtoMinutes)} | ${c.restore.how} |`,
  );
  const doc = readFileSync(join(PROJECT_DIR, "docs/runbooks/disaster-recovery.md"), "utf8");
  const table = /<!-- recovery-model:begin -->\n([\s\S]*?)\n<!-- recovery-model:end -->/.exec(doc)![1];
  expect(table.split("\n").slice(2)).toEqual(rows);
  expect(rows.map((r) => r.split(" | ")[1])).toEqual([
    "PostgreSQL (RDS)",
    "Redis (ElastiCache)",
    "Vault (Raft)",
  ]);
});
test.each(STACKS)(
  "%s: the cost estimate recorded in tools/README.md is the estimate of its plan",
  (stack) => {
    const { estimate, verdict } = costReport(readPlan(JSON.parse(JSON.stringify(toPlan(runs[stack]!)))));
    const readme = readFileSync(join(PROJECT_DIR, "tools", "README.md"), "utf8");
    const row = readme.split("\n").find((line) => line.startsWith(`| \`${stack}\` |`));
    expect(row?.split(" | ").slice(1, 4)).toEqual([
      usd(estimate.totalUsd),
      verdict.band!.text.replace(" depending on scale", ""),
      usd(verdict.budget!.monthlyLimitUsd).replace(".00", ""),
    ]);
    expect(row).toContain(`${usd(verdict.band!.differenceUsd)} (`);
    expect(estimate.unpriced).toEqual([]);
  },
);

describe.each(STACKS)("observability on stack %s", (stack) => {
  test("the monitoring namespace exists (restricted) and every service's scrape policy admits exactly it", () => {
    const run = runs[stack]!;
    const monitoring = ofType(run, "kubernetes:core/v1:Namespace").find(
      (n) => (n.inputs.metadata as { name: string }).name === "monitoring",
    );
    expect((monitoring?.inputs.metadata as { labels: Record<string, string> }).labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
    });
    const scrapes = ofType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter(
      (p) => (p.inputs.metadata as { name: string }).name === "allow-metrics-scrape",
    );
    const services = ofType(run, "platform:workloads:Service");
    expect(scrapes).toHaveLength(services.length);
    for (const p of scrapes) {
      const ingress = (p.inputs.spec as { ingress: { from: unknown[]; ports: unknown[] }[] }).ingress;
      expect(ingress).toEqual([
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
          ports: [{ protocol: "TCP", port: 9090 }],
        },
      ]);
    }
    expect(ofType(run, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor").map((m) => m.name)).toEqual(
      expect.arrayContaining(services.map((s) => `${s.name}-service-monitor`)),
    );
  });

  test("services export traces to the gateway, and the pack proves the monitoring capabilities", () => {
    const run = runs[stack]!;
    for (const d of ofType(run, "kubernetes:apps/v1:Deployment").filter((x) =>
      ofType(run, "platform:workloads:Service").some((s) => x.name === `${s.name}-deployment`),
    )) {
      const env = (
        d.inputs.spec as { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } }
      ).template.spec.containers[0].env;
      expect(env).toContainEqual({
        name: "OTEL_EXPORTER_OTLP_ENDPOINT",
        value: "http://otel-collector.tracing.svc:4317",
      });
    }
    const outcomes = results[stack]!.evaluation.outcomes.filter((o) =>
      [
        "metrics-stack-with-alert-routing",
        "platform-services-scraped",
        "stateful-services-alarmed",
        "sns-topic-encrypted-cmk",
        "container-logs-shipped",
        "trace-gateway-present",
      ].includes(o.policy),
    );
    expect(outcomes.map((o) => [o.policy, o.assessed > 0, o.passed === o.assessed])).toEqual(
      outcomes.map((o) => [o.policy, true, true]),
    );
    expect(outcomes).toHaveLength(6);
  });
});
