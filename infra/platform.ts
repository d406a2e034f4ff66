/**
 * Builds one environment of the platform from its validated configuration. No branching on the
 * stack name: every difference between environments is a value in `Pulumi.<stack>.yaml`.
 */
import * as aws from "@pulumi/aws";
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
  return {
    region: config.region,
    kmsKeyArns: kms.keyArns,
    kmsAliases: Object.fromEntries(KEY_PURPOSES.map((p) => [p, kms.keys[p].aliasName])),
  };
}
