/**
 * The scripts the Vault jobs run, executed here: every one parses with `bash -n`, and the snapshot
 * job, run against stub `vault` and `aws` commands, writes the object layout the restore runbook
 * reads from.
 */
import { spawnSync } from "child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import {
  BOOTSTRAP_SCRIPT,
  configureScript,
  DB_SYNC_SCRIPT,
  SNAPSHOT_SCRIPT,
} from "../../../components/secrets/vault-values";

const root = join(__dirname, "..", "..", "..");

test.each([
  ["bootstrap", BOOTSTRAP_SCRIPT],
  ["snapshot", SNAPSHOT_SCRIPT],
  ["db-sync", DB_SYNC_SCRIPT],
  [
    "configure",
    configureScript({
      workloads: [
        { name: "api", namespace: "api", serviceAccount: "api", databaseGroupRole: "api_rw" },
        { name: "worker", namespace: "worker", serviceAccount: "worker" },
      ],
      rotationPeriodDays: 30,
      database: { host: "db.internal", port: 5432, dbName: "platform" },
    }),
  ],
])("the %s script is valid bash", (_name, script) => {
  const result = spawnSync("bash", ["--norc", "--noprofile", "-n"], { input: script, encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
});

test("the snapshot job saves from Vault, uploads under raft/YYYY/MM/DD/ and revokes its token; the runbook restores from there", () => {
  const dir = mkdtempSync(join(tmpdir(), "vault-snapshot-"));
  const calls = join(dir, "calls.log");
  const stub = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/bash\necho "${name} $*" >> "${calls}"\n${body}\n`);
    chmodSync(path, 0o755);
  };
  stub(
    "vault",
    'if [ "$1 $2" = "write -field=token" ]; then echo s.test-token; fi\nif [ "$1 $2 $3 $4" = "operator raft snapshot save" ]; then echo snap > "$5"; fi',
  );
  stub("aws", "");
  const result = spawnSync("bash", ["--norc", "--noprofile", "-c", SNAPSHOT_SCRIPT], {
    encoding: "utf8",
    env: {
      PATH: `${dir}:/usr/bin:/bin`,
      VAULT_ACTIVE_ADDR: "https://vault-active.vault.svc:8200",
      STATE_DIR: dir,
      SNAPSHOT_BUCKET: "snapshots-bucket",
    },
  });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  const log = readFileSync(calls, "utf8").trim().split("\n");
  expect(log[0]).toBe(
    "vault write -field=token auth/kubernetes/login role=raft-snapshot jwt=@/var/run/secrets/kubernetes.io/serviceaccount/token",
  );
  expect(log[1]).toBe(`vault operator raft snapshot save ${dir}/vault-raft.snap`);
  expect(log[2]).toMatch(
    new RegExp(
      `^aws s3 cp ${dir}/vault-raft.snap s3://snapshots-bucket/raft/\\d{4}/\\d{2}/\\d{2}/\\d{8}T\\d{6}Z\\.snap --only-show-errors$`,
    ),
  );
  expect(log[3]).toBe("vault token revoke -self");
  expect(result.stdout).toMatch(/^snapshot written to s3:\/\/snapshots-bucket\/raft\//);

  const runbook = readFileSync(join(root, "docs", "runbooks", "vault.md"), "utf8");
  expect(runbook).toContain("s3://<vaultSnapshotBucket>/raft/YYYY/MM/DD/<timestamp>.snap");
  expect(runbook).toContain("vault operator raft snapshot restore /tmp/vault.snap");
});

describe("the bootstrap job, run against stub vault and aws commands", () => {
  /** Runs BOOTSTRAP_SCRIPT once; returns the commands it ran and what it printed. */
  function bootstrap(state: { initialized: boolean; configurerRoleExists: boolean }) {
    const dir = mkdtempSync(join(tmpdir(), "vault-bootstrap-"));
    const calls = join(dir, "calls.log");
    const script = (name: string, body: string) => {
      const path = join(dir, name);
      writeFileSync(path, `#!/bin/bash\n${body}\n`);
      chmodSync(path, 0o755);
    };
    script(
      "vault",
      [
        `echo "vault $*" >> "${calls}"`,
        'case "$*" in',
        `  "status -format=json") echo '{"initialized": ${state.initialized}, "sealed": true}'; exit 2 ;;`,
        '  "status") exit 0 ;;',
        `  "operator init "*) echo '{"recovery_keys_b64": ["k1","k2","k3","k4","k5"], "root_token": "s.ROOT-TOKEN"}' ;;`,
        `  "write -field=token auth/kubernetes/login role=vault-configurer "*) ${state.configurerRoleExists ? "echo s.configurer" : "exit 2"} ;;`,
        "esac",
      ].join("\n"),
    );
    script(
      "aws",
      [
        `echo "aws $1 $2 $3 $4" >> "${calls}"`,
        'case "$2" in',
        `  put-secret-value) echo "  stored: $(cat "\${6#file://}")" >> "${calls}" ;;`,
        `  get-secret-value) echo '{"root_token":"s.ROOT-TOKEN"}' ;;`,
        "esac",
      ].join("\n"),
    );
    script("configure.sh", `echo "configure.sh with token $VAULT_TOKEN" >> "${calls}"`);
    const result = spawnSync(
      "bash",
      [
        "--norc",
        "--noprofile",
        "-c",
        BOOTSTRAP_SCRIPT.replace("/scripts/configure.sh", join(dir, "configure.sh")),
      ],
      {
        encoding: "utf8",
        env: {
          PATH: `${dir}:/usr/bin:/bin`,
          VAULT_LEADER_ADDR: "https://vault-0.vault-internal:8200",
          VAULT_ACTIVE_ADDR: "https://vault-active.vault.svc:8200",
          STATE_DIR: dir,
          RECOVERY_SHARES: "5",
          RECOVERY_THRESHOLD: "3",
          RECOVERY_KEYS_SECRET_ID: "arn:recovery",
          ROOT_TOKEN_SECRET_ID: "arn:root",
        },
      },
    );
    return { result, calls: readFileSync(calls, "utf8").trim().split("\n") };
  }

  test("first run: initialises once, stores keys and root token, configures, revokes the root token", () => {
    const { result, calls } = bootstrap({ initialized: false, configurerRoleExists: false });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(calls).toEqual([
      "vault status -format=json",
      "vault operator init -recovery-shares=5 -recovery-threshold=3 -format=json",
      "aws secretsmanager put-secret-value --secret-id arn:recovery",
      '  stored: {"recovery_keys_b64": ["k1","k2","k3","k4","k5"], "root_token": "stored in the root token secret"}',
      "aws secretsmanager put-secret-value --secret-id arn:root",
      '  stored: {"root_token":"s.ROOT-TOKEN"}',
      "vault status",
      "vault write -field=token auth/kubernetes/login role=vault-configurer jwt=@/var/run/secrets/kubernetes.io/serviceaccount/token",
      "aws secretsmanager get-secret-value --secret-id arn:root",
      "configure.sh with token s.ROOT-TOKEN",
      "vault token revoke -self",
      "aws secretsmanager put-secret-value --secret-id arn:root",
      expect.stringMatching(
        /^ {2}stored: \{"root_token":"revoked","revoked_at":"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"\}$/,
      ),
    ]);
    // The log the job leaves in the cluster names no key and no token.
    expect(result.stdout).not.toMatch(/s\.ROOT-TOKEN|k1/);
  });

  test("re-run: never initialises again, configures with its own role, touches no secret", () => {
    const { result, calls } = bootstrap({ initialized: true, configurerRoleExists: true });
    expect(result.status).toBe(0);
    expect(calls).toEqual([
      "vault status -format=json",
      "vault status",
      "vault write -field=token auth/kubernetes/login role=vault-configurer jwt=@/var/run/secrets/kubernetes.io/serviceaccount/token",
      "configure.sh with token s.configurer",
    ]);
  });
});
