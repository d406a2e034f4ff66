/**
 * The estimate of small plans against figures computed by hand from tools/cost/prices.yaml
 * (us-west-2 and us-east-1 list the same prices for everything used here) and the default usage
 * assumptions.
 */
import { join } from "path";
import { usageSchema } from "../../../infra/config/cost";
import type { PlanInput, PlanResource } from "../../../tools/policy/plan-input";
import { readPlanFile } from "../../../tools/policy/run";
import { estimate } from "../../../tools/cost/estimate";
import { loadPrices } from "../../../tools/cost/prices";

const FIXTURE = join(__dirname, "..", "..", "fixtures", "cost-plan.json");
const prices = loadPrices();
const defaults = usageSchema.parse({});
const fixture = readPlanFile(FIXTURE);

const urn = (type: string, name: string) => `urn:pulumi:t::platform::${type}::${name}`;
function res(
  type: string,
  name: string,
  props: Record<string, unknown>,
  dependencies: string[] = [],
): PlanResource {
  return { urn: urn(type, name), type, name, custom: true, props, protect: false, dependencies };
}
const plan = (...resources: PlanResource[]): PlanInput => ({ stack: "t", project: "platform", resources });
const of = (p: PlanInput) => estimate(p, prices, defaults, "us-west-2");

describe("the fixture plan (test/fixtures/cost-plan.json)", () => {
  const result = of(fixture);

  test("costs what a hand computation says, to the tenth of a cent", () => {
    const byHand =
      73 + // EKS control plane: 730 h × 0.10
      730 * 2 * 0.096 + // system: 2 × m5.large on-demand (first type listed) = 140.16
      2 * 50 * 0.08 + // their 50 GiB gp3 root volumes from the launch template = 8.00
      730 * 3 * 0.192 * 0.4 + // application: 3 × m5.xlarge spot, 60 % off = 168.192
      3 * 20 * 0.08 + // their 20 GiB root volumes (diskSize, no launch template) = 4.80
      730 * 0.045 + // NAT gateway hours = 32.85
      100 * 0.045 + // 100 GB processed = 4.50
      730 * 0.005 + // its Elastic IP = 3.65
      2 * 730 * 0.01 + // ecr.api interface endpoint in 2 AZs = 14.60 (the S3 gateway endpoint is free)
      20 * 0.01 + // 20 GB through the endpoints = 0.20
      730 * 0.065 + // db.t4g.medium single-AZ = 47.45
      20 * 0.115 + // 20 GiB gp3 = 2.30
      (20 * (1 + 0.02 * 7) - 20) * 0.095 + // 7 days of 2 % daily changes beyond the free 20 GiB = 0.266
      0.4 + // RDS-managed master secret
      20 * 0.02 * 30 * 0.02 + // a month of changes copied to us-east-1 = 0.24
      20 * (1 + 0.02 * 7) * 0.095 + // 7 days of copies stored there = 2.166
      2 * 730 * 0.032 + // 2 × cache.t4g.small = 46.72
      2 * 1 + // two KMS keys, one per region
      10 * 0.5 + // control-plane logs: 10 GB ingested
      10 * 1 * 0.03 + // kept 30 days = 0.30
      0.4 + // one secret
      10 * 0.08; // a 10Gi claim on the default gp3 class = 0.80
    expect(byHand).toBeCloseTo(557.994, 6);
    expect(result.totalUsd).toBeCloseTo(byHand, 6);
    expect(result.savedBySleepUsd).toBe(0);
  });

  test("totals by service, by component and by resource type add up to the same", () => {
    const money = (rows: readonly { label: string; monthlyUsd: number }[]) =>
      Object.fromEntries(rows.map((r) => [r.label, Number(r.monthlyUsd.toFixed(3))]));
    expect(money(result.byService)).toEqual({
      "EKS control plane": 73,
      "EC2 nodes": 308.352,
      "EBS volumes": 13.6,
      "NAT gateways": 37.35,
      "Public IPv4": 3.65,
      "VPC endpoints": 14.8,
      RDS: 52.422,
      ElastiCache: 46.72,
      KMS: 2,
      "CloudWatch Logs": 5.3,
      "Secrets Manager": 0.8,
    });
    expect(money(result.byComponent)).toEqual({
      "platform (EksCluster)": 394.152,
      "net (Network)": 55.8,
      "(stack)": 55.22,
      "db (PostgresDatabase)": 52.822,
    });
    for (const rows of [result.byService, result.byComponent, result.byResourceType]) {
      expect(rows.reduce((n, r) => n + r.monthlyUsd, 0)).toBeCloseTo(result.totalUsd, 9);
    }
  });

  test("a type with no rule is listed as not priced, never dropped; free types make no line", () => {
    expect(result.unpriced).toEqual([
      {
        component: "(stack)",
        resourceType: "aws:sqs/queue:Queue",
        resource: "jobs",
        reason: "no pricing rule for this type (tools/cost/)",
      },
    ]);
    // Free: the IAM role, the KMS alias, the launch template (priced through its nodes), the S3
    // gateway endpoint, the StorageClass.
    expect([...new Set(result.lines.map((l) => `${l.resourceType} ${l.resource}`))].sort()).toEqual([
      "aws:cloudwatch/logGroup:LogGroup control-plane-logs",
      "aws:ec2/eip:Eip net-nat",
      "aws:ec2/natGateway:NatGateway net-nat",
      "aws:ec2/vpcEndpoint:VpcEndpoint net-ecr",
      "aws:eks/cluster:Cluster platform",
      "aws:eks/nodeGroup:NodeGroup platform-application",
      "aws:eks/nodeGroup:NodeGroup platform-system",
      "aws:elasticache/replicationGroup:ReplicationGroup cache",
      "aws:kms/key:Key key",
      "aws:kms/key:Key key-dr",
      "aws:rds/instance:Instance db-primary",
      "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication db-copies",
      "aws:secretsmanager/secret:Secret token",
      "kubernetes:core/v1:PersistentVolumeClaim data",
    ]);
  });

  test("each resource is priced in its provider's region", () => {
    const regions = Object.fromEntries(
      result.lines.map((l) => [`${l.resource} ${l.item.split(" ")[0]}`, l.region]),
    );
    expect(regions["key-dr customer-managed"]).toBe("us-east-1");
    expect(regions["key customer-managed"]).toBe("us-west-2");
    expect(result.lines.filter((l) => l.resource === "db-copies").map((l) => l.region)).toEqual([
      "us-east-1",
      "us-east-1",
    ]);
  });
});

