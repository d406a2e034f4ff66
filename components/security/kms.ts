/**
 * Customer-managed KMS keys, one per purpose, each with its alias and a key policy that grants the
 * owning account's IAM the administration of the key plus only what the AWS service behind that
 * purpose needs.
 *
 * Why one key per purpose: a key policy, a CloudTrail trail of its use and, if ever needed, a
 * scheduled deletion then concern one kind of data only (disabling the logs key never locks out
 * the database).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { lookupAutoScalingRoleArn } from "./autoscaling-role";
import { type StatefulArgs, statefulOptions } from "../shared/stateful";

/** Every purpose the platform encrypts with its own key. */
export const KEY_PURPOSES = [
  "eks",
  "rds",
  "elasticache",
  "logs",
  "ebs",
  "backup",
  "vault",
  "secrets",
  "ecr",
] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

/** What each key encrypts; becomes the key's description. */
const PURPOSE_DESCRIPTIONS: Readonly<Record<KeyPurpose, string>> = {
  eks: "envelope encryption of Kubernetes Secrets in the EKS cluster",
  rds: "RDS PostgreSQL storage, snapshots and Performance Insights",
  elasticache: "ElastiCache Redis data at rest and snapshots",
  logs: "CloudWatch Logs log groups (EKS control plane, VPC flow logs, workloads)",
  ebs: "EBS volumes of the EKS nodes and of persistent volumes",
  backup: "AWS Backup vaults and the S3 bucket of Vault Raft snapshots",
  vault: "HashiCorp Vault auto-unseal",
  secrets: "Secrets Manager secrets",
  ecr: "ECR repositories of the platform's service images",
};

/**
 * Services that may use a key on behalf of any principal of the account (`kms:ViaService`), by
 * purpose. The principal still needs the service's own permission (e.g. `rds:CreateDBInstance`,
 * `secretsmanager:GetSecretValue`); this mirrors the policies of the AWS managed keys (`aws/rds`,
 * `aws/ebs`...), restricted to this account.
 * - eks and vault are absent on purpose: only the root delegation applies, and the EKS cluster role
 *   (Secrets envelope encryption) and the Vault pod role (auto-unseal) get IAM permissions on the
 *   key from the components that create those roles.
 * - logs is absent: CloudWatch Logs uses the key as a service principal (see below), not on behalf
 *   of a caller.
 */
const VIA_SERVICES: Readonly<Record<KeyPurpose, readonly string[]>> = {
  eks: [],
  rds: ["rds"],
  elasticache: ["elasticache"],
  logs: [],
  ebs: ["ec2"],
  // Vault Raft snapshots are written to an S3 bucket encrypted with the backup key.
  backup: ["backup", "s3"],
  vault: [],
  secrets: ["secretsmanager"],
  // ECR creates a grant on the key for each repository when the deployer creates it.
  ecr: ["ecr"],
};

/** AWS limits: https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html and API_RotateKeyOnDemand. */
export const DELETION_WINDOW_DAYS = { min: 7, max: 30 } as const;
export const ROTATION_PERIOD_DAYS = { min: 90, max: 2560 } as const;
/** An alias name is at most 256 characters: `alias/` + prefix + `/` + the longest purpose. */
export const MAX_ALIAS_PREFIX_LENGTH =
  256 - "alias/".length - 1 - Math.max(...KEY_PURPOSES.map((p) => p.length));

