/**
 * A backup vault (encrypted with a customer-managed key), its access policy (nobody but the
 * break-glass role deletes a recovery point or shortens its lifecycle) and, when asked, its Vault Lock.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { statefulOptions } from "../shared/stateful";
import type { VaultLockArgs } from "./backup-args";

/** Actions the access policy denies to everyone but the break-glass role. */
export const PROTECTED_RECOVERY_POINT_ACTIONS = [
  "backup:DeleteRecoveryPoint",
  "backup:UpdateRecoveryPointLifecycle",
] as const;

export interface VaultSettings {
  /** Vault name (unique per account and region). */
  readonly vaultName: string;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly breakGlassRoleArn?: string;
  readonly vaultLock?: VaultLockArgs;
  readonly protect?: boolean;
}

/** The access policy: deny deleting recovery points, except to the break-glass role when one is given. */
export function vaultAccessPolicy(breakGlassRoleArn?: string): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: breakGlassRoleArn ? "OnlyBreakGlassDeletesRecoveryPoints" : "NobodyDeletesRecoveryPoints",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: [...PROTECTED_RECOVERY_POINT_ACTIONS],
        Resource: "*",
        ...(breakGlassRoleArn
          ? { Condition: { ArnNotEquals: { "aws:PrincipalArn": breakGlassRoleArn } } }
          : {}),
      },
    ],
  });
}

/**
 * `${name}`: the vault (protected unless `protect` is false), `${name}-policy` and `${name}-lock`.
 * `opts` carries the provider (the DR region's for the copies' vault).
 */
export function createVault(
  name: string,
  s: VaultSettings,
  parent: pulumi.Resource,
  opts: pulumi.CustomResourceOptions = {},
): aws.backup.Vault {
  const vault = new aws.backup.Vault(
    name,
    { name: s.vaultName, kmsKeyArn: s.kmsKeyArn, forceDestroy: false },
    statefulOptions(parent, s.protect, opts),
  );
  const child = pulumi.mergeOptions(opts, { parent: vault });
  new aws.backup.VaultPolicy(
    `${name}-policy`,
    { backupVaultName: vault.name, policy: vaultAccessPolicy(s.breakGlassRoleArn) },
    child,
  );
  const lock = s.vaultLock;
  if (lock) {
    new aws.backup.VaultLockConfiguration(
      `${name}-lock`,
      {
        backupVaultName: vault.name,
        minRetentionDays: lock.minRetentionDays,
        maxRetentionDays: lock.maxRetentionDays,
        // Set: compliance mode (immutable after these days); left out: governance mode.
        ...(lock.mode === "compliance" ? { changeableForDays: lock.changeableForDays } : {}),
      },
      child,
    );
  }
  return vault;
}
