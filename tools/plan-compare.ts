/**
 * `npm run plan:compare -- OLD.json NEW.json`
 *
 * Lists what NEW adds (+), removes (-) and changes (~, with the fields) relative to OLD. Exit 0 when
 * the plans are identical, 1 when they differ, 2 on usage or unreadable files. See tools/README.md.
 */
import { readFileSync } from "fs";
import type { PlanFile } from "./offline/plan";
import { comparePlans, isIdentical, renderComparison } from "./plan/compare";

function read(path: string): PlanFile {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as PlanFile;
  } catch (e) {
    console.error(`plan:compare: cannot read ${path}: ${(e as Error).message}`);
    process.exit(2);
  }
}

const args = process.argv.slice(2);
if (args.length !== 2) {
  console.error("usage: npm run plan:compare -- OLD.json NEW.json");
  process.exit(2);
}
const comparison = comparePlans(read(args[0]), read(args[1]));
for (const line of renderComparison(comparison)) {
  console.log(line);
}
const same = isIdentical(comparison);
console.log(
  same
    ? "plans identical"
    : `${comparison.added.length} added, ${comparison.removed.length} removed, ${comparison.changed.length} changed`,
);
process.exit(same ? 0 : 1);
