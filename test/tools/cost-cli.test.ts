import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

const root = join(__dirname, "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");
const FIXTURE = join(root, "test", "fixtures", "cost-plan.json");

function cost(args: string[]) {
  return spawnSync(tsx, ["tools/cost.ts", ...args], { cwd: root, encoding: "utf8" });
}

describe("npm run cost", () => {
  test("a plan file: the report, and the same as JSON and Markdown", () => {
    const dir = mkdtempSync(join(tmpdir(), "cost-"));
    const res = cost([
      "--plan",
      FIXTURE,
      "--json",
      join(dir, "cost.json"),
      "--markdown",
      join(dir, "cost.md"),
    ]);
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    expect(res.stdout.split("\n")[0]).toBe(
      "Monthly cost estimate of stack 'fixture' (project platform, us-west-2): $557.99",
    );
    for (const section of ["ITEMS", "NOT PRICED (1): not in the total", "ASSUMPTIONS", "NOT ESTIMATED"]) {
      expect(res.stdout).toContain(section);
    }
    const data = JSON.parse(readFileSync(join(dir, "cost.json"), "utf8")) as Record<string, unknown> & {
      totalUsd: number;
      verdict: { sentences: string[] };
      prices: { asOf: string };
    };
    expect(data.totalUsd).toBeCloseTo(557.994, 6);
    expect(data.settingsFrom).toBe("no Pulumi.fixture.yaml: default usage assumptions, no budget");
    expect(data.verdict.sentences[0]).toBe("The assessments give no figure for environment 'fixture'.");
    expect(data.prices.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const markdown = readFileSync(join(dir, "cost.md"), "utf8");
    expect(markdown).toContain("# Monthly cost estimate: stack `fixture`");
    expect(markdown).toContain("| **total** | **557.99** |");
  });

  test("a stack name with a plan: that stack's usage assumptions, band and budget apply", () => {
    const res = cost(["dev", "--plan", FIXTURE]);
    expect(res.status).toBe(0);
    // Pulumi.dev.yaml: 50 GB through the NAT gateway instead of the default 100 (50 × 0.045 less).
    expect(res.stdout.split("\n")[0]).toBe(
      "Monthly cost estimate of stack 'dev' (project platform, us-west-2): $555.74",
    );
    expect(res.stdout).toContain(
      "The dev estimate, $555.74 a month, is $355.74 (178 %) above the assessments' about $200.",
    );
    expect(res.stdout).toContain(
      "The stack's budget is $400.00 a month (platform:cost.budget): the estimate is 139 % of it.",
    );
  });

  test.each<[string[], string]>([
    [
      [],
      "cost: give a stack name, a --plan FILE, or both\nusage: npm run cost -- <stack> [--plan FILE] [--json FILE] [--markdown FILE]\n",
    ],
    [["--plan", "/nonexistent/plan.json"], "cost: cannot read plan file '/nonexistent/plan.json': ENOENT\n"],
    [["--frobnicate"], "cost: Unknown option '--frobnicate'"],
  ])("usage and input errors exit 2: %j", (args, stderr) => {
    const res = cost(args);
    expect(res.status).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr.startsWith(stderr)).toBe(true);
  });
});
