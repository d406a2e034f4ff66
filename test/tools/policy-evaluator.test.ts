import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { CAPABILITIES } from "../../policy/capabilities";
import { ALL_POLICIES, POLICY_METADATA } from "../../policy/catalog";
import { kmsKeyRotationEnabled } from "../../policy/encryption";
import { requiredTags } from "../../policy/governance";
import { CATEGORIES } from "../../policy/lib/types";
import { configWarnings, resolveConfig } from "../../tools/policy/config";
import { evaluate } from "../../tools/policy/evaluate";
import { InputError, readPlan } from "../../tools/policy/plan-input";
import { renderMarkdown, renderScorecard, renderViolations } from "../../tools/policy/render";
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
    [
      { all: "strict" },
      'policy config "all" must be one of advisory, mandatory, remediate, disabled (or { "enforcementLevel": ... }), got "strict"',
    ],
    [
      { "required-tags": "strict" },
      "config of 'required-tags' must be an enforcement level or an object, got \"strict\"",
    ],
    [
      { "required-tags": { requiredTags: "Owner" } },
      'required-tags.requiredTags must be of type array, got "Owner"',
    ],
    [
      { "required-tags": { requiredTags: ["Owner", 3] } },
      "required-tags.requiredTags[1] must be of type string, got 3",
    ],
  ])("config %j is rejected", (config, message) => {
    expect(() => resolveConfig([requiredTags], config)).toThrow(new InputError(message));
  });

  test.each([
    [
      { "eks-supported-version": { minVersion: "latest" } },
      'eks-supported-version.minVersion must match ^\\d+\\.\\d+$, got "latest"',
    ],
    [
      { "eks-imdsv2-required": { maxHopLimit: 0 } },
      "eks-imdsv2-required.maxHopLimit must be between 1 and 64, got 0",
    ],
    [
      { "readiness-exclusions": { capabilities: { tracing: "short" } } },
      'readiness-exclusions.capabilities.tracing must be at least 10 characters, got "short"',
    ],
  ])("a value breaking a policy's schema is refused before the policy runs: %j", (config, message) => {
    expect(() => resolveConfig(ALL_POLICIES, config)).toThrow(new InputError(message));
  });

  test("an unknown capability id in readiness-exclusions is refused, naming policy and property", () => {
    expect(() =>
      resolveConfig(ALL_POLICIES, {
        "readiness-exclusions": { capabilities: { tracin: "we run no services" } },
      }),
    ).toThrow(
      /^readiness-exclusions\.capabilities has key 'tracin', whose name must be one of "pod-security-context", /,
    );
  });

  test('"all" accepts the object form; unknown policies and properties warn (likely typos) and do not fail', () => {
    const raw = {
      all: { enforcementLevel: "advisory" },
      nope: "mandatory",
      "required-tags": { tagz: [], enforcementLevel: "mandatory" },
    };
    const config = resolveConfig([requiredTags, kmsKeyRotationEnabled], raw);
    expect(config.get("kms-key-rotation-enabled")?.enforcementLevel).toBe("advisory");
    expect(config.get("required-tags")).toEqual({
      enforcementLevel: "mandatory",
      properties: { requiredTags: expect.any(Array), tagz: [] },
    });
    expect(configWarnings([requiredTags, kmsKeyRotationEnabled], raw)).toEqual([
      "policy config names unknown policy 'nope' (ignored; a typo?)",
      "required-tags: unknown config property 'tagz' (ignored; known: requiredTags)",
    ]);
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
    expect(run.scorecard.reasons[0]).toBe("14 mandatory violation(s)");
    // No node group and no scaled workload in the fixture: nothing to judge counts as failed, never a free pass.
    expect(run.scorecard.categories.find((c) => c.category === "Auto-scaling")).toMatchObject({
      score: 0,
      capabilitiesPassed: 0,
      capabilitiesCounted: 2,
    });
    expect(run.scorecard.capabilities.find((c) => c.id === "node-autoscaling")).toMatchObject({
      status: "missing",
      why: [
        "eks-node-group-scalable: No resource of type aws:eks/nodeGroup:NodeGroup in the stack",
        "eks-spot-instance-diversity: No resource of type aws:eks/nodeGroup:NodeGroup in the stack",
      ],
    });
    expect(run.scorecard.coveredWeight).toBe(100);
    const markdown = renderMarkdown(run.evaluation, run.scorecard);
    expect(markdown).toContain("| Auto-scaling | 5 | 0.0 | 0/2 |");
    expect(markdown).toContain(
      "| mandatory / critical | Network Security | security-group-no-public-ingress | `urn:pulumi:insecure::platform::aws:ec2/securityGroup:SecurityGroup::bastion` |",
    );
    expect(markdown).toContain(
      "| workload-has-pdb | No Deployment, StatefulSet or Rollout runs more than one replica |",
    );
    const text = renderScorecard(run.scorecard);
    expect(text).toMatch(
      /^workload-has-pdb +No Deployment, StatefulSet or Rollout runs more than one replica$/m,
    );
    // Every capability is proven by some policy of the pack: none shows as missing.
    expect(text).not.toMatch(/ missing +no policy of the pack proves it yet$/m);
    // No collector in the fixture: the tracing capability fails on its policy's violation.
    expect(text).toMatch(/^Monitoring and Observability +tracing +failed \(0%\) +see violations$/m);
    expect(renderViolations(run.evaluation)).toContain(
      "[kms-key-rotation-enabled] (Storage and Backup) urn:pulumi:insecure::platform::aws:kms/key:Key::data",
    );
  });
});

