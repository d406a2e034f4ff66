import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse, stringify } from "yaml";
import { loadPrices, PRICES_FILE, priceTableSchema } from "../../../tools/cost/prices";

const text = readFileSync(PRICES_FILE, "utf8");

describe("the pinned price table", () => {
  const table = loadPrices();

  test("fits its schema, in US dollars, with the date it was compiled and https sources", () => {
    expect(priceTableSchema.safeParse(parse(text)).success).toBe(true);
    expect(table.currency).toBe("USD");
    expect(table.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(new Date(table.asOf).getTime()).toBeLessThanOrEqual(Date.now());
    expect(Object.keys(table.sources).sort()).toEqual(
      [
        "backup",
        "route53",
        "cloudwatch",
        "dataTransfer",
        "ebs",
        "ec2",
        "eks",
        "elasticache",
        "elb",
        "kms",
        "privatelink",
        "rds",
        "s3",
        "secretsManager",
        "vpc",
        "waf",
      ].sort(),
    );
  });

  test("prices the stacks' region and the DR region, each the same items", () => {
    expect(Object.keys(table.regions)).toEqual(["us-west-2", "us-east-1"]);
    const west = table.regions["us-west-2"];
    const east = table.regions["us-east-1"];
    for (const [a, b] of [
      [west.ec2.instanceHour, east.ec2.instanceHour],
      [west.rds.postgresInstanceHour, east.rds.postgresInstanceHour],
      [west.elasticache.nodeHour, east.elasticache.nodeHour],
      [west.ebs.gbMonth, east.ebs.gbMonth],
    ]) {
      expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    }
  });

  test("prices every instance type, DB class and cache node type the stack files use", () => {
    const stacks = ["dev", "staging", "production"].map((s) =>
      parse(readFileSync(join(__dirname, "..", "..", "..", `Pulumi.${s}.yaml`), "utf8")),
    ) as { config: Record<string, Record<string, Record<string, unknown>>> }[];
    const west = table.regions["us-west-2"];
    for (const { config } of stacks) {
      for (const group of Object.values(config["platform:cluster"].nodeGroups) as {
        instanceTypes: string[];
      }[]) {
        expect(group.instanceTypes.filter((t) => west.ec2.instanceHour[t] === undefined)).toEqual([]);
      }
      const data = config["platform:data"] as unknown as {
        postgres: { instanceClass: string };
        redis: { nodeType: string };
      };
      expect(west.rds.postgresInstanceHour[data.postgres.instanceClass]).toBeGreaterThan(0);
      expect(west.elasticache.nodeHour[data.redis.nodeType]).toBeGreaterThan(0);
    }
  });

  test("a table without a date, with a negative price or an http source is refused, naming each problem", () => {
    const broken = parse(text) as Record<string, unknown> & {
      regions: Record<string, { ec2: { instanceHour: Record<string, number> } }>;
      sources: Record<string, string>;
    };
    delete broken.asOf;
    broken.regions["us-east-1"].ec2.instanceHour["m5.large"] = -1;
    broken.sources.eks = "http://aws.amazon.com/eks/pricing/";
    const file = join(mkdtempSync(join(tmpdir(), "prices-")), "prices.yaml");
    writeFileSync(file, stringify(broken));
    expect(() => loadPrices(file)).toThrow(
      `price table ${file} is invalid:\n` +
        "  - asOf: Invalid input: expected string, received undefined\n" +
        "  - sources.eks: Invalid URL\n" +
        "  - regions.us-east-1.ec2.instanceHour.m5.large: Too small: expected number to be >=0",
    );
  });
});
