/**
 * `platform:vault`: HashiCorp Vault on the cluster (HA Raft, KMS auto-unseal, recovery quorum,
 * Raft snapshots). The workloads Vault serves are not listed here: they are the services that
 * declare `vault` in `platform:services` (decision 0056). See docs/runbooks/vault.md.
 */
import { z } from "zod";
import { FIRST_CHART_WITHOUT_DUPLICATE, versionBefore } from "../../components/secrets/vault-chart-config";
import type { ConfigProblem } from "./problems";

/** AWS recovery quorum limits Vault accepts, narrowed by the seeds: 3 to 10 shares. */
export const RECOVERY_SHARES = { min: 3, max: 10 } as const;
export const MIN_RECOVERY_THRESHOLD = 2;
export const MIN_PRODUCTION_RECOVERY_THRESHOLD = 3;

/** A Kubernetes quantity as used for sizes and CPU: `10Gi`, `500m`, `2`. */
export const QUANTITY = /^([0-9]+(\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;
/** Five-field cron: minute hour day-of-month month day-of-week. */
const CRON_FIELD = /^(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?(,(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?)*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

const imageTag = z
  .string()
  .regex(IMAGE_TAG, { message: "must be an image tag like 1.20.1" })
  .refine((t) => t !== "latest", { message: "must be a pinned version, never 'latest'" });

const quantity = z.string().regex(QUANTITY, { message: "must be a Kubernetes quantity like 10Gi or 500m" });

const cron = z.string().refine(
  (v) => {
    const fields = v.trim().split(/\s+/);
    return fields.length === 5 && fields.every((f) => CRON_FIELD.test(f));
  },
  {
    message:
      "must be a 5-field cron expression (minute hour day-of-month month day-of-week), e.g. '0 */6 * * *'",
  },
);

const resources = z.strictObject({
  requests: z.strictObject({ cpu: quantity, memory: quantity }),
  limits: z.strictObject({ cpu: quantity, memory: quantity }),
});

export const vaultSchema = z.strictObject({
  /** Version of the `vault` chart from https://helm.releases.hashicorp.com. */
  chartVersion: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, { message: "must be an exact chart version like 0.32.0", abort: true })
    .refine((v) => !versionBefore(v, FIRST_CHART_WITHOUT_DUPLICATE), {
      message: `must be ${FIRST_CHART_WITHOUT_DUPLICATE} or newer: older charts append a second disable_mlock to the server config, which Vault 1.21+ refuses`,
    }),
  /** Version of the `cert-manager` chart from https://charts.jetstack.io that issues Vault's TLS certificates. */
  certManagerChartVersion: z
    .string()
    .regex(/^v\d+\.\d+\.\d+$/, { message: "must be an exact chart version like v1.18.2" }),
  images: z.strictObject({
    /** hashicorp/vault: server, agent sidecars, the CLI of the jobs. */
    vault: imageTag,
    /** hashicorp/vault-k8s: the agent injector. */
    injector: imageTag,
    /** amazon/aws-cli: bootstrap and snapshot jobs. */
    awsCli: imageTag,
  }),
  /** Raft voters: 1 (no HA) or an odd number from 3 so a quorum survives a loss. */
  replicas: z
    .number()
    .int({ message: "must be an integer" })
    .min(1, { message: "must be at least 1" })
    .max(7, {
      message: "must be at most 7 (Raft voters beyond 7 slow every write)",
    }),
  injectorReplicas: z
    .number()
    .int({ message: "must be an integer" })
    .min(1, { message: "must be at least 1" })
    .max(5, {
      message: "must be at most 5",
    }),
  recoveryShares: z
    .number()
    .int({ message: "must be an integer" })
    .min(RECOVERY_SHARES.min, { message: `must be from ${RECOVERY_SHARES.min} to ${RECOVERY_SHARES.max}` })
    .max(RECOVERY_SHARES.max, { message: `must be from ${RECOVERY_SHARES.min} to ${RECOVERY_SHARES.max}` }),
  recoveryThreshold: z
    .number()
    .int({ message: "must be an integer" })
    .min(MIN_RECOVERY_THRESHOLD, {
      message: `must be at least ${MIN_RECOVERY_THRESHOLD}: one key alone must never be enough`,
    }),
  /** Raft data volume per replica. */
  storageSize: quantity,
  resources,
  snapshotSchedule: cron,
  snapshotRetentionDays: z
    .number()
    .int({ message: "must be an integer" })
    .min(1, { message: "must be at least 1 day" }),
  /** Days between rotations of the database root credential (and the TTL of CI AppRole secret IDs). */
  rotationPeriodDays: z
    .number()
    .int({ message: "must be an integer" })
    .min(1, { message: "must be from 1 to 365 days" })
    .max(365, {
      message: "must be from 1 to 365 days",
    }),
});

export type VaultConfig = z.infer<typeof vaultSchema>;

/**
 * Cross-field and per-environment rules: threshold within the shares, production quorum and
 * replica count, Raft-friendly replica counts.
 */
export function checkVault(vault: VaultConfig, environment: string): ConfigProblem[] {
  const key = "platform:vault";
  const problems: ConfigProblem[] = [];
  if (vault.recoveryThreshold > vault.recoveryShares) {
    problems.push({
      key: `${key}.recoveryThreshold`,
      received: vault.recoveryThreshold,
      message: `must be at most recoveryShares (${vault.recoveryShares}): a quorum larger than the keys handed out can never be met`,
    });
  }
  if (environment === "production" && vault.recoveryThreshold < MIN_PRODUCTION_RECOVERY_THRESHOLD) {
    problems.push({
      key: `${key}.recoveryThreshold`,
      received: vault.recoveryThreshold,
      message: `production needs at least ${MIN_PRODUCTION_RECOVERY_THRESHOLD} recovery key holders to agree`,
    });
  }
  if (vault.replicas !== 1 && vault.replicas % 2 === 0) {
    problems.push({
      key: `${key}.replicas`,
      received: vault.replicas,
      message:
        "must be 1 or an odd number from 3: an even Raft cluster tolerates no more failures than the odd one below it",
    });
  }
  if (environment === "production" && vault.replicas !== 3 && vault.replicas !== 5) {
    problems.push({
      key: `${key}.replicas`,
      received: vault.replicas,
      message: "production runs 3 or 5 Raft voters spread across zones",
    });
  }
  return problems;
}
