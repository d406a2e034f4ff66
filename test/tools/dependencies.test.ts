import { readFileSync } from "fs";
import { join } from "path";

const root = join(__dirname, "..", "..");
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version?: string }>;
};
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe("dependencies", () => {
  test("exactly one copy of @pulumi/pulumi in the tree", () => {
    const copies = Object.keys(lock.packages).filter((path) => path.endsWith("node_modules/@pulumi/pulumi"));
    expect(copies).toEqual(["node_modules/@pulumi/pulumi"]);
  });

  test("every direct dependency is pinned to an exact version that the lockfile holds", () => {
    const all = { ...pkg.dependencies, ...pkg.devDependencies };
    for (const [name, range] of Object.entries(all)) {
      expect([name, range]).toEqual([name, expect.stringMatching(/^\d+\.\d+\.\d+$/)]);
      expect([name, lock.packages[`node_modules/${name}`]?.version]).toEqual([name, range]);
    }
  });

  test("TypeScript is 5.9, which ts-jest and @pulumi/pulumi accept", () => {
    expect(pkg.devDependencies.typescript).toMatch(/^5\.9\./);
  });
});
