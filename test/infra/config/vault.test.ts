import { checkVault, vaultSchema, type VaultConfig } from "../../../infra/config/vault";

const SEED = {
  chartVersion: "0.32.0",
  certManagerChartVersion: "v1.18.2",
  images: { vault: "1.21.2", injector: "1.7.2", awsCli: "2.27.50" },
  replicas: 3,
  injectorReplicas: 2,
  recoveryShares: 5,
  recoveryThreshold: 3,
  storageSize: "10Gi",
  resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } },
  snapshotSchedule: "0 */6 * * *",
  snapshotRetentionDays: 30,
  rotationPeriodDays: 30,
};

function parse(over: Record<string, unknown>): VaultConfig {
  return vaultSchema.parse({ ...SEED, ...over });
}

function schemaMessages(over: Record<string, unknown>): string[] {
  const result = vaultSchema.safeParse({ ...SEED, ...over });
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("platform:vault schema", () => {
  test("accepts the seeds", () => {
    expect(parse({}).recoveryShares).toBe(5);
  });

  test("no longer lists workloads: they come from the services that declare vault (decision 0056)", () => {
    expect(schemaMessages({ workloads: [{ name: "api", namespace: "api", serviceAccount: "api" }] })).toEqual(
      [': Unrecognized key: "workloads"'],
    );
  });

  test.each<[Record<string, unknown>, string[]]>([
    [{ recoveryShares: 2 }, ["recoveryShares: must be from 3 to 10"]],
    [{ recoveryShares: 11 }, ["recoveryShares: must be from 3 to 10"]],
    [{ recoveryShares: 4.5 }, ["recoveryShares: must be an integer"]],
    [{ recoveryThreshold: 1 }, ["recoveryThreshold: must be at least 2: one key alone must never be enough"]],
    [{ replicas: 0 }, ["replicas: must be at least 1"]],
    [{ storageSize: "10 GB" }, ["storageSize: must be a Kubernetes quantity like 10Gi or 500m"]],
    [
      { snapshotSchedule: "every 6 hours" },
      [
        "snapshotSchedule: must be a 5-field cron expression (minute hour day-of-month month day-of-week), e.g. '0 */6 * * *'",
      ],
    ],
    [{ snapshotRetentionDays: 0 }, ["snapshotRetentionDays: must be at least 1 day"]],
    [
      { images: { vault: "latest", injector: "1.7.0", awsCli: "2.27.50" } },
      ["images.vault: must be a pinned version, never 'latest'"],
    ],
    [{ chartVersion: "0.31" }, ["chartVersion: must be an exact chart version like 0.32.0"]],
    [
      { chartVersion: "0.31.0" },
      [
        "chartVersion: must be 0.32.0 or newer: older charts append a second disable_mlock to the server config, which Vault 1.21+ refuses",
      ],
    ],
  ])("rejects %j", (over, messages) => {
    expect(schemaMessages(over)).toEqual(messages);
  });

  test("rejects unknown keys", () => {
    expect(vaultSchema.safeParse({ ...SEED, unsealShares: 5 }).success).toBe(false);
  });
});

describe("checkVault", () => {
  test.each<[string, number, number, string[]]>([
    ["dev", 5, 3, []],
    ["dev", 5, 2, []],
    ["dev", 3, 3, []],
    ["dev", 10, 10, []],
    [
      "dev",
      3,
      4,
      [
        "platform:vault.recoveryThreshold: must be at most recoveryShares (3): a quorum larger than the keys handed out can never be met",
      ],
    ],
    ["production", 5, 3, []],
    [
      "production",
      5,
      2,
      ["platform:vault.recoveryThreshold: production needs at least 3 recovery key holders to agree"],
    ],
    ["staging", 5, 2, []],
  ])("%s with %i shares, threshold %i", (environment, shares, threshold, expected) => {
    const problems = checkVault(
      parse({ recoveryShares: shares, recoveryThreshold: threshold, replicas: 3 }),
      environment,
    );
    expect(problems.map((p) => `${p.key}: ${p.message}`)).toEqual(expected);
  });

  test.each<[string, number, string[]]>([
    ["dev", 1, []],
    [
      "dev",
      2,
      [
        "must be 1 or an odd number from 3: an even Raft cluster tolerates no more failures than the odd one below it",
      ],
    ],
    ["production", 3, []],
    ["production", 5, []],
    ["production", 1, ["production runs 3 or 5 Raft voters spread across zones"]],
    ["production", 7, ["production runs 3 or 5 Raft voters spread across zones"]],
    [
      "production",
      4,
      [
        "must be 1 or an odd number from 3: an even Raft cluster tolerates no more failures than the odd one below it",
        "production runs 3 or 5 Raft voters spread across zones",
      ],
    ],
  ])("%s with %i replicas", (environment, replicas, expected) => {
    expect(checkVault(parse({ replicas }), environment).map((p) => p.message)).toEqual(expected);
  });
});
