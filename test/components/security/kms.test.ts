import {
  byName,
  json,
  ofType,
  type OfflineRun,
  type RecordedResource,
  runProgram,
} from "../../support/offline";
import {
  KEY_PURPOSES,
  type KeyPurpose,
  type KeyReplicas,
  type KmsKeysArgs,
  validateKmsKeysArgs,
} from "../../../components/security/kms";

const ACCOUNT = "123456789012";
const REGION = "us-west-2";
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const AUTOSCALING_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
const KEY = "aws:kms/key:Key";
const ALIAS = "aws:kms/alias:Alias";

const VALID: KmsKeysArgs = {
  aliasPrefix: "platform-test",
  region: REGION,
  deletionWindowInDays: 30,
  rotationPeriodInDays: 365,
};

interface Statement {
  Sid: string;
  Effect: string;
  Principal: string | { AWS?: string | string[]; Service?: string | string[] };
  Action: string | string[];
  Resource: string;
  Condition?: Record<string, Record<string, unknown>>;
}
interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

function build(args: KmsKeysArgs): Promise<OfflineRun> {
  return runProgram(async () => {
    const { KmsKeys } = await import("../../../components/security/kms");
    const kms = new KmsKeys("kms", args);
    return {
      keyArns: kms.keyArns,
      keyIds: Object.fromEntries(KEY_PURPOSES.map((p) => [p, kms.keys[p].keyId])),
      aliasNames: Object.fromEntries(KEY_PURPOSES.map((p) => [p, kms.keys[p].aliasName])),
    };
  });
}

function policyOf(run: OfflineRun, purpose: string): PolicyDocument {
  return json<PolicyDocument>(byName(run, KEY, `kms-${purpose}`).inputs.policy);
}

function statement(policy: PolicyDocument, sid: string): Statement {
  const found = policy.Statement.find((s) => s.Sid === sid);
  if (!found) {
    throw new Error(`no statement ${sid}; have ${policy.Statement.map((s) => s.Sid).join(", ")}`);
  }
  return found;
}

function principals(s: Statement): string[] {
  if (typeof s.Principal === "string") {
    return [s.Principal];
  }
  return [s.Principal.AWS ?? [], s.Principal.Service ?? []].flat();
}

