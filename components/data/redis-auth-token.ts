/**
 * The AUTH token of a Redis replication group: generated here (a secret output, never in
 * configuration), kept in Secrets Manager encrypted with the secrets key, and regenerated when its
 * version is raised (docs/decisions/0021).
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { statefulOptions } from "../shared/stateful";
import { type SecretReplicaArgs, secretReplicas } from "./network-access";

/** The only non-alphanumeric characters ElastiCache accepts in an AUTH token. */
export const AUTH_TOKEN_SPECIAL_CHARACTERS = "!&#$^<>-";
export const AUTH_TOKEN_LENGTH = 64;

/** What the token's generation and its secret need. */
export interface AuthTokenSettings {
  /** Replication group ID, in the secret's name and description. */
  readonly replicationGroupId: string;
  /** Generation of the token: a new value generates a new token. */
  readonly authTokenVersion: number;
  readonly secretsKmsKeyArn: pulumi.Input<string>;
  /** Replica of the token's secret in another region (decision 0145). */
  readonly secretsReplica?: SecretReplicaArgs;
}

/**
 * `${name}-auth-token`: the generated token, the Secrets Manager secret (protected unless
 * `protect` is false) and its current version.
 */
export function createAuthToken(
  name: string,
  settings: AuthTokenSettings,
  parent: pulumi.Resource,
  protect: boolean | undefined,
): { token: random.RandomPassword; secret: aws.secretsmanager.Secret } {
  const id = settings.replicationGroupId;
  // Not protected: raising authTokenVersion must be able to replace it. Its result is a secret output.
  const token = new random.RandomPassword(
    `${name}-auth-token`,
    {
      length: AUTH_TOKEN_LENGTH,
      special: true,
      overrideSpecial: AUTH_TOKEN_SPECIAL_CHARACTERS,
      minUpper: 1,
      minLower: 1,
      minNumeric: 1,
      minSpecial: 1,
      keepers: { version: String(settings.authTokenVersion) },
    },
    { parent },
  );
  const secret = new aws.secretsmanager.Secret(
    `${name}-auth-token`,
    {
      // A prefix, not a fixed name: a deleted secret keeps its name for the 30-day recovery window.
      namePrefix: `elasticache/${id}/auth-token-`,
      description: `AUTH token of the ElastiCache replication group ${id}`,
      kmsKeyId: settings.secretsKmsKeyArn,
      recoveryWindowInDays: 30,
      ...secretReplicas(settings.secretsReplica),
    },
    statefulOptions(parent, protect),
  );
  new aws.secretsmanager.SecretVersion(
    `${name}-auth-token`,
    { secretId: secret.id, secretString: token.result },
    { parent },
  );
  return { token, secret };
}
