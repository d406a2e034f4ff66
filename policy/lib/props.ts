/**
 * Small pure helpers the policies share: reading values as CrossGuard hands them over (plain JSON,
 * provider config JSON-encoded as strings), building remediation messages, following URN links.
 */
import type { PolicyResource } from "@pulumi/policy";

/** `"<what is wrong>. Remediation: <sentence>"`: every violation names the resource and the property. */
export function violation(problem: string, remediation: string): string {
  return `${problem}. Remediation: ${remediation}`;
}

/** The stack name of a URN `urn:pulumi:<stack>::<project>::...`. */
export function stackOfUrn(urn: string): string {
  return urn.split("::")[0]?.replace(/^urn:pulumi:/, "") ?? "";
}

/**
 * The engine stores provider config with nested values JSON-encoded (`defaultTags: "{\"tags\":{}}"`)
 * and CrossGuard passes them on unparsed; a value may also arrive as an object. Returns the object form.
 */
export function parseJsonish(value: unknown): unknown {
  if (typeof value === "string" && /^\s*[[{]/.test(value)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asStrings(value: unknown): string[] {
  return asArray(value).filter((v): v is string => typeof v === "string");
}

/** A resource's effective tags: the provider's `defaultTags.tags`, overridden by its own `tags`. */
export function effectiveTags(
  props: Record<string, unknown>,
  provider?: { props: Record<string, unknown> },
): Record<string, unknown> {
  const defaults = asRecord(asRecord(parseJsonish(provider?.props.defaultTags)).tags);
  return { ...defaults, ...asRecord(props.tags) };
}

export const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];

/** Resources this one depends on (explicitly or through an input) that have the given type. */
export function dependenciesOfType(resource: PolicyResource, type: string): PolicyResource[] {
  return resource.dependencies.filter((d) => d.type === type);
}

/** Resources of `type` that depend on `target` (e.g. the subnets of a VPC). */
export function dependents(
  resources: readonly PolicyResource[],
  target: PolicyResource,
  type: string,
): PolicyResource[] {
  return resources.filter((r) => r.type === type && r.dependencies.some((d) => d.urn === target.urn));
}

/** `1.32` -> [1, 32]; undefined when the string is not a dotted version. */
export function parseVersion(version: unknown): number[] | undefined {
  if (typeof version !== "string" || !/^\d+(\.\d+)*$/.test(version)) {
    return undefined;
  }
  return version.split(".").map(Number);
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) {
      return d;
    }
  }
  return 0;
}

/** The resources a stack policy judges; with none, the policy is not applicable (never a pass by default). */
export function subjects(
  args: { resources: PolicyResource[]; notApplicable(reason?: string): never },
  test: (r: PolicyResource) => boolean,
  what: string,
): PolicyResource[] {
  const found = args.resources.filter(test);
  if (found.length === 0) {
    args.notApplicable(`No ${what} in the stack`);
  }
  return found;
}
