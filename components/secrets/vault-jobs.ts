/**
 * What Vault's maintenance jobs share: the `vault-scripts` ConfigMap (scripts, policies, SQL) they
 * mount read-only, their service accounts, their pod (restricted, the `vault` binary copied from the
 * Vault image into an aws-cli container) and the common environment.
 */
import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { WorkloadIdentity } from "../cluster/workload-identity";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "./security-context";
import type { VaultArgs } from "./vault-args";
import { identityAnnotations, type VaultIdentityContext } from "./vault-identity";
import {
  JOB_LABELS,
  JOB_UID,
  SCRIPTS_CONFIG_MAP,
  TLS_SECRET,
  VAULT_LEADER_ADDRESS,
  vaultActiveAddress,
} from "./vault-layout";
import { fileKeyToPath, scriptFiles } from "./vault-scripts";

/** Everything a job step needs from the component. */
export interface VaultJobs {
  readonly ids: VaultIdentityContext;
  /** Vault's namespace (the Output of the Namespace resource). */
  readonly namespace: pulumi.Output<string>;
  readonly images: VaultArgs["images"];
  /** Environment of every job container. */
  readonly env: Readonly<Record<string, string>>;
  /** The Helm release: jobs talk to the servers it runs. */
  readonly release: pulumi.Resource;
  /** The ConfigMap of scripts, policies and SQL. */
  readonly scripts: k8s.core.v1.ConfigMap;
  /** How the ConfigMap's keys are mounted under `/scripts`. */
  readonly items: readonly { key: string; path: string }[];
  /** SHA-256 of the ConfigMap's data, annotated on the pod templates so a change rolls them. */
  readonly configHash: string;
}

/** Creates the scripts ConfigMap; returns the context of the job steps. */
export function createVaultJobs(
  ids: VaultIdentityContext,
  namespace: pulumi.Output<string>,
  args: Pick<VaultArgs, "images" | "region" | "workloads" | "database">,
  kvMount: string,
  release: pulumi.Resource,
): VaultJobs {
  const files = scriptFiles(args.workloads ?? [], kvMount, args.database !== undefined);
  const scripts = new k8s.core.v1.ConfigMap(
    `${ids.name}-scripts`,
    { metadata: { name: SCRIPTS_CONFIG_MAP, namespace, labels: JOB_LABELS }, data: files },
    { parent: ids.parent },
  );
  return {
    ids,
    namespace,
    images: args.images,
    env: {
      VAULT_ACTIVE_ADDR: vaultActiveAddress(ids.namespace),
      VAULT_LEADER_ADDR: VAULT_LEADER_ADDRESS,
      VAULT_CACERT: "/vault/tls/ca.crt",
      AWS_REGION: args.region,
      HOME: "/tmp",
      STATE_DIR: "/state",
    },
    release,
    scripts,
    items: Object.keys(files).map((key) => ({ key, path: fileKeyToPath(key) })),
    configHash: crypto.createHash("sha256").update(JSON.stringify(files)).digest("hex"),
  };
}

/** Service account of a job; its token is mounted only into the job pods that log in to Vault (they opt in). */
export function createJobServiceAccount(
  jobs: VaultJobs,
  key: string,
  serviceAccountName: string,
  identity: WorkloadIdentity,
): k8s.core.v1.ServiceAccount {
  return new k8s.core.v1.ServiceAccount(
    `${jobs.ids.name}-${key}-sa`,
    {
      metadata: {
        name: serviceAccountName,
        namespace: jobs.namespace,
        labels: JOB_LABELS,
        annotations: identityAnnotations(jobs.ids, identity),
      },
      automountServiceAccountToken: false,
    },
    { parent: jobs.ids.parent },
  );
}

