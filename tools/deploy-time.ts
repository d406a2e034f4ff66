/**
 * `npm run deploy-time -- <stack> | --plan FILE`
 *
 * Estimates the first `pulumi up` of a stack (its offline preview) or of a plan file (`pulumi
 * preview --json`, ours or a real one): the serial sum of typical creation times, the critical path
 * through the plan's dependency graph, and the inherent lower bound (tools/deploy-time/estimate.ts,
 * durations in tools/deploy-time/durations.ts). Exit code 0; 2 on usage or input errors.
 */
import { readFileSync } from "fs";
import { parseArgs } from "util";
import Table from "cli-table3";
import { previewStack } from "./offline/preview-stack";
import { type PlanFile, toPlan } from "./offline/plan";
import { COMPACT } from "./offline/render";
import { type DeployEstimate, type Timed, estimateDeploy } from "./deploy-time/estimate";

const USAGE = "usage: npm run deploy-time -- <stack> | --plan FILE";

const minutes = (s: number) => `${(s / 60).toFixed(1)} min`;

function pathTable(path: readonly Timed[]): string {
  const table = new Table({ head: ["start", "takes", "resource"], ...COMPACT });
  for (const t of path) {
    table.push([minutes(t.start), `${t.seconds} s`, `${t.type.split(":").pop()} ${t.urn.split("::").pop()}`]);
  }
  return table.toString();
}

/** The report printed for an estimate. */
export function renderEstimate(e: DeployEstimate): string {
  const over = e.lowerBoundSeconds > 0 ? (e.criticalPathSeconds / e.lowerBoundSeconds - 1) * 100 : 0;
  return [
    `serial sum of creations: ${minutes(e.serialSeconds)}`,
    `critical path:           ${minutes(e.criticalPathSeconds)}`,
    `inherent lower bound:    ${minutes(e.lowerBoundSeconds)} (critical path ${over.toFixed(1)} % above it)`,
    "",
    "critical path:",
    pathTable(e.criticalPath),
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { plan: { type: "string" } } });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const [stack] = parsed.positionals;
  if ((stack === undefined) === (parsed.values.plan === undefined)) {
    console.error(USAGE);
    return 2;
  }
  let plan: PlanFile;
  try {
    plan = parsed.values.plan
      ? (JSON.parse(readFileSync(parsed.values.plan, "utf8")) as PlanFile)
      : toPlan((await previewStack(stack!)).run);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  console.log(renderEstimate(estimateDeploy(plan)));
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
