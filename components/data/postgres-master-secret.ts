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
import { statefulOptions } from "../shared/stateful";

/**
 * AWS's rotation function for RDS PostgreSQL, one user changing its own password
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_available-rotation-templates.html).
 */
export const POSTGRES_ROTATION_APPLICATION =
  "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser";
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
  readonly vpcId: pulumi.Input<string>;
  /** Days between rotations. */
  readonly masterPasswordRotationDays: number;
  /** Subnets of the rotation function: they must reach the database and the Secrets Manager API. */
  readonly rotationSubnetIds: pulumi.Input<string>[];
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
      // Raised only to overwrite the current value on purpose (e.g. after restoring the instance).
      secretStringWoVersion: 1,
    },
    { parent },
  );
  return { secret, version };
}

/**
 * `${name}-rotation`: the rotation function's security group (PostgreSQL to the database, HTTPS to
 * the Secrets Manager API), the database's rule admitting it, the function (a CloudFormation stack
 * of the Serverless Application Repository application) and the rotation schedule.
 */
export function createMasterRotation(
  name: string,
  s: MasterCredentialSettings,
  target: {
    secret: aws.secretsmanager.Secret;
    version: aws.secretsmanager.SecretVersion;
    dbSecurityGroupId: pulumi.Input<string>;
  },
  parent: pulumi.Resource,
): aws.secretsmanager.SecretRotation {
  const opts = { parent };
  const sg = new aws.ec2.SecurityGroup(
    `${name}-rotation`,
    {
      vpcId: s.vpcId,
      description: `Secrets Manager rotation of the master password of ${s.identifier}`,
      tags: { Name: `${s.identifier}-rotation` },
    },
    opts,
  );
  new aws.vpc.SecurityGroupEgressRule(
    `${name}-rotation-postgres`,
    {
      securityGroupId: sg.id,
      description: "PostgreSQL to the database",
      ipProtocol: "tcp",
      fromPort: 5432,
      toPort: 5432,
      referencedSecurityGroupId: target.dbSecurityGroupId,
    },
    opts,
  );
  new aws.vpc.SecurityGroupEgressRule(
    `${name}-rotation-https`,
    {
      securityGroupId: sg.id,
      description: "HTTPS to the Secrets Manager API (NAT gateway or VPC endpoint)",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    },
    opts,
  );
  new aws.vpc.SecurityGroupIngressRule(
    `${name}-from-rotation`,
    {
      securityGroupId: target.dbSecurityGroupId,
      description: "PostgreSQL from the master password rotation function",
      ipProtocol: "tcp",
      fromPort: 5432,
      toPort: 5432,
      referencedSecurityGroupId: sg.id,
    },
    opts,
  );
  const region = aws.getRegionOutput({}, opts);
  const partition = aws.getPartitionOutput({}, opts);
  const fn = new aws.serverlessrepository.CloudFormationStack(
    `${name}-rotation`,
    {
      // CloudFormation prefixes it with `serverlessrepo-`.
      name: `${s.identifier}-master-rotation`,
      applicationId: POSTGRES_ROTATION_APPLICATION,
      capabilities: ["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"],
      parameters: {
        functionName: `${s.identifier}-master-rotation`,
        endpoint: pulumi.interpolate`https://secretsmanager.${region.region}.${partition.dnsSuffix}`,
        kmsKeyArn: s.secretsKmsKeyArn,
        vpcSubnetIds: pulumi.output(s.rotationSubnetIds).apply((ids) => ids.join(",")),
        vpcSecurityGroupIds: sg.id,
      },
    },
    opts,
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
    { parent, dependsOn: [target.version] },
  );
}
