/**
 * Typical creation times of the resource types this program creates, in seconds: what a first
 * `pulumi up` spends on each, from the point its dependencies exist until the provider reports it
 * created (including the provider's own waits, e.g. until an RDS instance is `available` or a Helm
 * release's resources are ready). Medians of the ranges AWS documents or commonly observed; they
 * are estimates to compare plans with, not promises. Anything unlisted counts as
 * {@link DEFAULT_SECONDS} (an API call or two).
 *
 * | type | s | why |
 * |---|---|---|
 * | eks Cluster | 600 | "about 10 minutes" (EKS user guide: cluster creation takes 10-15 minutes) |
 * | rds Instance (primary, Multi-AZ) | 900 | RDS: 10-20 minutes for a new Multi-AZ instance |
 * | rds Instance (read replica) | 720 | a snapshot of the primary restored into a new instance, 10-15 minutes |
 * | rds InstanceAutomatedBackupsReplication | 300 | starts the cross-region copy; the provider waits until `replicating` |
 * | elasticache ReplicationGroup | 720 | 10-15 minutes for a Multi-AZ group |
 * | eks NodeGroup | 240 | instances launched and Ready: 3-5 minutes |
 * | eks Addon | 60 | 1-2 minutes; the provider waits for ACTIVE |
 * | ec2 NatGateway | 120 | 1-3 minutes until `available` |
 * | ec2 VpcEndpoint | 90 | interface endpoints take 1-2 minutes (gateway endpoints seconds; counted alike) |
 * | eks PodIdentityAssociation, AccessEntry, AccessPolicyAssociation | 5 | API calls |
 * | kms Key | 10 | CreateKey plus policy and rotation settings |
 * | helm Release | 120 | chart installed, Pulumi waits for its workloads (`atomic`/wait): 1-3 minutes |
 * | k8s Job | 90 | image pull and the script run to completion |
 * | k8s Deployment | 60 | rollout until the pods are Ready; 2 when annotated `pulumi.com/skipAwait` |
 * | k8s Ingress | 150 | the ALB is provisioned before the Ingress gets its address: 2-3 minutes |
 * | everything else | 3 | one or two API calls |
 */
export const DEFAULT_SECONDS = 3;

export const TYPICAL_SECONDS: Readonly<Record<string, number>> = {
  "aws:eks/cluster:Cluster": 600,
  "aws:rds/instance:Instance": 900,
  "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": 300,
  "aws:elasticache/replicationGroup:ReplicationGroup": 720,
  "aws:eks/nodeGroup:NodeGroup": 240,
  "aws:eks/addon:Addon": 60,
  "aws:ec2/natGateway:NatGateway": 120,
  "aws:ec2/vpcEndpoint:VpcEndpoint": 90,
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": 5,
  "aws:eks/accessEntry:AccessEntry": 5,
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": 5,
  "aws:kms/key:Key": 10,
  "kubernetes:helm.sh/v3:Release": 120,
  "kubernetes:batch/v1:Job": 90,
  "kubernetes:apps/v1:Deployment": 60,
  "kubernetes:networking.k8s.io/v1:Ingress": 150,
};

/** A read replica: restored from the primary, faster than a new instance. */
export const READ_REPLICA_SECONDS = 720;
/** A Deployment Pulumi does not await. */
export const SKIPPED_AWAIT_SECONDS = 2;

/** Typical seconds to create one resource (components and providers: 0, they create nothing). */
export function typicalSeconds(type: string, custom: boolean, inputs: Record<string, unknown>): number {
  if (!custom || type.startsWith("pulumi:")) {
    return 0;
  }
  if (type === "aws:rds/instance:Instance" && inputs.replicateSourceDb) {
    return READ_REPLICA_SECONDS;
  }
  const annotations = (inputs.metadata as { annotations?: Record<string, string> } | undefined)?.annotations;
  if (type === "kubernetes:apps/v1:Deployment" && annotations?.["pulumi.com/skipAwait"] === "true") {
    return SKIPPED_AWAIT_SECONDS;
  }
  return TYPICAL_SECONDS[type] ?? DEFAULT_SECONDS;
}
