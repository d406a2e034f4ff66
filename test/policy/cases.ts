/** Shared driver: a valid resource passes, then one changed field per failure gives exactly one violation. */
import type { PlatformPolicy } from "../../policy/lib/types";
import { messages, res, run, withPath } from "./helpers";

export interface ResourceCase {
  readonly policy: PlatformPolicy;
  readonly type: string;
  readonly name: string;
  readonly valid: Record<string, unknown>;
  /** [path to change, new value (undefined removes it), exact violation message]. */
  readonly failures: readonly (readonly [string, unknown, string])[];
  readonly config?: unknown;
}

export function describeResourcePolicies(cases: readonly ResourceCase[]): void {
  describe.each(cases.map((c) => [c.policy.name, c] as const))("%s", (_name, c) => {
    test("a valid resource passes and is assessed", async () => {
      const result = await run(c.policy, [res(c.type, c.name, c.valid)], c.config);
      expect(result.violations).toEqual([]);
      expect(result.outcomes[0]).toMatchObject({ assessed: 1, passed: 1 });
    });

    test("a resource of another type is not assessed", async () => {
      const result = await run(c.policy, [res("aws:iam/role:Role", "other", {})], c.config);
      expect(result.outcomes[0]).toMatchObject({ assessed: 0, passed: 0 });
    });

    test.each(
      c.failures.map(
        ([path, value, message]) => [`${path} = ${JSON.stringify(value)}`, path, value, message] as const,
      ),
    )("%s", async (_label, path, value, message) => {
      expect(
        await messages(c.policy, [res(c.type, c.name, withPath(c.valid, path, value))], c.config),
      ).toEqual([message]);
    });
  });
}
