/** Stack-file config as tests edit and validate it: read a stack's raw config, change one section, list the problems. */
import { ConfigError, parseConfig, type RawConfig } from "../../infra/config";
import { PROJECT_DIR } from "../../tools/offline/preview-stack";
import { readStackFiles } from "../../tools/offline/stack-files";

/** The raw config of `Pulumi.<stack>.yaml`, as the engine hands it over (objects JSON-encoded). */
export function stackRaw(stack: string): Record<string, string> {
  return { ...readStackFiles(PROJECT_DIR, stack).config };
}

/** `raw` with the object at `key` changed in place by `change`. */
export function withJson(
  raw: RawConfig,
  key: string,
  change: (v: Record<string, unknown>) => void,
): RawConfig {
  const value = JSON.parse(raw[key]) as Record<string, unknown>;
  change(value);
  return { ...raw, [key]: JSON.stringify(value) };
}

/** Every problem `parseConfig` reports for `raw`, as `<key>: <message>`; [] when it is valid. */
export function problemsOf(raw: RawConfig, stack = "production"): string[] {
  try {
    parseConfig(raw, "platform", stack);
  } catch (err) {
    if (err instanceof ConfigError) {
      return err.problems.map((p) => `${p.key}: ${p.message}`);
    }
    throw err;
  }
  return [];
}
