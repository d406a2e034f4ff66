import {
  byName,
  json,
  ofType,
  runProgram,
  type OfflineRun,
  type RecordedResource,
} from "../../support/offline";
import type { ProviderResource } from "@pulumi/pulumi";
import type { PostgresDatabaseArgs } from "../../../components/data/postgres";

const RDS_KEY = "arn:aws:kms:us-west-2:123456789012:key/rds";
const LOGS_KEY = "arn:aws:kms:us-west-2:123456789012:key/logs";
const SECRETS_KEY = "arn:aws:kms:us-west-2:123456789012:key/secrets";
const ALLOWED = ["sg-cluster", "sg-nodes"];
const SUBNETS = ["subnet-a", "subnet-b", "subnet-c"];

/** The production seeds. */
const PRODUCTION: PostgresDatabaseArgs = {
  vpcId: "vpc-1",
  dataSubnetIds: SUBNETS,
  rotationSubnetIds: ["subnet-p1", "subnet-p2"],
  allowedSecurityGroupIds: ALLOWED,
  kmsKeyArn: RDS_KEY,
  logsKmsKeyArn: LOGS_KEY,
  secretsKmsKeyArn: SECRETS_KEY,
  identifier: "platform-production",
  engineMajorVersion: 17,
  instanceClass: "db.r6g.xlarge",
  allocatedStorage: 100,
  maxAllocatedStorage: 1000,
  multiAz: true,
  readReplicas: 2,
  backupRetentionDays: 35,
  backupWindow: "03:00-04:00",
  maintenanceWindow: "sun:04:00-sun:05:00",
  deletionProtection: true,
  performanceInsightsRetentionDays: 7,
  monitoringIntervalSeconds: 60,
  logRetentionDays: 365,
  protect: true,
};

const DEV: PostgresDatabaseArgs = {
  ...PRODUCTION,
  identifier: "platform-dev",
  instanceClass: "db.t4g.medium",
  allocatedStorage: 20,
  maxAllocatedStorage: 100,
  multiAz: false,
  readReplicas: 0,
  backupRetentionDays: 7,
  deletionProtection: false,
  logRetentionDays: 30,
  // Raised twice (e.g. after restores): both write-only versions follow it.
  masterPasswordVersion: 3,
  protect: false,
};

async function build(args: PostgresDatabaseArgs): Promise<OfflineRun> {
  return runProgram(async () => {
    const { PostgresDatabase } = await import("../../../components/data/postgres");
    const db = new PostgresDatabase("db", args);
    return {
      endpoint: db.endpoint,
      address: db.address,
      port: db.port,
      readReplicaAddresses: db.readReplicaAddresses,
      securityGroupId: db.securityGroupId,
      instanceIdentifier: db.instanceIdentifier,
    };
  });
}

const INSTANCE = "aws:rds/instance:Instance";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const SG = "aws:ec2/securityGroup:SecurityGroup";

function children(run: OfflineRun): string[] {
  return run.resources
    .filter((r) => r.custom)
    .map((r) => `${r.type} ${r.name}`)
    .sort();
}

