/**
 * Database credential sync (decision 0054): every 10 minutes, a CronJob hands Vault's database
 * connection the RDS-managed master login when RDS has rotated it. Its AWS role reads that secret only.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { VaultArgs, VaultDatabaseArgs } from "./vault-args";
import { databaseSyncIamPolicy } from "./vault-iam";
import { createVaultIdentity } from "./vault-identity";
import { createJobServiceAccount, createMaintenanceCronJob, type VaultJobs } from "./vault-jobs";
import { JOB_SERVICE_ACCOUNTS } from "./vault-layout";
import { databaseSyncEnvironment } from "./vault-scripts";

export function createDatabaseSyncJob(
  jobs: VaultJobs,
  args: Pick<VaultArgs, "region" | "secretsKmsKeyArn">,
  db: VaultDatabaseArgs,
  kvMount: string,
): k8s.batch.v1.CronJob {
  const policy = pulumi
    .all([db.masterSecretArn, db.masterSecretKmsKeyArn ?? args.secretsKmsKeyArn])
    .apply(([secretArn, keyArn]) =>
      JSON.stringify(
        databaseSyncIamPolicy({
          region: args.region,
          masterSecretArn: secretArn,
          masterSecretKmsKeyArn: keyArn,
        }),
      ),
    );
  const identity = createVaultIdentity(jobs.ids, "db-sync", JOB_SERVICE_ACCOUNTS.databaseSync, policy);
  const serviceAccount = createJobServiceAccount(
    jobs,
    "db-sync",
    JOB_SERVICE_ACCOUNTS.databaseSync,
    identity,
  );
  return createMaintenanceCronJob(
    jobs,
    "db-sync",
    "*/10 * * * *",
    {
      serviceAccountName: serviceAccount.metadata.name,
      script: "db-sync.sh",
      restartPolicy: "Never",
      state: { medium: "Memory", sizeLimit: "1Mi" },
      env: { DB_MASTER_SECRET_ARN: db.masterSecretArn, ...databaseSyncEnvironment(kvMount) },
    },
    identity,
  );
}
