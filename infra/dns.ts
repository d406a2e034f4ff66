/**
 * Step "dns": in a standby stack whose `platform:standby.dns` lists hostnames, the Route 53 failover
 * records that send them to the primary stack's load balancers while those answer, to this stack's
 * otherwise (docs/decisions/0142).
 */
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DnsFailover } from "../components/dns/failover";
import type { PlatformService } from "../components/workloads/service";
import type { PlatformConfig } from "./config";
import type { PrimaryStack } from "./standby";

export function createDnsFailover(
  config: PlatformConfig,
  provider: aws.Provider,
  built: { primary: PrimaryStack | undefined; services: PlatformService[] },
): DnsFailover | undefined {
  const dns = config.standby?.role === "standby" ? config.standby.dns : undefined;
  if (!dns || !built.primary) {
    return undefined;
  }
  const { primary, services } = built;
  const declared = config.services.services;
  const hostnameOf = (service: string) => {
    const built = services[declared.findIndex((s) => s.name === service)];
    // The config check (infra/config/standby.ts) guarantees the service exists; exposure is its own.
    return built?.loadBalancerHostname ?? pulumi.output("");
  };
  return new DnsFailover(
    "dns",
    {
      hostedZoneId: dns.hostedZoneId,
      ttlSeconds: dns.ttlSeconds,
      failureThreshold: dns.failureThreshold,
      records: dns.records.map((r) => ({
        name: r.name,
        primaryTarget: primary.publicEndpoints.apply((endpoints) => endpoints[r.service] ?? ""),
        secondaryTarget: hostnameOf(r.service),
      })),
    },
    { providers: [provider] },
  );
}
