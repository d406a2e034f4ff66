/**
 * Raft snapshots (decision 0055): a CronJob saves a snapshot from the active node and uploads it
 * under `raft/` of the snapshot bucket. Its AWS role writes there and uses the backup key through S3.
 */
import type * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { VaultArgs } from "./vault-args";
import { snapshotIamPolicy } from "./vault-iam";
import { createVaultIdentity } from "./vault-identity";
import { createJobServiceAccount, createMaintenanceCronJob, type VaultJobs } from "./vault-jobs";
import { JOB_SERVICE_ACCOUNTS } from "./vault-layout";

export function createSnapshotJob(
  jobs: VaultJobs,
  args: Pick<VaultArgs, "region" | "backupKmsKeyArn" | "snapshotSchedule" | "storageSize">,
  bucket: aws.s3.Bucket,
): k8s.batch.v1.CronJob {
  const policy = pulumi
    .all([bucket.arn, args.backupKmsKeyArn])
    .apply(([bucketArn, keyArn]) =>
      JSON.stringify(snapshotIamPolicy({ region: args.region, bucketArn, backupKmsKeyArn: keyArn })),
    );
  const identity = createVaultIdentity(jobs.ids, "snapshot", JOB_SERVICE_ACCOUNTS.snapshot, policy);
  const serviceAccount = createJobServiceAccount(jobs, "snapshot", JOB_SERVICE_ACCOUNTS.snapshot, identity);
  return createMaintenanceCronJob(
    jobs,
    "snapshot",
    args.snapshotSchedule,
    {
      serviceAccountName: serviceAccount.metadata.name,
      script: "snapshot.sh",
      restartPolicy: "Never",
      // A snapshot is at most the size of the Raft volume.
      state: { sizeLimit: args.storageSize },
      env: { SNAPSHOT_BUCKET: bucket.id },
    },
    identity,
  );
}
