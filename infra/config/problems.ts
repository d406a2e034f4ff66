/**
 * Config problems: every check adds to one list, and the loader throws once with all of them, so a
 * user fixes a stack file in one pass instead of one error per `pulumi preview`.
 */
import { z } from "zod";
import { didYouMean } from "./suggest";

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

/**
 * Renders a received value compactly; long objects are cut so the message stays readable. Never
 * contains brackets of its own around the value, so `(received ...)` does not nest them.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) {
    return "nothing, the key is missing";
  }
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The message of a {@link ConfigError}: a header and one `  - key: message (received value)` line per problem. */
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

/** Schema types the walk below looks through to find the object a path leads to. */
export interface ZodDef {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly in?: z.ZodType;
}

/** The internal definition of a zod 4 schema (its type and the schemas it wraps). */
export function defOf(schema: z.ZodType): ZodDef {
  return (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
}

/** The field names of the object schema at `path` inside `schema` (empty when it is not an object). */
export function fieldsAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  let remaining = [...path];
  while (current !== undefined) {
    const def = defOf(current);
    if (def.innerType !== undefined) {
      current = def.innerType; // optional, default, nullable, readonly...
    } else if (def.type === "pipe") {
      current = def.in;
    } else if (remaining.length === 0) {
      return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
    } else if (def.type === "object" && def.shape) {
      current = def.shape[String(remaining[0])];
      remaining = remaining.slice(1);
    } else if (def.type === "array" || def.type === "record") {
      current = def.type === "array" ? def.element : def.valueType;
      remaining = remaining.slice(1);
    } else {
      return [];
    }
  }
  return [];
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a map of settings",
  record: "a map of settings",
};

/**
 * What a value's YAML spelling got wrong, when that explains a type mismatch: numbers where
 * strings are expected (`version: 1.30` is the number 1.3), quoted booleans and numbers.
 */
export function yamlHint(
  expected: string,
  received: unknown,
  field: string,
  meant: readonly string[] = [],
): string | undefined {
  if (typeof received === "number" && expected === "string") {
    const example = meant.find((v) => Number(v) === received) ?? String(received);
    return `YAML read the unquoted value as the number ${received}${
      Number.isInteger(received) ? "" : ", which loses trailing zeros"
    }: quote it in the stack file, e.g. ${field}: "${example}"`;
  }
  if (typeof received === "string" && expected === "boolean" && /^(true|false)$/i.test(received)) {
    return `write ${received.toLowerCase()} without quotes`;
  }
  if (typeof received === "string" && expected === "boolean" && /^(yes|no|on|off|y|n)$/i.test(received)) {
    return "YAML 1.2 reads yes, no, on and off as text: write true or false";
  }
  if (
    typeof received === "string" &&
    (expected === "number" || expected === "int") &&
    received.trim() !== "" &&
    !Number.isNaN(Number(received))
  ) {
    return "write the number without quotes";
  }
  return undefined;
}

/** The message for one zod issue: ours where the schema gave one, plain words for zod's defaults. */
function issueMessage(issue: z.core.$ZodIssue, received: unknown, schema?: z.ZodType): string {
  const field = String([...issue.path].reverse().find((p) => typeof p === "string") ?? "value");
  if (issue.code === "unrecognized_keys") {
    const known = schema ? fieldsAt(schema, issue.path) : [];
    const hints = issue.keys.map((k) => didYouMean(k, known)).filter((h) => h !== undefined);
    const names = issue.keys.map((k) => `'${k}'`).join(", ");
    return `unknown key${issue.keys.length > 1 ? "s" : ""} ${names}; ${
      hints.length === 1 && issue.keys.length === 1
        ? hints[0]
        : known.length > 0
          ? `the keys here are ${known.join(", ")}`
          : "check the spelling against the documented keys"
    }`;
  }
  if (issue.code === "invalid_type") {
    const isDefault = issue.message.startsWith("Invalid input");
    if (received === undefined) {
      return isDefault ? `is required (${TYPE_NAMES[issue.expected] ?? issue.expected})` : issue.message;
    }
    const base = isDefault ? `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}` : issue.message;
    const hint = yamlHint(issue.expected, received, field);
    return hint ? `${base}; ${hint}` : base;
  }
  if (issue.code === "invalid_value" && typeof received === "number") {
    const values = issue.values.map(String);
    const hint = issue.values.every((v) => typeof v === "string")
      ? yamlHint("string", received, field, values)
      : undefined;
    return hint ? `${issue.message}; ${hint}` : issue.message;
  }
  return issue.message;
}

/**
 * Turns zod issues into config problems keyed by the full config key. With the `schema`, an
 * unknown key gets a did-you-mean from the keys allowed where it stands.
 */
export function zodProblems(
  configKey: string,
  raw: unknown,
  error: z.ZodError,
  schema?: z.ZodType,
): ConfigProblem[] {
  return error.issues.map((issue) => {
    const received = issue.code === "unrecognized_keys" ? issue.keys : valueAt(raw, issue.path);
    return {
      key: joinPath(configKey, issue.path),
      received,
      message: issueMessage(issue, received, schema),
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
    problems.push(...zodProblems(configKey, raw, result.error, schema));
    return undefined;
  }
  return result.data;
}
