import { spawnSync } from "child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { PlanFile } from "../../tools/offline/plan";

const root = join(__dirname, "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");

function preview(args: string[]) {
  return spawnSync(tsx, ["tools/preview.ts", ...args], { cwd: root, encoding: "utf8" });
}

describe("npm run preview", () => {
  test("previews dev, prints the summary and writes a plan shaped like `pulumi preview --json`", () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-"));
    const planPath = join(dir, "plan.json");
    const res = preview(["dev", "--json", planPath]);
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    expect(res.stdout).toContain("Offline preview of stack 'dev' (project platform)");
    expect(res.stdout).toContain("pulumi:pulumi:Stack  platform-dev");
    expect(res.stdout).toContain("Resources by type");
    expect(res.stdout).toMatch(
      /\d+ resources to create; program [\d.]+ s, total [\d.]+ s since process start/,
    );

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

  test("usage errors exit 2", () => {
    const none = preview([]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("expected exactly one stack name, got 0");
    const missing = preview(["nosuchstack"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*Pulumi\.nosuchstack\.yaml/);
  });
});
