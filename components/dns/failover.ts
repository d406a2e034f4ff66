/**
 * Route 53 failover routing of public hostnames between two regions (docs/decisions/0142): for each
 * name, a health check on the primary region's load balancer and two records of the same name, the
 * PRIMARY answered while its health check passes, the SECONDARY (the standby's load balancer)
 * otherwise. The switch is Route 53's: no one edits DNS during a failover; an operator forces one
 * (a drill, a failover not caused by the region) by inverting the health check.
 *
 * The health check is TCP on 443 of the primary's load balancer: the load balancer answers only for
 * the hostnames of its Ingress rules, and a Route 53 check sends the load balancer's own name as
 * Host, so an HTTP check would always fail. TCP detects what the standby exists for, the loss of the
 * region (or of its load balancer); application failures stay with the primary region's own
 * failover (Multi-AZ, replicas, autoscaling).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** One hostname served from the primary region, or from the standby's when the primary is unhealthy. */
export interface FailoverRecordArgs {
  /** The public hostname, e.g. `api.example.com` (not the zone apex: the records are CNAMEs). */
  readonly name: string;
  /** DNS name of the primary region's load balancer. */
  readonly primaryTarget: pulumi.Input<string>;
  /** DNS name of the standby region's load balancer. */
  readonly secondaryTarget: pulumi.Input<string>;
}

export interface DnsFailoverArgs {
  /** The public hosted zone holding the names. */
  readonly hostedZoneId: string;
  /**
   * TTL of the records in seconds: how long resolvers keep answering with a failed region.
   * @default 60
   */
  readonly ttlSeconds?: number;
  /**
   * Failed checks in a row (every 30 s) before the primary is unhealthy, 1 to 10.
   * @default 3 (90 s)
   */
  readonly failureThreshold?: number;
  readonly records: readonly FailoverRecordArgs[];
}

/** Seconds between Route 53's checks (30 is the standard interval; 10 costs more). */
export const HEALTH_CHECK_INTERVAL_SECONDS = 30;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Every problem with the args; empty when valid. */
export function dnsFailoverArgsProblems(args: DnsFailoverArgs): string[] {
  const problems: string[] = [];
  const ttl = args.ttlSeconds ?? 60;
  const threshold = args.failureThreshold ?? 3;
  if (!Number.isInteger(ttl) || ttl < 10 || ttl > 300) {
    problems.push(`ttlSeconds must be an integer from 10 to 300 (received ${ttl})`);
  }
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > 10) {
    problems.push(`failureThreshold must be an integer from 1 to 10 (received ${threshold})`);
  }
  if (args.records.length === 0) {
    problems.push("records must list at least one hostname");
  }
  const names = args.records.map((r) => r.name);
  for (const name of names) {
    if (!HOSTNAME.test(name)) {
      problems.push(`records: '${name}' is not a lower-case DNS name such as api.example.com`);
    }
  }
  const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
  if (duplicates.length > 0) {
    problems.push(`records: each name once (received ${duplicates.join(", ")} twice)`);
  }
  return problems;
}

/** `api.example.com` -> `api-example-com`: the stable key of a record's children. */
export function recordKey(hostname: string): string {
  return hostname.replace(/\./g, "-");
}

/** Failover records and health checks for the public hostnames. */
export class DnsFailover extends pulumi.ComponentResource {
  /** Health check ID of each hostname's primary, by hostname (what an operator inverts to force a failover). */
  public readonly healthCheckIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: DnsFailoverArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = dnsFailoverArgsProblems(args);
    if (problems.length > 0) {
      throw new Error(`Invalid DnsFailover arguments:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    super("platform:dns:DnsFailover", name, {}, opts);
    const ttl = args.ttlSeconds ?? 60;
    const ids: Record<string, pulumi.Output<string>> = {};
    for (const record of args.records) {
      const key = `${name}-${recordKey(record.name)}`;
      const health = new aws.route53.HealthCheck(
        `${key}-primary-health`,
        {
          type: "TCP",
          fqdn: record.primaryTarget,
          port: 443,
          requestInterval: HEALTH_CHECK_INTERVAL_SECONDS,
          failureThreshold: args.failureThreshold ?? 3,
          tags: { Name: `${record.name} primary` },
        },
        { parent: this },
      );
      const common = { zoneId: args.hostedZoneId, name: record.name, type: "CNAME", ttl };
      new aws.route53.Record(
        `${key}-primary`,
        {
          ...common,
          setIdentifier: `${record.name}-primary`,
          failoverRoutingPolicies: [{ type: "PRIMARY" }],
          healthCheckId: health.id,
          records: [record.primaryTarget],
        },
        { parent: this },
      );
      new aws.route53.Record(
        `${key}-secondary`,
        {
          ...common,
          setIdentifier: `${record.name}-secondary`,
          failoverRoutingPolicies: [{ type: "SECONDARY" }],
          records: [record.secondaryTarget],
        },
        { parent: this },
      );
      ids[record.name] = health.id;
    }
    this.healthCheckIds = pulumi.output(ids);
    this.registerOutputs({ healthCheckIds: this.healthCheckIds });
  }
}
