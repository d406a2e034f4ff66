/**
 * Config problems: every check adds to one list, and the loader throws once with all of them, so a
 * user fixes a stack file in one pass instead of one error per `pulumi preview`.
 */
import { z } from "zod";

/** One thing wrong with the stack configuration. */
export interface ConfigProblem {
  /** Full config key with the path inside it, e.g. `platform:network.cidr`. */
  readonly key: string;
  /** The value found there (`undefined` when missing). */
  readonly received: unknown;
  /** What is wrong and what is allowed, as a sentence. */
  readonly message: string;
}

/** Thrown when the stack configuration is invalid; `problems` lists all of them. */
export class ConfigError extends Error {
  constructor(
    readonly stack: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(formatProblems(stack, problems));
    this.name = "ConfigError";
  }
}

/** Renders a received value compactly; long objects are cut so the message stays readable. */
export function describeValue(value: unknown): string {
  if (value === undefined) {
    return "nothing (the key is missing)";
  }
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatProblems(stack: string, problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.key}: ${p.message} (received ${describeValue(p.received)})`);
  const noun = problems.length === 1 ? "problem" : "problems";
  return `Invalid configuration for stack '${stack}' (${problems.length} ${noun}):\n${lines.join("\n")}`;
}

/** Dotted path for a zod issue path: `subnets.private.newBits`, `nodeGroups[1].minSize`. */
export function joinPath(base: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, part) => (typeof part === "number" ? `${acc}[${part}]` : `${acc}.${String(part)}`),
    base,
  );
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const part of path) {
    if (current === null || typeof current !== "object") {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[part as string];
  }
  return current;
}

/** Turns zod issues into config problems keyed by the full config key. */
export function zodProblems(configKey: string, raw: unknown, error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      const where = joinPath(configKey, issue.path);
      return {
        key: where,
        received: issue.keys,
        message: `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")}; check the spelling against the documented keys`,
      };
    }
    return {
      key: joinPath(configKey, issue.path),
      received: valueAt(raw, issue.path),
      message: issue.message,
    };
  });
}

/** Parses `raw` with `schema`; on failure adds the problems and returns undefined. */
export function parseSection<S extends z.ZodType>(
  configKey: string,
  schema: S,
  raw: unknown,
  problems: ConfigProblem[],
): z.infer<S> | undefined {
  const result = schema.safeParse(raw);
  if (!result.success) {
    problems.push(...zodProblems(configKey, raw, result.error));
    return undefined;
  }
  return result.data;
}
