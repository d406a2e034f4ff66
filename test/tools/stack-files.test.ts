import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import {
  listStacks,
  readStackFiles,
  SECRET_PLACEHOLDER,
  StackFileError,
} from "../../tools/offline/stack-files";

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "stack-files-"));
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const PROJECT = `name: demo
runtime: nodejs
config:
  flag:
    type: boolean
    default: true
  level:
    type: string
`;

describe("readStackFiles", () => {
  test("flattens config as the engine passes it: defaults, scalars as strings, objects as JSON", () => {
    const dir = project({
      "Pulumi.yaml": PROJECT,
      "Pulumi.s.yaml":
        "config:\n  aws:region: us-west-2\n  demo:level: high\n  demo:net:\n    cidr: 10.0.0.0/16\n    azCount: 3\n",
    });
    expect(readStackFiles(dir, "s")).toEqual({
      project: "demo",
      stack: "s",
      config: {
        "demo:flag": "true",
        "demo:level": "high",
        "aws:region": "us-west-2",
        "demo:net": '{"cidr":"10.0.0.0/16","azCount":3}',
      },
      secretKeys: [],
    });
  });

  test("secure: values become a placeholder and their keys are marked secret, also when nested", () => {
    const dir = project({
      "Pulumi.yaml": PROJECT,
      "Pulumi.s.yaml":
        "config:\n  demo:token:\n    secure: AAABAxyz\n  demo:obj:\n    user: u\n    password:\n      secure: AAABAabc\n",
    });
    const files = readStackFiles(dir, "s");
    expect(files.config["demo:token"]).toBe(SECRET_PLACEHOLDER);
    expect(JSON.parse(files.config["demo:obj"])).toEqual({ user: "u", password: SECRET_PLACEHOLDER });
    expect(files.secretKeys).toEqual(["demo:token", "demo:obj"]);
    expect(JSON.stringify(files)).not.toContain("AAABA");
  });

  test.each([
    [
      "a missing stack file",
      { "Pulumi.yaml": PROJECT },
      /^no stack 's': .*Pulumi\.s\.yaml does not exist; .* has no stack files$/,
    ],
    [
      "a missing project file",
      { "Pulumi.s.yaml": "config: {}\n" },
      /cannot read .*Pulumi\.yaml: the file does not exist or is not readable/,
    ],
    [
      "invalid YAML",
      { "Pulumi.yaml": PROJECT, "Pulumi.s.yaml": "config: [unclosed" },
      /Pulumi\.s\.yaml is not valid YAML/,
    ],
    [
      "a project without a name",
      { "Pulumi.yaml": "runtime: nodejs\n", "Pulumi.s.yaml": "config: {}\n" },
      /Pulumi\.yaml has no project name/,
    ],
  ])("%s is a clear StackFileError", (_label, files, message) => {
    const dir = project(files as Record<string, string>);
    expect(() => readStackFiles(dir, "s")).toThrow(StackFileError);
    expect(() => readStackFiles(dir, "s")).toThrow(message);
  });

  test.each([
    ["prod", "did you mean production? the stacks in DIR are dev, production, staging"],
    ["qa", "the stacks in DIR are dev, production, staging"],
  ])("an unknown stack %s names the stacks that exist", (stack, tail) => {
    const dir = project({
      "Pulumi.yaml": PROJECT,
      "Pulumi.dev.yaml": "config: {}\n",
      "Pulumi.staging.yaml": "config: {}\n",
      "Pulumi.production.yaml": "config: {}\n",
    });
    expect(listStacks(dir)).toEqual(["dev", "production", "staging"]);
    expect(() => readStackFiles(dir, stack)).toThrow(
      `no stack '${stack}': ${join(dir, `Pulumi.${stack}.yaml`)} does not exist; ${tail.replace("DIR", dir)}`,
    );
  });

  test.each([
    ["confg", "'confg', did you mean config?"],
    ["settings", "'settings'"],
  ])("an unknown top-level key %s is refused", (key, named) => {
    const dir = project({ "Pulumi.yaml": PROJECT, "Pulumi.s.yaml": `${key}:\n  demo:level: high\n` });
    expect(() => readStackFiles(dir, "s")).toThrow(
      `${join(dir, "Pulumi.s.yaml")}: unknown top-level key ${named}; a stack file has config, environment, secretsprovider, encryptedkey, encryptionsalt`,
    );
  });
});
