import { spawnSync } from "child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { PlanFile } from "../../tools/offline/plan";

const root = join(__dirname, "..", "..");

function preview(args: string[], env: NodeJS.ProcessEnv = {}) {
  const clean: NodeJS.ProcessEnv = { ...process.env, CI: "true" };
  for (const name of ["COLUMNS", "FORCE_COLOR", "NO_COLOR"]) {
    delete clean[name];
  }
  Object.assign(clean, env);
  // As `npm run preview` runs it (package.json).
  return spawnSync(process.execPath, ["--require", "./tools/ts-hook.js", "tools/preview.ts", ...args], {
    cwd: root,
    encoding: "utf8",
    env: clean,
  });
}

const ANSI = /\u001b\[\d+m/g;
const widest = (text: string) => Math.max(...text.split("\n").map((l) => [...l.replace(ANSI, "")].length));

describe("npm run preview", () => {
  test("dev: summary fitted to COLUMNS, the same on every run, plan and PR summary written", () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-"));
    const planPath = join(dir, "nested", "plan.json");
    const first = preview(["dev", "--json", planPath, "--timing"], { COLUMNS: "80" });
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/^program [\d.]+ s, total [\d.]+ s since process start\n$/);
    const lines = first.stdout.split("\n");
    expect(lines.slice(0, 3)).toEqual([
      "Offline preview of stack 'dev', project platform",
      "Mocked providers: no Pulumi CLI, no credentials, no network.",
      "",
    ]);
    expect(lines[3]).toBe("pulumi:pulumi:Stack  platform-dev");
    expect(first.stdout).toContain("\nResources by type\n");
    expect(first.stdout).toContain(`\nPlan written to ${planPath}\n`);
    expect(first.stdout).toMatch(/\n\n\d+ resources to create\n$/);
    expect(first.stdout).not.toMatch(ANSI);
    expect(widest(first.stdout.replace(planPath, ""))).toBeLessThanOrEqual(80);
    expect(first.stdout).toContain("…");

    const plan = JSON.parse(readFileSync(planPath, "utf8")) as PlanFile;
    expect(plan.changeSummary).toEqual({ create: plan.steps.length });
    for (const step of plan.steps) {
      expect(step.op).toBe("create");
      expect(step.newState!.urn).toBe(step.urn);
      expect(step.urn).toMatch(/^urn:pulumi:dev::platform::/);
      expect(Object.keys(step.newState!)).toEqual(
        expect.arrayContaining(["urn", "type", "custom", "inputs", "protect", "dependencies"]),
      );
    }
    const stackStep = plan.steps.find((s) => s.newState!.type === "pulumi:pulumi:Stack")!;
    expect(plan.steps.filter((s) => s.newState!.parent === undefined)).toEqual([stackStep]);

    // Second run: colour forced, compared with the first run's plan, PR summary written.
    const summaryPath = join(dir, "pr", "summary.md");
    const second = preview(["dev", "--compare", planPath, "--markdown", summaryPath], {
      COLUMNS: "80",
      FORCE_COLOR: "1",
    });
    expect(second.status).toBe(0);
    expect(second.stderr).toBe("");
    expect(second.stdout).toMatch(ANSI);
    const plain = second.stdout.replace(ANSI, "");
    expect(plain.split("\nAgainst ")[0]).toBe(first.stdout.split("\nPlan written")[0]);
    expect(plain).toContain(`\nAgainst ${planPath}: 0 added, 0 removed, 0 modified\n`);
    expect(readFileSync(summaryPath, "utf8")).toBe(
      [
        "## Offline preview of `dev`",
        "",
        `${plan.steps.length} resources, from the program run against mocked providers (\`npm run preview -- dev\`).`,
        "",
        `### Against \`${planPath}\`: 0 added, 0 removed, 0 modified`,
        "",
        "No resource is added, removed or modified.",
        "",
      ].join("\n"),
    );
  });

  test("bad config: exit 1 and every problem listed, before any resource", () => {
    const dir = mkdtempSync(join(tmpdir(), "stack-"));
    copyFileSync(join(root, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
    const stackFile = readFileSync(join(root, "Pulumi.dev.yaml"), "utf8")
      .replace("cidr: 10.2.0.0/16", "cidr: 10.2.0.0/33")
      .replace("natStrategy: single", "natStrategy: none");
    writeFileSync(
      join(dir, "Pulumi.broken.yaml"),
      stackFile.replace("platform:environment: dev", "platform:environment: dev\n  platform:typo: 1"),
    );
    const res = preview(["broken", "--dir", dir]);
    expect(res.status).toBe(1);
    expect(res.stdout).toBe("");
    expect(res.stderr).toContain("Invalid configuration for stack 'broken' (3 problems):");
    expect(res.stderr).toContain("platform:typo: unknown key");
    expect(res.stderr).toContain(
      'platform:network.cidr: is not an IPv4 CIDR block of the form a.b.c.d/n (received "10.2.0.0/33")',
    );
    expect(res.stderr).toContain("platform:network.natStrategy: must be 'perAz'");
  });

  test("usage errors and unknown stacks exit 2, naming what exists", () => {
    const none = preview([]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("expected exactly one stack name, got 0");
    const missing = preview(["prod"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(
      `no stack 'prod': ${join(root, "Pulumi.prod.yaml")} does not exist; did you mean production? the stacks in ${root} are dev, dr, production, staging\n`,
    );
    const badPlan = preview(["dev", "--compare", join(root, "package.json")]);
    expect(badPlan.status).toBe(2);
    expect(badPlan.stderr).toContain(
      `cannot read the plan to compare with, ${join(root, "package.json")}: it has no steps list`,
    );
  });
});
