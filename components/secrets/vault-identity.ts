/**
 * AWS roles of Vault's pods, through the cluster's workload identity (EKS Pod Identity by default,
 * IRSA when asked): one role per service account, named `<name>-<key>`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { WorkloadIdentity } from "../cluster/workload-identity";
import type { VaultArgs } from "./vault-args";

/** What every Vault identity shares. */
export interface VaultIdentityContext {
  readonly name: string;
  readonly parent: pulumi.Resource;
  readonly clusterName: pulumi.Input<string>;
  /** Vault's namespace (the service accounts live there). */
  readonly namespace: string;
  /** IRSA settings; absent: EKS Pod Identity. */
  readonly irsa?: VaultArgs["identity"];
}

/** A role for service account `serviceAccount` of Vault's namespace, with an inline policy. */
export function createVaultIdentity(
  ctx: VaultIdentityContext,
  key: string,
  serviceAccount: string,
  policyJson: pulumi.Input<string>,
): WorkloadIdentity {
  const irsa = ctx.irsa;
  return new WorkloadIdentity(
    `${ctx.name}-${key}`,
    {
      clusterName: ctx.clusterName,
      namespace: ctx.namespace,
      serviceAccount,
      policyJson,
      ...(irsa
        ? { mechanism: "irsa" as const, oidcProviderArn: irsa.oidcProviderArn, oidcIssuer: irsa.oidcIssuer }
        : {}),
    },
    { parent: ctx.parent },
  );
}

/** Annotations of the service account that uses `identity`: the role ARN under IRSA, none under Pod Identity. */
export function identityAnnotations(
  ctx: VaultIdentityContext,
  identity: WorkloadIdentity,
): Record<string, pulumi.Input<string>> {
  return ctx.irsa ? { "eks.amazonaws.com/role-arn": identity.roleArn } : {};
}
