/**
 * Step "keys": the customer-managed KMS keys of the platform, one per purpose, and in the
 * disaster-recovery region the keys that encrypt the backup copies kept there.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import {
  createAutoScalingServiceLinkedRole,
  lookupAutoScalingRoleArn,
} from "../components/security/autoscaling-role";
import { KmsKeys } from "../components/security/kms";
import type { PlatformConfig } from "./config";
import type { DisasterRecovery } from "./providers";

type DrPurpose = "rds" | "backup" | "secrets";

/** The platform's keys; `dr` only with a disaster-recovery region. */
export interface PlatformKeys {
  readonly kms: KmsKeys;
  /**
   * In the disaster-recovery region: the keys of the database's replicated automated backups (`rds`)
   * and of the AWS Backup copies and the Vault snapshot copies (`backup`).
   */
  readonly drKms?: KmsKeys<"rds" | "backup">;
  /**
   * In the disaster-recovery region of a standby's primary: the key of the replicas of the data
   * stores' credential secrets (docs/decisions/0145).
   */
  readonly drSecretsKmsKeyArn?: pulumi.Output<string>;
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
  // A standby's primary replicates its credential secrets there too (docs/decisions/0145).
  const standbyPrimary = config.standby?.role === "primary";
  const drPurposes: DrPurpose[] = standbyPrimary ? ["rds", "backup", "secrets"] : ["rds", "backup"];
  const drKms =
    dr &&
    new KmsKeys<DrPurpose>(
      "kms-dr",
      // Aliases are regional: the DR key carries the same alias as the primary's RDS key.
      { purposes: drPurposes, aliasPrefix, region: dr.region, ...lifecycle },
      { provider: dr.provider },
    );
  const kms = new KmsKeys(
    "kms",
    {
      aliasPrefix,
      region: config.region,
      ...lifecycle,
      autoScalingRoleArn,
      // A standby's primary replicates its Vault seal key to the DR region, where the standby's Vault
      // unseals with it after restoring this stack's Raft snapshots (docs/decisions/0144).
      replicas:
        config.standby?.role === "primary" && dr
          ? { purposes: ["vault"], region: dr.region, provider: dr.provider }
          : undefined,
    },
    { providers: [provider] },
  );
  return { kms, drKms, drSecretsKmsKeyArn: standbyPrimary ? drKms?.keyArns.secrets : undefined };
}
