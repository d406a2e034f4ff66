/** The CI-gate flags of `npm run policy`: `--fail-on-no-go` and `--dir` (tools/policy.ts). */
import { spawnSync } from "child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runStack } from "../support/offline";
import { toPlan } from "../../tools/offline/plan";

const ROOT = join(__dirname, "..", "..");
const cli = (...args: string[]) =>
  spawnSync(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "tools/policy.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });

describe("npm run policy as a CI gate", () => {
  const dir = mkdtempSync(join(tmpdir(), "policy-flags-"));

  test("dev has no mandatory violation but a no-go scorecard: exit 0, and 1 with --fail-on-no-go", async () => {
    const plan = join(dir, "dev-plan.json");
    writeFileSync(plan, JSON.stringify(toPlan(await runStack("dev"))));
    const report = join(dir, "dev.json");
    expect(cli("--plan", plan, "--json", report).status).toBe(0);
    expect(
      (JSON.parse(readFileSync(report, "utf8")) as { scorecard: { verdict: string } }).scorecard.verdict,
    ).toBe("no-go");
    expect(cli("--plan", plan, "--fail-on-no-go").status).toBe(1);
  });

  test("--dir reads the stack's files from that folder; it does not apply to --plan", () => {
    copyFileSync(join(ROOT, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
    writeFileSync(join(dir, "Pulumi.elsewhere.yaml"), "config:\n  aws:region: us-west-2\n");
    const elsewhere = cli("elsewhere", "--dir", dir);
    expect(elsewhere.status).toBe(2);
    expect(elsewhere.stderr).toMatch(
      /^policy: offline preview of stack 'elsewhere' failed: Invalid configuration for stack 'elsewhere'/,
    );
    const both = cli("--plan", "plan.json", "--dir", ROOT);
    expect(both.status).toBe(2);
    expect(both.stderr.split("\n")[0]).toBe(
      "policy: --dir reads a stack's files for its offline preview; it does not apply to --plan",
    );
  });
});
