/**
 * Policy pack config as the Pulumi CLI reconciles it before the analyzer sees it
 * (`--policy-pack-config FILE`): `{ "all": LEVEL }`, `{ "<policy>": LEVEL }` or
 * `{ "<policy>": { "enforcementLevel": LEVEL, ...props } }`; the policy's own level, then "all",
 * then its entry; properties validated against its `configSchema` and filled with its defaults.
 */
import type { EnforcementLevel, PolicyConfigSchema } from "@pulumi/policy";
import { InputError } from "./plan-input";

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

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "array":
      return Array.isArray(value);
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    case "null":
      return value === null;
    default:
      return typeof value === type;
  }
}

/** Resolves the config of every policy; problems (unknown policy, bad level, bad property) throw {@link InputError}. */
export function resolveConfig(
  policies: readonly PolicyDescriptor[],
  raw: unknown,
  packLevel: EnforcementLevel = "advisory",
): Map<string, ResolvedPolicyConfig> {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new InputError('policy config must be a JSON object keyed by policy name (or "all")');
  }
  const entries = raw as Record<string, unknown>;
  const known = new Set(policies.map((p) => p.name));
  for (const key of Object.keys(entries)) {
    if (key !== "all" && !known.has(key)) {
      throw new InputError(`policy config names unknown policy '${key}'`);
    }
  }
  const all = entries.all;
  if (all !== undefined && !isLevel(all)) {
    throw new InputError(
      `policy config "all" must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(all)}`,
    );
  }
  const result = new Map<string, ResolvedPolicyConfig>();
  for (const policy of policies) {
    const entry = entries[policy.name];
    let level: EnforcementLevel = all ?? policy.enforcementLevel ?? packLevel;
    const given: Record<string, unknown> = {};
    if (isLevel(entry)) {
      level = entry;
    } else if (entry !== null && typeof entry === "object" && !Array.isArray(entry)) {
      for (const [k, v] of Object.entries(entry)) {
        if (k === "enforcementLevel") {
          if (!isLevel(v)) {
            throw new InputError(
              `${policy.name}.enforcementLevel must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(v)}`,
            );
          }
          level = v;
        } else {
          given[k] = v;
        }
      }
    } else if (entry !== undefined) {
      throw new InputError(
        `config of '${policy.name}' must be an enforcement level or an object, got ${JSON.stringify(entry)}`,
      );
    }
    const schema = policy.configSchema?.properties ?? {};
    const properties: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(schema)) {
      if (s.default !== undefined) {
        properties[k] = s.default;
      }
    }
    for (const [k, v] of Object.entries(given)) {
      const s = schema[k];
      if (!s) {
        throw new InputError(
          `${policy.name}: unknown config property '${k}' (known: ${Object.keys(schema).join(", ") || "none"})`,
        );
      }
      const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
      if (types.length > 0 && !types.some((t) => typeMatches(t, v))) {
        throw new InputError(
          `${policy.name}.${k} must be of type ${types.join(" or ")}, got ${JSON.stringify(v)}`,
        );
      }
      if (
        typeof v === "number" &&
        ((s.minimum !== undefined && v < s.minimum) || (s.maximum !== undefined && v > s.maximum))
      ) {
        throw new InputError(
          `${policy.name}.${k} must be between ${s.minimum ?? "-inf"} and ${s.maximum ?? "inf"}, got ${v}`,
        );
      }
      properties[k] = v;
    }
    for (const req of policy.configSchema?.required ?? []) {
      if (properties[req] === undefined) {
        throw new InputError(`${policy.name}: config property '${req}' is required`);
      }
    }
    result.set(policy.name, { enforcementLevel: level, properties });
  }
  return result;
}
