/**
 * Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the Pulumi CLI does for a program: the
 * project name, project-level config defaults, and the stack's values as the flat
 * `namespace:key -> string` map the engine passes to the program. `secure:` values cannot be
 * decrypted offline: they become a placeholder and are marked secret.
 */
import { existsSync, readdirSync, readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { didYouMean } from "../../infra/config/suggest";

export const SECRET_PLACEHOLDER = "offline-preview-placeholder-secret";

export interface StackFiles {
  readonly project: string;
  readonly stack: string;
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
}

/** Thrown for a missing or unreadable stack file; the message says which file and why. */
export class StackFileError extends Error {}

interface ProjectFile {
  name?: unknown;
  config?: Record<string, unknown>;
}

function readYaml(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new StackFileError(`cannot read ${path}: the file does not exist or is not readable`);
  }
  try {
    return parse(text);
  } catch (err) {
    throw new StackFileError(`${path} is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
}

function isSecure(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    "secure" in value
  );
}

/** Replaces nested `{secure: ...}` values by the placeholder; reports whether any was found. */
function replaceSecure(value: unknown): { value: unknown; secret: boolean } {
  if (isSecure(value)) {
    return { value: SECRET_PLACEHOLDER, secret: true };
  }
  if (Array.isArray(value)) {
    const items = value.map(replaceSecure);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value !== null && typeof value === "object") {
    let secret = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = replaceSecure(v);
      out[k] = r.value;
      secret ||= r.secret;
    }
    return { value: out, secret };
  }
  return { value, secret: false };
}

function encode(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Top-level keys of a stack file the Pulumi CLI knows. */
export const STACK_FILE_KEYS = ["config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt"];

/** The stacks that have a `Pulumi.<stack>.yaml` in `dir`, sorted. */
export function listStacks(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((n) => /^Pulumi\.(.+)\.ya?ml$/.exec(n)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

function unknownStack(dir: string, stack: string, stackPath: string): StackFileError {
  const stacks = listStacks(dir);
  const hint = didYouMean(stack, stacks);
  const known =
    stacks.length > 0 ? `the stacks in ${dir} are ${stacks.join(", ")}` : `${dir} has no stack files`;
  return new StackFileError(
    `no stack '${stack}': ${stackPath} does not exist; ${hint !== undefined ? `${hint} ` : ""}${known}`,
  );
}

/** Reads the project and stack files in `dir` (the folder holding `Pulumi.yaml`). */
export function readStackFiles(dir: string, stack: string): StackFiles {
  const project = readYaml(join(dir, "Pulumi.yaml")) as ProjectFile;
  if (!project || typeof project.name !== "string") {
    throw new StackFileError(`${join(dir, "Pulumi.yaml")} has no project name`);
  }
  const name = project.name;
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];

  for (const [rawKey, decl] of Object.entries(project.config ?? {})) {
    const key = rawKey.includes(":") ? rawKey : `${name}:${rawKey}`;
    if (decl !== null && typeof decl === "object" && "default" in decl) {
      config[key] = encode((decl as { default: unknown }).default);
    } else if (decl !== null && typeof decl === "object" && "value" in decl) {
      config[key] = encode((decl as { value: unknown }).value);
    } else if (decl === null || typeof decl !== "object") {
      config[key] = encode(decl);
    }
  }

  const stackPath = join(dir, `Pulumi.${stack}.yaml`);
  if (!existsSync(stackPath)) {
    throw unknownStack(dir, stack, stackPath);
  }
  const stackFile = readYaml(stackPath) as { config?: Record<string, unknown> } | null;
  if (stackFile === null || typeof stackFile !== "object") {
    throw new StackFileError(`${stackPath} is empty; it needs a config: block`);
  }
  const unknown = Object.keys(stackFile).filter((k) => !STACK_FILE_KEYS.includes(k));
  if (unknown.length > 0) {
    const named = unknown.map((k) => {
      const hint = didYouMean(k, STACK_FILE_KEYS);
      return hint !== undefined ? `'${k}', ${hint}` : `'${k}'`;
    });
    throw new StackFileError(
      `${stackPath}: unknown top-level key ${named.join("; ")}; a stack file has ${STACK_FILE_KEYS.join(", ")}`,
    );
  }
  for (const [rawKey, value] of Object.entries(stackFile.config ?? {})) {
    const key = rawKey.includes(":") ? rawKey : `${name}:${rawKey}`;
    const { value: plain, secret } = replaceSecure(value);
    config[key] = encode(plain);
    if (secret) {
      secretKeys.push(key);
    }
  }
  return { project: name, stack, config, secretKeys };
}
