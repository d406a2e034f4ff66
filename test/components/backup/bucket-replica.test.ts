import { type OfflineRun, byName, json, ofType, runProgram } from "../../support/offline";

const SOURCE_KEY = "arn:aws:kms:us-west-2:123456789012:key/backup";
const DR_KEY = "arn:aws:kms:us-east-1:123456789012:key/backup";

async function build(expirationDays = 30): Promise<OfflineRun> {
  return runProgram(async () => {
    const aws = await import("@pulumi/aws");
    const { BucketReplica } = await import("../../../components/backup/bucket-replica");
    new BucketReplica("snapshots-dr", {
      sourceBucketName: "vault-snapshots-abc",
      sourceKmsKeyArn: SOURCE_KEY,
      destinationProvider: new aws.Provider("aws-dr", { region: "us-east-1" }),
      destinationKmsKeyArn: DR_KEY,
      expirationDays,
      protect: true,
    });
  });
}

describe("BucketReplica", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await build();
  });

  test("a private, versioned, TLS-only bucket in the DR region encrypted with the DR key, expiring like the source", () => {
    const bucket = byName(run, "aws:s3/bucket:Bucket", "snapshots-dr");
    expect(bucket.protect).toBe(true);
    expect(bucket.provider).toMatch(/::aws-dr::/);
    for (const r of run.resources.filter(
      (r) =>
        r.type.startsWith("aws:s3/bucket") &&
        r.type !== "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    )) {
      expect([r.name, r.provider]).toEqual([r.name, bucket.provider]);
    }
    expect(
      byName(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "snapshots-dr-public-access")
        .inputs,
    ).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(
      byName(
        run,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "snapshots-dr-encryption",
      ).inputs.rules,
    ).toEqual([
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: DR_KEY },
        bucketKeyEnabled: true,
      },
    ]);
    expect(
      byName(run, "aws:s3/bucketVersioning:BucketVersioning", "snapshots-dr-versioning").inputs
        .versioningConfiguration,
    ).toEqual({
      status: "Enabled",
    });
    expect(
      (
        byName(
          run,
          "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
          "snapshots-dr-lifecycle",
        ).inputs.rules as {
          expiration: unknown;
        }[]
      )[0].expiration,
    ).toEqual({ days: 30 });
    expect(
      JSON.stringify(
        json(byName(run, "aws:s3/bucketPolicy:BucketPolicy", "snapshots-dr-policy").inputs.policy),
      ),
    ).toContain('"aws:SecureTransport":"false"');
  });

  test("replication of every new version, KMS-encrypted objects included, delete markers kept out", () => {
    const replication = byName(
      run,
      "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
      "snapshots-dr-replication",
    );
    expect(replication.provider ?? "").not.toMatch(/aws-dr/);
    expect(replication.inputs).toMatchObject({
      bucket: "vault-snapshots-abc",
      rules: [
        {
          id: "all-objects",
          status: "Enabled",
          filter: {},
          deleteMarkerReplication: { status: "Disabled" },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
          destination: { storageClass: "STANDARD", encryptionConfiguration: { replicaKmsKeyId: DR_KEY } },
        },
      ],
    });
  });

  test("the replication waits for the destination's versioning, the role and the role's policy", () => {
    const replication = byName(
      run,
      "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
      "snapshots-dr-replication",
    );
    // S3 refuses a configuration whose destination is not yet versioned (a known race otherwise).
    expect(replication.dependencies).toEqual(
      expect.arrayContaining([
        byName(run, "aws:s3/bucketVersioning:BucketVersioning", "snapshots-dr-versioning").urn,
        byName(run, "aws:iam/role:Role", "snapshots-dr-replication").urn,
        byName(run, "aws:iam/rolePolicy:RolePolicy", "snapshots-dr-replication").urn,
      ]),
    );
  });

  test("the replication role: assumed by S3, reads the source versions, writes copies, nothing more", () => {
    expect(
      json(byName(run, "aws:iam/role:Role", "snapshots-dr-replication").inputs.assumeRolePolicy),
    ).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    const policy = json<{ Statement: { Sid: string; Action: unknown; Resource: unknown }[] }>(
      ofType(run, "aws:iam/rolePolicy:RolePolicy")[0].inputs.policy,
    );
    expect(policy.Statement.map((s) => [s.Sid, s.Action])).toEqual([
      ["ReadSourceConfiguration", ["s3:GetReplicationConfiguration", "s3:ListBucket"]],
      [
        "ReadSourceVersions",
        ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
      ],
      ["WriteCopies", ["s3:ReplicateObject", "s3:ReplicateTags"]],
      ["DecryptSource", "kms:Decrypt"],
      ["EncryptCopies", ["kms:Encrypt", "kms:GenerateDataKey"]],
    ]);
    expect(policy.Statement[0].Resource).toBe("arn:aws:s3:::vault-snapshots-abc");
    expect(policy.Statement[3].Resource).toBe(SOURCE_KEY);
    expect(policy.Statement[4].Resource).toBe(DR_KEY);
  });
});

test("expirationDays below 1 is refused before anything is registered", async () => {
  await expect(build(0)).rejects.toThrow(
    "Invalid BucketReplica arguments:\n- expirationDays (received 0): must be an integer of at least 1",
  );
});