/**
 * Cap of the volume the `vault` binary is copied into. The binary keeps its debug symbols and has
 * grown past several hundred MB (179 MB in 1.13.2, 246 MB in 1.13.3, +44 % in 1.14.2: ~350 MB;
 * 1.21 is larger still, hashicorp/vault#21069 and #22893): 1Gi leaves room for ~2x that, so a
 * patch release does not get the pod evicted for exceeding its ephemeral storage.
 */
export const TOOLS_SIZE_LIMIT = "1Gi";

/** One job pod: who it runs as, which script, its state volume and its extra environment. */
export interface JobPodParams {
  readonly serviceAccountName: pulumi.Input<string>;
  readonly script: string;
  readonly restartPolicy: "OnFailure" | "Never";
  readonly state: { readonly medium?: "Memory"; readonly sizeLimit: string };
  readonly env: Record<string, pulumi.Input<string>>;
}

/**
 * Pod of a maintenance job: an init container copies the static `vault` binary from the Vault image,
 * the main container (aws-cli) runs the script. Non-root, read-only root filesystem, no capabilities.
 */
export function jobPodSpec(jobs: VaultJobs, p: JobPodParams): k8s.types.input.core.v1.PodSpec {
  const securityContext = restrictedContainerSecurityContext();
  const small = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
  const env = { ...jobs.env, ...p.env };
  return {
    serviceAccountName: p.serviceAccountName,
    automountServiceAccountToken: true,
    restartPolicy: p.restartPolicy,
    securityContext: restrictedPodSecurityContext(JOB_UID, JOB_UID),
    initContainers: [
      {
        name: "vault-cli",
        image: `hashicorp/vault:${jobs.images.vault}`,
        command: ["/bin/sh", "-c", "cp /bin/vault /tools/vault"],
        securityContext,
        resources: small,
        volumeMounts: [{ name: "tools", mountPath: "/tools" }],
      },
    ],
    containers: [
      {
        name: "run",
        image: `amazon/aws-cli:${jobs.images.awsCli}`,
        command: ["/bin/bash", `/scripts/${p.script}`],
        env: Object.entries(env).map(([envName, value]) => ({ name: envName, value })),
        securityContext,
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
        volumeMounts: [
          { name: "tools", mountPath: "/tools", readOnly: true },
          { name: "scripts", mountPath: "/scripts", readOnly: true },
          { name: "vault-ca", mountPath: "/vault/tls", readOnly: true },
          { name: "state", mountPath: "/state" },
          { name: "tmp", mountPath: "/tmp" },
        ],
      },
    ],
    volumes: [
      { name: "tools", emptyDir: { sizeLimit: TOOLS_SIZE_LIMIT } },
      {
        name: "scripts",
        configMap: { name: SCRIPTS_CONFIG_MAP, defaultMode: 0o555, items: jobs.items.map((i) => ({ ...i })) },
      },
      { name: "vault-ca", secret: { secretName: TLS_SECRET, items: [{ key: "ca.crt", path: "ca.crt" }] } },
      { name: "state", emptyDir: { ...p.state } },
      { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
    ],
  };
}

/** A CronJob running one script on a schedule (UTC), never overlapping, after the release and scripts exist. */
export function createMaintenanceCronJob(
  jobs: VaultJobs,
  key: string,
  schedule: string,
  pod: JobPodParams,
  identity: WorkloadIdentity,
): k8s.batch.v1.CronJob {
  return new k8s.batch.v1.CronJob(
    `${jobs.ids.name}-${key}`,
    {
      metadata: { name: `vault-${key}`, namespace: jobs.namespace, labels: JOB_LABELS },
      spec: {
        schedule,
        timeZone: "Etc/UTC",
        concurrencyPolicy: "Forbid",
        startingDeadlineSeconds: 600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 1800,
            template: {
              metadata: { labels: JOB_LABELS, annotations: { "platform/config-sha256": jobs.configHash } },
              spec: jobPodSpec(jobs, pod),
            },
          },
        },
      },
    },
    { parent: jobs.ids.parent, dependsOn: [jobs.release, jobs.scripts, identity] },
  );
}