describe("sleep schedules found in the plan", () => {
  const system = fixture.resources.find(
    (r) => r.type === "aws:eks/nodeGroup:NodeGroup" && r.name === "platform-system",
  )!;
  const action = (name: string, recurrence: string, desired: number) =>
    res(
      "aws:autoscaling/schedule:Schedule",
      name,
      {
        recurrence,
        timeZone: "Europe/Berlin",
        minSize: desired,
        maxSize: desired * 2,
        desiredCapacity: desired,
      },
      [system.urn],
    );
  const dbSchedule = (action: string, cron: string) =>
    res("aws:scheduler/schedule:Schedule", `db-${action}`, {
      scheduleExpression: cron,
      scheduleExpressionTimezone: "Europe/Berlin",
      target: {
        arn: `arn:aws:scheduler:::aws-sdk:rds:${action}DBInstance`,
        input: '{"DbInstanceIdentifier":"fixture-db"}',
      },
    });
  const sleeping = {
    ...fixture,
    resources: [
      ...fixture.resources,
      action("sleep", "0 18 * * 1,2,3,4,5", 0),
      action("wake", "0 8 * * 1,2,3,4,5", 2),
      dbSchedule("stop", "cron(0 18 ? * MON-FRI *)"),
      dbSchedule("start", "cron(30 7 ? * MON,TUE,WED,THU,FRI *)"),
    ],
  };

  test("nodes and their root volumes run 50 of 168 hours, the database 52.5; its storage does not sleep", () => {
    const result = of(sleeping);
    const savedByHand = (140.16 + 8) * (118 / 168) + 47.45 * (115.5 / 168);
    expect(result.savedBySleepUsd).toBeCloseTo(savedByHand, 6);
    expect(result.totalUsd).toBeCloseTo(557.994 - savedByHand, 6);
    const db = result.lines.filter((l) => l.resource === "db-primary");
    expect(db.map((l) => [l.item, Number(l.monthlyUsd.toFixed(4))])).toEqual([
      [
        "db.t4g.medium PostgreSQL single-AZ, running 52.5 h a week: MON,TUE,WED,THU,FRI 07:30-18:00 Europe/Berlin",
        Number(((47.45 * 52.5) / 168).toFixed(4)),
      ],
      ["20 GiB gp3 storage", 2.3],
      ["backup storage beyond the free 20 GiB (7 days at 2 % change a day: 23 GiB)", 0.266],
      ["RDS-managed master user secret", 0.4],
    ]);
    expect(result.sleep).toEqual([
      "platform-system: 50 h a week: MON,TUE,WED,THU,FRI 08:00-18:00 Europe/Berlin",
      "db-primary: 52.5 h a week: MON,TUE,WED,THU,FRI 07:30-18:00 Europe/Berlin",
    ]);
  });

  test("schedules of another shape are priced as always on, and said to be", () => {
    const odd = {
      ...fixture,
      resources: [...fixture.resources, action("sleep", "0 2 * * *", 0), action("wake", "0 8 * * 1-5", 2)],
    };
    const result = of(odd);
    expect(result.savedBySleepUsd).toBe(0);
    expect(result.sleep).toEqual([
      "node group 'platform-system': scheduled actions not understood, priced as always on",
    ]);
  });
});