export interface KmsKeysArgs<P extends KeyPurpose = KeyPurpose> extends StatefulArgs {
  /**
   * The purposes to create a key for, e.g. `["rds"]` for the keys a disaster-recovery region needs
   * (docs/decisions/0026). Each at most once; order does not matter.
   * @default every purpose of {@link KEY_PURPOSES}
   */
  readonly purposes?: readonly P[];
  /**
   * Alias prefix: `platform-production` gives `alias/platform-production/eks`. Letters, digits,
   * `/`, `_` and `-`; must not start with `aws` (reserved for AWS managed keys) nor start or end
   * with `/`. Required.
   */
  readonly aliasPrefix: string;
  /**
   * Region the keys live in (the provider's region); it names the service principals and
   * `kms:ViaService` values of the key policies. Required.
   */
  readonly region: string;
  /** Days a scheduled deletion waits before the key material is gone, 7 to 30. Required. */
  readonly deletionWindowInDays: number;
  /** Days between automatic rotations of the key material, 90 to 2560. Required. */
  readonly rotationPeriodInDays: number;
  /**
   * With the ebs key: ARN of the Auto Scaling service-linked role its policy names, resolved by the
   * caller, either `await lookupAutoScalingRoleArn()` (rejects with the command that creates a
   * missing role) or `createAutoScalingServiceLinkedRole(...).arn` (autoscaling-role.ts).
   * @default looked up by the component (a missing role then fails the program with the same message)
   */
  readonly autoScalingRoleArn?: pulumi.Input<string>;
  /**
   * Keys replicated to another region (docs/decisions/0144): each purpose listed becomes a
   * multi-Region primary key (`multiRegion: true`) with an `aws.kms.ReplicaKey` in `region`, created
   * with `provider`, same policy shape, deletion window and protection, and the same alias there.
   * Changing an existing key to multi-Region replaces it (new key material).
   * @default no replica; every key single-Region
   */
  readonly replicas?: KeyReplicas;
}

/** Where some of the keys are replicated: see {@link KmsKeysArgs.replicas}. */
export interface KeyReplicas {
  /** Purposes whose key is replicated, each at most once, each one of the created purposes. */
  readonly purposes: readonly KeyPurpose[];
  /** The replicas' region: an AWS region other than the keys' `region`. */
  readonly region: string;
  /** The AWS provider of that region. */
  readonly provider: pulumi.ProviderResource;
}

/** One key and its alias. */
export interface ManagedKey {
  readonly arn: pulumi.Output<string>;
  readonly keyId: pulumi.Output<string>;
  /** `alias/<aliasPrefix>/<purpose>`. */
  readonly aliasName: string;
}

const REGION_SHAPE = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ALIAS_CHARS = /^[a-zA-Z0-9/_-]+$/;

function isIntegerIn(value: number, range: { min: number; max: number }): boolean {
  return Number.isInteger(value) && value >= range.min && value <= range.max;
}

/**
 * Every problem with the args, as sentences naming the field, the value received and what is
 * allowed. Empty when the args are valid.
 */
export function kmsKeysArgsProblems(args: KmsKeysArgs<KeyPurpose>): string[] {
  const problems: string[] = [];
  const purposes = args.purposes;
  if (purposes !== undefined) {
    const unknown = purposes.filter((p) => !(KEY_PURPOSES as readonly string[]).includes(p));
    const repeated = purposes.filter((p, i) => purposes.indexOf(p) !== i);
    if (purposes.length === 0) {
      problems.push(
        `purposes must name at least one of ${KEY_PURPOSES.join(", ")} (or be left out for all of them)`,
      );
    }
    if (unknown.length > 0) {
      problems.push(
        `purposes ${unknown.map((p) => `'${p}'`).join(", ")} not known; allowed: ${KEY_PURPOSES.join(", ")}`,
      );
    }
    if (repeated.length > 0) {
      problems.push(
        `purposes ${[...new Set(repeated)].map((p) => `'${p}'`).join(", ")} repeated; name each purpose once`,
      );
    }
  }
  const prefix = args.aliasPrefix;
  if (!ALIAS_CHARS.test(prefix)) {
    problems.push(
      `aliasPrefix '${prefix}' must be non-empty and contain only letters, digits, '/', '_' and '-' (the characters AWS accepts in an alias name)`,
    );
  }
  if (/^aws/i.test(prefix)) {
    problems.push(
      `aliasPrefix '${prefix}' must not start with 'aws': AWS reserves alias/aws/ for AWS managed keys`,
    );
  }
  if (prefix.startsWith("/") || prefix.endsWith("/") || prefix.includes("//")) {
    problems.push(
      `aliasPrefix '${prefix}' must not start or end with '/' nor contain '//' (it would leave an empty alias segment)`,
    );
  }
  if (prefix.length > MAX_ALIAS_PREFIX_LENGTH) {
    problems.push(
      `aliasPrefix is ${prefix.length} characters long; at most ${MAX_ALIAS_PREFIX_LENGTH} keep every alias within the 256 characters AWS allows`,
    );
  }
  if (!REGION_SHAPE.test(args.region)) {
    problems.push(`region '${args.region}' must be an AWS region name like us-west-2`);
  }
  if (!isIntegerIn(args.deletionWindowInDays, DELETION_WINDOW_DAYS)) {
    problems.push(
      `deletionWindowInDays ${args.deletionWindowInDays} must be an integer from ${DELETION_WINDOW_DAYS.min} to ${DELETION_WINDOW_DAYS.max} (the range AWS accepts)`,
    );
  }
  if (!isIntegerIn(args.rotationPeriodInDays, ROTATION_PERIOD_DAYS)) {
    problems.push(
      `rotationPeriodInDays ${args.rotationPeriodInDays} must be an integer from ${ROTATION_PERIOD_DAYS.min} to ${ROTATION_PERIOD_DAYS.max} (the range AWS accepts)`,
    );
  }
  problems.push(...replicaProblems(args));
  return problems;
}

