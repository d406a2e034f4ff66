/**
 * Step "providers": the AWS providers every component uses, region and governance tags applied once,
 * as default tags; and, when the stack copies database backups to another region, the provider of
 * that disaster-recovery region; and the options of everything deployed into the cluster.
 */
import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import type { EksCluster } from "../components/cluster/cluster";
import type { PlatformConfig } from "./config";

/** The AWS provider every component uses: region and governance tags applied once, as default tags. */
export function createAwsProvider(config: PlatformConfig): aws.Provider {
  return new aws.Provider("aws", {
    region: config.region as aws.Region,
    defaultTags: { tags: { ...config.tags } },
  });
}

/** Where the database's automated backups are copied (docs/decisions/0026). */
export interface DisasterRecovery {
  readonly provider: aws.Provider;
  readonly region: string;
  /** Days the copies are kept. */
  readonly retentionDays: number;
}

/**
 * The disaster-recovery region's provider, with the same default tags (the copies are governed like
 * the primary); `undefined` without `platform:data.postgres.crossRegionBackup`.
 */
export function createDisasterRecovery(config: PlatformConfig): DisasterRecovery | undefined {
  const backup = config.data.postgres.crossRegionBackup;
  return backup
    ? {
        provider: new aws.Provider("aws-dr", {
          region: backup.region as aws.Region,
          defaultTags: { tags: { ...config.tags } },
        }),
        region: backup.region,
        retentionDays: backup.retentionDays,
      }
    : undefined;
}

/** Options of the components deployed into the cluster: its Kubernetes provider, and AWS for their IAM. */
export interface KubernetesOptions {
  readonly providers: { readonly kubernetes: k8s.Provider; readonly aws: aws.Provider };
}

export function kubernetesOptions(cluster: EksCluster, provider: aws.Provider): KubernetesOptions {
  return { providers: { kubernetes: cluster.provider, aws: provider } };
}
