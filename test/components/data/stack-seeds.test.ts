/**
 * The `platform:data` blocks of the three stack files: each passes the schema and the
 * environment's rules, and the parsed section feeds both components as is (the wiring of infra/platform.ts).
 */
import type { Region } from "@pulumi/aws";
import { checkData, type DataConfig, dataSchema } from "../../../infra/config/data";
import { PROJECT_DIR } from "../../../tools/offline/preview-stack";
import { readStackFiles } from "../../../tools/offline/stack-files";
import { byName, runProgram } from "../../support/offline";

/** The `platform:data` block of each stack file, as the loader reads it. */
const STACKS = Object.fromEntries(
  ["dev", "staging", "production"].map((stack) => [
    stack,
    JSON.parse(readStackFiles(PROJECT_DIR, stack).config["platform:data"]) as DataConfig,
  ]),
);

describe.each(Object.entries(STACKS))("the %s block", (stack, raw) => {
  test("passes the schema and the environment's rules, and builds both components", async () => {
    const data = dataSchema.parse(raw);
    expect(checkData(data, stack, "us-west-2")).toEqual([]);
    const protect = stack === "production";
    const { crossRegionBackup, ...postgres } = data.postgres;
    const run = await runProgram(async () => {
      const aws = await import("@pulumi/aws");
      const { PostgresDatabase } = await import("../../../components/data/postgres");
      const { RedisCache } = await import("../../../components/data/redis");
      const common = {
        vpcId: "vpc-1",
        dataSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
        rotationSubnetIds: ["subnet-p1", "subnet-p2"],
        allowedSecurityGroupIds: ["sg-cluster"],
        logsKmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/logs",
        secretsKmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/secrets",
        protect,
      };
      new PostgresDatabase("postgres", {
        ...common,
        ...postgres,
        kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/rds",
        identifier: `platform-${stack}`,
        crossRegionBackup: crossRegionBackup && {
          provider: new aws.Provider("aws-dr", { region: crossRegionBackup.region as Region }),
          kmsKeyArn: `arn:aws:kms:${crossRegionBackup.region}:123456789012:key/rds`,
          retentionDays: crossRegionBackup.retentionDays,
        },
      });
      new RedisCache("redis", {
        ...common,
        ...data.redis,
        kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/elasticache",
        replicationGroupId: `platform-${stack}`,
      });
    });
    const primary = byName(run, "aws:rds/instance:Instance", "postgres-primary");
    expect(primary.inputs).toMatchObject({
      multiAz: raw.postgres.multiAz,
      backupRetentionPeriod: raw.postgres.backupRetentionDays,
    });
    expect(primary.protect).toBe(protect);
    const copies = run.resources.filter(
      (r) => r.type === "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
    );
    expect(copies.map((c) => [c.inputs.retentionPeriod, c.protect])).toEqual(
      crossRegionBackup ? [[crossRegionBackup.retentionDays, protect]] : [],
    );
    const group = byName(run, "aws:elasticache/replicationGroup:ReplicationGroup", "redis-group");
    expect(group.inputs).toMatchObject({
      numCacheClusters: raw.redis.numCacheClusters,
      automaticFailoverEnabled: raw.redis.automaticFailover,
    });
    expect(group.protect).toBe(protect);
  });
});
