/**
 * `npm run preview -- <stack> [--json FILE] [--markdown FILE] [--compare OLD.json] [--outputs FILE] [--quiet] [--timing] [--dir DIR]`
 *
 * Offline preview: runs the stack's program against mocked providers, from `Pulumi.<stack>.yaml`,
 * with no Pulumi CLI, no credentials and no network. Prints the resource tree, counts by type and
 * the stack outputs (secrets masked), fitted to the terminal; `--json FILE` writes the plan in the
 * shape of `pulumi preview --json`; `--markdown FILE` a pull-request summary, which with
 * `--compare OLD.json` (a plan written by `--json` on the base branch) lists what the change adds,
 * removes and modifies. `--dir DIR` reads `Pulumi.yaml` and the stack file from another folder
 * (default: the repository root); the program is always this repository's `infra/`. `--outputs FILE`
 * writes the stack outputs (secrets masked): what the offline `StackReference` of another stack reads
 * (tools/offline/stack-outputs/<stack>.json, docs/decisions/0141).
 *
 * stdout is the same from run to run: progress and timings go to stderr, progress only on a
 * terminal outside CI, timings on a terminal or with `--timing`.
 *
 * Exit codes: 0 success, 1 the program failed (for example invalid configuration), 2 usage error
 * or an unreadable stack or plan file.
 */
import "./offline/fast-start";
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import { dirname } from "path";
import { parseArgs } from "util";
import { type PlanFile, toPlan } from "./offline/plan";
import { comparisonLines, comparisonSummary, renderPreviewMarkdown } from "./offline/markdown";
import { renderCounts, renderOutputs, renderTree } from "./offline/render";
import { StackFileError } from "./offline/stack-files";
import { elide, paint, Progress, progressWanted, terminalStyle } from "./offline/terminal";
import { comparePlans } from "./plan/compare";

const USAGE =
  "usage: npm run preview -- <stack> [--json FILE] [--markdown FILE] [--compare OLD.json] [--outputs FILE] [--quiet] [--timing] [--dir DIR]";

/** Thrown for a bad argument or an unreadable input file: exit 2 with the message. */
class UsageError extends Error {}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: "string" },
        markdown: { type: "string" },
        compare: { type: "string" },
        outputs: { type: "string" },
        quiet: { type: "boolean", default: false },
        timing: { type: "boolean", default: false },
        dir: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function readPlan(path: string): PlanFile {
  try {
    const plan = JSON.parse(readFileSync(path, "utf8")) as PlanFile;
    if (!Array.isArray(plan.steps)) {
      throw new Error("it has no steps list");
    }
    return plan;
  } catch (err) {
    throw new UsageError(`cannot read the plan to compare with, ${path}: ${(err as Error).message}`);
  }
}

/** Writes `text` to `path`, creating its folder (`out/` in the examples) when needed. */
function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(`expected exactly one stack name, got ${positionals.length}`);
  }
  const stack = positionals[0];
  const base = values.compare !== undefined ? readPlan(values.compare) : undefined;
  const style = terminalStyle(process.stdout);
  const progress = new Progress(progressWanted(process.stderr));
  const started = performance.now();
  progress.update(`previewing ${stack}: loading the program...`);
  let preview;
  try {
    // Loaded here, not at the top: usage errors and --help answer without loading the SDKs.
    const { previewStack } = await import("./offline/preview-stack");
    preview = await previewStack(stack, values.dir, (n) =>
      progress.update(`previewing ${stack}: ${n} resources registered`),
    );
  } finally {
    progress.done();
  }
  const programMs = performance.now() - started;
  const { run } = preview;
  const plan = toPlan(run);
  const heading = (text: string) => paint(style.colour, "bold", text);

  // Blocks of stdout, separated by blank lines; nothing here depends on timing or the terminal's state.
  const blocks: string[] = [];
  if (!values.quiet) {
    blocks.push(
      `${heading(elide(`Offline preview of stack '${stack}', project ${preview.project}`, style.width))}\n` +
        "Mocked providers: no Pulumi CLI, no credentials, no network.",
      renderTree(run, style),
      `${heading("Resources by type")}\n${renderCounts(run, style)}`,
      `${heading("Outputs (secrets masked)")}\n${renderOutputs(run, style)}`,
    );
  }
  if (base !== undefined) {
    const comparison = comparePlans(base, plan);
    const title = `Against ${values.compare}: ${comparisonSummary(comparison)}`;
    blocks.push(
      [
        heading(elide(title, style.width)),
        ...comparisonLines(comparison).map((l) => elide(l, style.width)),
      ].join("\n"),
    );
  }
  if (values.json !== undefined) {
    write(values.json, `${JSON.stringify(plan, null, 2)}\n`);
    blocks.push(`Plan written to ${values.json}`);
  }
  if (values.markdown !== undefined) {
    write(
      values.markdown,
      renderPreviewMarkdown(stack, plan, base && { label: values.compare!, plan: base }),
    );
    blocks.push(`Summary written to ${values.markdown}`);
  }
  if (values.outputs !== undefined) {
    write(values.outputs, `${JSON.stringify(run.outputs, null, 2)}\n`);
    blocks.push(`Outputs written to ${values.outputs}`);
  }
  blocks.push(`${run.resources.length} resources to create`);
  console.log(blocks.join("\n\n"));
  if (values.timing || process.stderr.isTTY) {
    console.error(
      `program ${(programMs / 1000).toFixed(2)} s, total ${process.uptime().toFixed(2)} s since process start`,
    );
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    // No process.exit(): tsx writes its transform cache asynchronously, and the next run needs it.
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError || err instanceof StackFileError) {
      console.error(err instanceof UsageError ? `${err.message}\n${USAGE}` : err.message);
      process.exit(2);
    }
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
