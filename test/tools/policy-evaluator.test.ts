import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { ALL_POLICIES, POLICY_METADATA } from "../../policy/catalog";
import { kmsKeyRotationEnabled } from "../../policy/encryption";
import { requiredTags } from "../../policy/governance";
import { CATEGORIES } from "../../policy/lib/types";
import { resolveConfig } from "../../tools/policy/config";
import { evaluate } from "../../tools/policy/evaluate";
import { InputError, readPlan } from "../../tools/policy/plan-input";
import { renderMarkdown } from "../../tools/policy/render";
import { runPolicies } from "../../tools/policy/run";
import { computeScorecard } from "../../tools/policy/scorecard";

const ROOT = join(__dirname, "../..");
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const urn = (type: string, name: string) => `urn:pulumi:dev::platform::${type}::${name}`;
const step = (op: string, type: string, name: string, inputs: Record<string, unknown>) => ({
  op,
  urn: urn(type, name),
  newState: { urn: urn(type, name), type, custom: true, inputs, protect: false, dependencies: [] },
});

describe("the pack", () => {
  test("every policy has a unique kebab-case name, a description, a category and references", () => {
    const names = ALL_POLICIES.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of ALL_POLICIES) {
      expect(p.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(p.description).toMatch(/\.$/);
      expect(CATEGORIES).toContain(p.category);
      expect(p.references.length).toBeGreaterThan(0);
    }
  });

  test.each(["dev", "staging", "production"])("policy/config/%s.json resolves against the pack", (stack) => {
    const config = JSON.parse(readFileSync(join(ROOT, "policy/config", `${stack}.json`), "utf8")) as unknown;
    expect(() => resolveConfig(ALL_POLICIES, config)).not.toThrow();
  });
});

describe("plan reading", () => {
  test("delete steps are skipped, replacements keep one state, provider references lose their ID", () => {
    const plan = readPlan({
      steps: [
        { op: "delete", urn: urn("aws:kms/key:Key", "old"), oldState: {} },
        {
          ...step("create-replacement", "aws:kms/key:Key", "k", { enableKeyRotation: false }),
          provider: `${urn("pulumi:providers:aws", "aws")}::abc`,
        },
        step("replace", "aws:kms/key:Key", "k", { enableKeyRotation: true }),
      ],
    });
    expect(plan.stack).toBe("dev");
    expect(plan.resources).toHaveLength(1);
    expect(plan.resources[0]).toMatchObject({ name: "k", props: { enableKeyRotation: true } });
  });

  test.each([
    [[], "not a plan: expected a JSON object with a 'steps' array (the output of `pulumi preview --json`)"],
    [{ steps: [{ op: "create" }] }, "step 0: expected 'op' and 'urn' strings"],
    [
      { steps: [{ op: "create", urn: "u", newState: { urn: "u", type: "t" } }] },
      "step 0: 'u' is not a Pulumi URN",
    ],
    [{ steps: [] }, "the plan has no resources to evaluate"],
  ])("malformed plan %j", (data, message) => {
    expect(() => readPlan(data)).toThrow(new InputError(message));
  });
});

describe("CrossGuard semantics", () => {
  const plan = (inputs: Record<string, unknown>) =>
    readPlan({ steps: [step("create", "aws:kms/key:Key", "k", inputs)] });

  test("an unknown value means not assessed: no violation, no pass", async () => {
    const result = await evaluate(
      plan({ enableKeyRotation: UNKNOWN }),
      [kmsKeyRotationEnabled],
      resolveConfig([kmsKeyRotationEnabled], {}),
    );
    expect(result.violations).toEqual([]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 0, passed: 0 });
    expect(result.outcomes[0].notAssessed).toEqual([
      {
        urn: urn("aws:kms/key:Key", "k"),
        reason: "string value at .enableKeyRotation can't be known during preview",
      },
    ]);
  });

  test.each([
    [{}, "mandatory"],
    [{ all: "advisory" }, "advisory"],
    [{ all: "advisory", "kms-key-rotation-enabled": "remediate" }, "mandatory"],
    [{ "kms-key-rotation-enabled": { enforcementLevel: "advisory" } }, "advisory"],
  ])("config %j reports the violation as %s", async (config, level) => {
    const result = await evaluate(
      plan({}),
      [kmsKeyRotationEnabled],
      resolveConfig([kmsKeyRotationEnabled], config),
    );
    expect(result.violations.map((v) => v.enforcementLevel)).toEqual([level]);
  });

  test("disabled policies do not run", async () => {
    const result = await evaluate(
      plan({}),
      [kmsKeyRotationEnabled],
      resolveConfig([kmsKeyRotationEnabled], { all: "disabled" }),
    );
    expect(result.violations).toEqual([]);
  });

  test.each([
    [{ nope: "advisory" }, "policy config names unknown policy 'nope'"],
    [
      { "required-tags": "strict" },
      "config of 'required-tags' must be an enforcement level or an object, got \"strict\"",
    ],
    [
      { "required-tags": { requiredTags: "Owner" } },
      'required-tags.requiredTags must be of type array, got "Owner"',
    ],
    [
      { "required-tags": { tagz: [] } },
      "required-tags: unknown config property 'tagz' (known: requiredTags)",
    ],
  ])("config %j is rejected", (config, message) => {
    expect(() => resolveConfig([requiredTags], config)).toThrow(new InputError(message));
  });
});

