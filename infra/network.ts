/** Step "network": the VPC, its subnets in the stack's availability zones, NAT, flow logs, endpoints. */
import * as aws from "@pulumi/aws";
import { Network } from "../components/network/vpc";
import type { KmsKeys } from "../components/security/kms";
import type { PlatformConfig } from "./config";
import { apiAccessCidrsOutside } from "./config/api-access";

/**
 * The first `azCount` available AZs of the region, for stacks that do not pin
 * `platform:network.availabilityZones` (AZ names become child names, so the stack files pin them).
 */
export async function lookupAvailabilityZones(
  config: PlatformConfig,
  provider: aws.Provider,
): Promise<string[]> {
  const found = await aws.getAvailabilityZones(
    { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
    { provider },
  );
  return found.names.slice(0, config.network.azCount);
}

/** The VPC in `availabilityZones` (the pinned ones or {@link lookupAvailabilityZones}), flow logs encrypted with the logs key. */
export function createNetwork(
  config: PlatformConfig,
  provider: aws.Provider,
  kms: KmsKeys,
  availabilityZones: string[],
): Network {
  return new Network(
    "platform",
    {
      cidrBlock: config.network.cidr,
      region: config.region,
      availabilityZones,
      subnets: config.network.subnets,
      natStrategy: config.network.natStrategy,
      flowLogRetentionDays: config.network.flowLogRetentionDays,
      flowLogKmsKeyArn: kms.keyArns.logs,
      interfaceEndpoints: config.network.interfaceEndpoints,
      clusterName: config.cluster.name,
      // Replies to the networks `pulumi up` runs from, when they are outside the VPC (decision 0126).
      returnRoutes:
        config.network.transitGatewayId === undefined
          ? undefined
          : {
              cidrs: apiAccessCidrsOutside(config.cluster, config.network),
              transitGatewayId: config.network.transitGatewayId,
            },
    },
    { providers: [provider] },
  );
}
