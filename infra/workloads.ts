/**
 * Step "workloads": the AWS Load Balancer Controller on the system nodes, then the declared services
 * on the application nodes, each wired to the data tier and, when it declares `vault`, to Vault.
 */
import type { EksCluster } from "../components/cluster/cluster";
import type { EdgeProtection } from "../components/edge/edge-protection";
import { RolloutsController } from "../components/delivery/rollouts-controller";
import type { DataTier } from "./data";
import type { Network } from "../components/network/vpc";
import type { Vault } from "../components/secrets/vault";
import {
  INGRESS_CLASS,
  MONITORING_NAMESPACE,
  PLATFORM_VAULT_CONNECTION,
  RESERVED_NAMESPACES,
} from "../components/shared/workload-defaults";
import type { WorkloadConventions } from "../components/workloads/conventions";
import { AwsLoadBalancerController } from "../components/workloads/ingress-controller";
import { PlatformService } from "../components/workloads/service";
import { callersByService } from "../components/workloads/spec";
import { nodeGroupLabels, systemNodeLabel, systemPlacement } from "./cluster";
import type { PlatformConfig } from "./config";
import { withRelease } from "./config/services";
import type { ObservabilityTier } from "./observability";
import type { KubernetesOptions } from "./providers";

export function createIngressController(
  config: PlatformConfig,
  k8sOpts: KubernetesOptions,
  platform: { cluster: EksCluster; network: Network },
): AwsLoadBalancerController {
  return new AwsLoadBalancerController(
    "alb-controller",
    {
      clusterName: platform.cluster.clusterName,
      vpcId: platform.network.vpcId,
      region: config.region,
      chartVersion: config.services.ingressController.chartVersion,
      replicas: config.services.ingressController.replicas,
      systemNodeLabel: systemNodeLabel(config),
      tolerations: platform.cluster.systemPlacement.tolerations,
      ingressClassName: INGRESS_CLASS,
    },
    k8sOpts,
  );
}

/**
 * Argo Rollouts on the system nodes (decision 0150): canary services' Rollouts wait for its CRDs; its
 * ServiceMonitor and PrometheusRule wait for the metrics stack's.
 */
export function createRolloutsController(
  config: PlatformConfig,
  k8sOpts: KubernetesOptions,
  platform: { cluster: EksCluster; observability: ObservabilityTier },
): RolloutsController {
  const placement = systemPlacement(config, platform.cluster);
  return new RolloutsController(
    "rollouts",
    {
      chartVersion: config.services.rollouts.chartVersion,
      replicas: config.services.rollouts.replicas,
      nodeSelector: placement.nodeSelector,
      tolerations: placement.tolerations,
      runbookBaseUrl: config.observability.runbookBaseUrl,
    },
    { ...k8sOpts, dependsOn: [platform.observability.metrics] },
  );
}

/** One {@link PlatformService} per declared service, in declaration order. */
export function createServices(
  config: PlatformConfig,
  k8sOpts: KubernetesOptions,
  platform: {
    cluster: EksCluster;
    network: Network;
    data: DataTier;
    albController: AwsLoadBalancerController;
    vault: Vault;
    observability: ObservabilityTier;
    edge: EdgeProtection;
    rollouts: RolloutsController;
  },
): PlatformService[] {
  const { cluster, network, albController, vault } = platform;
  const { postgres, redis } = platform.data;
  // The platform's conventions, passed once to every service (decision 0060).
  const conventions: WorkloadConventions = {
    monitoringNamespace: MONITORING_NAMESPACE,
    ingressClassName: albController.ingressClassName,
    vaultConnection: PLATFORM_VAULT_CONNECTION,
    reservedNamespaces: RESERVED_NAMESPACES,
    tracing: platform.observability.traceGateway,
  };
  const declared = config.services.services.map((s) => withRelease(s, config.services.exposedRelease));
  const callers = callersByService(declared);
  const servicePorts = Object.fromEntries(declared.map((s) => [s.name, s.ports.http]));
  return declared.map(
    (s) =>
      new PlatformService(
        s.name,
        {
          ...s,
          ...conventions,
          clusterName: cluster.clusterName,
          dataCidrs: network.dataSubnetCidrs,
          publicCidrs: network.publicSubnetCidrs,
          servicePorts,
          callers: callers.get(s.name),
          postgres: { host: postgres.address, port: postgres.port },
          redis: { host: redis.primaryEndpoint, port: redis.port },
          nodeSelector: nodeGroupLabels(config, "application"),
          apiServerCidrs: network.privateSubnetCidrs,
          loadBalancer: platform.edge.loadBalancer,
        },
        // The controller's webhook admits pods in exposed namespaces: it must exist first. A Vault
        // client also waits for Vault: the injector, its CA ClusterIssuer and its role (bootstrap Job).
        // The metrics stack installs the ServiceMonitor CRD, Argo Rollouts the Rollout CRD.
        {
          ...k8sOpts,
          dependsOn: [
            albController,
            platform.observability.metrics,
            ...(s.release?.strategy === "canary" ? [platform.rollouts] : []),
            ...(s.vault ? [vault] : []),
          ],
        },
      ),
  );
}