function replicaProblems(args: KmsKeysArgs<KeyPurpose>): string[] {
  const replicas = args.replicas;
  if (replicas === undefined) {
    return [];
  }
  const problems: string[] = [];
  const created: readonly string[] = args.purposes ?? KEY_PURPOSES;
  const outside = replicas.purposes.filter((p) => !created.includes(p));
  if (replicas.purposes.length === 0) {
    problems.push("replicas.purposes must name at least one purpose (or leave replicas out)");
  }
  if (outside.length > 0) {
    problems.push(
      `replicas.purposes ${outside.map((p) => `'${p}'`).join(", ")} not among the keys created (${created.join(", ")})`,
    );
  }
  if (new Set(replicas.purposes).size !== replicas.purposes.length) {
    problems.push("replicas.purposes repeats a purpose; name each purpose once");
  }
  if (!REGION_SHAPE.test(replicas.region)) {
    problems.push(`replicas.region '${replicas.region}' must be an AWS region name like us-east-1`);
  } else if (replicas.region === args.region) {
    problems.push(
      `replicas.region '${replicas.region}' must differ from region: a multi-Region key has at most one key per region`,
    );
  }
  return problems;
}

/** Throws one error listing every problem of {@link kmsKeysArgsProblems}; returns when the args are valid. */
export function validateKmsKeysArgs(args: KmsKeysArgs<KeyPurpose>): void {
  const problems = kmsKeysArgsProblems(args);
  if (problems.length > 0) {
    throw new Error(`Invalid KmsKeys arguments:\n- ${problems.join("\n- ")}`);
  }
}

/** Values the key policies are built from. */
interface PolicyContext {
  readonly accountId: pulumi.Output<string>;
  readonly partition: pulumi.Output<string>;
  readonly dnsSuffix: pulumi.Output<string>;
  readonly region: string;
  /** ARN of the Auto Scaling service-linked role (looked up or created); only with the ebs key. */
  readonly autoScalingRoleArn?: pulumi.Output<string>;
}

/** One key policy statement; key order is the order written below, so the JSON never churns. */
interface Statement {
  Sid: string;
  Effect: "Allow";
  Principal: { AWS: pulumi.Input<string> } | { Service: pulumi.Input<string> };
  Action: string | string[];
  Resource: "*";
  /** Operator (`StringEquals`...) to condition key to value(s). */
  Condition?: Record<string, Record<string, unknown>>;
}

