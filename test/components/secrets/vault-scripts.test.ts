/**
 * The scripts the Vault jobs run (components/secrets/scripts/*.sh), executed here against stub
 * `vault` and `aws` commands: the snapshot job writes the object layout the restore runbook reads
 * from, the bootstrap job initialises once, `configure.sh` turns its environment into exactly the
 * declared Vault configuration, and the database sync follows RDS rotations. Every script's syntax
 * and ShellCheck verdict are checked repository-wide by test/shell-scripts.test.ts.
 */
import { spawnSync } from "child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { TLS_DIR } from "../../../components/secrets/vault-layout";
import {
  configureEnvironment,
  databaseStatements,
  databaseConnectionUrl,
  databaseSyncEnvironment,
  inlineScript,
  readScript,
  scriptFiles,
} from "../../../components/secrets/vault-scripts";

const root = join(__dirname, "..", "..", "..");
const SNAPSHOT_SCRIPT = readScript("snapshot.sh");
const BOOTSTRAP_SCRIPT = readScript("bootstrap.sh");

/**
 * Runs `script` with bash in a fresh directory holding stub commands that append their argv, one
 * `<argument>` each, to calls.log; `/scripts/` in the script points into the directory.
 */
function runWithStubs(
  script: string,
  stubs: Record<string, string>,
  env: Record<string, string>,
  files: Record<string, string> = {},
) {
  const dir = mkdtempSync(join(tmpdir(), "vault-script-"));
  const calls = join(dir, "calls.log");
  writeFileSync(calls, "");
  for (const [name, body] of Object.entries(stubs)) {
    const path = join(dir, name);
    writeFileSync(
      path,
      `#!/bin/bash\nprintf '%s' "${name}" >> "${calls}"; printf ' <%s>' "$@" >> "${calls}"; echo >> "${calls}"\n${body}\n`,
    );
    chmodSync(path, 0o755);
  }
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(join(dir, "scripts", file, ".."), { recursive: true });
    writeFileSync(join(dir, "scripts", file), content);
  }
  const result = spawnSync(
    "bash",
    ["--norc", "--noprofile", "-c", script.replaceAll("/scripts/", `${dir}/scripts/`)],
    {
      encoding: "utf8",
      env: { PATH: `${dir}:/usr/bin:/bin`, STATE_DIR: dir, ...env },
    },
  );
  const log = readFileSync(calls, "utf8").replaceAll(dir, "DIR").trim();
  return { result, calls: log === "" ? [] : log.split("\n") };
}

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

