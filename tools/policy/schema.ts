/**
 * Checks a config value against a policy's JSON schema, as the CLI does before it configures the
 * analyzer: the keywords a `configSchema` property may use (type, enum, const, numeric bounds,
 * string length and pattern, array items and sizes, object properties), recursively. A value the
 * schema refuses never reaches a policy, so no policy has to defend against it.
 */
import type {
  PolicyConfigJSONSchema as JSONSchema7,
  PolicyConfigJSONSchemaDefinition as JSONSchema7Definition,
} from "@pulumi/policy/schema";

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
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

const show = (v: unknown) => JSON.stringify(v);

function numberProblem(s: JSONSchema7, v: number): string | undefined {
  const low = s.minimum ?? s.exclusiveMinimum;
  const high = s.maximum ?? s.exclusiveMaximum;
  const below =
    (s.minimum !== undefined && v < s.minimum) ||
    (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum);
  const above =
    (s.maximum !== undefined && v > s.maximum) ||
    (s.exclusiveMaximum !== undefined && v >= s.exclusiveMaximum);
  return below || above ? ` must be between ${low ?? "-inf"} and ${high ?? "inf"}, got ${v}` : undefined;
}

function stringProblem(s: JSONSchema7, v: string): string | undefined {
  if (s.minLength !== undefined && v.length < s.minLength) {
    return ` must be at least ${s.minLength} characters, got ${show(v)}`;
  }
  if (s.maxLength !== undefined && v.length > s.maxLength) {
    return ` must be at most ${s.maxLength} characters, got ${show(v)}`;
  }
  if (s.pattern !== undefined && !new RegExp(s.pattern, "u").test(v)) {
    return ` must match ${s.pattern}, got ${show(v)}`;
  }
  return undefined;
}

function arrayProblem(s: JSONSchema7, v: unknown[]): string | undefined {
  if (s.minItems !== undefined && v.length < s.minItems) {
    return ` must have at least ${s.minItems} item(s), got ${show(v)}`;
  }
  if (s.maxItems !== undefined && v.length > s.maxItems) {
    return ` must have at most ${s.maxItems} item(s), got ${show(v)}`;
  }
  if (s.uniqueItems === true && new Set(v.map(show)).size !== v.length) {
    return ` must not repeat an item, got ${show(v)}`;
  }
  if (s.items !== undefined && !Array.isArray(s.items)) {
    for (const [i, item] of v.entries()) {
      const problem = schemaProblem(s.items, item);
      if (problem !== undefined) {
        return `[${i}]${problem}`;
      }
    }
  }
  return undefined;
}

function objectProblem(s: JSONSchema7, v: Record<string, unknown>): string | undefined {
  for (const key of s.propertyNames === undefined ? [] : Object.keys(v)) {
    const problem = schemaProblem(s.propertyNames!, key);
    if (problem !== undefined) {
      return ` has key '${key}', whose name${problem}`;
    }
  }
  for (const req of s.required ?? []) {
    if (v[req] === undefined) {
      return `.${req} is required`;
    }
  }
  for (const [k, item] of Object.entries(v)) {
    const sub = s.properties?.[k] ?? s.additionalProperties;
    if (sub === false && s.properties?.[k] === undefined) {
      return ` has unknown property '${k}'`;
    }
    const problem = sub === undefined ? undefined : schemaProblem(sub, item);
    if (problem !== undefined) {
      return `.${k}${problem}`;
    }
  }
  return undefined;
}

/**
 * What is wrong with `value` under `schema`, as a suffix to the property's name
 * (` must match ^\d+$, got "x"`, `[1] must be of type string, got 3`); undefined when it is valid.
 */
export function schemaProblem(schema: JSONSchema7Definition, value: unknown): string | undefined {
  if (typeof schema === "boolean") {
    return schema ? undefined : ` is not allowed, got ${show(value)}`;
  }
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length > 0 && !types.some((t) => typeMatches(t, value))) {
    return ` must be of type ${types.join(" or ")}, got ${show(value)}`;
  }
  if (schema.enum !== undefined && !schema.enum.some((e) => show(e) === show(value))) {
    return ` must be one of ${schema.enum.map(show).join(", ")}, got ${show(value)}`;
  }
  if (schema.const !== undefined && show(schema.const) !== show(value)) {
    return ` must be ${show(schema.const)}, got ${show(value)}`;
  }
  if (typeof value === "number") {
    return numberProblem(schema, value);
  }
  if (typeof value === "string") {
    return stringProblem(schema, value);
  }
  if (Array.isArray(value)) {
    return arrayProblem(schema, value);
  }
  if (value !== null && typeof value === "object") {
    return objectProblem(schema, value as Record<string, unknown>);
  }
  return undefined;
}
