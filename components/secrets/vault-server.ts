/**
 * The Vault servers: their AWS role (the unseal key only) and the official chart as a
 * `helm.v3.Release` (protected: it owns the Raft volumes' claims).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { WorkloadIdentity } from "../cluster/workload-identity";
import { statefulOptions } from "../shared/stateful";
import type { VaultArgs } from "./vault-args";
import { vaultHelmValues } from "./vault-helm-values";
import { serverIamPolicy } from "./vault-iam";
import { createVaultIdentity, type VaultIdentityContext } from "./vault-identity";
import { VAULT_RELEASE } from "./vault-layout";

export interface VaultServer {
  readonly release: k8s.helm.v3.Release;
  readonly identity: WorkloadIdentity;
}

/** Creates the server role and the release, after the listener certificate (`tls`). */
export function createVaultServer(
  ids: VaultIdentityContext,
  namespace: pulumi.Output<string>,
  args: VaultArgs,
  tls: pulumi.Resource,
): VaultServer {
  const identity = createVaultIdentity(
    ids,
    "server",
    VAULT_RELEASE,
    pulumi.jsonStringify(pulumi.output(args.kmsKeyArn).apply(serverIamPolicy)),
  );
  const values = pulumi
    .all([args.kmsKeyArn, args.storageClassName, ids.irsa ? identity.roleArn : undefined])
    .apply(([kmsKeyArn, storageClassName, irsaRoleArn]) =>
      vaultHelmValues({
        namespace: ids.namespace,
        region: args.region,
        kmsKeyArn,
        storageClassName,
        storageSize: args.storageSize,
        replicas: args.replicas,
        injectorReplicas: args.injectorReplicas ?? 1,
        vaultImageTag: args.images.vault,
        injectorImageTag: args.images.injector,
        resources: args.resources,
        nodeSelector: args.nodeSelector ?? {},
        tolerations: args.tolerations ?? [],
        injectNamespaces: injectNamespaces(args),
        ...(irsaRoleArn !== undefined ? { irsaRoleArn } : {}),
      }),
    );
  const release = new k8s.helm.v3.Release(
    `${ids.name}-release`,
    {
      name: VAULT_RELEASE,
      chart: "vault",
      version: args.chartVersion,
      repositoryOpts: { repo: "https://helm.releases.hashicorp.com" },
      namespace,
      createNamespace: false,
      values,
      // Uninitialised pods are never ready; the bootstrap job is the readiness gate (decision 0052).
      skipAwait: true,
      maxHistory: 10,
    },
    statefulOptions(ids.parent, args.protect, { dependsOn: [tls, identity] }),
  );
  return { release, identity };
}

/** Namespaces of Vault's clients, sorted: the injector mutates their pods, the server admits them. */
export function injectNamespaces(args: Pick<VaultArgs, "workloads">): string[] {
  return [...new Set((args.workloads ?? []).map((w) => w.namespace))].sort();
}