describe("KmsKeys", () => {
  let run: OfflineRun;
  let component: RecordedResource;

  beforeAll(async () => {
    run = await build(VALID);
    [component] = ofType(run, "platform:security:KmsKeys");
  });

  test("one key and one alias per purpose, with the exact names, parented to the component", () => {
    expect(KEY_PURPOSES).toEqual([
      "eks",
      "rds",
      "elasticache",
      "logs",
      "ebs",
      "backup",
      "vault",
      "secrets",
      "ecr",
    ]);
    expect(ofType(run, "platform:security:KmsKeys")).toHaveLength(1);
    const keys = ofType(run, KEY);
    const aliases = ofType(run, ALIAS);
    expect(keys.map((k) => k.name).sort()).toEqual(KEY_PURPOSES.map((p) => `kms-${p}`).sort());
    expect(aliases.map((a) => a.name).sort()).toEqual(KEY_PURPOSES.map((p) => `kms-${p}`).sort());
    expect(run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack")).toHaveLength(1 + 9 + 9);
    for (const resource of [...keys, ...aliases]) {
      expect(resource.parent).toBe(component.urn);
    }
  });

  test.each(KEY_PURPOSES)("the %s alias is alias/<prefix>/<purpose> and targets its own key", (purpose) => {
    const key = byName(run, KEY, `kms-${purpose}`);
    const alias = byName(run, ALIAS, `kms-${purpose}`);
    expect(alias.inputs).toEqual({ name: `alias/platform-test/${purpose}`, targetKeyId: key.id });
    expect(alias.dependencies).toContain(key.urn);
    expect((run.outputs.aliasNames as Record<string, string>)[purpose]).toBe(
      `alias/platform-test/${purpose}`,
    );
    expect((run.outputs.keyIds as Record<string, string>)[purpose]).toBe(key.id);
    expect((run.outputs.keyArns as Record<string, string>)[purpose]).toBe(
      `arn:aws:kms:${REGION}:${ACCOUNT}:key/${key.id}`,
    );
  });

  test.each(KEY_PURPOSES)(
    "the %s key is symmetric, rotated on the configured period, with the configured window",
    (purpose) => {
      const { inputs } = byName(run, KEY, `kms-${purpose}`);
      expect(inputs).toMatchObject({
        keyUsage: "ENCRYPT_DECRYPT",
        customerMasterKeySpec: "SYMMETRIC_DEFAULT",
        enableKeyRotation: true,
        rotationPeriodInDays: 365,
        deletionWindowInDays: 30,
        bypassPolicyLockoutSafetyCheck: false,
      });
      expect(inputs.multiRegion).toBeUndefined();
      expect(inputs.description).toMatch(new RegExp(`^${purpose}: `));
      expect(inputs.description).toContain(`alias/platform-test/${purpose}`);
    },
  );

  test("without replicas: every key single-Region, no replica key", () => {
    expect(ofType(run, KEY).map((k) => k.inputs.multiRegion)).toEqual(KEY_PURPOSES.map(() => undefined));
    expect(ofType(run, "aws:kms/replicaKey:ReplicaKey")).toEqual([]);
  });

  test("other rotation and window values reach every key", async () => {
    const other = await build({ ...VALID, deletionWindowInDays: 7, rotationPeriodInDays: 2560 });
    const keys = ofType(other, KEY);
    expect(keys).toHaveLength(9);
    for (const key of keys) {
      expect(key.inputs).toMatchObject({
        enableKeyRotation: true,
        rotationPeriodInDays: 2560,
        deletionWindowInDays: 7,
      });
    }
  });

  describe("protection", () => {
    test("keys are protected by default; aliases hold no data and are not", () => {
      expect(ofType(run, KEY).map((k) => k.protect)).toEqual(Array(9).fill(true));
      expect(ofType(run, ALIAS).map((a) => a.protect)).toEqual(Array(9).fill(false));
    });

    test.each([
      [true, true],
      [false, false],
    ])("protect: %s gives protected keys: %s", async (protect, expected) => {
      const other = await build({ ...VALID, protect });
      const keys = ofType(other, KEY);
      expect(keys).toHaveLength(9);
      expect(keys.map((k) => k.protect)).toEqual(Array(9).fill(expected));
    });
  });

  describe("key policies", () => {
    test.each(KEY_PURPOSES)("the %s key delegates to IAM through the account root", (purpose) => {
      const policy = policyOf(run, purpose);
      expect(policy.Version).toBe("2012-10-17");
      expect(statement(policy, "AccountRootAdministers")).toEqual({
        Sid: "AccountRootAdministers",
        Effect: "Allow",
        Principal: { AWS: ROOT },
        Action: "kms:*",
        Resource: "*",
      });
    });

    test.each(["eks", "vault"])(
      "the %s key has the root delegation only (its role gets IAM permissions)",
      (purpose) => {
        expect(policyOf(run, purpose).Statement.map((s) => s.Sid)).toEqual(["AccountRootAdministers"]);
      },
    );

    test("the logs key lets CloudWatch Logs use it for this account's log groups only", () => {
      const policy = policyOf(run, "logs");
      expect(policy.Statement.map((s) => s.Sid)).toEqual([
        "AccountRootAdministers",
        "CloudWatchLogsUseForLogGroupsOfThisAccount",
      ]);
      expect(statement(policy, "CloudWatchLogsUseForLogGroupsOfThisAccount")).toEqual({
        Sid: "CloudWatchLogsUseForLogGroupsOfThisAccount",
        Effect: "Allow",
        Principal: { Service: `logs.${REGION}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: {
          ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:*` },
        },
      });
    });

    test("the ebs key lets the Auto Scaling service-linked role launch encrypted volumes", () => {
      const policy = policyOf(run, "ebs");
      expect(policy.Statement.map((s) => s.Sid)).toEqual([
        "AccountRootAdministers",
        "AutoScalingServiceLinkedRoleUse",
        "AutoScalingServiceLinkedRoleAttachVolumes",
        "AccountPrincipalsUseThroughService",
      ]);
      expect(statement(policy, "AutoScalingServiceLinkedRoleUse")).toMatchObject({
        Principal: { AWS: AUTOSCALING_ROLE },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
      });
      expect(statement(policy, "AutoScalingServiceLinkedRoleUse").Condition).toBeUndefined();
      expect(statement(policy, "AutoScalingServiceLinkedRoleAttachVolumes")).toEqual({
        Sid: "AutoScalingServiceLinkedRoleAttachVolumes",
        Effect: "Allow",
        Principal: { AWS: AUTOSCALING_ROLE },
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: { Bool: { "kms:GrantIsForAWSResource": true } },
      });
    });

    test("the role is looked up, not created (the usual account already has it)", () => {
      expect(ofType(run, "aws:iam/serviceLinkedRole:ServiceLinkedRole")).toEqual([]);
    });

    test.each([
      ["rds", `rds.${REGION}.amazonaws.com`],
      ["elasticache", `elasticache.${REGION}.amazonaws.com`],
      ["ebs", `ec2.${REGION}.amazonaws.com`],
      ["secrets", `secretsmanager.${REGION}.amazonaws.com`],
      ["ecr", `ecr.${REGION}.amazonaws.com`],
      ["backup", [`backup.${REGION}.amazonaws.com`, `s3.${REGION}.amazonaws.com`]],
    ])("the %s key serves this account's principals only through %j", (purpose, viaService) => {
      const policy = policyOf(run, purpose);
      expect(statement(policy, "AccountPrincipalsUseThroughService")).toEqual({
        Sid: "AccountPrincipalsUseThroughService",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: [
          "kms:Encrypt",
          "kms:Decrypt",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:CreateGrant",
          "kms:ListGrants",
          "kms:DescribeKey",
        ],
        Resource: "*",
        Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": viaService } },
      });
    });

    test.each(["rds", "elasticache", "secrets", "backup", "ecr"])(
      "the %s key has no statement beyond root and service use",
      (purpose) => {
        expect(policyOf(run, purpose).Statement.map((s) => s.Sid)).toEqual([
          "AccountRootAdministers",
          "AccountPrincipalsUseThroughService",
        ]);
      },
    );

    test("no statement grants kms:* to anyone but the account root", () => {
      for (const purpose of KEY_PURPOSES) {
        for (const s of policyOf(run, purpose).Statement) {
          expect(s.Effect).toBe("Allow");
          const actions = [s.Action].flat();
          if (actions.includes("kms:*")) {
            expect({ purpose, sid: s.Sid, principals: principals(s) }).toEqual({
              purpose,
              sid: "AccountRootAdministers",
              principals: [ROOT],
            });
          }
        }
      }
    });

    test("a wildcard principal always comes with the caller-account condition", () => {
      let wildcards = 0;
      for (const purpose of KEY_PURPOSES) {
        for (const s of policyOf(run, purpose).Statement) {
          if (principals(s).includes("*")) {
            wildcards += 1;
            expect({ purpose, callerAccount: s.Condition?.StringEquals?.["kms:CallerAccount"] }).toEqual({
              purpose,
              callerAccount: ACCOUNT,
            });
            expect(s.Condition?.StringEquals?.["kms:ViaService"]).toBeDefined();
          }
        }
      }
      // rds, elasticache, ebs, backup, secrets, ecr: the check above did run.
      expect(wildcards).toBe(6);
    });
  });

  test("invalid args fail the program with the validation message", async () => {
    await expect(build({ ...VALID, deletionWindowInDays: 0 })).rejects.toThrow(
      "deletionWindowInDays 0 must be an integer from 7 to 30 (the range AWS accepts)",
    );
  });
});

