/** Plain types shared by the secrets components and their callers. */

/** Requests and limits of a container (Kubernetes quantities). */
export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** A Kubernetes toleration, e.g. `CriticalAddonsOnly=true:NoSchedule` of the system nodes. */
export interface Toleration {
  readonly key: string;
  readonly operator: "Equal" | "Exists";
  readonly value?: string;
  readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** A workload Vault serves (Kubernetes auth role + policy named after it). */
export interface VaultWorkload {
  /** Policy and role name; its KV secrets live under `<kvMount>/<name>/`. */
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /**
   * PostgreSQL group role dynamic database users join: created by the first login's creation
   * statements (the platform owns it); the service's migrations grant it its privileges.
   * @default no database access
   */
  readonly databaseGroupRole?: string;
}
