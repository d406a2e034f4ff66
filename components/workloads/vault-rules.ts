/**
 * Rules of a service's `vault` declaration (decision 0056): file names, paths the service may read,
 * the database role, room for the agent in the service's limits; and the Vault workloads a set of
 * declarations asks the Vault component for. Pure.
 */
import { parseCpu, parseMemory } from "../shared/quantity";
import { KV_MOUNT } from "../shared/vault-names";
import { VAULT_AGENT_RESOURCES, type ServiceDeclaration, type SpecProblem } from "./declaration";

const VAULT_FILE = /^[a-z0-9][-a-z0-9_]*\.json$/;
/** Annotation names are at most 63 characters; `agent-inject-template-` takes 22 of them. */
const VAULT_FILE_MAX = 63 - "agent-inject-template-".length;
const POSTGRES_ROLE = /^[a-z_][a-z0-9_]{0,62}$/;
/** A KV v2 mount path this module can put in a pattern: one segment of lowercase letters, digits, '-' and '_'. */
const KV_MOUNT_PATTERN = /^[a-z0-9][-a-z0-9_]*$/;

/** Paths a service may declare: its KV secrets under `kvMount` or a dynamic database login. */
function vaultPathPattern(kvMount: string): RegExp {
  const mount = kvMount.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^(database/creds/[a-z][-a-z0-9]*|${mount}/[a-z][-a-z0-9]*(/[A-Za-z0-9_.-]+)+)$`);
}

/** Why `kvMount` cannot be the KV v2 mount of the services' secrets, or undefined when it can. */
export function kvMountProblem(kvMount: string): string | undefined {
  return KV_MOUNT_PATTERN.test(kvMount)
    ? undefined
    : "must be a KV v2 mount path of one segment: lowercase letters, digits, '-' and '_', e.g. platform";
}

export function vaultFileProblem(file: string): string | undefined {
  return VAULT_FILE.test(file) && file.length <= VAULT_FILE_MAX
    ? undefined
    : `must be a file name of lowercase letters, digits, '-' and '_' ending in .json, at most ${VAULT_FILE_MAX} characters (the agent renders each secret as JSON)`;
}

/**
 * Why a declared path is not one a service may read, or undefined when it is.
 * @param kvMount KV v2 mount of the services' secrets. @default KV_MOUNT ("platform")
 */
export function vaultPathProblem(path: string, kvMount: string = KV_MOUNT): string | undefined {
  // No `.` or `..` segment: `platform/api/../worker/x` passes the ownership prefix check but is another
  // service's path once cleaned, which the service's policy refuses (the pod would never start).
  return vaultPathPattern(kvMount).test(path) && !path.split("/").some((s) => s === "." || s === "..")
    ? undefined
    : `must be ${kvMount}/<service>/<key> (the service's KV secrets) or database/creds/<service> (a dynamic PostgreSQL login)`;
}

export function databaseRoleProblem(role: string): string | undefined {
  return POSTGRES_ROLE.test(role)
    ? undefined
    : "must be a PostgreSQL role name: lowercase letters, digits and '_', not starting with a digit, at most 63 characters";
}

/**
 * The Vault API path a declared path reads: KV v2 paths gain `data/` after the mount.
 * @param kvMount KV v2 mount of the services' secrets. @default KV_MOUNT ("platform")
 */
export function vaultApiPath(path: string, kvMount: string = KV_MOUNT): string {
  const prefix = `${kvMount}/`;
  return path.startsWith(prefix) ? `${prefix}data/${path.slice(prefix.length)}` : path;
}

/** Rules of a `vault` declaration against the rest of the service: ownership, database role, room for the agent. */
export function vaultProblems(
  decl: ServiceDeclaration,
  cpuLimit: number | undefined,
  memoryLimit: number | undefined,
  kvMount: string = KV_MOUNT,
): SpecProblem[] {
  const p: SpecProblem[] = [];
  const vault = decl.vault!;
  const creds = `database/creds/${decl.name}`;
  if (vault.secrets.length === 0) {
    p.push({
      path: "vault.secrets",
      received: [],
      message: "lists no secret; declare at least one file or remove vault",
    });
  }
  const files = new Set<string>();
  const paths = new Set<string>();
  vault.secrets.forEach((secret, i) => {
    if (files.has(secret.file)) {
      p.push({
        path: `vault.secrets[${i}].file`,
        received: secret.file,
        message: "is declared twice; each file once",
      });
    }
    files.add(secret.file);
    if (paths.has(secret.path)) {
      p.push({
        path: `vault.secrets[${i}].path`,
        received: secret.path,
        message:
          "is read twice; read each path once (each read of database/creds creates another database user)",
      });
    }
    paths.add(secret.path);
    if (vaultPathProblem(secret.path, kvMount) !== undefined) {
      return;
    }
    if (secret.path.startsWith("database/")) {
      if (secret.path !== creds) {
        p.push({
          path: `vault.secrets[${i}].path`,
          received: secret.path,
          message: `belongs to another service; this service's Vault policy reads ${creds} only`,
        });
      } else if (vault.databaseRole === undefined) {
        p.push({
          path: `vault.secrets[${i}].path`,
          received: secret.path,
          message:
            "needs vault.databaseRole: Vault creates database users only for services with a group role",
        });
      }
      if (!decl.dependsOn?.includes("postgres")) {
        p.push({
          path: `vault.secrets[${i}].path`,
          received: secret.path,
          message: "needs postgres in dependsOn, or the network policies block the database",
        });
      }
    } else if (!secret.path.startsWith(`${kvMount}/${decl.name}/`)) {
      p.push({
        path: `vault.secrets[${i}].path`,
        received: secret.path,
        message: `belongs to another service; this service's Vault policy reads ${kvMount}/${decl.name}/* only`,
      });
    }
  });
  if (vault.databaseRole !== undefined && !paths.has(creds)) {
    p.push({
      path: "vault.databaseRole",
      received: vault.databaseRole,
      message: `is set but no secret reads ${creds}; add one or remove databaseRole`,
    });
  }
  const agentCpu = parseCpu(VAULT_AGENT_RESOURCES.limits.cpu)!;
  const agentMemory = parseMemory(VAULT_AGENT_RESOURCES.limits.memory)!;
  if (cpuLimit !== undefined && cpuLimit < agentCpu) {
    p.push({
      path: "resources.limits.cpu",
      received: decl.resources.limits.cpu,
      message: `is below the Vault agent's limit ${VAULT_AGENT_RESOURCES.limits.cpu}; the namespace LimitRange caps every container at the service's limits`,
    });
  }
  if (memoryLimit !== undefined && memoryLimit < agentMemory) {
    p.push({
      path: "resources.limits.memory",
      received: decl.resources.limits.memory,
      message: `is below the Vault agent's limit ${VAULT_AGENT_RESOURCES.limits.memory}; the namespace LimitRange caps every container at the service's limits`,
    });
  }
  return p;
}

/** The workloads the Vault component serves: every service that declares `vault`, bound to its own ServiceAccount. */
export function vaultWorkloads(
  decls: readonly Pick<ServiceDeclaration, "name" | "vault">[],
): { name: string; namespace: string; serviceAccount: string; databaseGroupRole?: string }[] {
  return decls
    .filter((d) => d.vault !== undefined)
    .map((d) => ({
      name: d.name,
      namespace: d.name,
      serviceAccount: d.name,
      ...(d.vault!.databaseRole !== undefined ? { databaseGroupRole: d.vault!.databaseRole } : {}),
    }));
}
