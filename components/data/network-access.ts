/**
 * The security group every data store of the platform sits behind: one ingress rule for the
 * store's port from exactly the given security groups, and no egress at all.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { StatefulArgs } from "../shared/stateful";

/** Where a data store sits and which keys it uses: shared by the PostgreSQL and Redis components. */
export interface DataStoreArgs extends StatefulArgs {
  /** VPC of the data subnets; the store's security group is created in it. */
  readonly vpcId: pulumi.Input<string>;
  /** Data-tier subnets, at least two AZs; the store's subnet group spans them. */
  readonly dataSubnetIds: pulumi.Input<string>[];
  /** Security groups admitted on the store's port (EKS cluster and node groups); nothing else is. */
  readonly allowedSecurityGroupIds: pulumi.Input<string>[];
  /** KMS key ARN for data at rest, snapshots (and replicas and Performance Insights for RDS). */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** KMS key ARN for the store's CloudWatch log groups. */
  readonly logsKmsKeyArn: pulumi.Input<string>;
  /** KMS key ARN for the store's credential in Secrets Manager. */
  readonly secretsKmsKeyArn: pulumi.Input<string>;
  /**
   * A replica of the store's credential secret in another region, encrypted with that region's key
   * (Secrets Manager keeps it in sync, rotations included): what a warm standby there reads
   * (docs/decisions/0145). The replica has the secret's name and ARN, with the other region in it.
   * @default no replica
   */
  readonly secretsReplica?: SecretReplicaArgs;
}

/** Where a credential secret is replicated: see {@link DataStoreArgs.secretsReplica}. */
export interface SecretReplicaArgs {
  /** The replica's region, other than the store's. */
  readonly region: string;
  /** ARN of a customer-managed KMS key of that region. */
  readonly kmsKeyArn: pulumi.Input<string>;
}

/** Secrets Manager `replicas` of a credential secret: one per {@link SecretReplicaArgs}, none without. */
export function secretReplicas(
  replica: SecretReplicaArgs | undefined,
): { replicas: { region: string; kmsKeyId: pulumi.Input<string> }[] } | Record<string, never> {
  return replica ? { replicas: [{ region: replica.region, kmsKeyId: replica.kmsKeyArn }] } : {};
}

export interface DataSecurityGroupArgs {
  readonly vpcId: pulumi.Input<string>;
  readonly port: number;
  /** The only sources admitted (EKS cluster and node security groups). */
  readonly allowedSecurityGroupIds: pulumi.Input<string>[];
  /** Fixed text, part of the group's identity (AWS replaces a group whose description changes). */
  readonly description: string;
  readonly ruleDescription: string;
  /**
   * Further groups admitted on the port, each in a rule of its own description (e.g. a rotation
   * function's group, created before this one).
   * @default none
   */
  readonly additionalSources?: readonly {
    readonly securityGroupId: pulumi.Input<string>;
    readonly description: string;
  }[];
}

/**
 * Rules are inline on purpose (docs/decisions/0022): the group is then authoritative, so a rule
 * added out of band (an egress rule, a 0.0.0.0/0 ingress) is reverted by the next `pulumi up`,
 * and one rule lists every allowed source without naming children after list positions.
 * `egress: []` removes the allow-all egress rule AWS adds: RDS and ElastiCache answer on
 * connections they accepted (security groups are stateful) and open none themselves.
 * A source that needs its own rule (the rotation function) comes in `additionalSources`: a
 * standalone ingress rule on this group would be removed by the next `up` or `refresh`.
 */
export function createDataSecurityGroup(
  name: string,
  args: DataSecurityGroupArgs,
  parent: pulumi.Resource,
): aws.ec2.SecurityGroup {
  return new aws.ec2.SecurityGroup(
    name,
    {
      vpcId: args.vpcId,
      description: args.description,
      ingress: [
        {
          description: args.ruleDescription,
          protocol: "tcp",
          fromPort: args.port,
          toPort: args.port,
          securityGroups: args.allowedSecurityGroupIds,
        },
        ...(args.additionalSources ?? []).map((source) => ({
          description: source.description,
          protocol: "tcp",
          fromPort: args.port,
          toPort: args.port,
          securityGroups: [source.securityGroupId],
        })),
      ],
      egress: [],
      tags: { Name: name },
    },
    { parent },
  );
}

/** Problems with the wiring args every data component shares. */
export function wiringProblems(args: {
  readonly dataSubnetIds: readonly unknown[];
  readonly allowedSecurityGroupIds: readonly unknown[];
}): { field: string; received: unknown; message: string }[] {
  const problems: { field: string; received: unknown; message: string }[] = [];
  if (args.dataSubnetIds.length < 2) {
    problems.push({
      field: "dataSubnetIds",
      received: args.dataSubnetIds.length,
      message:
        "must list at least 2 subnets (in different AZs): subnet groups need them for a standby or replica elsewhere",
    });
  }
  if (args.allowedSecurityGroupIds.length === 0) {
    problems.push({
      field: "allowedSecurityGroupIds",
      received: 0,
      message: "must list at least one security group to admit (the EKS cluster's)",
    });
  }
  return problems;
}

/**
 * Name of the snapshot taken when the store is deleted: `<identifier>-final-<8 hex>`. The suffix
 * is generated once per store and kept in state, so destroying a recreated stack does not collide
 * with the final snapshot of its previous life (final snapshots are kept until deleted by hand).
 */
export function finalSnapshotName(
  name: string,
  identifier: string,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  const suffix = new random.RandomId(
    `${name}-final-snapshot`,
    { byteLength: 4, keepers: { identifier } },
    { parent },
  );
  return pulumi.interpolate`${identifier}-final-${suffix.hex}`;
}