describe("PostgresDatabase with the production seeds", () => {
  let run: OfflineRun;
  let primary: RecordedResource;
  beforeAll(async () => {
    run = await build(PRODUCTION);
    primary = byName(run, INSTANCE, "db-primary");
  });

  test("creates exactly the expected children, all under the component", () => {
    expect(children(run)).toEqual(
      [
        `${SG} db-sg`,
        "aws:rds/subnetGroup:SubnetGroup db-subnets",
        "aws:rds/parameterGroup:ParameterGroup db-params",
        "aws:iam/role:Role db-monitoring",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment db-monitoring",
        `${INSTANCE} db-primary`,
        "random:index/randomId:RandomId db-primary-final-snapshot",
        `${LOG_GROUP} db-primary-postgresql`,
        `${LOG_GROUP} db-primary-upgrade`,
        `${INSTANCE} db-replica-1`,
        `${LOG_GROUP} db-replica-1-postgresql`,
        `${LOG_GROUP} db-replica-1-upgrade`,
        `${INSTANCE} db-replica-2`,
        `${LOG_GROUP} db-replica-2-postgresql`,
        `${LOG_GROUP} db-replica-2-upgrade`,
        "random:index/randomPassword:RandomPassword db-master-password",
        "aws:secretsmanager/secret:Secret db-master",
        "aws:secretsmanager/secretVersion:SecretVersion db-master",
        "aws:secretsmanager/secretRotation:SecretRotation db-master",
        `${SG} db-rotation`,
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule db-rotation-postgres",
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule db-rotation-https",
        `${LOG_GROUP} db-rotation`,
        "aws:serverlessrepository/cloudFormationStack:CloudFormationStack db-rotation",
      ].sort(),
    );
    const component = run.resources.find((r) => r.type === "platform:data:PostgresDatabase")!;
    expect(run.resources.filter((r) => r.custom).every((r) => r.parent === component.urn)).toBe(true);
  });

  test("primary: private, encrypted with the RDS key, TLS CA pinned, IAM auth, generated write-only master password", () => {
    expect(primary.inputs).toMatchObject({
      identifier: "platform-production",
      engine: "postgres",
      engineVersion: "17",
      instanceClass: "db.r6g.xlarge",
      storageType: "gp3",
      allocatedStorage: 100,
      maxAllocatedStorage: 1000,
      storageEncrypted: true,
      kmsKeyId: RDS_KEY,
      publiclyAccessible: false,
      port: 5432,
      caCertIdentifier: "rds-ca-rsa2048-g1",
      iamDatabaseAuthenticationEnabled: true,
      passwordWoVersion: 1,
      username: "platform_admin",
      dbName: "app",
      autoMinorVersionUpgrade: true,
      allowMajorVersionUpgrade: false,
      applyImmediately: false,
    });
    expect(primary.inputs.password).toBeUndefined();
    // RDS refuses replicas of an instance whose master password it manages (decision 0110).
    expect(primary.inputs.manageMasterUserPassword).toBeUndefined();
    expect(primary.secretInputs).toEqual(["passwordWo"]);
    // Auto-named groups: under the mocks their physical name is the logical one.
    expect(primary.inputs.dbSubnetGroupName).toBe("db-subnets");
    expect(primary.inputs.vpcSecurityGroupIds).toEqual([byName(run, SG, "db-sg").id]);
    expect(primary.inputs.parameterGroupName).toBe("db-params");
  });

  test("primary: Multi-AZ, backups, windows, final snapshot and deletion protection", () => {
    expect(primary.inputs).toMatchObject({
      multiAz: true,
      backupRetentionPeriod: 35,
      backupWindow: "03:00-04:00",
      maintenanceWindow: "sun:04:00-sun:05:00",
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: false,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: expect.stringMatching(/^platform-production-final-[0-9a-f]{8}$/),
      deletionProtection: true,
    });
  });

  test("primary: Performance Insights on the RDS key for 7 days, enhanced monitoring every 60 s, logs exported", () => {
    const role = byName(run, "aws:iam/role:Role", "db-monitoring");
    expect(primary.inputs).toMatchObject({
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: RDS_KEY,
      performanceInsightsRetentionPeriod: 7,
      monitoringInterval: 60,
      monitoringRoleArn: "arn:aws:iam::123456789012:role/db-monitoring",
      enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
    });
    expect(json(role.inputs.assumeRolePolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "monitoring.rds.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
        },
      ],
    });
    expect(
      byName(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "db-monitoring").inputs.policyArn,
    ).toBe("arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole");
  });

  test("log groups exist before the instances, named as RDS expects, encrypted with the logs key", () => {
    for (const instance of ["primary", "replica-1", "replica-2"]) {
      const identifier = instance === "primary" ? "platform-production" : `platform-production-${instance}`;
      for (const log of ["postgresql", "upgrade"]) {
        const group = byName(run, LOG_GROUP, `db-${instance}-${log}`);
        expect(group.inputs).toEqual({
          name: `/aws/rds/instance/${identifier}/${log}`,
          kmsKeyId: LOGS_KEY,
          retentionInDays: 365,
        });
        expect(byName(run, INSTANCE, `db-${instance}`).dependencies).toContain(group.urn);
      }
    }
  });

  test("replicas follow the primary, encrypted with its key (inherited), private, removable, no final snapshot", () => {
    for (const n of [1, 2]) {
      const replica = byName(run, INSTANCE, `db-replica-${n}`);
      expect(replica.inputs).toMatchObject({
        identifier: `platform-production-replica-${n}`,
        replicateSourceDb: "platform-production",
        instanceClass: "db.r6g.xlarge",
        storageEncrypted: true,
        publiclyAccessible: false,
        vpcSecurityGroupIds: [byName(run, SG, "db-sg").id],
        multiAz: false,
        skipFinalSnapshot: true,
        // Lowering readReplicas deletes the highest-numbered replica: protection would refuse it.
        deletionProtection: false,
        iamDatabaseAuthenticationEnabled: true,
        performanceInsightsKmsKeyId: RDS_KEY,
        caCertIdentifier: "rds-ca-rsa2048-g1",
      });
      // kmsKeyId: RDS refuses a key for a same-region replica (InvalidParameterCombination).
      for (const absent of [
        "kmsKeyId",
        "username",
        "manageMasterUserPassword",
        "finalSnapshotIdentifier",
        "dbSubnetGroupName",
        "engine",
      ]) {
        expect(replica.inputs[absent]).toBeUndefined();
      }
      expect(replica.dependencies).toContain(primary.urn);
    }
  });

  test("subnet group spans the data subnets; parameter group forces TLS and logs for PostgreSQL 17", () => {
    expect(byName(run, "aws:rds/subnetGroup:SubnetGroup", "db-subnets").inputs.subnetIds).toEqual(SUBNETS);
    const params = byName(run, "aws:rds/parameterGroup:ParameterGroup", "db-params").inputs;
    expect(params.family).toBe("postgres17");
    // Exact list: every parameter is dynamic ("immediate" is refused for static ones), and
    // log_statement stays "none" because "ddl" logs CREATE/ALTER ROLE ... PASSWORD in clear.
    expect(params.parameters).toEqual([
      { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
      { name: "password_encryption", value: "scram-sha-256", applyMethod: "immediate" },
      { name: "log_connections", value: "1", applyMethod: "immediate" },
      { name: "log_disconnections", value: "1", applyMethod: "immediate" },
      { name: "log_lock_waits", value: "1", applyMethod: "immediate" },
      { name: "log_min_duration_statement", value: "1000", applyMethod: "immediate" },
      { name: "log_statement", value: "none", applyMethod: "immediate" },
      { name: "log_temp_files", value: "10240", applyMethod: "immediate" },
      { name: "log_autovacuum_min_duration", value: "10000", applyMethod: "immediate" },
    ]);
  });

  test("security group: the only ingress is 5432 from exactly the allowed groups, no egress, no 0.0.0.0/0 anywhere", () => {
    const sg = byName(run, SG, "db-sg").inputs;
    expect(sg.vpcId).toBe("vpc-1");
    // Inline rules only (decision 0022): the rotation function's group is admitted here, never by a
    // standalone rule the group's next update would revert.
    expect(sg.ingress).toEqual([
      {
        description: "PostgreSQL from the EKS cluster",
        protocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        securityGroups: ALLOWED,
      },
      {
        description: "PostgreSQL from the master password rotation function",
        protocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        securityGroups: [byName(run, SG, "db-rotation").id],
      },
    ]);
    expect(sg.egress).toEqual([]);
    expect(ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")).toEqual([]);
    // The rotation function's group exists before the database's group that admits it.
    expect(byName(run, SG, "db-sg").dependencies).toContain(byName(run, SG, "db-rotation").urn);
    expect(ofType(run, "aws:ec2/securityGroupRule:SecurityGroupRule")).toEqual([]);
    // The only open CIDR: HTTPS egress of the rotation function to the Secrets Manager API.
    const open = run.resources.filter((r) => /0\.0\.0\.0\/0|::\/0/.test(JSON.stringify(r.inputs)));
    expect(open.map((r) => r.name)).toEqual(["db-rotation-https"]);
    expect(open[0].inputs).toMatchObject({ ipProtocol: "tcp", fromPort: 443, toPort: 443 });
  });

  test("protect is on for exactly the primary instance and the master secret", () => {
    expect(
      run.resources
        .filter((r) => r.protect)
        .map((r) => `${r.type} ${r.name}`)
        .sort(),
    ).toEqual([`${INSTANCE} db-primary`, "aws:secretsmanager/secret:Secret db-master"]);
  });

  test("master credential: a secret the program owns, with the rotation function's shape, rotated every 30 days in the VPC", () => {
    const secret = byName(run, "aws:secretsmanager/secret:Secret", "db-master");
    expect(secret.inputs).toEqual({
      namePrefix: "rds/platform-production/master-",
      description:
        "Master user of the RDS PostgreSQL instance platform-production (rotated by Secrets Manager)",
      kmsKeyId: SECRETS_KEY,
      recoveryWindowInDays: 30,
    });
    const version = byName(run, "aws:secretsmanager/secretVersion:SecretVersion", "db-master");
    expect(version.secretInputs).toEqual(["secretStringWo"]);
    expect(version.inputs.secretStringWoVersion).toBe(1);
    expect(version.inputs.secretStringWo).toBe("[secret]");
    const fn = byName(run, "aws:serverlessrepository/cloudFormationStack:CloudFormationStack", "db-rotation");
    expect(fn.inputs).toEqual({
      name: "platform-production-master-rotation",
      applicationId:
        "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser",
      semanticVersion: "1.1.671",
      capabilities: ["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"],
      parameters: {
        functionName: "platform-production-master-rotation",
        endpoint: "https://secretsmanager.us-west-2.amazonaws.com",
        kmsKeyArn: SECRETS_KEY,
        vpcSubnetIds: "subnet-p1,subnet-p2",
        vpcSecurityGroupIds: byName(run, SG, "db-rotation").id,
      },
    });
    const rotation = byName(run, "aws:secretsmanager/secretRotation:SecretRotation", "db-master");
    expect(rotation.inputs).toMatchObject({
      secretId: secret.id,
      rotationRules: { automaticallyAfterDays: 30 },
      rotateImmediately: false,
    });
    // Secrets Manager tests the function as soon as rotation is set: its network path must exist.
    expect(rotation.dependencies).toEqual(
      expect.arrayContaining([
        fn.urn,
        version.urn,
        byName(run, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "db-rotation-postgres").urn,
        byName(run, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "db-rotation-https").urn,
        byName(run, SG, "db-sg").urn,
      ]),
    );
    // The function's log group exists first: encrypted with the logs key, expiring.
    const logGroup = byName(run, LOG_GROUP, "db-rotation");
    expect(logGroup.inputs).toEqual({
      name: "/aws/lambda/platform-production-master-rotation",
      kmsKeyId: LOGS_KEY,
      retentionInDays: 365,
    });
    expect(fn.dependencies).toContain(logGroup.urn);
    expect(
      ofType(run, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
        .map((r) => [r.name, r.inputs.fromPort, r.inputs.referencedSecurityGroupId ?? r.inputs.cidrIpv4])
        .sort(),
    ).toEqual([
      ["db-rotation-https", 443, "0.0.0.0/0"],
      ["db-rotation-postgres", 5432, byName(run, SG, "db-sg").id],
    ]);
  });

  test("secrets only where expected (the master password, write-only); outputs for the workloads", () => {
    expect(
      run.resources.filter((r) => r.secretInputs.length > 0).map((r) => [r.name, r.secretInputs]),
    ).toEqual([
      ["db-primary", ["passwordWo"]],
      ["db-master", ["secretStringWo"]],
    ]);
    expect(run.secretOutputs).toEqual([]);
    expect(run.outputs).toMatchObject({
      // The mocks name RDS hosts after the logical name today; after the identifier once they model it.
      address: expect.stringMatching(
        /^(db-primary|platform-production)\.[0-9a-f]+\.us-west-2\.rds\.amazonaws\.com$/,
      ),
      endpoint: expect.stringMatching(/:5432$/),
      port: 5432,
      securityGroupId: byName(run, SG, "db-sg").id,
      instanceIdentifier: "platform-production",
    });
    expect(run.outputs.readReplicaAddresses).toEqual([
      expect.stringMatching(/^(db-replica-1|platform-production-replica-1)\./),
      expect.stringMatching(/^(db-replica-2|platform-production-replica-2)\./),
    ]);
  });
});

describe("PostgresDatabase with the dev seeds", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await build(DEV);
  });

  test("one single-AZ instance without replicas, nothing protected, deletion protection off", () => {
    expect(ofType(run, INSTANCE).map((r) => r.name)).toEqual(["db-primary"]);
    expect(ofType(run, LOG_GROUP)).toHaveLength(3);
    const primary = byName(run, INSTANCE, "db-primary").inputs;
    expect(primary).toMatchObject({
      multiAz: false,
      deletionProtection: false,
      backupRetentionPeriod: 7,
      skipFinalSnapshot: false,
      storageEncrypted: true,
    });
    expect(run.resources.filter((r) => r.protect)).toEqual([]);
    expect(run.outputs.readReplicaAddresses).toEqual([]);
  });

  test("the master password version comes from the args, the same for RDS and the secret", () => {
    expect(byName(run, INSTANCE, "db-primary").inputs.passwordWoVersion).toBe(3);
    expect(
      byName(run, "aws:secretsmanager/secretVersion:SecretVersion", "db-master").inputs.secretStringWoVersion,
    ).toBe(3);
  });
});