/** Actions a service needs to encrypt, decrypt and attach the key to a resource (as in the AWS managed keys). */
const SERVICE_USE_ACTIONS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:CreateGrant",
  "kms:ListGrants",
  "kms:DescribeKey",
];

/** The statements of one purpose's key policy. */
function keyPolicyStatements(purpose: KeyPurpose, ctx: PolicyContext): Statement[] {
  const { accountId, partition, dnsSuffix, region } = ctx;
  const statements: Statement[] = [
    {
      // The standard statement that delegates the key to IAM: without it, only the key policy could
      // ever grant access and a mistake would make the key unmanageable.
      Sid: "AccountRootAdministers",
      Effect: "Allow",
      Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
  ];

  if (purpose === "logs") {
    statements.push({
      Sid: "CloudWatchLogsUseForLogGroupsOfThisAccount",
      Effect: "Allow",
      Principal: { Service: pulumi.interpolate`logs.${region}.${dnsSuffix}` },
      // No kms:Describe*: DescribeKey carries no encryption context, so this condition could never
      // grant it (AWS's sample lists it anyway; the IAM-data check of the plans flags it).
      Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
      Resource: "*",
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:log-group:*`,
        },
      },
    });
  }

  if (purpose === "ebs") {
    // Managed node groups launch their encrypted volumes through the Auto Scaling service-linked
    // role; without these two statements the instances fail to launch with a customer-managed key.
    // KMS refuses a policy naming a role that does not exist (MalformedPolicyDocument), so the role
    // is looked up or created first (docs/decisions/0024, 0122).
    // Resolved before the key (looked up or created, autoscaling-role.ts), never assumed.
    const autoScalingRole = ctx.autoScalingRoleArn!;
    statements.push(
      {
        Sid: "AutoScalingServiceLinkedRoleUse",
        Effect: "Allow",
        Principal: { AWS: autoScalingRole },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        Resource: "*",
      },
      {
        Sid: "AutoScalingServiceLinkedRoleAttachVolumes",
        Effect: "Allow",
        Principal: { AWS: autoScalingRole },
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: { Bool: { "kms:GrantIsForAWSResource": true } },
      },
    );
  }

  const viaServices = VIA_SERVICES[purpose];
  if (viaServices.length > 0) {
    const serviceEndpoints = viaServices.map(
      (service) => pulumi.interpolate`${service}.${region}.${dnsSuffix}`,
    );
    statements.push({
      Sid: "AccountPrincipalsUseThroughService",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: SERVICE_USE_ACTIONS,
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:CallerAccount": accountId,
          "kms:ViaService": serviceEndpoints.length === 1 ? serviceEndpoints[0] : serviceEndpoints,
        },
      },
    });
  }
  return statements;
}

/**
 * The platform's customer-managed keys: one symmetric key per {@link KeyPurpose} (or per requested
 * purpose, `P`), rotated automatically, protected from deletion by default, each with the alias
 * `alias/<aliasPrefix>/<purpose>`.
 *
 * `P` is inferred from `purposes`: `new KmsKeys("kms-dr", { purposes: ["rds"], ... })` is a
 * `KmsKeys<"rds">` whose `keys`/`keyArns` hold `rds` only; without `purposes` it is
 * `KmsKeys<KeyPurpose>` with every key, as before.
 */
export class KmsKeys<P extends KeyPurpose = KeyPurpose> extends pulumi.ComponentResource {
  /** Each created purpose's key: ARN, key ID and alias name. */
  public readonly keys: Readonly<Record<P, ManagedKey>>;
  /** Each created purpose's key ARN (what `kmsKeyId`/`kmsKeyArn` arguments of other resources take). */
  public readonly keyArns: Readonly<Record<P, pulumi.Output<string>>>;
  /** ARN of each replica key ({@link KmsKeysArgs.replicas}), by purpose; empty without replicas. */
  public readonly replicaKeyArns: Readonly<Partial<Record<P, pulumi.Output<string>>>>;

  constructor(name: string, args: KmsKeysArgs<P>, opts?: pulumi.ComponentResourceOptions) {
    // Validated before anything is registered: invalid args leave no half-built component behind.
    validateKmsKeysArgs(args);
    super("platform:security:KmsKeys", name, {}, opts);

    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });
    const ctx: PolicyContext = {
      accountId: identity.accountId,
      partition: partition.partition,
      dnsSuffix: partition.dnsSuffix,
      region: args.region,
      autoScalingRoleArn: (args.purposes ?? KEY_PURPOSES).includes("ebs" as P)
        ? pulumi.output(args.autoScalingRoleArn ?? lookupAutoScalingRoleArn({ parent: this }))
        : undefined,
    };

    // In KEY_PURPOSES order, whatever order they were asked in.
    const requested: readonly KeyPurpose[] = args.purposes ?? KEY_PURPOSES;
    const purposes = KEY_PURPOSES.filter((p): p is P => requested.includes(p));
    const keys = {} as Record<P, ManagedKey>;
    const keyArns = {} as Record<P, pulumi.Output<string>>;
    const replicaKeyArns: Partial<Record<P, pulumi.Output<string>>> = {};
    const replicated: readonly KeyPurpose[] = args.replicas?.purposes ?? [];
    for (const purpose of purposes) {
      const aliasName = `alias/${args.aliasPrefix}/${purpose}`;
      const key = new aws.kms.Key(
        `${name}-${purpose}`,
        {
          description: `${purpose}: ${PURPOSE_DESCRIPTIONS[purpose]} (${aliasName})`,
          keyUsage: "ENCRYPT_DECRYPT",
          customerMasterKeySpec: "SYMMETRIC_DEFAULT",
          enableKeyRotation: true,
          rotationPeriodInDays: args.rotationPeriodInDays,
          // Replicas share the key material and its rotation (decision 0144).
          ...(replicated.includes(purpose) ? { multiRegion: true } : {}),
          deletionWindowInDays: args.deletionWindowInDays,
          bypassPolicyLockoutSafetyCheck: false,
          policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: keyPolicyStatements(purpose, ctx),
          }),
        },
        statefulOptions(this, args.protect),
      );
      // An alias holds no data: deleting it loses nothing, so it is not protected.
      new aws.kms.Alias(`${name}-${purpose}`, { name: aliasName, targetKeyId: key.keyId }, { parent: this });
      keys[purpose] = { arn: key.arn, keyId: key.keyId, aliasName };
      keyArns[purpose] = key.arn;
      if (args.replicas && replicated.includes(purpose)) {
        replicaKeyArns[purpose] = this.replicate(`${name}-${purpose}`, purpose, key, aliasName, {
          ...args,
          replicas: args.replicas,
          ctx,
        });
      }
    }
    this.keys = keys;
    this.keyArns = keyArns;
    this.replicaKeyArns = replicaKeyArns;

    this.registerOutputs({ keyArns, replicaKeyArns });
  }

  /** The replica of one key in the replicas' region, and its alias there; returns its ARN. */
  private replicate(
    name: string,
    purpose: KeyPurpose,
    key: aws.kms.Key,
    aliasName: string,
    args: KmsKeysArgs<P> & { replicas: KeyReplicas; ctx: PolicyContext },
  ): pulumi.Output<string> {
    const { region, provider } = args.replicas;
    const replica = new aws.kms.ReplicaKey(
      `${name}-replica`,
      {
        primaryKeyArn: key.arn,
        description: `${purpose}: replica in ${region} of ${aliasName} in ${args.region}`,
        deletionWindowInDays: args.deletionWindowInDays,
        bypassPolicyLockoutSafetyCheck: false,
        // The same statements, naming the services of the replica's region.
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: keyPolicyStatements(purpose, { ...args.ctx, region }),
        }),
      },
      statefulOptions(this, args.protect, { provider }),
    );
    new aws.kms.Alias(
      `${name}-replica`,
      { name: aliasName, targetKeyId: replica.keyId },
      { parent: this, provider },
    );
    return replica.arn;
  }
}
