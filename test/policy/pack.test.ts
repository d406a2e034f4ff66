/** The pack as a deliverable: self-contained, its dependencies declared, its catalog consistent, its README true. */
import { readdirSync, readFileSync } from "fs";
import { dirname, join, relative, resolve } from "path";
import { REQUIRED_TAGS as COMPONENT_TAGS } from "../../components/shared/tags";
import { CAPABILITIES } from "../../policy/capabilities";
import { ALL_POLICIES } from "../../policy/catalog";
import { CATEGORIES } from "../../policy/lib/types";
import { REQUIRED_TAGS as PACK_TAGS } from "../../policy/lib/tags";
import { READINESS_EXCLUSIONS } from "../../policy/readiness";

const ROOT = join(__dirname, "../..");
const PACK = join(ROOT, "policy");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? e.name === "node_modules"
        ? []
        : sources(join(dir, e.name))
      : e.name.endsWith(".ts")
        ? [join(dir, e.name)]
        : [],
  );
}
const imports = (file: string) =>
  [...readFileSync(file, "utf8").matchAll(/^(?:import|export)[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]);

describe("the pack is self-contained", () => {
  test("nothing under policy/ imports from outside it", () => {
    const outside = sources(PACK).flatMap((file) =>
      imports(file)
        .filter((spec) => spec.startsWith("."))
        .filter((spec) => relative(PACK, resolve(dirname(file), spec)).startsWith(".."))
        .map((spec) => `${relative(ROOT, file)}: ${spec}`),
    );
    expect(outside).toEqual([]);
  });

  test("its package.json declares every package it imports, at the root lockfile's versions", () => {
    const pkg = JSON.parse(readFileSync(join(PACK, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies?: unknown;
    };
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version: string }>;
    };
    const used = new Set(
      sources(PACK)
        .flatMap(imports)
        .filter((spec) => !spec.startsWith("."))
        .map((spec) =>
          spec
            .split("/")
            .slice(0, spec.startsWith("@") ? 2 : 1)
            .join("/"),
        ),
    );
    // Also needed at run time: @pulumi/pulumi (the CLI starts the pack with its run-policy-pack, and
    // @pulumi/policy needs it as a peer) and TypeScript (the SDK compiles the pack; without it, it
    // falls back to its vendored TypeScript 3.8).
    expect(Object.keys(pkg.dependencies).sort()).toEqual([...used, "@pulumi/pulumi", "typescript"].sort());
    for (const [name, version] of Object.entries(pkg.dependencies)) {
      expect([name, version]).toEqual([name, lock.packages[`node_modules/${name}`].version]);
    }
    expect(pkg.devDependencies).toBeUndefined();
  });

  test("its tsconfig stands alone and loads no type package (jest types are a dev dependency)", () => {
    const tsconfig = JSON.parse(readFileSync(join(PACK, "tsconfig.json"), "utf8")) as {
      extends?: string;
      compilerOptions: { types?: string[] };
      include: string[];
    };
    expect(tsconfig.extends).toBeUndefined();
    expect(tsconfig.compilerOptions.types).toEqual([]);
    expect(tsconfig.include).toEqual(["**/*.ts"]);
  });

  test("its governance tags are the components' tags", () => {
    expect([...PACK_TAGS]).toEqual([...COMPONENT_TAGS]);
  });

  test("policy/README.md states the real number of policies", () => {
    const readme = readFileSync(join(PACK, "README.md"), "utf8");
    expect(readme).toContain(`${ALL_POLICIES.length} policies`);
    expect(readme).toContain(`${CAPABILITIES.length} capabilities`);
  });
});

describe("the capability catalog", () => {
  const names = new Set(ALL_POLICIES.map((p) => p.name));

  test("capability ids are unique and kebab-case; every category has capabilities", () => {
    const ids = CAPABILITIES.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    ids.forEach((id) => expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/));
    expect([...new Set(CAPABILITIES.map((c) => c.category))].sort()).toEqual([...CATEGORIES].sort());
  });

  test("every policy a capability names is in the pack", () => {
    expect(CAPABILITIES.flatMap((c) => c.policies).filter((p) => !names.has(p))).toEqual([]);
  });

  test("every policy proves a capability of its own category", () => {
    const unproven = ALL_POLICIES.filter((p) => p.name !== READINESS_EXCLUSIONS)
      .filter((p) => !CAPABILITIES.some((c) => c.policies.includes(p.name) && c.category === p.category))
      .map((p) => `${p.name} (${p.category})`);
    expect(unproven).toEqual([]);
  });
});
