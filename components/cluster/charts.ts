/**
 * Kubernetes objects the cluster itself needs, created through the cluster's own provider: the
 * default encrypted StorageClass and the Helm releases (Cluster Autoscaler, metrics-server, NVIDIA
 * device plugin). Helm releases are `helm.v3.Release` with pinned chart versions: a custom resource,
 * visible to previews and to the policy pack (a `helm.v4.Chart` is opaque under mocks).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { clusterAutoscalerPolicy } from "./addons";
import type { NodeGroupSpec } from "./node-group";
import { type Placement, placementFor, tolerationsFor } from "./placement";
import { WorkloadIdentity } from "./workload-identity";

export const CHART_REPOSITORIES = {
  clusterAutoscaler: "https://kubernetes.github.io/autoscaler",
  metricsServer: "https://kubernetes-sigs.github.io/metrics-server/",
  nvidiaDevicePlugin: "https://nvidia.github.io/k8s-device-plugin",
} as const;

/** Service account the Cluster Autoscaler runs as; its workload identity trusts exactly this one. */
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler";

export function clusterAutoscalerValues(
  clusterName: string,
  region: string,
  imageTag: string,
  system: Placement,
): Record<string, unknown> {
  return {
    fullnameOverride: "cluster-autoscaler",
    cloudProvider: "aws",
    awsRegion: region,
    autoDiscovery: { clusterName },
    image: { tag: imageTag },
    rbac: { serviceAccount: { create: true, name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } },
    nodeSelector: { ...system.nodeSelector },
    tolerations: tolerationsFor(system.taints),
    extraArgs: {
      // Spot and multi-type groups look alike: keep zones balanced when scaling.
      "balance-similar-node-groups": true,
      expander: "least-waste",
      "skip-nodes-with-system-pods": false,
      "skip-nodes-with-local-storage": false,
    },
    podDisruptionBudget: { maxUnavailable: 1 },
  };
}

export function metricsServerValues(replicas: number, system: Placement): Record<string, unknown> {
  return {
    replicas,
    nodeSelector: { ...system.nodeSelector },
    tolerations: tolerationsFor(system.taints),
    podDisruptionBudget: { enabled: replicas > 1, maxUnavailable: 1 },
  };
}

/** The device plugin only runs on GPU nodes and tolerates their taints. */
export function nvidiaDevicePluginValues(gpu: Placement): Record<string, unknown> {
  return {
    nodeSelector: { ...gpu.nodeSelector },
    tolerations: tolerationsFor(gpu.taints),
  };
}

export interface ReleaseSpec {
  readonly chart: string;
  readonly version: string;
  readonly repo: string;
  readonly values: pulumi.Input<Record<string, unknown>>;
}

/** A pinned Helm release in kube-system, rolled back if it fails to become ready. */
export function createRelease(
  name: string,
  spec: ReleaseSpec,
  opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(
    name,
    {
      name: spec.chart,
      chart: spec.chart,
      version: spec.version,
      repositoryOpts: { repo: spec.repo },
      namespace: "kube-system",
      values: spec.values,
      atomic: true,
      cleanupOnFail: true,
      timeout: 600,
    },
    opts,
  );
}

/** Name of the default StorageClass unless the cluster's `storageClassName` says otherwise. */
export const DEFAULT_STORAGE_CLASS = "gp3-encrypted";

/**
 * The default StorageClass: gp3 through the EBS CSI driver, encrypted with the EBS key, bound when
 * the pod is scheduled (so the volume lands in the pod's AZ), expandable. Since Kubernetes 1.30 EKS
 * no longer marks gp2 as default, so this class is the only default.
 * Its volumes carry the stack's `BackupRequired` tag (what AWS Backup selects on, decision 0111):
 * `true` in production, `false` in dev; without that tag, volumes get none and are not selected.
 */
