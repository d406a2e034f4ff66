/**
 * The master credential of a PostgreSQL database (docs/decisions/0110): generated here as a secret
 * output, kept in a Secrets Manager secret the program owns (encrypted with the secrets key), and
 * rotated by Secrets Manager with AWS's single-user rotation function for RDS PostgreSQL, deployed
 * from the Serverless Application Repository into the VPC.
 *
 * Why not `manageMasterUserPassword`: RDS refuses read replicas of an instance whose master password
 * it manages in Secrets Manager (every engine but SQL Server), and the platform runs replicas.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { type SecretReplicaArgs, secretReplicas } from "./network-access";
import { statefulOptions } from "../shared/stateful";

/**
 * AWS's rotation function for RDS PostgreSQL, one user changing its own password
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_available-rotation-templates.html).
 */
export const POSTGRES_ROTATION_APPLICATION =
  "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser";
/**
 * Version of that application deployed (docs/decisions/0116): pinned, so an `up` never picks up a
 * new function unannounced and the stack shows no version drift. The version aws-cdk's
 * `SecretRotationApplication.POSTGRES_ROTATION_SINGLE_USER` pins for the `aws` partition; raise it
 * on purpose (after `aws serverlessrepo list-application-versions`).
 */
export const POSTGRES_ROTATION_APPLICATION_VERSION = "1.1.671";
/** Characters RDS refuses in a master password (`/`, `'`, `"`, `@`, space) are never generated. */
export const MASTER_PASSWORD_SPECIAL_CHARACTERS = "!#$%&*()-_=+[]{}<>:?";
export const MASTER_PASSWORD_LENGTH = 40;
/** Secrets Manager's limits for `rotationRules.automaticallyAfterDays`. */
export const ROTATION_DAYS = { min: 1, max: 1000 } as const;

/** What the credential and its rotation need. */
export interface MasterCredentialSettings {
  readonly identifier: string;
  readonly masterUsername: string;
  readonly databaseName: string;
  readonly secretsKmsKeyArn: pulumi.Input<string>;
  /** Replica of the master secret in another region (decision 0145). */
  readonly secretsReplica?: SecretReplicaArgs;
  readonly vpcId: pulumi.Input<string>;
  /** Days between rotations. */
  readonly masterPasswordRotationDays: number;
  /** Subnets of the rotation function: they must reach the database and the Secrets Manager API. */
  readonly rotationSubnetIds: pulumi.Input<string>[];
  /** Version of the write-only master password (raised to send the current password again). */
  readonly masterPasswordVersion: number;
  /** Key and retention of the rotation function's log group. */
  readonly logsKmsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
}

/** Name of the rotation function (known at plan time: its log group is created first). */
export function rotationFunctionName(identifier: string): string {
  return `${identifier}-master-rotation`;
}

/** `${name}-master-password`: the generated password (a secret output; never in config or outputs). */
export function createMasterPassword(name: string, parent: pulumi.Resource): random.RandomPassword {
  return new random.RandomPassword(
    `${name}-master-password`,
    {
      length: MASTER_PASSWORD_LENGTH,
      special: true,
      overrideSpecial: MASTER_PASSWORD_SPECIAL_CHARACTERS,
      minUpper: 1,
      minLower: 1,
      minNumeric: 1,
    },
    { parent },
  );
}

/**
 * `${name}-master`: the secret (protected unless `protect` is false) and its first version, in the
 * shape the rotation function reads (`engine`, `host`, `username`, `password`, `dbname`, `port`).
 * The version is write-only (`secretStringWo`): rotations move AWSCURRENT without any drift here.
 */
export function createMasterSecret(
  name: string,
  s: MasterCredentialSettings,
  instance: { address: pulumi.Output<string>; port: pulumi.Output<number> },
  password: random.RandomPassword,
  parent: pulumi.Resource,
  protect: boolean | undefined,
): { secret: aws.secretsmanager.Secret; version: aws.secretsmanager.SecretVersion } {
  const secret = new aws.secretsmanager.Secret(
    `${name}-master`,
    {
      // A prefix, not a fixed name: a deleted secret keeps its name for the recovery window.
      namePrefix: `rds/${s.identifier}/master-`,
      description: `Master user of the RDS PostgreSQL instance ${s.identifier} (rotated by Secrets Manager)`,
      kmsKeyId: s.secretsKmsKeyArn,
      recoveryWindowInDays: 30,
      ...secretReplicas(s.secretsReplica),
    },
    statefulOptions(parent, protect),
  );
  const version = new aws.secretsmanager.SecretVersion(
    `${name}-master`,
    {
      secretId: secret.id,
      secretStringWo: pulumi.secret(
        pulumi.jsonStringify({
          engine: "postgres",
          host: instance.address,
          username: s.masterUsername,
          password: password.result,
          dbname: s.databaseName,
          port: instance.port,
        }),
      ),
      // Raised (config masterPasswordVersion) only to overwrite the current value on purpose, e.g.
      // after restoring the instance; the primary's passwordWoVersion follows the same number.
      secretStringWoVersion: s.masterPasswordVersion,
    },
    { parent },
  );
  return { secret, version };
}

