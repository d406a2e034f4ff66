/** Loads a plan (file or offline preview) and its stack's policy config, and evaluates the pack. */
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { ALL_POLICIES, POLICY_METADATA } from "../../policy/catalog";
import { configWarnings, resolveConfig } from "./config";
import { evaluate, type Evaluation } from "./evaluate";
import { InputError, type PlanInput, readPlan } from "./plan-input";
import { computeScorecard, type Scorecard } from "./scorecard";

export const POLICY_CONFIG_DIR = join(__dirname, "..", "..", "policy", "config");

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`cannot read ${what} '${file}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new InputError(`${what} '${file}' is not valid JSON: ${(e as Error).message}`);
  }
}

export function readPlanFile(file: string): PlanInput {
  const plan = readJson(file, "plan file");
  try {
    return readPlan(plan);
  } catch (e) {
    throw e instanceof InputError ? new InputError(`plan file '${file}': ${e.message}`) : e;
  }
}

/** `policy/config/<stack>.json` when it exists (or `file` when given), else no config (defaults). */
export function readPolicyConfig(stack: string, file?: string): unknown {
  const path = file ?? join(POLICY_CONFIG_DIR, `${stack}.json`);
  return file !== undefined || existsSync(path) ? readJson(path, "policy config") : {};
}

export interface PolicyRun {
  readonly evaluation: Evaluation;
  readonly scorecard: Scorecard;
  /** Names in the policy config that the pack does not know (accepted, as the CLI does). */
  readonly warnings: readonly string[];
}

/** Evaluates the whole pack on `plan` for `stack` (defaults to the plan's own stack). */
export async function runPolicies(
  plan: PlanInput,
  options: { stack?: string; configFile?: string } = {},
): Promise<PolicyRun> {
  const stack = options.stack ?? plan.stack;
  const raw = readPolicyConfig(stack, options.configFile);
  const config = resolveConfig(ALL_POLICIES, raw);
  const evaluation = await evaluate({ ...plan, stack }, ALL_POLICIES, config);
  return {
    evaluation,
    scorecard: computeScorecard(evaluation, POLICY_METADATA, config),
    warnings: configWarnings(ALL_POLICIES, raw),
  };
}
