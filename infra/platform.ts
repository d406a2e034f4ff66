/**
 * Builds one environment of the platform from its validated configuration. No branching on the
 * stack name: every difference between environments is a value in `Pulumi.<stack>.yaml`.
 */
import * as aws from "@pulumi/aws";
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
  return { region: config.region, awsProvider: provider.urn };
}