/**
 * `${name}-rotation`: the rotation function's security group, without rules of its own yet. It is
 * created before the database's group, which admits it in its inline rules (decision 0022: a
 * standalone ingress rule there would be reverted by the next `up`).
 */
export function createRotationSecurityGroup(
  name: string,
  s: MasterCredentialSettings,
  parent: pulumi.Resource,
): aws.ec2.SecurityGroup {
  return new aws.ec2.SecurityGroup(
    `${name}-rotation`,
    {
      vpcId: s.vpcId,
      description: `Secrets Manager rotation of the master password of ${s.identifier}`,
      tags: { Name: `${s.identifier}-rotation` },
    },
    { parent },
  );
}

/**
 * `${name}-rotation-postgres` and `-https`: the rotation function's egress (PostgreSQL to the
 * database, HTTPS to the Secrets Manager API). The group has no inline rules, so these standalone
 * rules are its only ones.
 */
function createRotationEgress(
  name: string,
  groups: { rotation: aws.ec2.SecurityGroup; database: aws.ec2.SecurityGroup },
  parent: pulumi.Resource,
): aws.vpc.SecurityGroupEgressRule[] {
  const opts = { parent };
  return [
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-rotation-postgres`,
      {
        securityGroupId: groups.rotation.id,
        description: "PostgreSQL to the database",
        ipProtocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        referencedSecurityGroupId: groups.database.id,
      },
      opts,
    ),
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-rotation-https`,
      {
        securityGroupId: groups.rotation.id,
        description: "HTTPS to the Secrets Manager API (NAT gateway or VPC endpoint)",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
      },
      opts,
    ),
  ];
}

/**
 * The rotation: its egress rules, the function's log group (`/aws/lambda/<function>`, encrypted,
 * expiring; created first or Lambda would create it unencrypted and kept forever), the function (a
 * CloudFormation stack of the pinned Serverless Application Repository application) and the
 * schedule, which waits for all of them: Secrets Manager tests the function as soon as it is set.
 */
export function createMasterRotation(
  name: string,
  s: MasterCredentialSettings,
  target: {
    secret: aws.secretsmanager.Secret;
    version: aws.secretsmanager.SecretVersion;
    databaseSecurityGroup: aws.ec2.SecurityGroup;
    rotationSecurityGroup: aws.ec2.SecurityGroup;
  },
  parent: pulumi.Resource,
): aws.secretsmanager.SecretRotation {
  const opts = { parent };
  const egress = createRotationEgress(
    name,
    { rotation: target.rotationSecurityGroup, database: target.databaseSecurityGroup },
    parent,
  );
  const functionName = rotationFunctionName(s.identifier);
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-rotation`,
    {
      name: `/aws/lambda/${functionName}`,
      kmsKeyId: s.logsKmsKeyArn,
      retentionInDays: s.logRetentionDays,
    },
    opts,
  );
  const region = aws.getRegionOutput({}, opts);
  const partition = aws.getPartitionOutput({}, opts);
  const fn = new aws.serverlessrepository.CloudFormationStack(
    `${name}-rotation`,
    {
      // CloudFormation prefixes it with `serverlessrepo-`.
      name: functionName,
      applicationId: POSTGRES_ROTATION_APPLICATION,
      semanticVersion: POSTGRES_ROTATION_APPLICATION_VERSION,
      capabilities: ["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"],
      parameters: {
        functionName,
        endpoint: pulumi.interpolate`https://secretsmanager.${region.region}.${partition.dnsSuffix}`,
        kmsKeyArn: s.secretsKmsKeyArn,
        vpcSubnetIds: pulumi.output(s.rotationSubnetIds).apply((ids) => ids.join(",")),
        vpcSecurityGroupIds: target.rotationSecurityGroup.id,
      },
    },
    { parent, dependsOn: [logGroup] },
  );
  return new aws.secretsmanager.SecretRotation(
    `${name}-master`,
    {
      secretId: target.secret.id,
      rotationLambdaArn: fn.outputs.apply((o) => o.RotationLambdaARN),
      rotationRules: { automaticallyAfterDays: s.masterPasswordRotationDays },
      // The first rotation waits for the schedule: the instance may still be creating.
      rotateImmediately: false,
    },
    // Secrets Manager invokes the function when rotation is set: its network path must exist.
    { parent, dependsOn: [target.version, fn, ...egress, target.databaseSecurityGroup] },
  );
}
