/**
 * The parameter group of the PostgreSQL instances: TLS required, SCRAM passwords, and the logging
 * that audits and tuning need (without logging statements that carry credentials).
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/**
 * Parameters of the instances' parameter group. All are dynamic (applied without a reboot).
 * `rds.force_ssl` refuses unencrypted connections; the log settings record connections,
 * disconnections, lock waits, temp files and slow statements for audits and tuning.
 * `log_statement` stays `none`: `ddl` would also log `CREATE/ALTER ROLE ... PASSWORD '...'`, i.e.
 * every credential Vault's database engine issues, in clear in CloudWatch Logs
 * (docs/decisions/0025).
 */
export function postgresParameters(
  slowStatementThresholdMs: number,
): { name: string; value: string; applyMethod: string }[] {
  const dynamic = (name: string, value: string) => ({ name, value, applyMethod: "immediate" });
  return [
    dynamic("rds.force_ssl", "1"),
    dynamic("password_encryption", "scram-sha-256"),
    dynamic("log_connections", "1"),
    dynamic("log_disconnections", "1"),
    dynamic("log_lock_waits", "1"),
    dynamic("log_min_duration_statement", String(slowStatementThresholdMs)),
    dynamic("log_statement", "none"),
    dynamic("log_temp_files", "10240"),
    dynamic("log_autovacuum_min_duration", "10000"),
  ];
}

/**
 * `${name}-params`, auto-named, so a new family (major upgrade) creates the new group before
 * dropping the old.
 */
export function createPostgresParameterGroup(
  name: string,
  settings: {
    readonly identifier: string;
    readonly engineMajorVersion: number;
    readonly slowStatementThresholdMs: number;
  },
  parent: pulumi.Resource,
): aws.rds.ParameterGroup {
  return new aws.rds.ParameterGroup(
    `${name}-params`,
    {
      family: `postgres${settings.engineMajorVersion}`,
      description: `PostgreSQL ${settings.engineMajorVersion} for ${settings.identifier}: TLS required, audit and slow-query logging`,
      parameters: postgresParameters(settings.slowStatementThresholdMs),
    },
    { parent },
  );
}
