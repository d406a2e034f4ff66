/**
 * `npm run cost -- <stack> [--plan FILE] [--json FILE] [--markdown FILE]`
 *
 * Monthly cost estimate of a stack from its offline preview, or from a plan file in the shape of
 * `pulumi preview --json` (ours or a real one), with the usage assumptions of the stack's
 * `platform:cost` and the pinned prices of tools/cost/prices.yaml; compared with the assessments'
 * figures and the stack's budget. Exit 0 with an estimate, 2 on usage or input errors. See
 * tools/README.md.
 */
import { writeFileSync } from "fs";
import { parseArgs } from "util";
import { InputError, readPlan } from "./policy/plan-input";
import { NOT_ESTIMATED } from "./cost/estimate";
import { assumptions, renderEstimate, renderMarkdown } from "./cost/render";
import { costReport, readPlanFile } from "./cost/run";

const USAGE = "usage: npm run cost -- <stack> [--plan FILE] [--json FILE] [--markdown FILE]";

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        plan: { type: "string" },
        json: { type: "string" },
        markdown: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    throw new InputError(`${(e as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 1 || (positionals.length === 0 && values.plan === undefined)) {
    throw new InputError(`give a stack name, a --plan FILE, or both\n${USAGE}`);
  }

  let plan;
  if (values.plan !== undefined) {
    plan = readPlanFile(values.plan);
  } else {
    const { previewStack } = await import("./offline/preview-stack");
    const { toPlan } = await import("./offline/plan");
    let preview;
    try {
      preview = await previewStack(positionals[0]);
    } catch (e) {
      throw new InputError(
        `offline preview of stack '${positionals[0]}' failed: ${(e as Error).message ?? String(e)}`,
      );
    }
    plan = readPlan(JSON.parse(JSON.stringify(toPlan(preview.run))));
  }

  const report = costReport(plan, positionals[0] ?? plan.stack);
  const { estimate, verdict, settings, prices } = report;
  console.log(renderEstimate(estimate, verdict, settings.usage, prices.hoursPerMonth));
  if (values.json !== undefined) {
    const data = {
      ...estimate,
      verdict,
      assumptions: assumptions(estimate, settings.usage, prices.hoursPerMonth),
      usage: settings.usage,
      settingsFrom: settings.source,
      notEstimated: NOT_ESTIMATED,
      prices: { asOf: prices.asOf, note: prices.note, sources: prices.sources },
    };
    writeFileSync(values.json, `${JSON.stringify(data, null, 2)}\n`);
  }
  if (values.markdown !== undefined) {
    writeFileSync(values.markdown, renderMarkdown(estimate, verdict, settings.usage, prices.hoursPerMonth));
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(
      `cost: ${e instanceof InputError ? "" : "unexpected error: "}${e instanceof Error ? e.message : String(e)}`,
    );
    process.exitCode = 2;
  },
);
