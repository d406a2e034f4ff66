/**
 * Offline preview of one stack of this repository: reads its stack files and runs `infra/index.ts`
 * under the mocks.
 */
import { join } from "path";
import { type OfflineRun, runOffline } from "./harness";
import { readStackFiles } from "./stack-files";

export const PROJECT_DIR = join(__dirname, "..", "..");

export interface StackPreview {
  readonly project: string;
  readonly stack: string;
  readonly run: OfflineRun;
}

/**
 * Previews `stack` from the stack files in `dir` (default: this repository). `onRegister` is told
 * the number of resources recorded so far, for progress reports.
 */
export async function previewStack(
  stack: string,
  dir = PROJECT_DIR,
  onRegister?: (count: number) => void,
): Promise<StackPreview> {
  const files = readStackFiles(dir, stack);
  const run = await runOffline({
    project: files.project,
    stack,
    config: files.config,
    secretKeys: files.secretKeys,
    onRegister,
    program: async () => {
      const mod = (await import("../../infra/index")) as { default?: unknown };
      return mod.default ?? mod;
    },
  });
  return { project: files.project, stack, run };
}
