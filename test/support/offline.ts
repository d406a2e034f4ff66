/**
 * Test helpers over the offline harness: run a component (or the whole program) under mocks and
 * query what it registered.
 *
 * `@pulumi/pulumi` keeps mock state per module registry, so each call runs in a fresh registry
 * (`jest.isolateModulesAsync`): import components *inside* the `build` callback with
 * `await import(...)`, never at the top of the test file.
 */
import type { OfflineRun, RecordedResource } from "../../tools/offline/harness";

export type { OfflineRun, RecordedResource } from "../../tools/offline/harness";

export interface RunOptions {
  /** Stack name; default `test`. */
  readonly stack?: string;
  /** Extra config, full keys (`aws:region` defaults to us-west-2). */
  readonly config?: Record<string, string>;
  readonly secretKeys?: string[];
  /** IAM role names the mocked account lacks: `aws.iam.getRole` fails for them. */
  readonly absentRoles?: string[];
}

/**
 * Runs `build` as a Pulumi program under the platform mocks. `build` may return stack outputs.
 * Example: `await runProgram(async () => { const { KmsKeys } = await import("../../components/security/kms"); new KmsKeys("k", {...}); })`
 */
export async function runProgram(
  build: () => Promise<unknown> | unknown,
  options: RunOptions = {},
): Promise<OfflineRun> {
  let run: OfflineRun | undefined;
  await jest.isolateModulesAsync(async () => {
    const { runOffline } = await import("../../tools/offline/harness");
    run = await runOffline({
      project: "platform",
      stack: options.stack ?? "test",
      config: { "aws:region": "us-west-2", ...(options.config ?? {}) },
      secretKeys: options.secretKeys,
      absentRoles: options.absentRoles,
      program: async () => build(),
    });
  });
  return run!;
}

/** Runs the real program (`infra/index.ts`) for a stack file of the repository. */
export async function runStack(stack: string): Promise<OfflineRun> {
  let run: OfflineRun | undefined;
  await jest.isolateModulesAsync(async () => {
    const { previewStack } = await import("../../tools/offline/preview-stack");
    run = (await previewStack(stack)).run;
  });
  return run!;
}

/** All resources of a type token, e.g. `aws:ec2/subnet:Subnet`. */
export function ofType(run: OfflineRun, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}

/** The one resource with this type and name; throws with the names that exist otherwise. */
export function byName(run: OfflineRun, type: string, name: string): RecordedResource {
  const found = run.resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) {
    const names = ofType(run, type).map((r) => r.name);
    throw new Error(
      `expected one ${type} named '${name}', found ${found.length}; names of that type: ${names.join(", ")}`,
    );
  }
  return found[0];
}

/** The recorded resource a URN points to. */
export function byUrn(run: OfflineRun, urn: string): RecordedResource {
  const found = run.resources.find((r) => r.urn === urn);
  if (!found) {
    throw new Error(`no recorded resource with URN ${urn}`);
  }
  return found;
}

/** Parses a JSON-string input (policy documents, add-on configuration values). */
export function json<T = unknown>(value: unknown): T {
  if (typeof value !== "string") {
    throw new Error(`expected a JSON string, got ${JSON.stringify(value)}`);
  }
  return JSON.parse(value) as T;
}
