/**
 * The files Vault's jobs run and read: the shell scripts under `scripts/` (read at program time,
 * checked by `bash -n` and ShellCheck in `npm test`), the policies and SQL rendered from the
 * declared workloads, and the environment that parameterises the static `configure.sh`.
 * No Pulumi resources here: tests call every function with plain values.
 */
import { readFileSync } from "fs";
import { join } from "path";
import type * as pulumi from "@pulumi/pulumi";
import type { VaultWorkload } from "./types";
import { DB_CONNECTION } from "./vault-layout";
import {
  SNAPSHOT_POLICY_HCL,
  ciPolicyHcl,
  configurerPolicyHcl,
  databaseSyncPolicyHcl,
  workloadPolicyHcl,
} from "./vault-policies";

/** Folder of the shell scripts, beside this module. */
export const SCRIPTS_DIR = join(__dirname, "scripts");

/** A script of `scripts/`, exactly as checked in. */
export function readScript(file: string): string {
  return readFileSync(join(SCRIPTS_DIR, file), "utf8");
}

/**
 * A script of `scripts/` for a container's `sh -c` argument: without its header (the shebang and
 * the comment lines before the first command, which are there for readers and ShellCheck) and
 * without the final newline.
 */
export function inlineScript(file: string): string {
  const lines = readScript(file).replace(/\n$/, "").split("\n");
  const body = lines.findIndex((line) => !line.startsWith("#"));
  return lines.slice(body).join("\n");
}

/** ConfigMap keys cannot hold `/`: `policy--ci.hcl` is mounted as `policies/ci.hcl`. */
export function fileKeyToPath(key: string): string {
  const [dir, file] = key.split("--");
  return file === undefined ? dir : `${dir === "policy" ? "policies" : dir}/${file}`;
}

/**
 * SQL a dynamic user is created and dropped with (decision 0123); the user joins the service's group
 * role only.
 *
 * Creation first makes sure the group role exists: the platform owns it, so the first credential
 * of a fresh stack works without anyone creating it by hand (`duplicate_object`, or `unique_violation`
 * when two first logins race, means it is there). The group gets privileges from the service's
 * migrations. Vault runs a text containing the word END as one statement (its PostgreSQL plugin
 * splits on `;` otherwise) and splits the text of a statement field on commas: no commas here.
 *
 * Revocation first grants the dynamic role to the management user: since PostgreSQL 16 the role
 * that creates a role only gets ADMIN on it, not its privileges, and `REASSIGN OWNED BY` /
 * `DROP OWNED BY` need them; without the grant they fail and dynamic users pile up.
 */
export function databaseStatements(w: VaultWorkload): { creation: string; revocation: string } {
  const group = w.databaseGroupRole;
  return {
    creation: [
      "DO $$",
      "BEGIN",
      `  CREATE ROLE "${group}" NOLOGIN;`,
      "EXCEPTION WHEN duplicate_object OR unique_violation THEN",
      "  NULL;",
      "END",
      "$$;",
      `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' IN ROLE "${group}";`,
      "",
    ].join("\n"),
    revocation: [
      'GRANT "{{name}}" TO CURRENT_USER;',
      'REASSIGN OWNED BY "{{name}}" TO CURRENT_USER;',
      'DROP OWNED BY "{{name}}";',
      'DROP ROLE IF EXISTS "{{name}}";',
      "",
    ].join("\n"),
  };
}

/** Every file the jobs read, keyed for the ConfigMap (see {@link fileKeyToPath}). */
export function scriptFiles(
  workloads: readonly VaultWorkload[],
  kvMount: string,
  withDatabase: boolean,
): Record<string, string> {
  const files: Record<string, string> = {
    "bootstrap.sh": readScript("bootstrap.sh"),
    "configure.sh": readScript("configure.sh"),
    "snapshot.sh": readScript("snapshot.sh"),
    "policy--vault-configurer.hcl": configurerPolicyHcl(kvMount),
    "policy--raft-snapshot.hcl": SNAPSHOT_POLICY_HCL,
    "policy--ci.hcl": ciPolicyHcl(kvMount),
  };
  if (withDatabase) {
    files["db-sync.sh"] = readScript("db-sync.sh");
    files["policy--database-sync.hcl"] = databaseSyncPolicyHcl(kvMount);
  }
  for (const w of workloads) {
    files[`policy--${w.name}.hcl`] = workloadPolicyHcl(w, kvMount);
    if (w.databaseGroupRole !== undefined) {
      const sql = databaseStatements(w);
      files[`sql--${w.name}-create.sql`] = sql.creation;
      files[`sql--${w.name}-revoke.sql`] = sql.revocation;
    }
  }
  return files;
}

/** The PostgreSQL URL template of the database connection (Vault fills in `{{username}}` and `{{password}}`). */
export function databaseConnectionUrl(host: string, port: number, dbName: string): string {
  return `postgresql://{{username}}:{{password}}@${host}:${port}/${dbName}?sslmode=require`;
}

/** What `configure.sh` declares (values the bootstrap Job passes as environment). */
export interface ConfigureSettings {
  /** Namespace of Vault's own jobs (their roles bind service accounts there). */
  readonly jobNamespace: string;
  readonly kvMount: string;
  /** Audience the workloads' roles require of their agents' tokens. */
  readonly tokenAudience: string;
  readonly workloads: readonly VaultWorkload[];
  /** TTL of CI secret IDs, in days (the platform's rotation period). */
  readonly rotationPeriodDays: number;
  /** The database connection's URL ({@link databaseConnectionUrl}); absent: no database engine. */
  readonly databaseUrl?: pulumi.Input<string>;
}

/** Environment of `configure.sh` (its header documents each variable). */
export function configureEnvironment(c: ConfigureSettings): Record<string, pulumi.Input<string>> {
  const env: Record<string, pulumi.Input<string>> = {
    JOB_NAMESPACE: c.jobNamespace,
    KV_MOUNT: c.kvMount,
    WORKLOAD_AUDIENCE: c.tokenAudience,
    WORKLOAD_ROLES: c.workloads.map((w) => `${w.name}:${w.namespace}:${w.serviceAccount}`).join(" "),
    CI_ROTATION_PERIOD: `${c.rotationPeriodDays * 24}h`,
  };
  if (c.databaseUrl !== undefined) {
    env.DB_CONNECTION = DB_CONNECTION;
    env.DB_CONNECTION_URL = c.databaseUrl;
    env.DB_ALLOWED_ROLES = c.workloads
      .filter((w) => w.databaseGroupRole !== undefined)
      .map((w) => w.name)
      .join(",");
  }
  return env;
}

/** Environment of `db-sync.sh` besides the common job environment. */
export function databaseSyncEnvironment(kvMount: string): Record<string, string> {
  return { DB_CONNECTION, KV_MOUNT: kvMount };
}
