/**
 * Keeps docs/architecture.md true: sizes of functions and files in components/ and infra/, folders of
 * components/ that import each other in a cycle, and imports that cross the layers the wrong way
 * (components into infra or tools, policy/ outside itself). Each failure lists every offender, with
 * its size or the import to cut. The rules are also tested on small examples, so they can fail.
 */
import * as path from "path";
import {
  MAX_FILE_LINES,
  MAX_FUNCTION_LINES,
  type SourceText,
  fileLines,
  folderCycles,
  forbiddenImports,
  functionSizes,
  importEdges,
  readSources,
} from "./support/structure";

const ROOT = path.join(__dirname, "..");
const sized = readSources(ROOT, ["components", "infra"]);
const everything = readSources(ROOT, ["components", "infra", "policy", "tools"]);
const edges = everything.flatMap(importEdges);

describe("the repository follows docs/architecture.md", () => {
  test(`no function, method, constructor or arrow function over ${MAX_FUNCTION_LINES} lines in components/ or infra/ (data-only declarations excepted)`, () => {
    const offenders = sized
      .flatMap(functionSizes)
      .filter((f) => f.lines > MAX_FUNCTION_LINES && !f.dataOnly)
      .map((f) => `${f.file}:${f.line} ${f.name}: ${f.lines} lines`);
    expect(offenders).toEqual([]);
  });

  test(`no file over ${MAX_FILE_LINES} lines in components/ or infra/`, () => {
    const offenders = sized
      .filter((s) => fileLines(s.text) > MAX_FILE_LINES)
      .map((s) => `${s.file}: ${fileLines(s.text)} lines`);
    expect(offenders).toEqual([]);
  });

  test("no import cycle between folders of components/", () => {
    const cycles = folderCycles(edges).map(
      (c) =>
        `${c.folders.join(" <-> ")}: ${c.edges.map((e) => `${e.from} imports '${e.specifier}'`).join("; ")}`,
    );
    expect(cycles).toEqual([]);
  });

  test("components/ imports only components/ (never infra/, tools/, policy/), components/shared/ only itself, infra/ never tools/", () => {
    const offenders = forbiddenImports(edges)
      .filter(({ edge }) => !edge.from.startsWith("policy/"))
      .map(({ edge, rule }) => `${edge.from} imports '${edge.specifier}' (${rule})`);
    expect(offenders).toEqual([]);
  });

  test("nothing under policy/ imports from outside policy/ (the pack is published on its own)", () => {
    const offenders = forbiddenImports(edges)
      .filter(({ edge }) => edge.from.startsWith("policy/"))
      .map(({ edge, rule }) => `${edge.from} imports '${edge.specifier}' (${rule})`);
    expect(offenders).toEqual([]);
  });
});

/** A tiny source file for the rule tests. */
const src = (file: string, text: string): SourceText => ({ file, text });
const lines = (n: number, line = "  x.push(1);") => Array.from({ length: n }, () => line).join("\n");

