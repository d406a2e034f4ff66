/**
 * Step "registry": one ECR repository per declared service, encrypted with the ECR key, pulled by the
 * nodes, pushed by the CI deploy role(s) of `platform:registry.pushRoleArns`.
 */
import type * as aws from "@pulumi/aws";
import type { EksCluster } from "../components/cluster/cluster";
import { ContainerRegistry } from "../components/registry/registry";
import type { KmsKeys } from "../components/security/kms";
import type { PlatformConfig } from "./config";

export function createRegistry(
  config: PlatformConfig,
  provider: aws.Provider,
  platform: { kms: KmsKeys; cluster: EksCluster },
): ContainerRegistry {
  const { repositoryPrefix, keepTaggedImages, untaggedExpiryDays, pushRoleArns } = config.registry;
  return new ContainerRegistry(
    "registry",
    {
      repositoryPrefix,
      repositories: config.services.services.map((s) => s.name),
      kmsKeyArn: platform.kms.keyArns.ecr,
      keepTaggedImages,
      untaggedExpiryDays,
      pullPrincipalArns: [platform.cluster.nodeRoleArn],
      pushPrincipalArns: pushRoleArns,
      protect: config.protectStatefulResources,
    },
    { providers: [provider] },
  );
}