describe("KmsKeys with purposes: the keys of a disaster-recovery region", () => {
  const DR_REGION = "us-east-1";
  let run: OfflineRun;

  beforeAll(async () => {
    run = await runProgram(async () => {
      const aws = await import("@pulumi/aws");
      const { KmsKeys } = await import("../../../components/security/kms");
      const provider = new aws.Provider("aws-dr", { region: DR_REGION });
      const kms = new KmsKeys("kms-dr", { ...VALID, region: DR_REGION, purposes: ["rds"] }, { provider });
      // Typed by the purposes asked: only `rds` exists.
      // @ts-expect-error no eks key in a KmsKeys<"rds">
      void kms.keyArns.eks;
      return { keyArns: kms.keyArns, rdsAlias: kms.keys.rds.aliasName };
    });
  });

  test("creates only the requested key and alias, under the component, through the DR provider", () => {
    const [component] = ofType(run, "platform:security:KmsKeys");
    const [provider] = ofType(run, "pulumi:providers:aws");
    expect(ofType(run, KEY).map((k) => k.name)).toEqual(["kms-dr-rds"]);
    expect(ofType(run, ALIAS).map((a) => a.name)).toEqual(["kms-dr-rds"]);
    for (const resource of [...ofType(run, KEY), ...ofType(run, ALIAS)]) {
      expect(resource.parent).toBe(component.urn);
      expect(resource.provider).toBe(`${provider.urn}::${provider.id}`);
    }
    expect(byName(run, ALIAS, "kms-dr-rds").inputs.name).toBe("alias/platform-test/rds");
    expect(run.outputs.rdsAlias).toBe("alias/platform-test/rds");
    expect(Object.keys(run.outputs.keyArns as Record<string, string>)).toEqual(["rds"]);
  });

  test("the key policy lets RDS of the DR region use the key, not RDS of the primary region", () => {
    const policy = json<PolicyDocument>(byName(run, KEY, "kms-dr-rds").inputs.policy);
    expect(statement(policy, "AccountPrincipalsUseThroughService").Condition).toEqual({
      StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": `rds.${DR_REGION}.amazonaws.com` },
    });
    expect(JSON.stringify(policy)).not.toContain(REGION);
  });

  test("several purposes, in any order, give exactly those keys and aliases", async () => {
    const other = await runProgram(async () => {
      const { KmsKeys } = await import("../../../components/security/kms");
      new KmsKeys("kms", { ...VALID, purposes: ["secrets", "logs", "rds"] });
    });
    const names = ["kms-logs", "kms-rds", "kms-secrets"];
    expect(
      ofType(other, KEY)
        .map((k) => k.name)
        .sort(),
    ).toEqual(names);
    expect(
      ofType(other, ALIAS)
        .map((a) => a.name)
        .sort(),
    ).toEqual(names);
  });
});

