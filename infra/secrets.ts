/**
 * Step "secrets": cert-manager (which issues Vault's listener certificate) and Vault on the system
 * nodes, with its clients (the services that declare `vault`) and the database it issues
 * credentials for.
 */
import { CertManager } from "../components/secrets/cert-manager";
import { Vault } from "../components/secrets/vault";
import type { PostgresDatabase } from "../components/data/postgres";
import type { Network } from "../components/network/vpc";
import type { KmsKeys } from "../components/security/kms";
import type { EksCluster } from "../components/cluster/cluster";
import { vaultWorkloads } from "../components/workloads/spec";
import { systemPlacement } from "./cluster";
import type { PlatformConfig } from "./config";
import type { KubernetesOptions } from "./providers";

/** The secrets tier. */
export interface SecretsTier {
  readonly certManager: CertManager;
  readonly vault: Vault;
}

export function createSecrets(
  config: PlatformConfig,
  k8sOpts: KubernetesOptions,
  platform: { cluster: EksCluster; network: Network; kms: KmsKeys; postgres: PostgresDatabase },
): SecretsTier {
  const { cluster, network, kms, postgres } = platform;
  const placement = systemPlacement(config, cluster);
  const { certManagerChartVersion, ...vaultConfig } = config.vault;
  const certManager = new CertManager(
    "cert-manager",
    { chartVersion: certManagerChartVersion, ...placement },
    k8sOpts,
  );
  const vault = new Vault(
    "vault",
    {
      ...vaultConfig,
      ...placement,
      protect: config.protectStatefulResources,
      clusterName: cluster.clusterName,
      region: config.region,
      kmsKeyArn: kms.keyArns.vault,
      backupKmsKeyArn: kms.keyArns.backup,
      secretsKmsKeyArn: kms.keyArns.secrets,
      storageClassName: cluster.storageClassName,
      certManager,
      // The Vault clients are the services that declare `vault` (decision 0056).
      workloads: vaultWorkloads(config.services.services),
      database: {
        host: postgres.address,
        port: postgres.port,
        masterSecretArn: postgres.masterUserSecretArn.apply((arn) => arn ?? ""),
        cidrBlocks: network.dataSubnetCidrs,
      },
    },
    k8sOpts,
  );
  return { certManager, vault };
}