describe("pricing rules", () => {
  const provider = (region: string) => res("pulumi:providers:aws", "aws", { region });

  test("Multi-AZ doubles instance and storage; a replica takes its source's storage size", () => {
    const primary = res("aws:rds/instance:Instance", "primary", {
      identifier: "db",
      instanceClass: "db.r6g.large",
      multiAz: true,
      allocatedStorage: 100,
      backupRetentionPeriod: 0,
    });
    const replica = res("aws:rds/instance:Instance", "replica", {
      identifier: "db-replica-1",
      instanceClass: "db.r6g.large",
      replicateSourceDb: "db",
      multiAz: false,
    });
    const result = of(plan(primary, replica));
    expect(result.lines.map((l) => [l.resource, l.item, Number(l.monthlyUsd.toFixed(2))])).toEqual([
      ["primary", "db.r6g.large PostgreSQL Multi-AZ", 328.5],
      ["primary", "100 GiB gp3 storage (Multi-AZ: two copies)", 23],
      ["replica", "db.r6g.large PostgreSQL single-AZ read replica", 164.25],
      ["replica", "100 GiB gp3 storage", 11.5],
    ]);
  });

  test("what cannot be priced is listed: an unknown class, a region without prices, paid Performance Insights", () => {
    const far = provider("eu-central-1");
    const key = { ...res("aws:kms/key:Key", "k", {}), providerUrn: far.urn };
    const db = res("aws:rds/instance:Instance", "db", {
      identifier: "db",
      instanceClass: "db.x2g.large",
      allocatedStorage: 20,
      performanceInsightsEnabled: true,
      performanceInsightsRetentionPeriod: 31,
    });
    const group = res("aws:eks/nodeGroup:NodeGroup", "ng", {
      instanceTypes: ["z1d.large"],
      scalingConfig: { desiredSize: 1 },
    });
    expect(of(plan(far, key, db, group)).unpriced.map((u) => `${u.resource}: ${u.reason}`)).toEqual([
      "k: no prices for region eu-central-1 in tools/cost/prices.yaml (regions priced: us-west-2, us-east-1)",
      "db: DB instance class db.x2g.large has no price in tools/cost/prices.yaml",
      "db: Performance Insights kept 31 days (beyond the free 7 days) is not priced",
      "ng: instance type z1d.large has no price in tools/cost/prices.yaml",
    ]);
  });

  test("Vault's Raft volumes come from the chart values, one per server, on the class they name", () => {
    const vault = res("kubernetes:helm.sh/v3:Release", "vault", {
      chart: "vault",
      values: {
        server: { ha: { enabled: true, replicas: 3 }, dataStorage: { size: "10Gi", storageClass: "gp2-x" } },
      },
    });
    const gp2 = res("kubernetes:storage.k8s.io/v1:StorageClass", "sc", {
      metadata: { name: "gp2-x" },
      parameters: { type: "gp2" },
    });
    const other = res("kubernetes:helm.sh/v3:Release", "metrics", { chart: "metrics-server", values: {} });
    const lines = of(plan(vault, gp2, other)).lines;
    expect(lines.map((l) => [l.item, l.quantity, l.unitPriceUsd])).toEqual([
      ["3 × 10Gi gp2 (Vault dataStorage)", 30, 0.1],
    ]);
  });

  test("one ALB per Ingress group, with a public address per public AZ when internet-facing", () => {
    const ingress = (name: string, group?: string) =>
      res("kubernetes:networking.k8s.io/v1:Ingress", name, {
        metadata: {
          name,
          namespace: "app",
          annotations: {
            "alb.ingress.kubernetes.io/scheme": "internet-facing",
            ...(group ? { "alb.ingress.kubernetes.io/group.name": group } : {}),
          },
        },
        spec: { ingressClassName: "alb" },
      });
    const subnet = (az: string) =>
      res("aws:ec2/subnet:Subnet", `public-${az}`, {
        availabilityZone: az,
        tags: { "kubernetes.io/role/elb": "1" },
      });
    const subnets = ["us-west-2a", "us-west-2b", "us-west-2c"].map(subnet);
    const lines = of(plan(...subnets, ingress("a", "shared"), ingress("b", "shared"), ingress("c"))).lines;
    expect(lines.map((l) => [l.resource, l.item, Number(l.monthlyUsd.toFixed(4))])).toEqual([
      ["a", "ALB hours (created by the AWS Load Balancer Controller for Ingress shared)", 16.425],
      ["a", "ALB capacity units (1 per hour)", 5.84],
      ["a", "ALB public addresses in 3 AZs", 10.95],
      ["c", "ALB hours (created by the AWS Load Balancer Controller for Ingress app/c)", 16.425],
      ["c", "ALB capacity units (1 per hour)", 5.84],
      ["c", "ALB public addresses in 3 AZs", 10.95],
    ]);
  });

  test("log groups are sized by kind: control plane, flow logs (by the flow log writing there), database, cache", () => {
    const group = (name: string, logName: string, retentionInDays?: number) =>
      res("aws:cloudwatch/logGroup:LogGroup", name, {
        name: logName,
        ...(retentionInDays ? { retentionInDays } : {}),
      });
    const flows = group("flows", "anything", 7);
    const flowLog = res("aws:ec2/flowLog:FlowLog", "flow", {}, [flows.urn]);
    const lines = of(
      plan(
        group("cp", "/aws/eks/c/cluster", 90),
        flows,
        flowLog,
        group("pg", "/aws/rds/instance/db/postgresql", 30),
        group("up", "/aws/rds/instance/db/upgrade", 30),
        group("redis", "/aws/elasticache/c/slow-log", 30),
        group("forever", "/app"),
      ),
    ).lines;
    expect(lines.map((l) => [l.resource, l.item, l.quantity])).toEqual([
      ["cp", "ingestion of EKS control-plane logs (10 GB a month)", 10],
      ["cp", "storage, 90 days kept", 30],
      ["flows", "ingestion of VPC flow logs (10 GB a month)", 10],
      ["flows", "storage, 7 days kept", (10 * 7) / 30],
      ["pg", "ingestion of database logs (2 GB a month)", 2],
      ["pg", "storage, 30 days kept", 2],
      ["up", "ingestion of other logs (0.1 GB a month)", 0.1],
      ["up", "storage, 30 days kept", 0.1],
      ["redis", "ingestion of cache logs (0.5 GB a month)", 0.5],
      ["redis", "storage, 30 days kept", 0.5],
      ["forever", "ingestion of other logs (0.1 GB a month)", 0.1],
      ["forever", "storage, never expires (one year shown)", 0.1 * 12],
    ]);
  });
});
