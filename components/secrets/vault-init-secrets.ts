/**
 * The Secrets Manager secrets of Vault's init output: created empty, encrypted with the secrets key;
 * only the bootstrap job writes their values (never Pulumi, so no secret passes through the state).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { statefulOptions } from "../shared/stateful";
import type { VaultArgs } from "./vault-args";

/** The recovery keys and the root token (which holds `revoked` once the bootstrap is done). */
export interface VaultInitSecrets {
  readonly recoveryKeys: aws.secretsmanager.Secret;
  readonly rootToken: aws.secretsmanager.Secret;
}

export function createInitSecrets(
  name: string,
  args: Pick<VaultArgs, "clusterName" | "secretsKmsKeyArn" | "protect">,
  parent: pulumi.Resource,
): VaultInitSecrets {
  const secret = (key: string, description: string) =>
    new aws.secretsmanager.Secret(
      `${name}-${key}`,
      {
        namePrefix: pulumi.interpolate`${args.clusterName}/vault/${key}-`,
        description,
        kmsKeyId: args.secretsKmsKeyArn,
        recoveryWindowInDays: 30,
      },
      statefulOptions(parent, args.protect),
    );
  return {
    recoveryKeys: secret(
      "recovery-keys",
      "Vault recovery keys (written by the bootstrap job at init; never by Pulumi)",
    ),
    rootToken: secret(
      "root-token",
      "Vault initial root token, revoked by the bootstrap job once configuration is applied",
    ),
  };
}
