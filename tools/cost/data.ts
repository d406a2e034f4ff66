/**
 * Pricing rules for the data tier: RDS PostgreSQL (instance class, Multi-AZ, gp3 storage, backup
 * storage beyond the free allowance, Performance Insights, the RDS-managed master secret, sleep),
 * cross-region copies of its automated backups (transfer and storage in the other region), and
 * ElastiCache nodes.
 */
import type { PlanResource } from "../policy/plan-input";
import { LineBuilder, type PricingContext, type PricingRule, num } from "./model";

const RDS_INSTANCE = "aws:rds/instance:Instance";

/** Days in a month, for daily changes. */
const DAYS_PER_MONTH = 30;

/** The primary a replica reads from (by identifier or ARN), for its storage size. */
function sourceOf(ctx: PricingContext, replica: PlanResource): PlanResource | undefined {
  const source = String(replica.props.replicateSourceDb ?? replica.props.sourceDbInstanceArn ?? "");
  const id = source.split(":").pop();
  return ctx.resources.find((r) => r.type === RDS_INSTANCE && r.props.identifier === id);
}

function databaseInstance(ctx: PricingContext, b: LineBuilder, r: PlanResource): void {
  const prices = b.prices!.rds;
  const cls = String(r.props.instanceClass);
  const multiAz = r.props.multiAz === true;
  const replica = r.props.replicateSourceDb !== undefined;
  const factor = multiAz ? prices.multiAzFactor : 1;
  const awake = ctx.awakeOf(r);
  const hours = ctx.prices.hoursPerMonth * (awake?.fraction ?? 1);
  const hourly = prices.postgresInstanceHour[cls];
  const what = `${cls} PostgreSQL ${multiAz ? "Multi-AZ" : "single-AZ"}${replica ? " read replica" : ""}`;
  if (hourly === undefined) {
    b.missing(`DB instance class ${cls} has no price in tools/cost/prices.yaml`);
  } else {
    b.add(
      "RDS",
      `${what}${awake ? `, running ${awake.description}` : ""}`,
      hours,
      "instance-h",
      hourly * factor,
      (ctx.prices.hoursPerMonth - hours) * hourly * factor,
    );
  }
  const storage = num(r.props.allocatedStorage) || num(sourceOf(ctx, r)?.props.allocatedStorage);
  b.add(
    "RDS",
    `${storage} GiB gp3 storage${multiAz ? " (Multi-AZ: two copies)" : ""}`,
    storage,
    "GB-month",
    prices.gp3GbMonth * factor,
  );

  const retention = num(r.props.backupRetentionPeriod);
  if (!replica && retention > 0) {
    // Backups: one full copy plus each retained day's changes; the region's storage is free.
    const backup = storage * (1 + (ctx.usage.databaseDailyChangePercent / 100) * retention);
    b.add(
      "RDS",
      `backup storage beyond the free ${storage} GiB (${retention} days at ${ctx.usage.databaseDailyChangePercent} % change a day: ${backup.toFixed(0)} GiB)`,
      Math.max(0, backup - storage),
      "GB-month",
      prices.backupGbMonth,
    );
  }
  const insights = num(r.props.performanceInsightsRetentionPeriod, 7);
  if (r.props.performanceInsightsEnabled === true && insights > 7) {
    b.missing(`Performance Insights kept ${insights} days (beyond the free 7 days) is not priced`);
  }
  if (r.props.manageMasterUserPassword === true) {
    b.add(
      "Secrets Manager",
      "RDS-managed master user secret",
      1,
      "secret-month",
      b.prices!.secretsManager.secretMonth,
    );
  }
}

export const rdsInstance: PricingRule = {
  types: [RDS_INSTANCE],
  price(ctx, r) {
    const b = new LineBuilder(ctx, r);
    if (b.prices) {
      databaseInstance(ctx, b, r);
    }
    return b.result();
  },
};

export const backupReplication: PricingRule = {
  types: ["aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication"],
  price(ctx, r) {
    const b = new LineBuilder(ctx, r);
    const source = sourceOf(ctx, r);
    if (!source) {
      b.missing("the source database is not in the plan: its storage size is unknown");
      return b.result();
    }
    const storage = num(source.props.allocatedStorage);
    const change = ctx.usage.databaseDailyChangePercent / 100;
    const retention = num(r.props.retentionPeriod, 7);
    const sourcePrices = ctx.prices.regions[ctx.regionOf(source)];
    if (sourcePrices) {
      b.add(
        "RDS",
        `backup changes copied from ${ctx.regionOf(source)} (${ctx.usage.databaseDailyChangePercent} % of ${storage} GiB a day; the first full copy once)`,
        storage * change * DAYS_PER_MONTH,
        "GB",
        sourcePrices.rds.interRegionTransferGb,
      );
    }
    if (b.prices) {
      b.add(
        "RDS",
        `replicated backup storage in ${b.region} (${retention} days)`,
        storage * (1 + change * retention),
        "GB-month",
        b.prices.rds.backupGbMonth,
      );
    }
    return b.result();
  },
};

export const elasticache: PricingRule = {
  types: ["aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/cluster:Cluster"],
  price(ctx, r) {
    const b = new LineBuilder(ctx, r);
    if (!b.prices) {
      return b.result();
    }
    // A Global Datastore secondary inherits its node type: the tag records the one its stack expects.
    const tags = (r.props.tags ?? {}) as Record<string, unknown>;
    const type = String(r.props.nodeType ?? tags.GlobalDatastoreNodeType);
    const nodes =
      r.type === "aws:elasticache/cluster:Cluster"
        ? num(r.props.numCacheNodes, 1)
        : num(r.props.numCacheClusters) ||
          num(r.props.numNodeGroups, 1) * (1 + num(r.props.replicasPerNodeGroup));
    const hourly = b.prices.elasticache.nodeHour[type];
    if (hourly === undefined) {
      b.missing(`cache node type ${type} has no price in tools/cost/prices.yaml`);
    } else {
      b.add("ElastiCache", `${nodes} × ${type} nodes`, nodes * ctx.prices.hoursPerMonth, "node-h", hourly);
    }
    return b.result();
  },
};

export const dataRules = [rdsInstance, backupReplication, elasticache];
