/**
 * `npm run preview -- <stack> [--json FILE] [--quiet] [--dir DIR]`
 *
 * Offline preview: runs the stack's program against mocked providers, from `Pulumi.<stack>.yaml`,
 * with no Pulumi CLI, no credentials and no network. Prints the resource tree, counts by type, the
 * stack outputs (secrets masked) and the time taken; `--json FILE` writes the plan in the shape of
 * `pulumi preview --json`. `--dir DIR` reads `Pulumi.yaml` and the stack file from another folder
 * (default: the repository root); the program is always this repository's `infra/`.
 *
 * Exit codes: 0 success, 1 the program failed (for example invalid configuration), 2 usage error.
 */
import { writeFileSync } from "fs";
import { parseArgs } from "util";
import { previewStack } from "./offline/preview-stack";
import { toPlan } from "./offline/plan";
import { renderCounts, renderOutputs, renderTree } from "./offline/render";
import { StackFileError } from "./offline/stack-files";

const USAGE = "usage: npm run preview -- <stack> [--json FILE] [--quiet] [--dir DIR]";

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: "string" },
        quiet: { type: "boolean", default: false },
        dir: { type: "string" },
        help: { type: "boolean" },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    console.error(`expected exactly one stack name, got ${parsed.positionals.length}\n${USAGE}`);
    return 2;
  }
  const stack = parsed.positionals[0];
  const started = performance.now();
  let preview;
  try {
    preview = await previewStack(stack, parsed.values.dir);
  } catch (err) {
    if (err instanceof StackFileError) {
      console.error(err.message);
      return 2;
    }
    console.error(err instanceof Error ? err.message : String(err));
    return 1;
  }
  const programMs = performance.now() - started;
  const { run } = preview;

  if (!parsed.values.quiet) {
    console.log(
      `Offline preview of stack '${stack}' (project ${preview.project}): mocked providers, no credentials\n`,
    );
    console.log(renderTree(run));
    console.log(`\nResources by type\n${renderCounts(run)}`);
    console.log(`\nOutputs (secrets masked)\n${renderOutputs(run)}`);
  }
  if (parsed.values.json) {
    writeFileSync(parsed.values.json, `${JSON.stringify(toPlan(run), null, 2)}\n`);
    console.log(`\nPlan written to ${parsed.values.json}`);
  }
  console.log(
    `\n${run.resources.length} resources to create; program ${(programMs / 1000).toFixed(2)} s, ` +
      `total ${process.uptime().toFixed(2)} s since process start`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