const REPLICATION = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication";
const DR_RDS_KEY = "arn:aws:kms:us-east-1:123456789012:key/rds-dr";

/** The component with copies of its backups in us-east-1, through a provider of that region. */
async function buildWithCopies(args: PostgresDatabaseArgs, retentionDays = 30): Promise<OfflineRun> {
  return runProgram(async () => {
    const aws = await import("@pulumi/aws");
    const { PostgresDatabase } = await import("../../../components/data/postgres");
    const dr = new aws.Provider("aws-dr", { region: "us-east-1" });
    const db = new PostgresDatabase("db", {
      ...args,
      crossRegionBackup: { provider: dr, kmsKeyArn: DR_RDS_KEY, retentionDays },
    });
    return { crossRegionBackupArn: db.crossRegionBackupArn };
  });
}

describe("PostgresDatabase with cross-region backup copies", () => {
  let run: OfflineRun;
  let replication: RecordedResource;
  beforeAll(async () => {
    run = await buildWithCopies(PRODUCTION);
    replication = byName(run, REPLICATION, "db-backup-replication");
  });

  test("adds exactly one backup replication, under the component, through the DR provider", () => {
    expect(ofType(run, REPLICATION).map((r) => r.name)).toEqual(["db-backup-replication"]);
    const component = run.resources.find((r) => r.type === "platform:data:PostgresDatabase")!;
    expect(replication.parent).toBe(component.urn);
    const dr = byName(run, "pulumi:providers:aws", "aws-dr");
    expect(replication.provider).toBe(`${dr.urn}::${dr.id}`);
    // Everything else stays on the default provider of the primary's region.
    const others = run.resources.filter((r) => r.custom && r.type.startsWith("aws:") && r !== replication);
    expect(others.length).toBeGreaterThan(0);
    expect(others.filter((r) => r.provider === replication.provider)).toEqual([]);
  });

  test("replicates the primary's backups, encrypted with the DR key, for the given days", () => {
    const primary = byName(run, INSTANCE, "db-primary");
    expect(replication.inputs).toEqual({
      sourceDbInstanceArn: `arn:aws:rds:us-west-2:123456789012:db:platform-production`,
      kmsKeyId: DR_RDS_KEY,
      retentionPeriod: 30,
    });
    expect(replication.dependencies).toContain(primary.urn);
    expect(run.outputs.crossRegionBackupArn).toBe(replication.id);
  });

  test("is protected like the primary, and not when protection is off", async () => {
    expect(replication.protect).toBe(true);
    const unprotected = await buildWithCopies({ ...PRODUCTION, protect: false }, 7);
    const copies = byName(unprotected, REPLICATION, "db-backup-replication");
    expect(copies.protect).toBe(false);
    expect(copies.inputs.retentionPeriod).toBe(7);
  });
});

