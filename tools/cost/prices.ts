/**
 * The pinned price table (tools/cost/prices.yaml): its schema, and reading it. Every figure is a
 * non-negative number of dollars; every region prices the same items; the table carries the date
 * it was compiled and the pages it came from.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { z } from "zod";

export const PRICES_FILE = join(__dirname, "prices.yaml");

const usd = z.number().nonnegative();
const table = z.record(z.string().min(1), usd);

export const regionPricesSchema = z.strictObject({
  eks: z.strictObject({ clusterHour: usd }),
  ec2: z.strictObject({ publicIpv4Hour: usd, instanceHour: table }),
  ebs: z.strictObject({ gbMonth: table }),
  vpc: z.strictObject({
    natGatewayHour: usd,
    natGatewayGb: usd,
    interfaceEndpointAzHour: usd,
    interfaceEndpointGb: usd,
  }),
  elb: z.strictObject({ albHour: usd, albLcuHour: usd, nlbHour: usd, nlbLcuHour: usd }),
  rds: z.strictObject({
    postgresInstanceHour: table,
    multiAzFactor: z.number().min(1),
    gp3GbMonth: usd,
    backupGbMonth: usd,
    interRegionTransferGb: usd,
  }),
  elasticache: z.strictObject({ nodeHour: table }),
  kms: z.strictObject({ keyMonth: usd }),
  cloudwatchLogs: z.strictObject({ ingestedGb: usd, storedGbMonth: usd }),
  cloudwatchAlarms: z.strictObject({ standardAlarmMonth: usd }),
  secretsManager: z.strictObject({ secretMonth: usd }),
  s3: z.strictObject({ standardGbMonth: usd }),
  waf: z.strictObject({ webAclMonth: usd, ruleMonth: usd, millionRequests: usd }),
  backup: z.strictObject({ warmGbMonth: usd }),
  route53: z.strictObject({ healthCheckMonth: usd }),
});

export type RegionPrices = z.infer<typeof regionPricesSchema>;

export const priceTableSchema = z.strictObject({
  currency: z.literal("USD"),
  /** Date the figures were compiled (YYYY-MM-DD). */
  asOf: z.iso.date(),
  /** Hours in a billing month, as AWS's calculator counts them. */
  hoursPerMonth: z.number().positive(),
  note: z.string().min(1),
  /** The page each group of figures comes from. */
  sources: z.record(z.string(), z.url({ protocol: /^https$/ })),
  regions: z.record(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/), regionPricesSchema),
});

export type PriceTable = z.infer<typeof priceTableSchema>;

/** Reads and validates a price table; throws with every problem when it does not fit the schema. */
export function loadPrices(file = PRICES_FILE): PriceTable {
  const result = priceTableSchema.safeParse(parse(readFileSync(file, "utf8")));
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`price table ${file} is invalid:\n  - ${problems.join("\n  - ")}`);
  }
  return result.data;
}
