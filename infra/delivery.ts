/**
 * Wiring of `platform:delivery` into the delivery identities (components/delivery/): the roles the
 * GitHub Actions workflows of this repository assume for this stack. Kept apart from platform.ts so
 * the platform's wiring stays one call.
 */
import * as pulumi from "@pulumi/pulumi";
import { GithubDeliveryIdentity } from "../components/delivery/github-oidc";
import type { PlatformConfig } from "./config";

/** What the delivery identities need from the rest of the platform. */
export interface DeliveryInputs {
  /** The EKS cluster the roles get access entries on. */
  readonly clusterName: pulumi.Input<string>;
  /** Secrets whose values the program writes; drift detection reads them back. */
  readonly refreshSecretArns: readonly pulumi.Input<string>[];
}

/**
 * The stack's delivery identities. The deploy role trusts the GitHub environment named like the
 * stack (the workflows bind each deploy job to it); role names are `<project>-<stack>-ci-<role>`.
 */
export function createDelivery(
  config: PlatformConfig,
  inputs: DeliveryInputs,
  opts: pulumi.ComponentResourceOptions,
): GithubDeliveryIdentity {
  const delivery = config.delivery;
  return new GithubDeliveryIdentity(
    "delivery",
    {
      repository: delivery.repository,
      githubEnvironment: config.stack,
      defaultBranch: delivery.defaultBranch,
      oidcProviderArn: delivery.oidcProvider === "create" ? undefined : delivery.oidcProvider,
      roleNamePrefix: `${config.project}-${config.stack}-ci`,
      state: {
        bucket: delivery.stateBucket,
        kmsKeyArn: delivery.stateKeyArn,
        project: config.project,
        stack: config.stack,
      },
      secretsKeyArn: delivery.secretsKeyArn,
      deployPolicyArns: delivery.deployPolicyArns,
      refreshSecretArns: inputs.refreshSecretArns,
      clusterName: inputs.clusterName,
    },
    opts,
  );
}
