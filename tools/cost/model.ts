/**
 * What an estimate is made of, and the context every pricing rule reads: the plan's resources with
 * their regions and top-level components, the price table, the usage assumptions and how many
 * hours each resource is awake.
 */
import type { UsageAssumptions } from "../../infra/config/cost";
import type { PlanResource } from "../policy/plan-input";
import type { PriceTable, RegionPrices } from "./prices";

/** Billing groups the summary is organised by. */
export const SERVICES = [
  "EKS control plane",
  "EC2 nodes",
  "EBS volumes",
  "NAT gateways",
  "Public IPv4",
  "VPC endpoints",
  "Load balancers",
  "RDS",
  "ElastiCache",
  "KMS",
  "CloudWatch Logs",
  "CloudWatch alarms",
  "Secrets Manager",
  "S3",
  "WAF",
  "AWS Backup",
  "Route 53",
] as const;
export type Service = (typeof SERVICES)[number];

/** One priced item: what is billed, how much of it, at what unit price. */
export interface CostLine {
  /** Top-level component of the resource, e.g. `postgres (PostgresDatabase)`. */
  readonly component: string;
  readonly resourceType: string;
  readonly resource: string;
  readonly service: Service;
  /** What is billed, in words: `db.r6g.xlarge PostgreSQL Multi-AZ`. */
  readonly item: string;
  readonly quantity: number;
  /** Unit of the quantity: `instance-h`, `GB-month`, `GB`, `key-month`... */
  readonly unit: string;
  readonly unitPriceUsd: number;
  readonly monthlyUsd: number;
  readonly region: string;
  /** What the sleep schedule saves on this line each month (absent when it does not sleep). */
  readonly savedBySleepUsd?: number;
}

/** Something the estimate found but could not price: it is listed, never silently dropped. */
export interface UnpricedItem {
  readonly component: string;
  readonly resourceType: string;
  readonly resource: string;
  readonly reason: string;
}

/** When a resource is awake (node groups and databases with sleep schedules). */
export interface AwakeTime {
  /** Share of the month it runs, 0 to 1. */
  readonly fraction: number;
  /** `65 h a week: MON-FRI 07:00-20:00 America/Los_Angeles`. */
  readonly description: string;
}

export interface PricingContext {
  readonly resources: readonly PlanResource[];
  readonly byUrn: ReadonlyMap<string, PlanResource>;
  readonly prices: PriceTable;
  readonly usage: UsageAssumptions;
  /** Region a resource lives in: its provider's, else the stack's. */
  regionOf(r: PlanResource): string;
  componentOf(r: PlanResource): string;
  /** How long it is awake; undefined when it never sleeps. */
  awakeOf(r: PlanResource): AwakeTime | undefined;
  /** Resources of a type this one depends on. */
  dependenciesOf(r: PlanResource, type: string): PlanResource[];
}

/** A pricing rule's output for one resource. */
export interface Priced {
  readonly lines: CostLine[];
  readonly unpriced: UnpricedItem[];
}

/** Builds lines for one resource, looking up its region's prices. */
export class LineBuilder {
  readonly lines: CostLine[] = [];
  readonly unpriced: UnpricedItem[] = [];
  readonly region: string;
  readonly prices: RegionPrices | undefined;

  constructor(
    private readonly ctx: PricingContext,
    private readonly r: PlanResource,
  ) {
    this.region = ctx.regionOf(r);
    this.prices = ctx.prices.regions[this.region];
    if (!this.prices) {
      this.missing(
        `no prices for region ${this.region} in tools/cost/prices.yaml (regions priced: ${Object.keys(ctx.prices.regions).join(", ")})`,
      );
    }
  }

  /** Adds a line; `saved` is the monthly amount a sleep schedule saves on it. */
  add(
    service: Service,
    item: string,
    quantity: number,
    unit: string,
    unitPriceUsd: number,
    saved?: number,
  ): void {
    this.lines.push({
      component: this.ctx.componentOf(this.r),
      resourceType: this.r.type,
      resource: this.r.name,
      service,
      item,
      quantity,
      unit,
      unitPriceUsd,
      monthlyUsd: quantity * unitPriceUsd,
      region: this.region,
      ...(saved !== undefined && saved > 0 ? { savedBySleepUsd: saved } : {}),
    });
  }

  missing(reason: string): void {
    this.unpriced.push({
      component: this.ctx.componentOf(this.r),
      resourceType: this.r.type,
      resource: this.r.name,
      reason,
    });
  }

  result(): Priced {
    return { lines: this.lines, unpriced: this.unpriced };
  }
}

/** A pricing rule: the resources of the types it knows become lines. */
export interface PricingRule {
  readonly types: readonly string[];
  price(ctx: PricingContext, r: PlanResource): Priced;
}

export function num(value: unknown, fallback = 0): number {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : fallback;
}

export function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
