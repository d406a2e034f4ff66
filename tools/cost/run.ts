/**
 * Puts an estimate together: the stack's `platform:cost` settings (usage assumptions, budget) and
 * region from its stack files, the plan (offline preview or a plan file), the price table.
 */
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { costSchema, type UsageAssumptions, usageSchema } from "../../infra/config/cost";
import { readStackFiles } from "../offline/stack-files";
import { InputError, type PlanInput, readPlan } from "../policy/plan-input";
import { type BudgetSettings, judge, type Verdict } from "./bands";
import { type Estimate, estimate } from "./estimate";
import { loadPrices, type PriceTable } from "./prices";

/** The repository root: where `Pulumi.<stack>.yaml` live (as tools/offline/preview-stack.ts). */
const PROJECT_DIR = join(__dirname, "..", "..");

/**
 * A plan file in the shape of `pulumi preview --json`. Read here rather than with
 * tools/policy/run.ts, which loads the policy pack (and the AWS SDK) for nothing.
 */
export function readPlanFile(file: string): PlanInput {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(
      `cannot read plan file '${file}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
  try {
    return readPlan(JSON.parse(text));
  } catch (e) {
    throw new InputError(`plan file '${file}': ${(e as Error).message}`);
  }
}

/** What the estimate reads from a stack's configuration. */
export interface StackCostSettings {
  readonly environment: string;
  readonly region: string;
  readonly usage: UsageAssumptions;
  readonly budget?: BudgetSettings;
  /** Where the settings came from, for the report. */
  readonly source: string;
}

/** Default region when neither the plan's providers nor a stack file say. */
const FALLBACK_REGION = "us-west-2";

/**
 * `platform:cost`, `platform:environment` and `aws:region` of `Pulumi.<stack>.yaml` in `dir`; the
 * documented defaults when there is no such file (a plan of another project).
 */
export function readStackCostSettings(stack: string, dir = PROJECT_DIR): StackCostSettings {
  if (!existsSync(join(dir, `Pulumi.${stack}.yaml`))) {
    return {
      environment: stack,
      region: FALLBACK_REGION,
      usage: usageSchema.parse({}),
      source: `no Pulumi.${stack}.yaml: default usage assumptions, no budget`,
    };
  }
  const config = readStackFiles(dir, stack).config;
  const raw = config["platform:cost"];
  const base = {
    environment: config["platform:environment"] ?? stack,
    region: config["aws:region"] ?? FALLBACK_REGION,
  };
  if (raw === undefined) {
    return {
      ...base,
      usage: usageSchema.parse({}),
      source: `Pulumi.${stack}.yaml has no platform:cost: default usage assumptions, no budget`,
    };
  }
  const parsed = costSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `platform:cost.${i.path.join(".")}: ${i.message}`);
    throw new InputError(`Pulumi.${stack}.yaml: ${problems.join("; ")}`);
  }
  return { ...base, usage: parsed.data.usage, budget: parsed.data.budget, source: `Pulumi.${stack}.yaml` };
}

export interface CostReport {
  readonly estimate: Estimate;
  readonly verdict: Verdict;
  readonly settings: StackCostSettings;
  readonly prices: PriceTable;
}

/** Estimates `plan` with the settings of `stack` (default: the plan's own stack). */
export function costReport(plan: PlanInput, stack = plan.stack, prices = loadPrices()): CostReport {
  const settings = readStackCostSettings(stack);
  const result = estimate({ ...plan, stack }, prices, settings.usage, settings.region);
  return {
    estimate: result,
    verdict: judge(result, settings.environment, settings.budget),
    settings,
    prices,
  };
}
