/**
 * Step "threat detection": GuardDuty's EKS protection (docs/decisions/0134) per
 * `platform:threatDetection.mode`: `manage` creates the region's detector with EKS audit logs and
 * Runtime Monitoring; `manage` and `external` route the cluster's findings to the alert topic.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { EksCluster } from "../components/cluster/cluster";
import { ThreatDetection } from "../components/security/threat-detection";
import type { PlatformConfig } from "./config";

export function createThreatDetection(
  config: PlatformConfig,
  provider: aws.Provider,
  cluster: EksCluster,
  /** The observability tier's critical topic: where findings go unless config names a topic or emails. */
  criticalTopicArn: pulumi.Input<string>,
): ThreatDetection | undefined {
  const { mode, minSeverity, alertTopicArn, alertEmails } = config.threatDetection;
  if (mode === "off") {
    return undefined;
  }
  return new ThreatDetection(
    "threat-detection",
    {
      manageDetector: mode === "manage",
      clusterName: cluster.clusterName,
      minSeverity,
      alertTopicArn: alertTopicArn ?? (alertEmails.length === 0 ? criticalTopicArn : undefined),
      alertEmails,
      namePrefix: `${config.project}-${config.stack}`,
      keyDeletionWindowInDays: config.kms.deletionWindowInDays,
      protect: config.protectStatefulResources,
    },
    { providers: [provider] },
  );
}
