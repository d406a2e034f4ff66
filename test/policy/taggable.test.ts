import { readFileSync } from "fs";
import { join } from "path";
import { TAGGABLE_AWS_TYPES, UNTAGGABLE_AWS_TYPES } from "../../policy/lib/taggable";

/** `aws:ec2/routeTable:RouteTable` -> node_modules/@pulumi/aws/ec2/routeTable.d.ts, its `...Args` interface. */
function argsHaveTags(type: string): boolean {
  const [, modRes, cls] = type.split(":");
  const [mod, file] = modRes.split("/");
  const dts = readFileSync(join(__dirname, "../../node_modules/@pulumi/aws", mod, `${file}.d.ts`), "utf8");
  const args = dts.slice(dts.indexOf(`export interface ${cls}Args {`));
  return /\n\s+tags\?: pulumi\.Input</.test(args.slice(0, args.indexOf("\n}")));
}

describe("taggable AWS types match the provider schema", () => {
  test.each(TAGGABLE_AWS_TYPES)("%s has a tags input", (type) => {
    expect(argsHaveTags(type)).toBe(true);
  });
  test.each(UNTAGGABLE_AWS_TYPES)("%s has no tags input", (type) => {
    expect(argsHaveTags(type)).toBe(false);
  });
});
