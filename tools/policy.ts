/**
 * `npm run policy -- <stack> [--dir DIR] | --plan FILE [--stack NAME] [--config FILE] [--scorecard] [--fail-on-no-go] [--markdown FILE] [--json FILE]`
 *
 * Evaluates the readiness policy pack on the offline preview of a stack, or on a plan file in the
 * shape of `pulumi preview --json`. `--config FILE` replaces `policy/config/<stack>.json` (no
 * merge). Exit 1 on a mandatory violation (or, with `--fail-on-no-go`, a no-go scorecard), 0
 * otherwise, 2 on usage or input errors. See tools/README.md.
 */
import { writeFileSync } from "fs";
import { parseArgs } from "util";
import { POLICY_METADATA } from "../policy/catalog";
import { PolicyRuntimeError } from "./policy/evaluate";
import { InputError, readPlan } from "./policy/plan-input";
import { renderMarkdown, renderScorecard, renderViolations, summaryLine } from "./policy/render";
import { readPlanFile, runPolicies } from "./policy/run";

const USAGE =
  "usage: npm run policy -- <stack> [--dir DIR] | --plan FILE [--stack NAME] [--config FILE] [--scorecard] [--fail-on-no-go] [--markdown FILE] [--json FILE]\n" +
  "  --config FILE replaces policy/config/<stack>.json (it is not merged)";

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        plan: { type: "string" },
        stack: { type: "string" },
        config: { type: "string" },
        scorecard: { type: "boolean", default: false },
        "fail-on-no-go": { type: "boolean", default: false },
        dir: { type: "string" },
        markdown: { type: "string" },
        json: { type: "string" },
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
  if (positionals.length > 1 || (positionals.length === 1) === (values.plan !== undefined)) {
    throw new InputError(`give either a stack name or --plan FILE\n${USAGE}`);
  }
  if (values.dir !== undefined && values.plan !== undefined) {
    throw new InputError(
      `--dir reads a stack's files for its offline preview; it does not apply to --plan\n${USAGE}`,
    );
  }

  let plan;
  if (values.plan !== undefined) {
    plan = readPlanFile(values.plan);
  } else {
    const { previewStack } = await import("./offline/preview-stack");
    const { toPlan } = await import("./offline/plan");
    let preview;
    try {
      preview = await previewStack(positionals[0], values.dir);
    } catch (e) {
      throw new InputError(
        `offline preview of stack '${positionals[0]}' failed: ${(e as Error).message ?? String(e)}`,
      );
    }
    plan = readPlan(JSON.parse(JSON.stringify(toPlan(preview.run))));
  }

  const { evaluation, scorecard, warnings } = await runPolicies(plan, {
    stack: values.stack ?? positionals[0],
    configFile: values.config,
  });
  for (const warning of warnings) {
    console.error(`policy: warning: ${warning}`);
  }
  console.log(renderViolations(evaluation));
  if (values.scorecard) {
    console.log(`\n${renderScorecard(scorecard)}`);
  }
  if (values.json !== undefined) {
    const data = {
      stack: evaluation.stack,
      project: evaluation.project,
      summary: summaryLine(evaluation),
      violations: evaluation.violations,
      outcomes: evaluation.outcomes,
      policies: POLICY_METADATA,
      scorecard,
    };
    writeFileSync(values.json, `${JSON.stringify(data, null, 2)}\n`);
  }
  if (values.markdown !== undefined) {
    writeFileSync(values.markdown, renderMarkdown(evaluation, scorecard));
  }
  const mandatory = evaluation.violations.some((v) => v.enforcementLevel === "mandatory");
  return mandatory || (values["fail-on-no-go"] && scorecard.verdict === "no-go") ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof InputError || e instanceof PolicyRuntimeError) {
      console.error(`policy: ${e.message}`);
    } else {
      console.error(`policy: unexpected error: ${e instanceof Error ? e.message : String(e)}`);
    }
    process.exitCode = 2;
  },
);
