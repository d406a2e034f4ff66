/**
 * `tsx tools/bench-services.ts N`: offline preview of the production stack with its services
 * replaced by N synthetic ones (`tools/bench/synthetic.ts`). Used by `npm run bench` to
 * check that the preview's time grows linearly with the number of declared services; prints the
 * resource count and the program time.
 */
import "./offline/fast-start";
import { runOffline } from "./offline/harness";
import { PROJECT_DIR } from "./offline/preview-stack";
import { readStackFiles } from "./offline/stack-files";
import { syntheticServices } from "./bench/synthetic";

async function main(): Promise<void> {
  const n = Number(process.argv[2]);
  if (!Number.isInteger(n) || n < 0) {
    console.error(
      `usage: tsx tools/bench-services.ts N (a non-negative integer), got '${process.argv[2] ?? ""}'`,
    );
    process.exit(2);
  }
  const files = readStackFiles(PROJECT_DIR, "production");
  const services = JSON.parse(files.config["platform:services"]) as Record<string, unknown>;
  const config = {
    ...files.config,
    "platform:services": JSON.stringify({ ...services, services: syntheticServices(n) }),
  };
  const started = performance.now();
  const run = await runOffline({
    project: files.project,
    stack: "production",
    config,
    secretKeys: files.secretKeys,
    program: async () => {
      const mod = (await import("../infra/index")) as { default?: unknown };
      return mod.default ?? mod;
    },
  });
  console.log(
    `${n} services: ${run.resources.length} resources, program ${((performance.now() - started) / 1000).toFixed(2)} s`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
