/**
 * `npm run bench [-- --runs N] [--tests]`
 *
 * Measures the feedback loop our users wait on, each case in a fresh process (as they run it):
 * - the floor: Node loading @pulumi/pulumi, @pulumi/aws, @pulumi/kubernetes and @pulumi/random,
 *   which no offline preview can go below;
 * - the offline preview of each stack as `npm run preview` runs it (`tools/ts-hook.js`), and of
 *   production through tsx, the loader the preview used before (for comparison);
 * - the offline preview of production with 10, 50 and 100 declared services, to check that the
 *   time grows linearly with the number of services;
 * - with `--tests`, the whole jest suite once per run (the other half of the feedback loop).
 * Reports the median and min of N runs (default 3), how many floors the production preview takes,
 * and the cost of each extra service. Timing lives here, never in tests.
 */
import { spawnSync } from "child_process";
import { join } from "path";
import { parseArgs } from "util";
import Table from "cli-table3";
import { COMPACT } from "./offline/render";

const ROOT = join(__dirname, "..");
const HOOK = ["--require", join(ROOT, "tools", "ts-hook.js")];
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const FLOOR_SCRIPT =
  "require('@pulumi/pulumi');const a=require('@pulumi/aws');a.ec2;a.eks;a.rds;a.elasticache;a.kms;a.iam;require('@pulumi/kubernetes');require('@pulumi/random')";

function time(cmd: string, args: string[]): number {
  const start = performance.now();
  const res = spawnSync(cmd, args, { cwd: ROOT, env: { ...process.env, CI: "true" }, encoding: "utf8" });
  const ms = performance.now() - start;
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} failed (${res.status}):\n${res.stderr || res.stdout}`);
  }
  return ms;
}

function stats(samples: number[]): { median: number; min: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0] };
}

const node = (args: string[]) => () => time(process.execPath, args);

function main(): void {
  const { values } = parseArgs({
    options: { runs: { type: "string", default: "3" }, tests: { type: "boolean", default: false } },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`--runs must be a positive integer, got ${values.runs}`);
    process.exit(2);
  }
  const cases: [string, () => number][] = [
    ["floor: node loads the Pulumi SDKs", node(["-e", FLOOR_SCRIPT])],
    ...["dev", "staging", "production"].map((stack): [string, () => number] => [
      `preview ${stack}`,
      node([...HOOK, "tools/preview.ts", stack, "--quiet"]),
    ]),
    ["preview production through tsx", () => time(TSX, ["tools/preview.ts", "production", "--quiet"])],
    ...[10, 50, 100].map((n): [string, () => number] => [
      `preview production with ${n} services`,
      node([...HOOK, "tools/bench-services.ts", String(n)]),
    ]),
    ...(values.tests
      ? [
          [
            "jest: the whole test suite",
            () => time(join(ROOT, "node_modules", ".bin", "jest"), ["--silent"]),
          ] as [string, () => number],
        ]
      : []),
  ];
  console.log(
    `Node ${process.version}. Each case runs ${runs} times in a fresh process; the first run also fills the\n` +
      "compile caches, so the min is the warm figure users see from their second run on.",
  );
  const medians = new Map<string, number>();
  const table = new Table({ head: ["case", `median of ${runs} (s)`, "min (s)"], ...COMPACT });
  for (const [label, fn] of cases) {
    const s = stats(Array.from({ length: runs }, fn));
    medians.set(label, s.median);
    table.push([label, (s.median / 1000).toFixed(2), (s.min / 1000).toFixed(2)]);
    process.stderr.write(".");
  }
  console.log(`\n${table.toString()}`);
  const floor = medians.get("floor: node loads the Pulumi SDKs")!;
  console.log(
    `The production preview takes ${(medians.get("preview production")! / floor).toFixed(1)} floors ` +
      `(through tsx: ${(medians.get("preview production through tsx")! / floor).toFixed(1)}); the goal is 2 or less.`,
  );
  const at = (n: number) => medians.get(`preview production with ${n} services`)!;
  const slope = (a: number, b: number) => (at(b) - at(a)) / (b - a);
  console.log(
    `Each extra service costs ${slope(10, 50).toFixed(0)} ms between 10 and 50 services, ` +
      `${slope(50, 100).toFixed(0)} ms between 50 and 100 (similar figures mean linear growth).`,
  );
}

main();
