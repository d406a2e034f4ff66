/**
 * The platform's components as a library: what another Pulumi TypeScript program imports when it
 * depends on this repository (`import { Network, EksCluster } from "platform"`, see the README's
 * "Use the components in your own program"). Each component takes everything through its args, has
 * documented defaults for every platform convention, and validates its args before registering
 * anything.
 *
 * Only what is exported here is public: components, their `Args` types, the types those args are
 * made of, and the pure validators that report every problem with a set of args at once. Files under
 * `components/` may change shape between versions; this module is the contract.
 */

// --- Network ---------------------------------------------------------------------------------
export { Network, networkArgsProblems, validateNetworkArgs } from "./network/vpc";
export type { NatStrategy, NetworkArgs } from "./network/vpc";
export type { SubnetTier, TierLayout } from "./network/cidr";

// --- Security: customer-managed KMS keys --------------------------------------------------------
export { KEY_PURPOSES, KmsKeys, kmsKeysArgsProblems, validateKmsKeysArgs } from "./security/kms";
export type { KeyPurpose, KmsKeysArgs, ManagedKey } from "./security/kms";

// --- Cluster: EKS, node groups, workload identity ---------------------------------------------------
export { EksCluster, clusterNameFor, resolveEksClusterArgs, validateEksClusterArgs } from "./cluster/cluster";
export type { EksClusterArgs } from "./cluster/cluster";
export { ADDONS } from "./cluster/addons";
export type { AddonName } from "./cluster/addons";
export { createNodeGroup, nodeLabels } from "./cluster/node-group";
export type { NodeGroupInputs, NodeGroupSpec, NodeRole } from "./cluster/node-group";
export { tolerationsFor } from "./cluster/placement";
export type { PodPlacement, Taint, Toleration } from "./cluster/placement";
export { WorkloadIdentity, validateWorkloadIdentityArgs } from "./cluster/workload-identity";
export type { WorkloadIdentityArgs } from "./cluster/workload-identity";

// --- Data: PostgreSQL and Redis -------------------------------------------------------------------
export { PostgresDatabase, validatePostgresDatabaseArgs } from "./data/postgres";
export type { CrossRegionBackupArgs, PostgresDatabaseArgs } from "./data/postgres";
export { RedisCache, validateRedisCacheArgs } from "./data/redis";
export type { RedisCacheArgs, RedisSecondaryArgs } from "./data/redis";
export { PostgresReplica, validatePostgresReplicaArgs } from "./data/postgres-replica";
export type { PostgresReplicaArgs } from "./data/postgres-replica";
export { DnsFailover, dnsFailoverArgsProblems } from "./dns/failover";
export type { DnsFailoverArgs, FailoverRecordArgs } from "./dns/failover";

// --- Backup: AWS Backup vaults, plans, restore tests; bucket copies in another region ------------
export { Backup } from "./backup/backup";
export type { BackupArgs, BackupCopyArgs, RestoreTestingArgs, VaultLockArgs } from "./backup/backup";
export { backupArgsProblems, validateBackupArgs } from "./backup/backup-args";
export { BucketReplica } from "./backup/bucket-replica";
export type { BucketReplicaArgs } from "./backup/bucket-replica";
export type { DataStoreArgs } from "./data/network-access";
export type { StatefulArgs } from "./shared/stateful";

// --- Secrets: cert-manager and Vault ------------------------------------------------------------
export { CertManager } from "./secrets/cert-manager";
export type { CertManagerArgs } from "./secrets/cert-manager";
export { Vault } from "./secrets/vault";
export type { VaultArgs, VaultDatabaseArgs } from "./secrets/vault";

// --- Edge: web ACL and load-balancer access logs ------------------------------------------------
export { EdgeProtection, edgeProtectionArgsProblems } from "./edge/edge-protection";
export type { EdgeProtectionArgs, WebAclArgs } from "./edge/edge-protection";
export type { LoadBalancerProtection } from "./shared/load-balancer";

// --- Registry: ECR repositories of the services -----------------------------------------------------
export { ContainerRegistry, containerRegistryArgsProblems } from "./registry/registry";
export type { ContainerRegistryArgs } from "./registry/registry";

// --- Admission: the cluster's guardrails (ValidatingAdmissionPolicy) ------------------------------
export {
  AdmissionGuardrails,
  admissionGuardrailsArgsProblems,
  VALIDATION_ACTIONS,
} from "./admission/admission-guardrails";
export type { AdmissionGuardrailsArgs, ValidationAction } from "./admission/admission-guardrails";

// --- Security: GuardDuty's EKS protection ---------------------------------------------------------
export { ThreatDetection, threatDetectionArgsProblems } from "./security/threat-detection";
export type { ThreatDetectionArgs } from "./security/threat-detection";

// --- Workloads: services and the ingress controller ----------------------------------------------
export { PlatformService } from "./workloads/service";
export type { DataEndpoint, PlatformServiceArgs } from "./workloads/service";
export type { ServiceDeclaration } from "./workloads/spec";
export { AwsLoadBalancerController } from "./workloads/ingress-controller";
export type { AwsLoadBalancerControllerArgs } from "./workloads/ingress-controller";
export type { ReleaseDeclaration, ReleaseCheckDeclaration } from "./workloads/spec";
export { RolloutsController } from "./delivery/rollouts-controller";
export type { RolloutsControllerArgs } from "./delivery/rollouts-controller";

// --- Observability: metrics, alert routing, alarms, logs, traces ----------------------------------
export { MetricsStack } from "./observability/metrics-stack";
export type { MetricsStackArgs } from "./observability/metrics-stack";
export { PlatformAlarms } from "./observability/alarms";
export type { PlatformAlarmsArgs } from "./observability/alarms";
export { LogShipping } from "./observability/logging";
export type { LogShippingArgs } from "./observability/logging";
export { TraceCollector } from "./observability/tracing";
export type { TraceCollectorArgs } from "./observability/tracing";
export { platformRuleGroups } from "./observability/rules";
