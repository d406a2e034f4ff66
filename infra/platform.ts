/**
 * Builds one environment of the platform from its validated configuration. No branching on the
 * stack name: every difference between environments is a value in `Pulumi.<stack>.yaml`.
 *
 * A list of named steps, each in the `infra/` module named after it; the order is the order of
 * dependencies: providers -> KMS keys -> network -> data clients -> EKS and the data tier (in
 * parallel) -> ingress controller -> cert-manager and Vault -> observability (alarms, metrics,
 * logs, traces) -> backup -> services -> outputs.
 */
import type { PlatformConfig } from "./config";
import { createAdmissionGuardrails } from "./admission";
import { createBackup } from "./backup";
import { createCluster } from "./cluster";
import { createCostControls } from "./cost";
import { createDataTier } from "./data";
import { createDataClientsGroup } from "./data-clients";
import { createEdge } from "./edge";
import { createRegistry } from "./registry";
import { createDelivery } from "./delivery";
import { createDnsFailover } from "./dns";
import { createKeys } from "./keys";
import { createNetwork, lookupAvailabilityZones } from "./network";
import { createObservability } from "./observability";
import { platformOutputs } from "./outputs";
import { createAwsProvider, createDisasterRecovery, kubernetesOptions } from "./providers";
import { createSecrets } from "./secrets";
import { createThreatDetection } from "./threat-detection";
import { referencePrimaryStack } from "./standby";
import { createIngressController, createRolloutsController, createServices } from "./workloads";

export { createAwsProvider } from "./providers";

export async function createPlatform(config: PlatformConfig) {
  const provider = createAwsProvider(config);
  // Disaster recovery (docs/decisions/0026): where the database's automated backups are copied.
  const dr = createDisasterRecovery(config);
  const keys = await createKeys(config, provider, dr);
  const zones = config.network.availabilityZones ?? (await lookupAvailabilityZones(config, provider));
  const network = createNetwork(config, provider, keys.kms, zones);
  // Created with the VPC, attached to the nodes, admitted by the data stores: the data tier does not
  // wait for the EKS control plane (docs/decisions/0121).
  const dataClients = createDataClientsGroup(config, provider, network);
  const cluster = createCluster(config, provider, network, keys.kms, dataClients);
  // A standby stack's data tier replicates its primary stack's (docs/decisions/0140).
  const primary = referencePrimaryStack(config);
  const data = createDataTier(config, provider, { network, dataClients, keys, dr, primary });

  const edge = createEdge(config, provider, keys.kms);
  createRegistry(config, provider, { kms: keys.kms, cluster });

  const k8sOpts = kubernetesOptions(cluster, provider);
  // Admission guardrails and GuardDuty's EKS protection (docs/decisions/0132, 0134).
  createAdmissionGuardrails(config, k8sOpts, provider);
  const albController = createIngressController(config, k8sOpts, { cluster, network });
  const secrets = createSecrets(config, k8sOpts, {
    cluster,
    network,
    kms: keys.kms,
    postgres: data.postgres,
    primary,
  });
  const observability = createObservability(config, provider, k8sOpts, { cluster, network, keys });
  // GuardDuty's findings about this cluster page through the same critical topic (decision 0134).
  createThreatDetection(config, provider, cluster, observability.alarms.topicArns.critical);
  // AWS Backup of everything tagged BackupRequired=true, copies in the DR region (decision 0111);
  // failed jobs and restore tests page through the observability tier's critical topic.
  const backup = createBackup(config, provider, {
    keys,
    dr,
    network,
    data,
    secrets,
    alertTopicArn: observability.alarms.topicArns.critical,
  });
  // Progressive delivery (decision 0150): the controller canary services' Rollouts need.
  const rollouts = createRolloutsController(config, k8sOpts, { cluster, observability });
  const services = createServices(config, k8sOpts, {
    cluster,
    network,
    data,
    albController,
    vault: secrets.vault,
    observability,
    edge,
    rollouts,
  });

  // A standby's public hostnames: Route 53 failover from the primary's load balancers (decision 0142).
  const dns = createDnsFailover(config, provider, { primary, services });

  // The identities the GitHub Actions pipeline assumes (docs/delivery.md).
  const delivery = createDelivery(
    config,
    { clusterName: cluster.clusterName, refreshSecretArns: [data.redis.authTokenSecretArn] },
    { providers: [provider] },
  );

  // Budget on the Environment tag; where the stack sleeps, its nodes and database schedules.
  const cost = createCostControls(config, provider, { cluster, postgres: data.postgres });

  const outputs = platformOutputs(config, {
    keys,
    dr,
    network,
    cluster,
    data,
    secrets,
    albController,
    services,
    backup,
    delivery,
    cost,
    dns,
  });
  return {
    ...outputs,
    alarmTopicArns: observability.alarms.topicArns,
    containerLogGroups: observability.logs.logGroupNames,
    monitoringNamespace: observability.metrics.namespace,
    traceEndpoint: observability.traceGateway.endpoint,
  };
}
