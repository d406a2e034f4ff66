/**
 * Step "keys": the customer-managed KMS keys of the platform, one per purpose, and in the
 * disaster-recovery region the key that encrypts the database's backup copies.
 */
import type * as aws from "@pulumi/aws";
import {
  createAutoScalingServiceLinkedRole,
  lookupAutoScalingRoleArn,
} from "../components/security/autoscaling-role";
import { KmsKeys } from "../components/security/kms";
import type { PlatformConfig } from "./config";
import type { DisasterRecovery } from "./providers";

/** The platform's keys; `dr` only with a disaster-recovery region. */
export interface PlatformKeys {
  readonly kms: KmsKeys;
  /** In the disaster-recovery region: the key of the database's backup copies. */
  readonly drKms?: KmsKeys<"rds">;
}

export async function createKeys(
  config: PlatformConfig,
  provider: aws.Provider,
  dr: DisasterRecovery | undefined,
): Promise<PlatformKeys> {
  // The ebs key's policy names this role: resolved first, so a missing one stops the preview here
  // with the command that creates it (docs/decisions/0122).
  const autoScalingRoleArn = config.kms.createAutoScalingServiceLinkedRole
    ? createAutoScalingServiceLinkedRole("autoscaling-role", { provider }).arn
    : await lookupAutoScalingRoleArn({ provider });
  const aliasPrefix = `${config.project}-${config.stack}`;
  const lifecycle = {
    deletionWindowInDays: config.kms.deletionWindowInDays,
    rotationPeriodInDays: config.kms.rotationPeriodInDays,
    protect: config.protectStatefulResources,
  };
  const drKms =
    dr &&
    new KmsKeys(
      "kms-dr",
      // Aliases are regional: the DR key carries the same alias as the primary's RDS key.
      { purposes: ["rds"], aliasPrefix, region: dr.region, ...lifecycle },
      { provider: dr.provider },
    );
  const kms = new KmsKeys(
    "kms",
    {
      aliasPrefix,
      region: config.region,
      ...lifecycle,
      autoScalingRoleArn,
    },
    { providers: [provider] },
  );
  return { kms, drKms };
}
