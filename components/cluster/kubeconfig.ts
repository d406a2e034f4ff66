/**
 * How Pulumi reaches the cluster: a kubeconfig that authenticates with `aws eks get-token` (no
 * static token in state; whoever uses it needs AWS credentials mapped to an access entry of the
 * cluster) and the Kubernetes provider built on it.
 */
import type * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface KubeconfigInputs {
  readonly clusterName: pulumi.Input<string>;
  /** API server URL (`https://...`). */
  readonly endpoint: pulumi.Input<string>;
  /** Base64 cluster CA certificate. */
  readonly certificateAuthority: pulumi.Input<string>;
  readonly region: string;
}

/** The kubeconfig as JSON (valid YAML); the caller wraps it in `pulumi.secret`. */
export function buildKubeconfig(inputs: KubeconfigInputs): pulumi.Output<string> {
  return pulumi.jsonStringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: inputs.clusterName,
        cluster: { server: inputs.endpoint, "certificate-authority-data": inputs.certificateAuthority },
      },
    ],
    contexts: [
      { name: inputs.clusterName, context: { cluster: inputs.clusterName, user: inputs.clusterName } },
    ],
    "current-context": inputs.clusterName,
    users: [
      {
        name: inputs.clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: [
              "eks",
              "get-token",
              "--cluster-name",
              inputs.clusterName,
              "--region",
              inputs.region,
              "--output",
              "json",
            ],
            interactiveMode: "Never",
          },
        },
      },
    ],
  });
}

/**
 * The cluster's kubeconfig (a secret) and `${name}-k8s`, its Kubernetes provider. The provider waits
 * for `clusterReady` (the nodes, the add-ons that need them: DNS, EBS CSI, and the admin access
 * policy associations, so the deployer is authorised before its first call), so every object
 * deployed through it, by this component or by others (ALB controller, services, Vault), waits too,
 * and on destroy those objects go before the nodes that run their controllers.
 */
export function createKubernetesProvider(
  name: string,
  cluster: aws.eks.Cluster,
  region: string,
  clusterReady: pulumi.Resource[],
  parent: pulumi.Resource,
): { kubeconfig: pulumi.Output<string>; provider: k8s.Provider } {
  const kubeconfig = pulumi.secret(
    buildKubeconfig({
      clusterName: cluster.name,
      endpoint: cluster.endpoint,
      certificateAuthority: cluster.certificateAuthority.apply((ca) => ca.data!),
      region,
    }),
  );
  const provider = new k8s.Provider(
    `${name}-k8s`,
    { kubeconfig, enableServerSideApply: true },
    { parent, dependsOn: clusterReady },
  );
  return { kubeconfig, provider };
}