describe("KmsKeys with replicas: a multi-Region key and its replica in another region (decision 0144)", () => {
  const DR_REGION = "us-east-1";
  const REPLICA = "aws:kms/replicaKey:ReplicaKey";
  const buildReplicated = (protect?: boolean) =>
    runProgram(async () => {
      const aws = await import("@pulumi/aws");
      const { KmsKeys } = await import("../../../components/security/kms");
      const provider = new aws.Provider("aws-dr", { region: DR_REGION });
      const kms = new KmsKeys("kms", {
        ...VALID,
        purposes: ["vault", "rds"],
        replicas: { purposes: ["vault"], region: DR_REGION, provider },
        ...(protect === undefined ? {} : { protect }),
      });
      return { keyArns: kms.keyArns, replicaKeyArns: kms.replicaKeyArns };
    });
  let run: OfflineRun;

  beforeAll(async () => {
    run = await buildReplicated();
  });

  test("only the replicated purpose's key is multi-Region", () => {
    expect(byName(run, KEY, "kms-vault").inputs.multiRegion).toBe(true);
    expect(byName(run, KEY, "kms-rds").inputs.multiRegion).toBeUndefined();
  });

  test("the replica: exact args, through the other region's provider, protected, with the same alias there", () => {
    const [component] = ofType(run, "platform:security:KmsKeys");
    const provider = byName(run, "pulumi:providers:aws", "aws-dr");
    const key = byName(run, KEY, "kms-vault");
    expect(ofType(run, REPLICA).map((r) => r.name)).toEqual(["kms-vault-replica"]);
    const replica = byName(run, REPLICA, "kms-vault-replica");
    expect(replica.inputs).toEqual({
      primaryKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${key.id}`,
      description: `vault: replica in ${DR_REGION} of alias/platform-test/vault in ${REGION}`,
      deletionWindowInDays: 30,
      bypassPolicyLockoutSafetyCheck: false,
      policy: key.inputs.policy,
    });
    expect(json<PolicyDocument>(replica.inputs.policy).Statement.map((s) => s.Sid)).toEqual([
      "AccountRootAdministers",
    ]);
    expect([replica.parent, replica.provider, replica.protect]).toEqual([
      component.urn,
      `${provider.urn}::${provider.id}`,
      true,
    ]);
    const alias = byName(run, ALIAS, "kms-vault-replica");
    expect(alias.inputs).toEqual({ name: "alias/platform-test/vault", targetKeyId: key.id });
    expect([alias.provider, alias.protect]).toEqual([`${provider.urn}::${provider.id}`, false]);
    expect(run.outputs.replicaKeyArns).toEqual({
      vault: `arn:aws:kms:${DR_REGION}:${ACCOUNT}:key/${key.id}`,
    });
  });

  test("protect: false reaches the replica too", async () => {
    const unprotected = await buildReplicated(false);
    expect(byName(unprotected, REPLICA, "kms-vault-replica").protect).toBe(false);
  });
});

describe("validateKmsKeysArgs", () => {
  // Validation never touches the provider: a stand-in object is enough here.
  const replicas = (purposes: KeyPurpose[], region: string): KeyReplicas => ({
    purposes,
    region,
    provider: {} as KeyReplicas["provider"],
  });

  function problemsOf(args: KmsKeysArgs): string {
    try {
      validateKmsKeysArgs(args);
    } catch (error) {
      return (error as Error).message;
    }
    return "";
  }

  test.each<[string, Partial<KmsKeysArgs>]>([
    ["the smallest window and period", { deletionWindowInDays: 7, rotationPeriodInDays: 90 }],
    ["the largest window and period", { deletionWindowInDays: 30, rotationPeriodInDays: 2560 }],
    ["a prefix with slashes and underscores", { aliasPrefix: "team_a/platform-dev" }],
    ["a prefix containing aws later on", { aliasPrefix: "platform-aws" }],
    ["one purpose", { purposes: ["rds"] }],
    ["every purpose, listed explicitly", { purposes: KEY_PURPOSES }],
    ["a replica of one key in another region", { replicas: replicas(["vault"], "us-east-1") }],
  ])("accepts %s", (_label, change) => {
    expect(() => validateKmsKeysArgs({ ...VALID, ...change })).not.toThrow();
  });

  const single = (problem: string) => `Invalid KmsKeys arguments:\n- ${problem}`;
  test.each<[string, Partial<KmsKeysArgs>, string]>([
    [
      "window below 7",
      { deletionWindowInDays: 6 },
      "deletionWindowInDays 6 must be an integer from 7 to 30 (the range AWS accepts)",
    ],
    [
      "window above 30",
      { deletionWindowInDays: 31 },
      "deletionWindowInDays 31 must be an integer from 7 to 30 (the range AWS accepts)",
    ],
    [
      "fractional window",
      { deletionWindowInDays: 7.5 },
      "deletionWindowInDays 7.5 must be an integer from 7 to 30 (the range AWS accepts)",
    ],
    [
      "rotation below 90",
      { rotationPeriodInDays: 89 },
      "rotationPeriodInDays 89 must be an integer from 90 to 2560 (the range AWS accepts)",
    ],
    [
      "rotation above 2560",
      { rotationPeriodInDays: 2561 },
      "rotationPeriodInDays 2561 must be an integer from 90 to 2560 (the range AWS accepts)",
    ],
    [
      "empty prefix",
      { aliasPrefix: "" },
      "aliasPrefix '' must be non-empty and contain only letters, digits, '/', '_' and '-' (the characters AWS accepts in an alias name)",
    ],
    [
      "prefix with a dot",
      { aliasPrefix: "platform.prod" },
      "aliasPrefix 'platform.prod' must be non-empty and contain only letters, digits, '/', '_' and '-' (the characters AWS accepts in an alias name)",
    ],
    [
      "prefix starting with aws",
      { aliasPrefix: "aws-platform" },
      "aliasPrefix 'aws-platform' must not start with 'aws': AWS reserves alias/aws/ for AWS managed keys",
    ],
    [
      "prefix ending with a slash",
      { aliasPrefix: "platform/" },
      "aliasPrefix 'platform/' must not start or end with '/' nor contain '//' (it would leave an empty alias segment)",
    ],
    [
      "prefix too long",
      { aliasPrefix: "p".repeat(239) },
      "aliasPrefix is 239 characters long; at most 238 keep every alias within the 256 characters AWS allows",
    ],
    [
      "region not a region name",
      { region: "US West 2" },
      "region 'US West 2' must be an AWS region name like us-west-2",
    ],
    [
      "no purpose",
      { purposes: [] },
      "purposes must name at least one of eks, rds, elasticache, logs, ebs, backup, vault, secrets, ecr (or be left out for all of them)",
    ],
    [
      "an unknown purpose",
      { purposes: ["rds", "s3", "dynamodb"] as unknown as KeyPurpose[] },
      "purposes 's3', 'dynamodb' not known; allowed: eks, rds, elasticache, logs, ebs, backup, vault, secrets, ecr",
    ],
    [
      "a purpose twice",
      { purposes: ["rds", "logs", "rds", "rds"] },
      "purposes 'rds' repeated; name each purpose once",
    ],
    [
      "replicas of nothing",
      { replicas: replicas([], "us-east-1") },
      "replicas.purposes must name at least one purpose (or leave replicas out)",
    ],
    [
      "a replica of a key not created",
      { purposes: ["rds"], replicas: replicas(["vault", "rds"], "us-east-1") },
      "replicas.purposes 'vault' not among the keys created (rds)",
    ],
    [
      "a replicated purpose twice",
      { replicas: replicas(["vault", "vault"], "us-east-1") },
      "replicas.purposes repeats a purpose; name each purpose once",
    ],
    [
      "a replica region not a region name",
      { replicas: replicas(["vault"], "east") },
      "replicas.region 'east' must be an AWS region name like us-east-1",
    ],
    [
      "a replica in the keys' own region",
      { replicas: replicas(["vault"], REGION) },
      "replicas.region 'us-west-2' must differ from region: a multi-Region key has at most one key per region",
    ],
  ])("rejects %s", (_label, change, problem) => {
    expect(problemsOf({ ...VALID, ...change })).toBe(single(problem));
  });

  test("reports every problem at once", () => {
    expect(
      problemsOf({ aliasPrefix: "aws/", region: "", deletionWindowInDays: 3, rotationPeriodInDays: 3000 }),
    ).toBe(
      [
        "Invalid KmsKeys arguments:",
        "- aliasPrefix 'aws/' must not start with 'aws': AWS reserves alias/aws/ for AWS managed keys",
        "- aliasPrefix 'aws/' must not start or end with '/' nor contain '//' (it would leave an empty alias segment)",
        "- region '' must be an AWS region name like us-west-2",
        "- deletionWindowInDays 3 must be an integer from 7 to 30 (the range AWS accepts)",
        "- rotationPeriodInDays 3000 must be an integer from 90 to 2560 (the range AWS accepts)",
      ].join("\n"),
    );
  });
});

describe("the Auto Scaling service-linked role the ebs key names", () => {
  const MISSING =
    "The IAM role AWSServiceRoleForAutoScaling does not exist in this account (reading IAM Role (AWSServiceRoleForAutoScaling): couldn't find resource). The ebs key's policy names it, and KMS refuses a policy whose principal does not exist. Create it once per account with `aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com`, or set platform:kms.createAutoScalingServiceLinkedRole: true to let this stack create it (docs/decisions/0122).";

  test("looked up before the keys: a missing role stops the program with the command that creates it", async () => {
    await expect(
      runProgram(
        async () => {
          const { lookupAutoScalingRoleArn } = await import("../../../components/security/autoscaling-role");
          const { KmsKeys } = await import("../../../components/security/kms");
          new KmsKeys("kms", { ...VALID, autoScalingRoleArn: await lookupAutoScalingRoleArn() });
        },
        { absentRoles: ["AWSServiceRoleForAutoScaling"] },
      ),
    ).rejects.toThrow(MISSING);
  });

  test("an existing role is found with its service-linked path", async () => {
    const run = await runProgram(async () => {
      const { lookupAutoScalingRoleArn } = await import("../../../components/security/autoscaling-role");
      return { arn: await lookupAutoScalingRoleArn() };
    });
    expect(run.outputs.arn).toBe(AUTOSCALING_ROLE);
  });

  test("without an ebs key the component looks nothing up", async () => {
    const run = await runProgram(
      async () => {
        const { KmsKeys } = await import("../../../components/security/kms");
        new KmsKeys("kms-dr", { ...VALID, purposes: ["rds"] });
      },
      { absentRoles: ["AWSServiceRoleForAutoScaling"] },
    );
    expect(ofType(run, KEY).map((k) => k.name)).toEqual(["kms-dr-rds"]);
  });

  test("created when asked: kept on destroy, and the key policy names the created role", async () => {
    const run = await runProgram(
      async () => {
        const { createAutoScalingServiceLinkedRole } =
          await import("../../../components/security/autoscaling-role");
        const { KmsKeys } = await import("../../../components/security/kms");
        const role = createAutoScalingServiceLinkedRole("autoscaling-role");
        new KmsKeys("kms", { ...VALID, autoScalingRoleArn: role.arn });
      },
      { absentRoles: ["AWSServiceRoleForAutoScaling"] },
    );
    const [role] = ofType(run, "aws:iam/serviceLinkedRole:ServiceLinkedRole");
    expect(role.name).toBe("autoscaling-role");
    expect(role.inputs).toEqual({
      awsServiceName: "autoscaling.amazonaws.com",
      description: "Auto Scaling launches EKS node volumes encrypted with the ebs key",
    });
    expect(role.retainOnDelete).toBe(true);
    expect(byName(run, KEY, "kms-ebs").dependencies).toContain(role.urn);
    expect(statement(policyOf(run, "ebs"), "AutoScalingServiceLinkedRoleUse").Principal).toEqual({
      AWS: AUTOSCALING_ROLE,
    });
  });
});
