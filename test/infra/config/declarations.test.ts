/** Every key the loader knows is declared in Pulumi.yaml (scalars typed) and documented. */
import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { SCALARS, SECTIONS } from "../../../infra/config";

const root = join(__dirname, "..", "..", "..");
const projectText = readFileSync(join(root, "Pulumi.yaml"), "utf8");
const project = parse(projectText) as {
  name: string;
  main: string;
  config: Record<string, { type?: string; description?: string }>;
};
const reference = readFileSync(join(root, "docs", "configuration.md"), "utf8");

test("Pulumi.yaml names the project, its Node.js runtime and the entry point in infra/", () => {
  expect(project).toMatchObject({ name: "platform", runtime: { name: "nodejs" }, main: "infra/index.ts" });
});

test.each(Object.keys(SCALARS))(
  "scalar key %s is declared with a type and a description, and documented",
  (key) => {
    expect(project.config[key]).toEqual(
      expect.objectContaining({ type: expect.any(String), description: expect.any(String) }),
    );
    expect(reference).toContain(`\`platform:${key}\``);
  },
);

test.each(Object.keys(SECTIONS))("structured key %s is listed in Pulumi.yaml and documented", (key) => {
  expect(projectText).toMatch(new RegExp(`#\\s+platform:${key}\\s`));
  expect(reference).toContain(`## \`platform:${key}\``);
});

test("Pulumi.yaml declares nothing the loader does not know", () => {
  expect(Object.keys(project.config).sort()).toEqual(Object.keys(SCALARS).sort());
});
