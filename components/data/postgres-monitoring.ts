/**
 * What watches the PostgreSQL instances: the enhanced-monitoring role and the encrypted, expiring
 * log groups RDS exports each instance's logs into.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Log types RDS for PostgreSQL exports to CloudWatch Logs. */
export const POSTGRES_LOG_EXPORTS = ["postgresql", "upgrade"] as const;

/** `${name}-monitoring`: the role enhanced monitoring publishes OS metrics with, usable only by RDS of this account. */
export function createMonitoringRole(name: string, parent: pulumi.Resource): aws.iam.Role {
  const account = aws.getCallerIdentityOutput({}, { parent }).accountId;
  const partition = aws.getPartitionOutput({}, { parent }).partition;
  const role = new aws.iam.Role(
    `${name}-monitoring`,
    {
      description: "RDS enhanced monitoring",
      assumeRolePolicy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "monitoring.rds.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": account } },
          },
        ],
      }),
    },
    { parent },
  );
  new aws.iam.RolePolicyAttachment(
    `${name}-monitoring`,
    {
      role: role.name,
      policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
    },
    { parent },
  );
  return role;
}

/**
 * `${childName}-<log>`: the log groups RDS exports an instance's logs into, created first so they
 * are encrypted and expire (RDS would otherwise create them unencrypted and kept forever).
 */
export function createInstanceLogGroups(
  childName: string,
  identifier: string,
  logs: { readonly logsKmsKeyArn: pulumi.Input<string>; readonly logRetentionDays: number },
  parent: pulumi.Resource,
): aws.cloudwatch.LogGroup[] {
  return POSTGRES_LOG_EXPORTS.map(
    (log) =>
      new aws.cloudwatch.LogGroup(
        `${childName}-${log}`,
        {
          name: `/aws/rds/instance/${identifier}/${log}`,
          kmsKeyId: logs.logsKmsKeyArn,
          retentionInDays: logs.logRetentionDays,
        },
        { parent },
      ),
  );
}