describe("scorecard arithmetic", () => {
  const outcome = (policy: string, assessed: number, passed: number) => ({
    policy,
    enforcementLevel: "mandatory" as "mandatory" | "advisory",
    assessed,
    passed,
    notAssessed: [] as { urn?: string; reason: string }[],
    notApplicable: [] as string[],
  });
  const card = (outcomes: ReturnType<typeof outcome>[], config?: Parameters<typeof computeScorecard>[2]) =>
    computeScorecard(
      { stack: "s", project: "p", violations: [], outcomes, resourceCount: 1 },
      POLICY_METADATA,
      config,
    );
  const allPass = () => Object.keys(POLICY_METADATA).map((p) => outcome(p, 2, 2));
  const unproven = CAPABILITIES.filter((c) => c.policies.length === 0);

  test("every policy passing still leaves the capabilities no policy proves failed", () => {
    const result = card(allPass());
    const monitoring = CAPABILITIES.filter((c) => c.category === "Monitoring and Observability");
    const missing = monitoring.filter((c) => c.policies.length === 0).length;
    expect(result.categories.find((c) => c.category === "Monitoring and Observability")?.score).toBe(
      Math.round((1000 * (monitoring.length - missing)) / monitoring.length) / 10,
    );
    expect(result.capabilities.filter((c) => c.status === "missing").map((c) => c.id)).toEqual(
      unproven.map((c) => c.id),
    );
  });

  test("a capability scores the severity-weighted pass rate of its assessed policies", () => {
    // pod-security-context: 3 critical (4) and 3 high (3) policies; one critical at half.
    const half = allPass().map((o) => (o.policy === "pod-run-as-non-root" ? outcome(o.policy, 2, 1) : o));
    const capability = card(half).capabilities.find((c) => c.id === "pod-security-context");
    expect(capability).toMatchObject({
      status: "failed",
      score: (4 * 0.5 + 2 * 4 + 3 * 3) / (3 * 4 + 3 * 3),
    });
  });

  test("excluding every unproven capability with a reason (and nothing failing) gives go", () => {
    // Plus one proven capability: an exclusion wins over passing policies.
    const excluded = [...unproven, CAPABILITIES[0]];
    const capabilities = Object.fromEntries(excluded.map((c) => [c.id, `not needed here: ${c.title}`]));
    const config = resolveConfig(ALL_POLICIES, { "readiness-exclusions": { capabilities } });
    const result = card(allPass(), config);
    expect(result).toMatchObject({ verdict: "go", overall: 100, coveredWeight: 100, reasons: [] });
    const example = excluded[0].id;
    expect(result.capabilities.find((c) => c.id === example)).toMatchObject({
      status: "excluded",
      why: [capabilities[example]],
    });
  });

  test("a category below the floor withholds go even when the overall passes", () => {
    // Every unproven capability excluded; every policy of the Cloud Integration capabilities failing.
    const capabilities = Object.fromEntries(unproven.map((c) => [c.id, "excluded for this test"]));
    const failing = new Set(
      CAPABILITIES.filter((c) => c.category === "Cloud Integration").flatMap((c) => c.policies),
    );
    const outcomes = allPass().map((o) => (failing.has(o.policy) ? outcome(o.policy, 2, 0) : o));
    const result = card(outcomes, resolveConfig(ALL_POLICIES, { "readiness-exclusions": { capabilities } }));
    expect(result.overall).toBeGreaterThan(80);
    expect(result.verdict).toBe("no-go");
    expect(result.reasons.filter((r) => r.startsWith("Cloud Integration"))).toEqual([
      "Cloud Integration 0 is below the floor of 50",
    ]);
  });

  test("a mandatory violation withholds go whatever the scores", () => {
    const capabilities = Object.fromEntries(unproven.map((c) => [c.id, "excluded for this test"]));
    const result = computeScorecard(
      {
        stack: "s",
        project: "p",
        violations: [
          {
            policy: "required-tags",
            category: "Infrastructure as Code",
            severity: "medium",
            enforcementLevel: "mandatory",
            message: "m",
          },
        ],
        outcomes: allPass(),
        resourceCount: 1,
      },
      POLICY_METADATA,
      resolveConfig(ALL_POLICIES, { "readiness-exclusions": { capabilities } }),
    );
    expect(result.overall).toBe(100);
    expect(result).toMatchObject({ verdict: "no-go", reasons: ["1 mandatory violation(s)"] });
  });

  test("a mandatory check that could not run on unknown values withholds 'go', an advisory one does not", () => {
    const capabilities = Object.fromEntries(unproven.map((c) => [c.id, "excluded for this test"]));
    const config = resolveConfig(ALL_POLICIES, { "readiness-exclusions": { capabilities } });
    const unknown = [{ urn: "urn:pulumi:s::p::aws:ec2/subnet:Subnet::a", reason: "vpcId is unknown" }];
    const blocked = card(
      allPass().map((o, i) => (i === 0 ? { ...o, notAssessed: unknown } : o)),
      config,
    );
    expect(blocked.verdict).toBe("no-go");
    expect(blocked.reasons).toEqual(["1 mandatory check(s) could not run on values unknown during preview"]);
    const advisory = card(
      allPass().map((o, i) =>
        i === 0 ? { ...o, enforcementLevel: "advisory" as const, notAssessed: unknown } : o,
      ),
      config,
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
    expect(result.stdout).toContain("insecure: 14 mandatory and 15 advisory violation(s)");
    const data = JSON.parse(readFileSync(out, "utf8")) as {
      scorecard: { verdict: string };
      violations: unknown[];
    };
    expect(data.scorecard.verdict).toBe("no-go");
    expect(data.violations).toHaveLength(29);
  });
});
