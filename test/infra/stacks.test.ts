/**
 * The three stack files, previewed offline as `npm run preview -- <stack>` does: each previews
 * cleanly, and the environments differ the way their stack files say.
 */
import { readStackFiles } from "../../tools/offline/stack-files";
import { PROJECT_DIR } from "../../tools/offline/preview-stack";
import { REQUIRED_TAGS } from "../../infra/config/core";
import { toPlan } from "../../tools/offline/plan";
import { type OfflineRun, byName, json, ofType, runStack } from "../support/offline";

const STACKS = ["dev", "staging", "production"] as const;
const runs: Partial<Record<(typeof STACKS)[number], OfflineRun>> = {};

beforeAll(async () => {
  for (const stack of STACKS) {
    runs[stack] = await runStack(stack);
  }
});

describe.each(STACKS)("stack %s", (stack) => {
  test("every AWS resource uses the stack's provider, whose default tags carry the governance tags", () => {
    const run = runs[stack]!;
    const [provider] = ofType(run, "pulumi:providers:aws");
    const tags = json<{ tags: Record<string, string> }>(provider.inputs.defaultTags).tags;
    for (const name of REQUIRED_TAGS) {
      expect([name, tags[name]]).toEqual([name, expect.stringMatching(/\S/)]);
    }
    expect(tags.Environment).toBe(stack);
    const aws = run.resources.filter((r) => r.custom && r.type.startsWith("aws:"));
    expect(aws.length).toBeGreaterThan(0);
    for (const r of aws) {
      expect([r.urn, r.provider]).toEqual([r.urn, `${provider.urn}::${provider.id}`]);
    }
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
  const version = ofType(run, "aws:secretsmanager/secretVersion:SecretVersion").find((v) => v.name.startsWith("redis"))!;
  expect(version.inputs.secretString).toBe("[secret]");
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
