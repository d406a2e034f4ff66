/**
 * Builds one environment of the platform from its validated configuration. No branching on the
 * stack name: every difference between environments is a value in `Pulumi.<stack>.yaml`.
 */
import * as aws from "@pulumi/aws";
import { Network } from "../components/network/vpc";
import { KEY_PURPOSES, KmsKeys } from "../components/security/kms";
import type { PlatformConfig } from "./config";

/** The AWS provider every component uses: region and governance tags applied once, as default tags. */
export function createAwsProvider(config: PlatformConfig): aws.Provider {
  return new aws.Provider("aws", {
    region: config.region as aws.Region,
    defaultTags: { tags: { ...config.tags } },
  });
}

export async function createPlatform(config: PlatformConfig) {
  const provider = createAwsProvider(config);
  const kms = new KmsKeys(
    "kms",
    {
      aliasPrefix: `${config.project}-${config.stack}`,
      region: config.region,
      deletionWindowInDays: config.kms.deletionWindowInDays,
      rotationPeriodInDays: config.kms.rotationPeriodInDays,
      protect: config.protectStatefulResources,
    },
    { provider },
  );

  // AZ names become child names, so the stack files pin them; the lookup is the fallback.
  const availabilityZones =
    config.network.availabilityZones ??
    (
      await aws.getAvailabilityZones(
        { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
        { provider },
      )
    ).names.slice(0, config.network.azCount);

  const network = new Network(
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
    },
    { providers: [provider] },
  );

  return {
    region: config.region,
    vpcId: network.vpcId,
    vpcCidrBlock: network.vpcCidrBlock,
    availabilityZones: network.availabilityZones,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
    dataSubnetIds: network.dataSubnetIds,
    subnetCidrs: {
      public: network.publicSubnetCidrs,
      private: network.privateSubnetCidrs,
      data: network.dataSubnetCidrs,
    },
    natGatewayIds: network.natGatewayIds,
    endpointSecurityGroupId: network.endpointSecurityGroupId,
    flowLogGroupName: network.flowLogGroupName,
    kmsKeyArns: kms.keyArns,
    kmsAliases: Object.fromEntries(KEY_PURPOSES.map((p) => [p, kms.keys[p].aliasName])),
  };
}
