/**
 * IAM policy documents of Vault's workload identities (plain objects; the steps serialise them).
 * Each grants one pod exactly what its job needs.
 */

type Json = Record<string, unknown>;

/** Vault server: the unseal key and nothing else. */
export function serverIamPolicy(kmsKeyArn: string): Json {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "VaultAutoUnseal",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt"],
        Resource: kmsKeyArn,
      },
    ],
  };
}

/** KMS use on behalf of one AWS service only (`kms:ViaService`). */
function viaService(region: string, service: string): Json {
  return { StringEquals: { "kms:ViaService": `${service}.${region}.amazonaws.com` } };
}

/** Bootstrap job: write both secrets, read back only the root token (to resume), read the DB master login. */
export function bootstrapIamPolicy(p: {
  region: string;
  recoveryKeysSecretArn: string;
  rootTokenSecretArn: string;
  /** Keys of the two secrets and, if set, of the database master secret (duplicates removed). */
  kmsKeyArns: readonly string[];
  databaseMasterSecretArn?: string;
}): Json {
  const statements: Json[] = [
    {
      Sid: "StoreInitOutput",
      Effect: "Allow",
      Action: ["secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue"],
      Resource: [p.recoveryKeysSecretArn, p.rootTokenSecretArn],
    },
    {
      Sid: "ResumeWithRootToken",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: p.rootTokenSecretArn,
    },
  ];
  if (p.databaseMasterSecretArn !== undefined) {
    statements.push({
      Sid: "ReadDatabaseMasterLogin",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: p.databaseMasterSecretArn,
    });
  }
  statements.push({
    Sid: "UseSecretsKeyThroughSecretsManager",
    Effect: "Allow",
    // Secrets Manager encrypts a new secret version with a data key (GenerateDataKey) and decrypts it
    // to read (Decrypt); it never calls Encrypt with the caller's permissions.
    Action: ["kms:Decrypt", "kms:GenerateDataKey"],
    Resource: [...new Set(p.kmsKeyArns)],
    Condition: viaService(p.region, "secretsmanager"),
  });
  return { Version: "2012-10-17", Statement: statements };
}

/** Snapshot CronJob: put objects under raft/ of the bucket, list it, use the backup key through S3 (multipart needs Decrypt). */
export function snapshotIamPolicy(p: { region: string; bucketArn: string; backupKmsKeyArn: string }): Json {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ListSnapshotBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: p.bucketArn },
      { Sid: "WriteSnapshots", Effect: "Allow", Action: "s3:PutObject", Resource: `${p.bucketArn}/raft/*` },
      {
        Sid: "EncryptSnapshotsWithBackupKey",
        Effect: "Allow",
        // SSE-KMS writes objects with a data key (GenerateDataKey); kms:Decrypt: S3 multipart uploads
        // (aws s3 cp above 8 MiB) decrypt the data key to finish the upload. No kms:Encrypt.
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: p.backupKmsKeyArn,
        Condition: viaService(p.region, "s3"),
      },
    ],
  };
}

/** Database sync CronJob: read the RDS master secret (and decrypt it through Secrets Manager). */
export function databaseSyncIamPolicy(p: {
  region: string;
  masterSecretArn: string;
  masterSecretKmsKeyArn: string;
}): Json {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadDatabaseMasterLogin",
        Effect: "Allow",
        Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
        Resource: p.masterSecretArn,
      },
      {
        Sid: "DecryptThroughSecretsManager",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: p.masterSecretKmsKeyArn,
        Condition: viaService(p.region, "secretsmanager"),
      },
    ],
  };
}
