/** The CI-gate flags of `npm run policy`: `--fail-on-no-go` and `--dir` (tools/policy.ts). */
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

const ROOT = join(__dirname, "..", "..");
const cli = (...args: string[]) =>
  spawnSync(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "tools/policy.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });

describe("npm run policy as a CI gate", () => {
  test("dev has no mandatory violation but a no-go scorecard: exit 0, and 1 with --fail-on-no-go", () => {
    const out = join(mkdtempSync(join(tmpdir(), "policy-flags-")), "dev.json");
    const plain = cli("dev", "--dir", ROOT, "--json", out);
    expect(plain.status).toBe(0);
    expect(
      (JSON.parse(readFileSync(out, "utf8")) as { scorecard: { verdict: string } }).scorecard.verdict,
    ).toBe("no-go");
    expect(cli("dev", "--fail-on-no-go").status).toBe(1);
  });

  test("--dir does not apply to --plan", () => {
    const result = cli("--plan", "plan.json", "--dir", ROOT);
    expect(result.status).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      "policy: --dir reads a stack's files for its offline preview; it does not apply to --plan",
    );
  });
});
