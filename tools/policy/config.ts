/**
 * Policy pack config as the Pulumi CLI reconciles it before the analyzer sees it
 * (`--policy-pack-config FILE`): `{ "all": LEVEL }` or `{ "all": { "enforcementLevel": LEVEL } }`,
 * `{ "<policy>": LEVEL }` or `{ "<policy>": { "enforcementLevel": LEVEL, ...props } }`; the
 * policy's own level, then "all", then its entry; properties validated against its `configSchema`
 * (see schema.ts) and filled with its defaults.
 *
 * As the CLI does, names it does not know (a policy the pack lacks, a property a policy's schema
 * lacks) are accepted: {@link configWarnings} lists them, since they are usually typos. A value that
 * breaks a policy's schema is refused, naming the policy and the property.
 */
import type { EnforcementLevel, PolicyConfigSchema } from "@pulumi/policy";
import { InputError } from "./plan-input";
import { schemaProblem } from "./schema";

export const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface PolicyDescriptor {
  readonly name: string;
  readonly enforcementLevel?: EnforcementLevel;
  readonly configSchema?: PolicyConfigSchema;
}

export interface ResolvedPolicyConfig {
  readonly enforcementLevel: EnforcementLevel;
  readonly properties: Record<string, unknown>;
}

function isLevel(v: unknown): v is EnforcementLevel {
  return typeof v === "string" && (LEVELS as readonly string[]).includes(v);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function entriesOf(raw: unknown): Record<string, unknown> {
  if (!isObject(raw)) {
    throw new InputError('policy config must be a JSON object keyed by policy name (or "all")');
  }
  return raw;
}

/** The level "all" sets, from `"all": LEVEL` or `"all": { "enforcementLevel": LEVEL }`. */
function allLevel(all: unknown): EnforcementLevel | undefined {
  const level = isObject(all) ? all.enforcementLevel : all;
  if (level === undefined) {
    return undefined;
  }
  if (!isLevel(level)) {
    throw new InputError(
      `policy config "all" must be one of ${LEVELS.join(", ")} (or { "enforcementLevel": ... }), got ${JSON.stringify(all)}`,
    );
  }
  return level;
}

/** Splits one policy's entry into its level (if set) and its properties. */
function splitEntry(
  name: string,
  entry: unknown,
): { level?: EnforcementLevel; given: Record<string, unknown> } {
  if (entry === undefined) {
    return { given: {} };
  }
  if (isLevel(entry)) {
    return { level: entry, given: {} };
  }
  if (!isObject(entry)) {
    throw new InputError(
      `config of '${name}' must be an enforcement level or an object, got ${JSON.stringify(entry)}`,
    );
  }
  const { enforcementLevel, ...given } = entry;
  if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) {
    throw new InputError(
      `${name}.enforcementLevel must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(enforcementLevel)}`,
    );
  }
  return { ...(enforcementLevel !== undefined ? { level: enforcementLevel } : {}), given };
}

/** The schema's defaults overridden by the given properties, each checked against its schema. */
function resolveProperties(
  policy: PolicyDescriptor,
  given: Record<string, unknown>,
): Record<string, unknown> {
  const schema = policy.configSchema?.properties ?? {};
  const properties: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(schema)) {
    if (s.default !== undefined) {
      properties[k] = s.default;
    }
  }
  for (const [k, v] of Object.entries(given)) {
    const s = schema[k];
    if (s !== undefined) {
      const problem = schemaProblem(s, v);
      if (problem !== undefined) {
        throw new InputError(`${policy.name}.${k}${problem}`);
      }
    }
    // Unknown properties reach the policy unchanged, as the CLI passes them (see configWarnings).
    properties[k] = v;
  }
  for (const req of policy.configSchema?.required ?? []) {
    if (properties[req] === undefined) {
      throw new InputError(`${policy.name}: config property '${req}' is required`);
    }
  }
  return properties;
}

/** Resolves the config of every policy; a bad level or a value breaking a schema throws {@link InputError}. */
export function resolveConfig(
  policies: readonly PolicyDescriptor[],
  raw: unknown,
  packLevel: EnforcementLevel = "advisory",
): Map<string, ResolvedPolicyConfig> {
  const entries = entriesOf(raw);
  const all = allLevel(entries.all);
  const result = new Map<string, ResolvedPolicyConfig>();
  for (const policy of policies) {
    const { level, given } = splitEntry(policy.name, entries[policy.name]);
    result.set(policy.name, {
      enforcementLevel: level ?? all ?? policy.enforcementLevel ?? packLevel,
      properties: resolveProperties(policy, given),
    });
  }
  return result;
}

/** Names the config uses that the pack does not know: unknown policies, unknown properties (likely typos). */
export function configWarnings(policies: readonly PolicyDescriptor[], raw: unknown): string[] {
  const entries = entriesOf(raw);
  const byName = new Map(policies.map((p) => [p.name, p]));
  const warnings: string[] = [];
  for (const [key, entry] of Object.entries(entries)) {
    if (key === "all") {
      const extra = isObject(entry) ? Object.keys(entry).filter((k) => k !== "enforcementLevel") : [];
      warnings.push(...extra.map((k) => `policy config "all" has unknown property '${k}' (ignored)`));
      continue;
    }
    const policy = byName.get(key);
    if (!policy) {
      warnings.push(`policy config names unknown policy '${key}' (ignored; a typo?)`);
      continue;
    }
    const known = Object.keys(policy.configSchema?.properties ?? {});
    for (const k of isObject(entry) ? Object.keys(entry) : []) {
      if (k !== "enforcementLevel" && !known.includes(k)) {
        warnings.push(
          `${key}: unknown config property '${k}' (ignored; known: ${known.join(", ") || "none"})`,
        );
      }
    }
  }
  return warnings;
}
