/**
 * The bootstrap Job (decision 0052): initialises Vault once, stores the init output in Secrets
 * Manager, applies the configuration as code (`scripts/configure.sh`, parameterised by environment)
 * and revokes the root token. Its AWS role writes the two init secrets and reads the database
 * master login, nothing else.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { VaultArgs } from "./vault-args";
import { bootstrapIamPolicy } from "./vault-iam";
import { createVaultIdentity } from "./vault-identity";
import type { VaultInitSecrets } from "./vault-init-secrets";
import { createJobServiceAccount, jobPodSpec, type VaultJobs } from "./vault-jobs";
import { JOB_LABELS, JOB_SERVICE_ACCOUNTS, type VaultConventions } from "./vault-layout";
import { configureEnvironment, databaseConnectionUrl } from "./vault-scripts";

export function createBootstrapJob(
  jobs: VaultJobs,
  args: VaultArgs,
  conventions: VaultConventions,
  secrets: VaultInitSecrets,
): k8s.batch.v1.Job {
  const db = args.database;
  const kmsKeys = [args.secretsKmsKeyArn, db?.masterSecretKmsKeyArn ?? args.secretsKmsKeyArn];
  const policy = pulumi
    .all([
      secrets.recoveryKeys.arn,
      secrets.rootToken.arn,
      pulumi.all(kmsKeys),
      db ? pulumi.output(db.masterSecretArn) : undefined,
    ])
    .apply(([recoveryArn, rootArn, keys, masterArn]) =>
      JSON.stringify(
        bootstrapIamPolicy({
          region: args.region,
          recoveryKeysSecretArn: recoveryArn,
          rootTokenSecretArn: rootArn,
          kmsKeyArns: keys,
          ...(masterArn !== undefined ? { databaseMasterSecretArn: masterArn } : {}),
        }),
      ),
    );
  const identity = createVaultIdentity(jobs.ids, "bootstrap", JOB_SERVICE_ACCOUNTS.bootstrap, policy);
  const serviceAccount = createJobServiceAccount(jobs, "bootstrap", JOB_SERVICE_ACCOUNTS.bootstrap, identity);
  const configure = configureEnvironment({
    jobNamespace: conventions.namespace,
    kvMount: conventions.kvMount,
    tokenAudience: conventions.tokenAudience,
    workloads: args.workloads ?? [],
    rotationPeriodDays: args.rotationPeriodDays,
    ...(db
      ? {
          databaseUrl: pulumi
            .all([db.host, db.port])
            .apply(([host, port]) => databaseConnectionUrl(host, port, db.dbName ?? "postgres")),
        }
      : {}),
  });
  return new k8s.batch.v1.Job(
    `${jobs.ids.name}-bootstrap`,
    {
      metadata: { namespace: jobs.namespace, labels: JOB_LABELS },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: 1800,
        template: {
          metadata: { labels: JOB_LABELS, annotations: { "platform/config-sha256": jobs.configHash } },
          spec: jobPodSpec(jobs, {
            serviceAccountName: serviceAccount.metadata.name,
            script: "bootstrap.sh",
            restartPolicy: "OnFailure",
            // Memory-backed: the init output never touches a disk and survives container restarts.
            state: { medium: "Memory", sizeLimit: "16Mi" },
            env: {
              RECOVERY_SHARES: String(args.recoveryShares),
              RECOVERY_THRESHOLD: String(args.recoveryThreshold),
              RECOVERY_KEYS_SECRET_ID: secrets.recoveryKeys.arn,
              ROOT_TOKEN_SECRET_ID: secrets.rootToken.arn,
              ...(db ? { DB_MASTER_SECRET_ARN: db.masterSecretArn } : {}),
              ...configure,
            },
          }),
        },
      },
    },
    {
      parent: jobs.ids.parent,
      dependsOn: [jobs.release, jobs.scripts, identity],
      customTimeouts: { create: "30m", update: "30m" },
    },
  );
}