describe("the structure rules themselves", () => {
  test("function lengths count from the first token to the closing brace, JSDoc excluded, and name the function", () => {
    const text = [
      "/** Doc. */",
      "export function short() {",
      "  return 1;",
      "}",
      "class Thing {",
      "  constructor() {",
      lines(3),
      "  }",
      "  build = () => {",
      "    return 2;",
      "  };",
      "}",
    ].join("\n");
    expect(functionSizes(src("components/x/a.ts", text)).map((f) => [f.name, f.line, f.lines])).toEqual([
      ["function short", 2, 3],
      ["constructor of Thing", 6, 5],
      ["arrow function build", 11, 3],
    ]);
  });

  test.each([
    [
      "a policy document",
      true,
      "const arn = `arn:${p}`;\n  return { Version: '1', Statement: [{ Resource: arn }] };",
    ],
    ["JSON.stringify of a literal", true, "return JSON.stringify({ a: [1, 2] });"],
    ["a map callback", false, "return items.map((i) => ({ i }));"],
    ["a branch", false, "if (a) { return 1; }\n  return 2;"],
    ["a ternary", false, "return { a: b ? 1 : 2 };"],
    ["a default with ??", false, "return { a: b ?? 1 };"],
    ["a resource", false, "return new Thing('x', {});"],
    ["a mutable variable", false, "let a = 1;\n  return { a };"],
    ["another call", false, "return { a: helper() };"],
  ])("data-only rule: %s -> %s", (_case, expected, body) => {
    const [fn] = functionSizes(src("components/x/a.ts", `function f() {\n  ${body}\n}`));
    expect(fn.dataOnly).toBe(expected);
  });

  test("file lines do not count the final newline", () => {
    expect([fileLines(""), fileLines("a\n"), fileLines("a\nb"), fileLines("a\nb\n")]).toEqual([0, 1, 2, 2]);
  });

  test("imports of every form are resolved relative to the importing file", () => {
    const text = [
      'import * as aws from "@pulumi/aws";',
      'import type { A } from "../shared/a";',
      'export { B } from "./b";',
      'import c = require("../../infra/c");',
      'const d = await import("../data/d");',
      'const e = require("./e.ts");',
    ].join("\n");
    expect(importEdges(src("components/cluster/x.ts", text)).map((e) => [e.specifier, e.to])).toEqual([
      ["@pulumi/aws", undefined],
      ["../shared/a", "components/shared/a"],
      ["./b", "components/cluster/b"],
      ["../../infra/c", "infra/c"],
      ["../data/d", "components/data/d"],
      ["./e.ts", "components/cluster/e"],
    ]);
  });

  test("a cycle between folders is found with the imports that make it; a chain is not a cycle", () => {
    const tree = [
      src("components/secrets/vault.ts", 'import { q } from "../workloads/spec";'),
      src("components/workloads/spec.ts", 'import { v } from "../secrets/vault-values";'),
      src("components/workloads/service.ts", 'import { s } from "../shared/tags";'),
      src("components/data/postgres.ts", 'import { s } from "../shared/stateful";'),
    ].flatMap(importEdges);
    expect(folderCycles(tree)).toEqual([
      {
        folders: ["secrets", "workloads"],
        edges: [
          {
            from: "components/secrets/vault.ts",
            specifier: "../workloads/spec",
            to: "components/workloads/spec",
          },
          {
            from: "components/workloads/spec.ts",
            specifier: "../secrets/vault-values",
            to: "components/secrets/vault-values",
          },
        ],
      },
    ]);
    expect(folderCycles(tree.slice(2))).toEqual([]);
  });

  test("imports against the layers are reported with the rule they break", () => {
    const tree = [
      src(
        "components/cluster/a.ts",
        'import { b } from "../../infra/config";\nimport { c } from "../shared/tags";',
      ),
      src("components/shared/tags.ts", 'import { d } from "../cluster/a";'),
      src(
        "infra/platform.ts",
        'import { e } from "../tools/offline/harness";\nimport { f } from "../components/index";',
      ),
      src(
        "policy/governance.ts",
        'import { g } from "../components/shared/tags";\nimport { h } from "./helpers";',
      ),
      src("tools/preview.ts", 'import { i } from "../infra/config";\nimport { j } from "../policy/index";'),
    ].flatMap(importEdges);
    expect(forbiddenImports(tree).map(({ edge, rule }) => `${edge.from} -> ${edge.to}: ${rule}`)).toEqual([
      "components/cluster/a.ts -> infra/config: components/ may import only components",
      "components/shared/tags.ts -> components/cluster/a: components/shared/ may import only components/shared",
      "infra/platform.ts -> tools/offline/harness: infra/ may import only infra, components, policy",
      "policy/governance.ts -> components/shared/tags: policy/ may import only policy",
    ]);
  });
});