export function createDefaultStorageClass(
  name: string,
  storageClass: {
    readonly name: string;
    readonly ebsKeyArn: pulumi.Input<string>;
    /** The stack's governance tags; `BackupRequired` is copied onto every volume. */
    readonly tags: Readonly<Record<string, string>>;
  },
  opts: pulumi.CustomResourceOptions,
): k8s.storage.v1.StorageClass {
  const backupRequired = storageClass.tags.BackupRequired;
  return new k8s.storage.v1.StorageClass(
    name,
    {
      metadata: {
        name: storageClass.name,
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
      },
      provisioner: "ebs.csi.aws.com",
      parameters: {
        type: "gp3",
        encrypted: "true",
        kmsKeyId: storageClass.ebsKeyArn,
        "csi.storage.k8s.io/fstype": "ext4",
        // Volumes it creates follow the stack's backup tag (AWS Backup selects BackupRequired=true).
        ...(backupRequired === undefined ? {} : { tagSpecification_1: `BackupRequired=${backupRequired}` }),
      },
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      reclaimPolicy: "Delete",
    },
    opts,
  );
}

/** What the cluster-level charts need to know about the cluster. */
export interface ClusterChartsInputs {
  /** EKS cluster name, known before the cluster exists (autoscaler discovery). */
  readonly clusterName: string;
  /** The same name as an output of the cluster (the autoscaler's identity waits for the cluster). */
  readonly clusterNameOutput: pulumi.Input<string>;
  readonly region: string;
  readonly clusterAutoscaler: { readonly chartVersion: string; readonly imageTag: string };
  readonly metricsServer: { readonly chartVersion: string; readonly replicas?: number };
  readonly nvidiaDevicePlugin: { readonly chartVersion: string };
  /** The cluster's node groups: the charts run on the system group, the device plugin on gpu groups. */
  readonly nodeGroups: Readonly<Record<string, NodeGroupSpec>>;
}

/**
 * The cluster's own Helm releases: the Cluster Autoscaler (with its workload identity, parented
 * like the other AWS children), metrics-server, and the NVIDIA device plugin when there are GPU nodes.
 * `inCluster` carries the cluster's provider and what every in-cluster object waits for.
 */
export function createClusterCharts(
  name: string,
  inputs: ClusterChartsInputs,
  inCluster: pulumi.CustomResourceOptions & { readonly dependsOn: pulumi.Resource[] },
): void {
  const system = placementFor(inputs.nodeGroups, "system");
  const autoscalerIdentity = new WorkloadIdentity(
    `${name}-cluster-autoscaler`,
    {
      clusterName: inputs.clusterNameOutput,
      namespace: "kube-system",
      serviceAccount: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
      policyJson: clusterAutoscalerPolicy(inputs.clusterNameOutput),
    },
    { parent: inCluster.parent },
  );
  createRelease(
    `${name}-cluster-autoscaler`,
    {
      chart: "cluster-autoscaler",
      version: inputs.clusterAutoscaler.chartVersion,
      repo: CHART_REPOSITORIES.clusterAutoscaler,
      values: clusterAutoscalerValues(
        inputs.clusterName,
        inputs.region,
        inputs.clusterAutoscaler.imageTag,
        system,
      ),
    },
    { ...inCluster, dependsOn: [...inCluster.dependsOn, autoscalerIdentity] },
  );
  createRelease(
    `${name}-metrics-server`,
    {
      chart: "metrics-server",
      version: inputs.metricsServer.chartVersion,
      repo: CHART_REPOSITORIES.metricsServer,
      values: metricsServerValues(inputs.metricsServer.replicas ?? 2, system),
    },
    inCluster,
  );
  if (Object.values(inputs.nodeGroups).some((g) => g.role === "gpu")) {
    createRelease(
      `${name}-nvidia-device-plugin`,
      {
        chart: "nvidia-device-plugin",
        version: inputs.nvidiaDevicePlugin.chartVersion,
        repo: CHART_REPOSITORIES.nvidiaDevicePlugin,
        values: nvidiaDevicePluginValues(placementFor(inputs.nodeGroups, "gpu")),
      },
      inCluster,
    );
  }
}
