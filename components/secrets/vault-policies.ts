/**
 * Vault policies (HCL) the bootstrap job writes (`vault policy write <file name> <file>`): one per
 * workload, CI's, and one per maintenance job. Pure functions of the KV mount.
 */
import type { VaultWorkload } from "./types";
import { DB_CONNECTION } from "./vault-layout";

/** Policy of one workload: read its own KV subtree and, when declared, its database credentials. */
export function workloadPolicyHcl(w: VaultWorkload, kvMount: string): string {
  const lines = [
    `# ${w.name}: read-only access to its own secrets.`,
    `path "${kvMount}/data/${w.name}/*" {`,
    '  capabilities = ["read"]',
    "}",
    `path "${kvMount}/metadata/${w.name}/*" {`,
    '  capabilities = ["read", "list"]',
    "}",
  ];
  if (w.databaseGroupRole !== undefined) {
    lines.push(`path "database/creds/${w.name}" {`, '  capabilities = ["read"]', "}");
  }
  return `${lines.join("\n")}\n`;
}

/** CI (AppRole): writes the secrets of every service, never reads Vault's own state nor other engines. */
export function ciPolicyHcl(kvMount: string): string {
  return [
    `# CI: publishes service secrets; cannot touch ${kvMount}/vault/ (Vault's own state) or other engines.`,
    `path "${kvMount}/data/*" {`,
    '  capabilities = ["create", "update", "read"]',
    "}",
    `path "${kvMount}/metadata/*" {`,
    '  capabilities = ["read", "list"]',
    "}",
    `path "${kvMount}/data/vault/*" {`,
    '  capabilities = ["deny"]',
    "}",
    "",
  ].join("\n");
}

/** Snapshot CronJob: take Raft snapshots, nothing else. */
export const SNAPSHOT_POLICY_HCL = [
  'path "sys/storage/raft/snapshot" {',
  '  capabilities = ["read"]',
  "}",
  "",
].join("\n");

/** Database credential sync CronJob: update the connection's login, remember which version it applied. */
export function databaseSyncPolicyHcl(kvMount: string): string {
  return [
    `path "database/config/${DB_CONNECTION}" {`,
    '  capabilities = ["update"]',
    "}",
    `path "${kvMount}/data/vault/database-master" {`,
    '  capabilities = ["create", "update", "read"]',
    "}",
    "",
  ].join("\n");
}

/**
 * The bootstrap job after the first run (Kubernetes auth, no root token): manage exactly the
 * mounts, auth methods, policies and roles this configuration declares. This is administrative
 * power by nature; its service account is the only one bound to it (docs/decisions/0052).
 */
export function configurerPolicyHcl(kvMount: string): string {
  return [
    'path "sys/mounts" { capabilities = ["read"] }',
    'path "sys/mounts/*" { capabilities = ["create", "read", "update"] }',
    'path "sys/auth" { capabilities = ["read"] }',
    'path "sys/auth/*" { capabilities = ["create", "read", "update", "sudo"] }',
    'path "sys/audit" { capabilities = ["read", "sudo"] }',
    'path "sys/audit/*" { capabilities = ["create", "read", "update", "sudo"] }',
    'path "sys/policies/acl/*" { capabilities = ["create", "read", "update", "list"] }',
    'path "auth/kubernetes/config" { capabilities = ["create", "read", "update"] }',
    'path "auth/kubernetes/role/*" { capabilities = ["create", "read", "update", "list"] }',
    'path "auth/approle/role/ci" { capabilities = ["create", "read", "update"] }',
    `path "${kvMount}/config" { capabilities = ["create", "read", "update"] }`,
    `path "database/config/${DB_CONNECTION}" { capabilities = ["create", "read", "update"] }`,
    'path "database/roles/*" { capabilities = ["create", "read", "update", "list"] }',
    "",
  ].join("\n");
}
