/**
 * docs/configuration.md against the schemas: every documented field exists, every field of the
 * schemas is documented (itself or through the object holding it), each range in the type column
 * is exactly the range the schema accepts, each listed value is accepted, and each default is the
 * one the schema applies. Probes run on the section values of the repository's stack files.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { isDeepStrictEqual } from "util";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { type CheckContext, type ConfigProblem, SCALARS, SECTIONS } from "../../../infra/config";
import { joinPath } from "../../../infra/config/problems";
import { readStackFiles } from "../../../tools/offline/stack-files";
import { PROJECT_DIR } from "../../../tools/offline/preview-stack";
import { defOf, type ZodDef } from "../../../infra/config/problems";

interface Row {
  readonly section: string;
  readonly field: string;
  readonly type?: string;
  readonly default?: string;
}

/** Splits a Markdown table row on `|` that are not escaped as `\|`. */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, "")
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, "|"));
}

/** Every table row of the reference, with the section heading it sits under. */
function documentedRows(): Row[] {
  const text = readFileSync(join(PROJECT_DIR, "docs", "configuration.md"), "utf8");
  const rows: Row[] = [];
  let section = "";
  let header: string[] = [];
  for (const line of text.split("\n")) {
    const heading = /^## (?:`platform:(\w+)`|(Scalar keys))/.exec(line);
    if (line.startsWith("## ")) {
      section = heading ? (heading[1] ?? "scalars") : "";
      header = [];
    } else if (section !== "" && line.startsWith("|")) {
      const row = cells(line);
      if (header.length === 0) {
        header = row;
      } else if (!/^-+$/.test(row[0])) {
        const col = (name: string) => row[header.indexOf(name)] as string | undefined;
        for (const field of [...row[0].matchAll(/`([^`]+)`/g)].map((m) => m[1])) {
          rows.push({
            section,
            field: field.replace(/^platform:/, ""),
            type: col("type"),
            default: col("default"),
          });
        }
      }
    }
  }
  return rows;
}

// ------------------------------------------------------------------------------------------------
// Walking zod schemas by path: `a.<name>.b[].c`, where `<x>` is any key and `[]` any list item.
// ------------------------------------------------------------------------------------------------

function unwrap(schema: z.ZodType): ZodDef {
  let d = defOf(schema);
  while (d.innerType !== undefined || d.type === "pipe") {
    d = defOf(d.innerType ?? d.in!);
  }
  return d;
}

function segments(path: string): string[] {
  return path.split(".").flatMap((part) => (part.endsWith("[]") ? [part.slice(0, -2), "[]"] : [part]));
}

/** The schemas a documented path leads to (several when `<x>` spans an object's keys). */
function resolve(schema: z.ZodType, segs: readonly string[]): z.ZodType[] {
  if (segs.length === 0) {
    return [schema];
  }
  const [head, ...rest] = segs;
  const d = unwrap(schema);
  if (head === "[]") {
    return d.type === "array" ? resolve(d.element!, rest) : [];
  }
  if (head.startsWith("<")) {
    if (d.type === "record") {
      return resolve(d.valueType!, rest);
    }
    return d.type === "object" ? Object.values(d.shape!).flatMap((s) => resolve(s, rest)) : [];
  }
  return d.type === "object" && d.shape![head] ? resolve(d.shape![head], rest) : [];
}

/** Paths of every field that is not itself an object of fields. */
function leaves(schema: z.ZodType, prefix: string[] = []): string[][] {
  const d = unwrap(schema);
  if (d.type === "object") {
    return Object.entries(d.shape!).flatMap(([k, s]) => leaves(s, [...prefix, k]));
  }
  if (d.type === "array" && unwrap(d.element!).type === "object") {
    return leaves(d.element!, [...prefix, "[]"]);
  }
  if (d.type === "record" && unwrap(d.valueType!).type === "object") {
    return leaves(d.valueType!, [...prefix, "<name>"]);
  }
  return prefix.length > 0 ? [prefix] : [];
}

function covers(pattern: readonly string[], path: readonly string[]): boolean {
  return (
    pattern.length <= path.length &&
    pattern.every((p, i) => p === path[i] || (p.startsWith("<") && !["[]"].includes(path[i])))
  );
}

// ------------------------------------------------------------------------------------------------
// Probing: a stack's section value with one field changed, parsed by the section's schema.
// ------------------------------------------------------------------------------------------------

const STACK_VALUES = ["dev", "staging", "production"].map((s) => readStackFiles(PROJECT_DIR, s).config);

/** Optional objects no stack file sets yet, added to one service so their fields can be probed. */
STACK_VALUES.push({
  "platform:services": JSON.stringify({
    ...(JSON.parse(STACK_VALUES[0]["platform:services"]) as Record<string, unknown>),
    services: [
      {
        ...(JSON.parse(STACK_VALUES[0]["platform:services"]) as { services: Record<string, unknown>[] })
          .services[0],
        secretEnv: [{ name: "API_TOKEN", secretName: "api-token", key: "token" }],
        kubernetesApi: { readOnly: ["pods"] },
        release: {
          strategy: "canary",
          steps: [10, 20, 30, 40, 50],
          stepPauseSeconds: 300,
          analysisIntervalSeconds: 60,
          failureLimit: 5,
          successRate: 0.99,
          latencyP95Ms: 500,
          errorRate: 0.01,
          acceptance: { image: "curlimages/curl:8.11.1", command: ["curl", "--fail", "$(CANARY_URL)/ready"] },
          load: { image: "grafana/k6:0.50.0", command: ["k6", "run", "/scripts/load.js"] },
        },
      },
    ],
  }),
});

type Json = unknown;

/** Concrete paths (keys and indexes) inside `value` where the parent of `segs` exists. */
function locate(value: Json, segs: readonly string[], at: (string | number)[] = []): (string | number)[][] {
  if (segs.length === 1) {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? [[...at, segs[0]]] : [];
  }
  const [head, ...rest] = segs;
  if (value === null || typeof value !== "object") {
    return [];
  }
  if (head === "[]") {
    return Array.isArray(value) ? value.flatMap((v, i) => locate(v, rest, [...at, i])) : [];
  }
  const obj = value as Record<string, Json>;
  const keys = head.startsWith("<") ? Object.keys(obj) : head in obj ? [head] : [];
  return keys.flatMap((k) => locate(obj[k], rest, [...at, k]));
}

function withValue(root: Json, path: readonly (string | number)[], value: Json | undefined): Json {
  const copy = structuredClone(root) as Record<string | number, Json>;
  let parent = copy;
  for (const key of path.slice(0, -1)) {
    parent = parent[key] as Record<string | number, Json>;
  }
  const last = path[path.length - 1];
  if (value === undefined) {
    delete parent[last];
  } else {
    parent[last] = value;
  }
  return copy;
}

function valueAt(root: Json, path: readonly (string | number)[]): Json {
  return path.reduce<Json>((v, k) => (v as Record<string | number, Json> | undefined)?.[k], root);
}

interface Probe {
  readonly section: keyof typeof SECTIONS;
  readonly schema: z.ZodType;
  readonly base: Json;
  readonly path: (string | number)[];
}

/** The first stack whose section value has the field's parent: where the field can be probed. */
function probeFor(row: Row): Probe | undefined {
  const schema = SECTIONS[row.section as keyof typeof SECTIONS].schema as z.ZodType;
  for (const config of STACK_VALUES) {
    const text = config[`platform:${row.section}`];
    if (text === undefined) {
      continue;
    }
    const base = JSON.parse(text) as Json;
    const [path] = locate(base, segments(row.field));
    if (path) {
      return { section: row.section as keyof typeof SECTIONS, schema, base, path };
    }
  }
  return undefined;
}

/**
 * Messages of the problems the schema reports exactly at the probed field for `value`; with
 * `checks`, also those of the section's cross-field rules (run as for dev, the least strict).
 */
function problemsAt(probe: Probe, value: Json | undefined, checks = false): string[] {
  const result = probe.schema.safeParse(withValue(probe.base, probe.path, value));
  const key = joinPath("", probe.path);
  if (!result.success) {
    return result.error.issues.filter((i) => joinPath("", i.path) === key).map((i) => i.message);
  }
  if (!checks) {
    return [];
  }
  const check = SECTIONS[probe.section].check as
    ((v: unknown, ctx: CheckContext) => ConfigProblem[]) | undefined;
  if (!check) {
    return [];
  }
  const ctx: CheckContext = {
    environment: "dev",
    environmentKnown: true,
    region: "us-west-2",
    project: "platform",
    stack: "dev",
  };
  return check(result.data, ctx)
    .filter((p) => p.key === joinPath(`platform:${probe.section}`, probe.path))
    .map((p) => p.message);
}

// ------------------------------------------------------------------------------------------------

const ROWS = documentedRows();
const SECTION_ROWS = ROWS.filter((r) => r.section !== "scalars");
const RANGE = /^(-?\d+)\.\.(\d+)?$/;
const ENUM = /^(`[^`]+`)( \| `[^`]+`)*$/;
const literals = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => parseYaml(m[1]) as Json);

describe("docs/configuration.md agrees with the schemas", () => {
  test("the reference has rows for every section", () => {
    expect(new Set(ROWS.map((r) => r.section))).toEqual(
      new Set(["scalars", ...Object.keys(SECTIONS)].filter((s) => s !== "tags")),
    );
    expect(
      ROWS.filter((r) => r.section === "scalars")
        .map((r) => r.field)
        .sort(),
    ).toEqual(Object.keys(SCALARS).sort());
  });

  test.each(SECTION_ROWS.map((r) => [`${r.section}.${r.field}`, r] as const))(
    "%s exists in the schema",
    (_, row) => {
      const schema = SECTIONS[row.section as keyof typeof SECTIONS].schema as z.ZodType;
      expect(resolve(schema, segments(row.field)).length).toBeGreaterThan(0);
    },
  );

  test.each(Object.keys(SECTIONS).filter((s) => s !== "tags"))(
    "every field of platform:%s is documented",
    (section) => {
      const patterns = SECTION_ROWS.filter((r) => r.section === section).map((r) => segments(r.field));
      const schema = SECTIONS[section as keyof typeof SECTIONS].schema as z.ZodType;
      const undocumented = leaves(schema)
        .filter((path) => !patterns.some((p) => covers(p, path)))
        .map((p) => p.join("."));
      expect(undocumented).toEqual([]);
    },
  );

  test.each(
    ROWS.filter((r) => r.section === "scalars" && ENUM.test(r.type ?? "")).map((r) => [r.field, r] as const),
  )("platform:%s accepts each listed value and nothing else", (_, row) => {
    const schema = SCALARS[row.field as keyof typeof SCALARS] as z.ZodType;
    const values = literals(row.type!);
    expect(values.map((v) => schema.safeParse(v).success)).toEqual(values.map(() => true));
    expect(schema.safeParse("not-a-listed-value").success).toBe(false);
  });

  const ranged = SECTION_ROWS.filter((r) => RANGE.test(r.type ?? ""));
  test.each(ranged.map((r) => [`${r.section}.${r.field}`, r.type!, r] as const))(
    "%s accepts exactly %s",
    (_, type, row) => {
      const [, lo, hi] = RANGE.exec(type)!.map((v) => (v === undefined ? undefined : Number(v)));
      const probe = probeFor(row)!;
      expect(probe).toBeDefined();
      const verdicts = [lo! - 1, lo!, ...(hi !== undefined ? [hi, hi + 1] : [lo! + 1000])].map((v) => ({
        value: v,
        accepted: problemsAt(probe, v).length === 0,
      }));
      expect(verdicts).toEqual([
        { value: lo! - 1, accepted: false },
        { value: lo!, accepted: true },
        ...(hi !== undefined
          ? [
              { value: hi, accepted: true },
              { value: hi + 1, accepted: false },
            ]
          : [{ value: lo! + 1000, accepted: true }]),
      ]);
    },
  );

  const listed = SECTION_ROWS.filter((r) => ENUM.test(r.type ?? ""));
  test.each(listed.map((r) => [`${r.section}.${r.field}`, r.type!, r] as const))(
    "%s accepts each of %s and nothing else",
    (_, type, row) => {
      const probe = probeFor(row)!;
      const values = literals(type);
      const outside =
        typeof values[0] === "number" ? Math.max(...(values as number[])) + 1 : "not-a-listed-value";
      expect(values.map((v) => problemsAt(probe, v))).toEqual(values.map(() => []));
      expect(problemsAt(probe, outside)).not.toEqual([]);
    },
  );

  test.each(
    SECTION_ROWS.filter((r) => r.default !== undefined).map(
      (r) => [`${r.section}.${r.field}`, r.default!, r] as const,
    ),
  )("%s defaults to %s", (_, documented, row) => {
    const probe = probeFor(row);
    expect(probe).toBeDefined();
    const missing = problemsAt(probe!, undefined, true);
    if (documented === "(required)") {
      expect(missing).not.toEqual([]);
      return;
    }
    expect(missing).toEqual([]);
    const values = literals(documented);
    if (values.length === 1 && documented === `\`${documented.slice(1, -1)}\``) {
      const parsed = probe!.schema.parse(withValue(probe!.base, probe!.path, undefined));
      expect(valueAt(parsed, probe!.path)).toEqual(values[0]);
    }
  });
});

test("helpers: covers and segments", () => {
  expect(segments("nodeGroups.<name>.taints[].key")).toEqual(["nodeGroups", "<name>", "taints", "[]", "key"]);
  expect(covers(["subnets", "<tier>", "newBits"], ["subnets", "public", "newBits"])).toBe(true);
  expect(covers(["services", "[]", "namespaceQuota"], ["services", "[]", "namespaceQuota", "cpu"])).toBe(
    true,
  );
  expect(covers(["services", "[]", "name"], ["services", "[]", "image"])).toBe(false);
  expect(isDeepStrictEqual(cells("| `a` | `x` \\| `y` | b |"), ["`a`", "`x` | `y`", "b"])).toBe(true);
});
