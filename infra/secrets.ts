/**
 * Step "secrets": cert-manager (which issues Vault's listener certificate) and Vault on the system
 * nodes, with its clients (the services that declare `vault`) and the database it issues
 * credentials for.
 */
import { CERT_MANAGER_NAMESPACE, CertManager } from "../components/secrets/cert-manager";
import { Vault } from "../components/secrets/vault";
import type { DataTier } from "./data";
import type { Network } from "../components/network/vpc";
import type { KmsKeys } from "../components/security/kms";
import {
  KV_MOUNT,
  VAULT_CA_ISSUER,
  VAULT_NAMESPACE,
  VAULT_TOKEN_AUDIENCE,
} from "../components/shared/vault-names";
import type { EksCluster } from "../components/cluster/cluster";
import { vaultWorkloads } from "../components/workloads/spec";
import { systemPlacement } from "./cluster";
import type { PlatformConfig } from "./config";
import type { KubernetesOptions } from "./providers";
import type { PrimaryStack } from "./standby";

/** The secrets tier. */
export interface SecretsTier {
  readonly certManager: CertManager;
  readonly vault: Vault;
}

export function createSecrets(
  config: PlatformConfig,
  k8sOpts: KubernetesOptions,
  platform: {
    cluster: EksCluster;
    network: Network;
    kms: KmsKeys;
    postgres: DataTier["postgres"];
    /** Set in a standby stack: its Vault seals with the primary's replicated seal key. */
    primary?: PrimaryStack;
  },
): SecretsTier {
  const { cluster, network, kms, postgres, primary } = platform;
  const placement = systemPlacement(config, cluster);
  const { certManagerChartVersion, ...vaultConfig } = config.vault;
  // The platform's Vault conventions (the components' defaults, stated once); services read the same.
  const vaultConventions = {
    namespace: VAULT_NAMESPACE,
    caIssuerName: VAULT_CA_ISSUER,
    certManagerNamespace: CERT_MANAGER_NAMESPACE,
    kvMount: KV_MOUNT,
    tokenAudience: VAULT_TOKEN_AUDIENCE,
  };
  const certManager = new CertManager(
    "cert-manager",
    { chartVersion: certManagerChartVersion, namespace: vaultConventions.certManagerNamespace, ...placement },
    k8sOpts,
  );
  const vault = new Vault(
    "vault",
    {
      ...vaultConfig,
      ...placement,
      ...vaultConventions,
      protect: config.protectStatefulResources,
      clusterName: cluster.clusterName,
      region: config.region,
      // A standby's Vault restores the primary's Raft snapshots: their keyring is sealed by the
      // primary's key, whose replica in this region unseals it (docs/decisions/0144).
      kmsKeyArn: primary ? primary.vaultSealKeyReplicaArn : kms.keyArns.vault,
      backupKmsKeyArn: kms.keyArns.backup,
      secretsKmsKeyArn: kms.keyArns.secrets,
      storageClassName: cluster.storageClassName,
      certManager,
      // The Vault clients are the services that declare `vault` (decision 0056).
      workloads: vaultWorkloads(config.services.services),
      // The control plane's ENIs sit in the cluster's (private) subnets: only they call the injector.
      webhookSourceCidrs: network.privateSubnetCidrs,
      database: {
        host: postgres.address,
        port: postgres.port,
        masterSecretArn: postgres.masterUserSecretArn,
        cidrBlocks: network.dataSubnetCidrs,
      },
    },
    k8sOpts,
  );
  return { certManager, vault };
}