describe("configure.sh, run with the environment the bootstrap Job passes", () => {
  const WORKLOADS = [
    { name: "api", namespace: "apps", serviceAccount: "api-sa", databaseGroupRole: "api_rw" },
    { name: "worker", namespace: "worker", serviceAccount: "worker" },
  ];
  const SETTINGS = {
    jobNamespace: "vault",
    kvMount: "platform",
    tokenAudience: "vault",
    workloads: WORKLOADS,
    rotationPeriodDays: 30,
  };
  const POLICY_FILES = { "policies/api.hcl": "", "policies/ci.hcl": "" };
  /** A Vault with nothing configured: every list is empty, the database connection does not exist. */
  const EMPTY_VAULT = `case "$1 $2" in "read "*) exit 2 ;; esac; [ "$2" = list ] && echo '{}'; exit 0`;
  /** A Vault configured by an earlier run. */
  const CONFIGURED_VAULT = [
    'case "$1 $2" in',
    `  "audit list") echo '{"stdout/": {}}' ;;`,
    `  "secrets list") echo '{"platform/": {}, "database/": {}}' ;;`,
    `  "auth list") echo '{"kubernetes/": {}, "approle/": {}}' ;;`,
    "esac",
  ].join("\n");
  const configure = (vault: string, env: Record<string, string>) =>
    runWithStubs(
      readScript("configure.sh"),
      { vault, aws: "" },
      { DB_MASTER_SECRET_ARN: "arn:db", ...env },
      POLICY_FILES,
    );
  const role = (r: string, ns: string, sa: string, policy: string, ttl: string, audience?: string) =>
    `vault <write> <auth/kubernetes/role/${r}> <bound_service_account_names=${sa}> <bound_service_account_namespaces=${ns}> <token_policies=${policy}> <token_ttl=${ttl}> <token_max_ttl=${ttl}>` +
    (audience ? ` <audience=${audience}>` : "");
  const url = databaseConnectionUrl("db.internal", 5432, "platform");

  test("the environment: roles as name:namespace:serviceAccount, CI TTL in hours, database only when configured", () => {
    expect(configureEnvironment(SETTINGS)).toEqual({
      JOB_NAMESPACE: "vault",
      KV_MOUNT: "platform",
      WORKLOAD_AUDIENCE: "vault",
      WORKLOAD_ROLES: "api:apps:api-sa worker:worker:worker",
      CI_ROTATION_PERIOD: "720h",
    });
    expect(configureEnvironment({ ...SETTINGS, databaseUrl: url })).toMatchObject({
      DB_CONNECTION: "platform-postgres",
      DB_CONNECTION_URL: "postgresql://{{username}}:{{password}}@db.internal:5432/platform?sslmode=require",
      DB_ALLOWED_ROLES: "api",
    });
  });

  test("first run with a database: enables and writes exactly the declared configuration, in order", () => {
    const { result, calls } = configure(
      EMPTY_VAULT,
      configureEnvironment({ ...SETTINGS, databaseUrl: url }) as Record<string, string>,
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(calls).toEqual([
      "vault <audit> <list> <-format=json>",
      "vault <audit> <enable> <-path=stdout> <file> <file_path=stdout> <log_raw=false>",
      "vault <secrets> <list> <-format=json>",
      "vault <secrets> <enable> <-path=platform> <-version=2> <kv>",
      "vault <write> <platform/config> <max_versions=10> <cas_required=false>",
      "vault <auth> <list> <-format=json>",
      "vault <auth> <enable> <kubernetes>",
      "vault <write> <auth/kubernetes/config> <kubernetes_host=https://kubernetes.default.svc:443>",
      "vault <policy> <write> <api> <DIR/scripts/policies/api.hcl>",
      "vault <policy> <write> <ci> <DIR/scripts/policies/ci.hcl>",
      // Vault's own jobs log in with their automounted token (the API server's audience).
      role("vault-configurer", "vault", "vault-bootstrap", "vault-configurer", "30m"),
      role("raft-snapshot", "vault", "vault-snapshot", "raft-snapshot", "15m"),
      role("api", "apps", "api-sa", "api", "1h", "vault"),
      role("worker", "worker", "worker", "worker", "1h", "vault"),
      "vault <auth> <list> <-format=json>",
      "vault <auth> <enable> <approle>",
      "vault <write> <auth/approle/role/ci> <token_policies=ci> <token_ttl=20m> <token_max_ttl=1h> <secret_id_ttl=720h> <secret_id_num_uses=0>",
      "vault <secrets> <list> <-format=json>",
      "vault <secrets> <enable> <database>",
      role("database-sync", "vault", "vault-db-sync", "database-sync", "15m"),
      "vault <read> <database/config/platform-postgres>",
      "aws <secretsmanager> <get-secret-value> <--secret-id> <arn:db> <--query> <SecretString> <--output> <text>",
      "vault <write> <database/config/platform-postgres> <plugin_name=postgresql-database-plugin> " +
        "<connection_url=postgresql://{{username}}:{{password}}@db.internal:5432/platform?sslmode=require> " +
        "<password_authentication=scram-sha-256> <allowed_roles=api> <@DIR/db.json>",
      "vault <write> <database/roles/api> <db_name=platform-postgres> <default_ttl=1h> <max_ttl=24h> " +
        "<creation_statements=@DIR/scripts/sql/api-create.sql> <revocation_statements=@DIR/scripts/sql/api-revoke.sql>",
    ]);
    expect(result.stdout).toBe("vault configuration applied\n");
  });

  test("re-run: enables nothing again, rewrites the declared state, updates the existing connection without the master login", () => {
    const { result, calls } = configure(
      CONFIGURED_VAULT,
      configureEnvironment({ ...SETTINGS, databaseUrl: url }) as Record<string, string>,
    );
    expect(result.status).toBe(0);
    expect(calls.filter((c) => / <enable> /.test(c))).toEqual([]);
    expect(calls.filter((c) => c.startsWith("aws "))).toEqual([]);
    expect(calls).toContain(
      "vault <write> <database/config/platform-postgres> " +
        "<connection_url=postgresql://{{username}}:{{password}}@db.internal:5432/platform?sslmode=require> <allowed_roles=api>",
    );
  });

  test("without a database and without workloads: no database engine, no workload role, other KV mount and namespace", () => {
    const { result, calls } = configure(
      EMPTY_VAULT,
      configureEnvironment({
        ...SETTINGS,
        jobNamespace: "secrets",
        kvMount: "kv",
        workloads: [],
        rotationPeriodDays: 7,
      }) as Record<string, string>,
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(calls.filter((c) => c.includes("database"))).toEqual([]);
    expect(calls.filter((c) => c.includes("auth/kubernetes/role/"))).toEqual([
      role("vault-configurer", "secrets", "vault-bootstrap", "vault-configurer", "30m"),
      role("raft-snapshot", "secrets", "vault-snapshot", "raft-snapshot", "15m"),
    ]);
    expect(calls).toContain("vault <secrets> <enable> <-path=kv> <-version=2> <kv>");
    expect(calls).toContain("vault <write> <kv/config> <max_versions=10> <cas_required=false>");
    expect(calls).toContain(
      "vault <write> <auth/approle/role/ci> <token_policies=ci> <token_ttl=20m> <token_max_ttl=1h> <secret_id_ttl=168h> <secret_id_num_uses=0>",
    );
  });

  test("a missing parameter stops the script before it writes anything", () => {
    const { KV_MOUNT: _omitted, ...env } = configureEnvironment(SETTINGS) as Record<string, string>;
    const { result, calls } = configure(EMPTY_VAULT, env);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("KV_MOUNT: unbound variable");
    expect(calls.filter((c) => c.includes("<write>"))).toEqual([]);
  });
});

describe("db-sync.sh", () => {
  const sync = (applied: string) =>
    runWithStubs(
      readScript("db-sync.sh"),
      {
        vault: `case "$1 $2" in "write -field=token") echo s.sync ;; "kv get") echo ${applied} ;; esac`,
        aws: '[ "$6" = VersionId ] && echo v2; exit 0',
      },
      {
        VAULT_ACTIVE_ADDR: "https://vault-active.vault.svc:8200",
        DB_MASTER_SECRET_ARN: "arn:db",
        ...databaseSyncEnvironment("platform"),
      },
    );

  test("after an RDS rotation: hands the new login to the connection and remembers the version", () => {
    const { result, calls } = sync("v1");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(calls).toEqual([
      "vault <write> <-field=token> <auth/kubernetes/login> <role=database-sync> <jwt=@/var/run/secrets/kubernetes.io/serviceaccount/token>",
      "aws <secretsmanager> <get-secret-value> <--secret-id> <arn:db> <--query> <VersionId> <--output> <text>",
      "vault <kv> <get> <-field=version_id> <platform/vault/database-master>",
      "aws <secretsmanager> <get-secret-value> <--secret-id> <arn:db> <--query> <SecretString> <--output> <text>",
      "vault <write> <database/config/platform-postgres> <@DIR/db.json>",
      "vault <kv> <put> <platform/vault/database-master> <version_id=v2>",
      "vault <token> <revoke> <-self>",
    ]);
    expect(result.stdout).toBe("database connection moved to master secret version v2\n");
  });

  test("no rotation since the last run: reads the version only, writes nothing", () => {
    const { result, calls } = sync("v2");
    expect(result.status).toBe(0);
    expect(calls.filter((c) => c.includes("<write> <database") || c.includes("<put>"))).toEqual([]);
    expect(calls.at(-1)).toBe("vault <token> <revoke> <-self>");
  });
});

describe("script files", () => {
  test("the TLS reloader is inlined without its header, watching the listener certificate", () => {
    const inline = inlineScript("tls-reloader.sh");
    expect(readScript("tls-reloader.sh").startsWith("#!/bin/sh\n")).toBe(true);
    expect(inline.split("\n")[0]).toBe("set -eu");
    expect(inline).toContain(`crt=${TLS_DIR}/tls.crt`);
    expect(inline.endsWith("done")).toBe(true);
  });

  test("the ConfigMap files: the checked-in scripts, policies of every workload, SQL of database users only", () => {
    const files = scriptFiles(
      [
        { name: "api", namespace: "a", serviceAccount: "a", databaseGroupRole: "api_rw" },
        { name: "worker", namespace: "w", serviceAccount: "w" },
      ],
      "platform",
      true,
    );
    expect(Object.keys(files)).toEqual([
      "bootstrap.sh",
      "configure.sh",
      "snapshot.sh",
      "policy--vault-configurer.hcl",
      "policy--raft-snapshot.hcl",
      "policy--ci.hcl",
      "db-sync.sh",
      "policy--database-sync.hcl",
      "policy--api.hcl",
      "sql--api-create.sql",
      "sql--api-revoke.sql",
      "policy--worker.hcl",
    ]);
    for (const script of ["bootstrap.sh", "configure.sh", "snapshot.sh", "db-sync.sh"]) {
      expect(files[script]).toBe(
        readFileSync(join(root, "components", "secrets", "scripts", script), "utf8"),
      );
    }
    expect(files["sql--api-create.sql"]).toBe(databaseStatements(BASE_API).creation);
    expect(files["sql--api-revoke.sql"]).toBe(databaseStatements(BASE_API).revocation);
    expect(Object.keys(scriptFiles([], "platform", false))).not.toContain("db-sync.sh");
  });
});

const BASE_API = { name: "api", namespace: "api", serviceAccount: "api", databaseGroupRole: "api_rw" };

describe("the SQL of a service's dynamic database users", () => {
  const sql = databaseStatements(BASE_API);

  test("creation makes sure the platform-owned group role exists, then creates the user in it", () => {
    expect(sql.creation).toBe(
      [
        "DO $$",
        "BEGIN",
        '  CREATE ROLE "api_rw" NOLOGIN;',
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN",
        "  NULL;",
        "END",
        "$$;",
        `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' IN ROLE "api_rw";`,
        "",
      ].join("\n"),
    );
  });

  test("revocation grants the user to the management role before REASSIGN/DROP OWNED (PostgreSQL 16+)", () => {
    expect(sql.revocation.split("\n")).toEqual([
      'GRANT "{{name}}" TO CURRENT_USER;',
      'REASSIGN OWNED BY "{{name}}" TO CURRENT_USER;',
      'DROP OWNED BY "{{name}}";',
      'DROP ROLE IF EXISTS "{{name}}";',
      "",
    ]);
  });

  test("Vault runs them as written: the DO block is recognised (the word END), and no comma splits a field", () => {
    // Vault's PostgreSQL plugin runs a statement containing END as one; otherwise it splits on ';'.
    expect(sql.creation).toMatch(/\bEND\b/);
    // creation_statements/revocation_statements are string lists: a comma would split the text.
    expect(sql.creation).not.toContain(",");
    expect(sql.revocation).not.toContain(",");
  });
});