describe("the insecure fixture plan", () => {
  let run: Awaited<ReturnType<typeof runPolicies>>;
  beforeAll(async () => {
    run = await runPolicies(
      readPlan(JSON.parse(readFileSync(join(ROOT, "test/fixtures/insecure-plan.json"), "utf8"))),
    );
  });

  test.each([
    ["network", "security-group-no-public-ingress", "bastion"],
    ["encryption", "kms-key-rotation-enabled", "data"],
    ["eks", "eks-public-endpoint-restricted", "eks"],
    ["data", "rds-not-publicly-accessible", "db"],
    ["workloads", "container-no-privilege-escalation", "api"],
    ["governance", "aws-provider-default-tags", "aws"],
  ])("%s breach is caught by %s on '%s'", (_area, policy, name) => {
    const hits = run.evaluation.violations.filter((v) => v.policy === policy);
    expect(hits.map((v) => [v.enforcementLevel, v.urn?.split("::").pop()])).toEqual([["mandatory", name]]);
  });

  test("the resource being deleted is not evaluated", () => {
    expect(run.evaluation.violations.some((v) => v.urn?.endsWith("::old"))).toBe(false);
  });

  test("the scorecard is no-go, and names every reason", () => {
    expect(run.scorecard.verdict).toBe("no-go");
    expect(run.scorecard.reasons[0]).toBe("11 mandatory violation(s)");
    expect(run.scorecard.categories.find((c) => c.category === "Cloud Integration")?.score).toBeUndefined();
    // No node group and no scaled workload in the fixture: nothing to judge, never a free pass.
    expect(run.scorecard.categories.find((c) => c.category === "Auto-scaling")?.score).toBeUndefined();
    expect(run.scorecard.coveredWeight).toBe(90);
    expect(renderMarkdown(run.evaluation, run.scorecard)).toContain(
      "| Cloud Integration | 5 | not assessed | 0/2 |",
    );
  });
});

describe("scorecard arithmetic", () => {
  test("severity-weighted policy pass rates; go needs every group above its threshold", () => {
    const outcome = (policy: string, assessed: number, passed: number) => ({
      policy,
      enforcementLevel: "mandatory" as const,
      assessed,
      passed,
      notAssessed: [],
    });
    const all = Object.keys(POLICY_METADATA).map((p) => outcome(p, 2, 2));
    const perfect = computeScorecard(
      { stack: "s", project: "p", violations: [], outcomes: all, resourceCount: 1 },
      POLICY_METADATA,
    );
    expect(perfect).toMatchObject({ verdict: "go", overall: 100, coveredWeight: 100 });
    // One critical Network Security policy at half: (4 * 0.5 + rest) / total severity weight of the category.
    const half = all.map((o) =>
      o.policy === "security-group-no-public-ingress" ? outcome(o.policy, 2, 1) : o,
    );
    const card = computeScorecard(
      { stack: "s", project: "p", violations: [], outcomes: half, resourceCount: 1 },
      POLICY_METADATA,
    );
    const net = Object.values(POLICY_METADATA).filter((m) => m.category === "Network Security");
    const weights = { low: 1, medium: 2, high: 3, critical: 4 };
    const total = net.reduce((s, m) => s + weights[m.severity], 0);
    expect(card.categories.find((c) => c.category === "Network Security")?.score).toBe(
      Math.round((1000 * (total - 2)) / total) / 10,
    );
  });

  test("a mandatory check that could not run on unknown values withholds 'go', an advisory one does not", () => {
    const outcomes = Object.keys(POLICY_METADATA).map((policy) => ({
      policy,
      enforcementLevel: "mandatory" as const,
      assessed: 2,
      passed: 2,
      notAssessed: [] as { urn?: string; reason: string }[],
    }));
    const unknown = [{ urn: "urn:pulumi:s::p::aws:ec2/subnet:Subnet::a", reason: "vpcId is unknown" }];
    const blocked = computeScorecard(
      {
        stack: "s",
        project: "p",
        violations: [],
        outcomes: outcomes.map((o, i) => (i === 0 ? { ...o, notAssessed: unknown } : o)),
        resourceCount: 1,
      },
      POLICY_METADATA,
    );
    expect(blocked.verdict).toBe("no-go");
    expect(blocked.reasons).toEqual(["1 mandatory check(s) could not run on values unknown during preview"]);
    const advisory = computeScorecard(
      {
        stack: "s",
        project: "p",
        violations: [],
        outcomes: outcomes.map((o, i) =>
          i === 0 ? { ...o, enforcementLevel: "advisory" as const, notAssessed: unknown } : o,
        ),
        resourceCount: 1,
      },
      POLICY_METADATA,
    );
    expect(advisory.verdict).toBe("go");
  });
});

describe("CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "policy-cli-"));
  const cli = (...args: string[]) =>
    spawnSync(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "tools/policy.ts"), ...args], {
      cwd: ROOT,
      encoding: "utf8",
    });

  test("a malformed plan file exits 2 with one clear line and no stack trace", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ not json");
    const result = cli("--plan", bad);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(
      new RegExp(`^policy: plan file '${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}' is not valid JSON: `),
    );
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  test("the insecure fixture exits 1 and writes JSON", () => {
    const out = join(dir, "out.json");
    const result = cli("--plan", join(ROOT, "test/fixtures/insecure-plan.json"), "--json", out);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("insecure: 11 mandatory and 5 advisory violation(s)");
    const data = JSON.parse(readFileSync(out, "utf8")) as {
      scorecard: { verdict: string };
      violations: unknown[];
    };
    expect(data.scorecard.verdict).toBe("no-go");
    expect(data.violations).toHaveLength(16);
  });
});