describe("PostgresDatabase argument validation", () => {
  test.each<[string, Partial<PostgresDatabaseArgs>, string]>([
    [
      "identifier with a double hyphen",
      { identifier: "a--b" },
      'identifier (received "a--b"): must start with a lowercase letter',
    ],
    [
      "identifier too long for replica names",
      { identifier: "a".repeat(55) },
      "and stay within 63 characters including the '-replica-<n>' suffix",
    ],
    [
      "one subnet",
      { dataSubnetIds: ["subnet-a"] },
      "dataSubnetIds (received 1): must list at least 2 subnets (in different AZs)",
    ],
    [
      "no allowed groups",
      { allowedSecurityGroupIds: [] },
      "allowedSecurityGroupIds (received 0): must list at least one security group to admit",
    ],
    [
      "reserved master user",
      { masterUsername: "rdsadmin" },
      'masterUsername (received "rdsadmin"): must be 1 to 63 lowercase letters',
    ],
    [
      "negative slow-statement threshold",
      { slowStatementThresholdMs: -1 },
      "slowStatementThresholdMs (received -1): must be an integer of 0 or more milliseconds",
    ],
    [
      "overlapping windows",
      { maintenanceWindow: "fri:03:30-fri:04:30" },
      'maintenanceWindow (received "fri:03:30-fri:04:30"): overlaps the daily backup window',
    ],
    [
      "master password version 0",
      { masterPasswordVersion: 0 },
      "masterPasswordVersion (received 0): must be an integer of 1 or more",
    ],
    ...[0, 36, 7.5].map(
      (days) =>
        [
          `cross-region copies kept ${days} days`,
          {
            crossRegionBackup: {
              provider: {} as ProviderResource,
              kmsKeyArn: DR_RDS_KEY,
              retentionDays: days,
            },
          },
          `crossRegionBackup.retentionDays (received ${days}): must be an integer from 1 to 35 (the range AWS accepts for replicated backups)`,
        ] as [string, Partial<PostgresDatabaseArgs>, string],
    ),
  ])("rejects %s", async (_label, change, message) => {
    const { validatePostgresDatabaseArgs } = await import("../../../components/data/postgres");
    expect(() => validatePostgresDatabaseArgs("db", { ...PRODUCTION, ...change })).toThrow(message);
  });

  test("reports every problem at once", async () => {
    const { validatePostgresDatabaseArgs } = await import("../../../components/data/postgres");
    expect(() =>
      validatePostgresDatabaseArgs("db", {
        ...PRODUCTION,
        backupRetentionDays: 0,
        instanceClass: "db.m5.large",
        dataSubnetIds: [],
      }),
    ).toThrow(
      [
        "Invalid PostgresDatabase arguments:",
        "- dataSubnetIds (received 0): must list at least 2 subnets (in different AZs): subnet groups need them for a standby or replica elsewhere",
        '- instanceClass (received "db.m5.large"): must be <family>.<size> with a family from db.t4g, db.m6g, db.m7g, db.r6g, db.r7g, db.m6i, db.r6i, e.g. db.r6g.xlarge',
        "- backupRetentionDays (received 0): 0 turns off automated backups and point-in-time recovery; use 1 to 35 days",
      ].join("\n"),
    );
  });

  test("invalid args throw before the component registers anything", async () => {
    const run = await runProgram(async () => {
      const { PostgresDatabase } = await import("../../../components/data/postgres");
      try {
        new PostgresDatabase("db", { ...PRODUCTION, backupRetentionDays: 0 });
      } catch (error) {
        return { error: (error as Error).message };
      }
      return {};
    });
    expect(run.outputs.error).toContain("backupRetentionDays (received 0)");
    expect(run.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  test("defaults are the secure choices", async () => {
    const { validatePostgresDatabaseArgs } = await import("../../../components/data/postgres");
    const { multiAz, deletionProtection, readReplicas, allowMajorVersionUpgrade, identifier, ...required } =
      PRODUCTION;
    void [multiAz, deletionProtection, readReplicas, allowMajorVersionUpgrade, identifier];
    expect(validatePostgresDatabaseArgs("db", required)).toMatchObject({
      identifier: "db",
      multiAz: true,
      deletionProtection: true,
      readReplicas: 0,
      allowMajorVersionUpgrade: false,
      performanceInsightsRetentionDays: 7,
      monitoringIntervalSeconds: 60,
      masterPasswordVersion: 1,
    });
  });
});

describe("PostgresDatabase with secretsReplica: the master secret replicated to another region (decision 0145)", () => {
  const DR_SECRETS_KEY = "arn:aws:kms:us-east-1:123456789012:key/dr-secrets";

  test("the secret carries exactly one replica, in that region, with that region's key", async () => {
    const run = await build({
      ...PRODUCTION,
      secretsReplica: { region: "us-east-1", kmsKeyArn: DR_SECRETS_KEY },
    });
    expect(byName(run, "aws:secretsmanager/secret:Secret", "db-master").inputs).toEqual({
      namePrefix: "rds/platform-production/master-",
      description:
        "Master user of the RDS PostgreSQL instance platform-production (rotated by Secrets Manager)",
      kmsKeyId: SECRETS_KEY,
      recoveryWindowInDays: 30,
      replicas: [{ region: "us-east-1", kmsKeyId: DR_SECRETS_KEY }],
    });
  });
});
