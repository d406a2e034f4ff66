/**
 * The service declaration, as users write it in `platform:services`: its types and the defaults and
 * limits the rules apply. Plain data, no Pulumi imports. The rules live beside it (`field-rules.ts`,
 * `cross-field-rules.ts`, `vault-rules.ts`, `set-rules.ts`, `scaling-plan.ts`); `spec.ts` re-exports
 * them all.
 */
import { RESERVED_NAMESPACES } from "../shared/workload-defaults";

/** Resource amounts in Kubernetes quantity notation (`500m`, `2`, `512Mi`, `2Gi`). */
export interface ResourceAmounts {
  readonly cpu: string;
  readonly memory: string;
}

/** Horizontal autoscaling between two replica counts on CPU and/or memory utilisation. */
export interface AutoscalingDeclaration {
  /** Fewest pods the HPA keeps. */
  readonly minReplicas: number;
  /** Most pods the HPA may run. */
  readonly maxReplicas: number;
  /**
   * Target average CPU utilisation, percent of the CPU request.
   * @default no CPU metric (then memoryUtilization is required)
   */
  readonly cpuUtilization?: number;
  /**
   * Target average memory utilisation, percent of the memory request.
   * @default no memory metric (then cpuUtilization is required)
   */
  readonly memoryUtilization?: number;
}

/** A container environment variable read from a key of a Kubernetes Secret in the service's namespace. */
export interface SecretEnvDeclaration {
  /** Environment variable name. */
  readonly name: string;
  /** Name of the Secret (synced from Secrets Manager or injected by Vault) in the service's namespace. */
  readonly secretName: string;
  /** Key inside the Secret. */
  readonly key: string;
}

/** How a service is reached from outside the cluster: an ALB through the AWS Load Balancer Controller. */
export interface ExposeDeclaration {
  /** `internet-facing` (ALB in the public subnets) or `internal` (reachable only from the VPC and peers). */
  readonly scheme: "internet-facing" | "internal";
  /** Host name the Ingress rule matches, e.g. `api.example.com`. */
  readonly host: string;
  /** ACM certificate ARN for the HTTPS listener; required (there is no plain-HTTP exposure). */
  readonly certificateArn?: string;
}

/** One file the Vault agent renders into `/vault/secrets/<file>` as JSON, and keeps current. */
export interface VaultSecretDeclaration {
  /** File name under `/vault/secrets`: lowercase letters, digits, '-' and '_', ending in `.json`. */
  readonly file: string;
  /**
   * What to read: `platform/<service>/<key>` (the service's own KV v2 secrets, as `vault kv get` names
   * them) or `database/creds/<service>` (a dynamic PostgreSQL login; needs `databaseRole`).
   */
  readonly path: string;
}

/** Secrets from Vault, through the Vault Agent injector (docs/decisions/0056). */
export interface VaultDeclaration {
  /** Files to render; at least one. */
  readonly secrets: readonly VaultSecretDeclaration[];
  /**
   * PostgreSQL group role (created by the service's migrations) that Vault's dynamic users join.
   * Required to read `database/creds/<service>`.
   * @default no database credentials
   */
  readonly databaseRole?: string;
}

/** Read-only Kubernetes API access for the service's ServiceAccount (docs/decisions/0043). */
export interface KubernetesApiDeclaration {
  /** Resources of the service's own namespace it may get, list and watch; from {@link KUBERNETES_READABLE}. */
  readonly readOnly: readonly string[];
}

/** A check the release runs in a hardened Job in the service's namespace (release-rules.ts). */
export interface ReleaseCheckDeclaration {
  /** Image of the check, pinned by a version tag or a digest (the same rule as the service's image). */
  readonly image: string;
  /**
   * Command and arguments. `$(CANARY_URL)` expands to the canary Service's base URL
   * (`http://<name>-canary.<name>.svc.cluster.local:<http port>`).
   */
  readonly command: readonly string[];
}

/**
 * How a new version reaches users (docs/decisions/0150): `rolling` replaces pods with a Deployment's
 * RollingUpdate; `canary` runs an Argo Rollouts Rollout that shifts ALB traffic in steps, judged by
 * Prometheus, and rolls back on its own when the analysis fails.
 */
export interface ReleaseDeclaration {
  readonly strategy: "rolling" | "canary";
  /** Canary traffic weights in percent, increasing, each 1-99. @default [10, 20, 30, 40, 50] */
  readonly steps?: readonly number[];
  /** Pause after each weight, in seconds (at least two analysis intervals). @default 300 */
  readonly stepPauseSeconds?: number;
  /** Seconds between two analysis measurements. @default 60 */
  readonly analysisIntervalSeconds?: number;
  /** Failed measurements of one metric tolerated; one more aborts and rolls back. @default 5 */
  readonly failureLimit?: number;
  /** Least fraction of the canary's requests answered 2xx/3xx. @default 0.99 */
  readonly successRate?: number;
  /** Highest p95 request duration of the canary, in milliseconds. @default 500 */
  readonly latencyP95Ms?: number;
  /** Highest fraction of the canary's requests answered 5xx. @default 0.01 */
  readonly errorRate?: number;
  /**
   * Acceptance test run against the canary pods before any traffic shifts.
   * @default curl of the readiness path through the canary Service (`RELEASE_CHECK_IMAGE`)
   */
  readonly acceptance?: ReleaseCheckDeclaration;
  /** Load generated against the canary during the analysis. @default none (user traffic only) */
  readonly load?: ReleaseCheckDeclaration;
}

/** One service as declared in stack config. */
export interface ServiceDeclaration {
  /** Names the namespace, ServiceAccount, Deployment and Service: a DNS label starting with a letter. */
  readonly name: string;
  /** Container image pinned by a version tag (never `latest`) or a `@sha256:` digest. */
  readonly image: string;
  /** Container ports: `http` serves traffic and probes, `metrics` serves Prometheus metrics (default 9090 unless `http` is 9090). */
  readonly ports: { readonly http: number; readonly metrics?: number };
  /** Pods to run; with `autoscaling` the HPA owns the count and this must lie between its bounds. */
  readonly replicas: number;
  /** @default no HPA: the Deployment runs exactly `replicas` pods */
  readonly autoscaling?: AutoscalingDeclaration;
  /** Container requests and limits; every limit at least its request. */
  readonly resources: { readonly requests: ResourceAmounts; readonly limits: ResourceAmounts };
  /** Health endpoint paths on the http port. @default liveness /health, readiness /ready, startup = liveness */
  readonly probes?: { readonly liveness?: string; readonly readiness?: string; readonly startup?: string };
  /** `postgres`, `redis` and names of other declared services this service calls. @default none */
  readonly dependsOn?: readonly string[];
  /** Allow HTTPS (443) to public addresses. @default false: no internet egress */
  readonly internetEgress?: boolean;
  /** @default not exposed: reachable only inside the cluster, from declared callers */
  readonly expose?: ExposeDeclaration;
  /** Credentials, by Secret reference only. @default none */
  readonly secretEnv?: readonly SecretEnvDeclaration[];
  /** Non-secret settings, delivered as environment variables from a ConfigMap. @default none */
  readonly config?: Readonly<Record<string, string>>;
  /** Namespace ResourceQuota on requests. @default 16 CPU / 32Gi */
  readonly namespaceQuota?: ResourceAmounts;
  /** UID (and GID, fsGroup) the containers run as; at least 1000. @default 10001 */
  readonly runAsUser?: number;
  /** Inline IAM policy JSON for the service's own AWS role (EKS Pod Identity). @default no AWS role */
  readonly awsPolicyJson?: string;
  /** Secrets rendered to files by the Vault agent. @default no Vault agent, no Vault role */
  readonly vault?: VaultDeclaration;
  /** Read-only access to the Kubernetes API in the service's namespace. @default no API token in the pods */
  readonly kubernetesApi?: KubernetesApiDeclaration;
  /** How new versions roll out (docs/decisions/0150). @default `{ strategy: "rolling" }` */
  readonly release?: ReleaseDeclaration;
}

/** Platform conventions the declaration rules depend on; each defaults to this platform's value. */
export interface RuleOptions {
  /** Names a service may not take (`kube-*` is always refused). @default RESERVED_NAMES */
  readonly reservedNamespaces?: readonly string[];
  /** KV v2 mount of the services' Vault secrets. @default `KV_MOUNT` of components/shared/vault-names.ts ("platform") */
  readonly kvMount?: string;
}

/** One problem with a declaration: `path` is relative to the service (`resources.limits.cpu`). */
export interface SpecProblem {
  readonly path: string;
  readonly received: unknown;
  readonly message: string;
}

export const DATA_DEPENDENCIES = ["postgres", "redis"] as const;
export const DEFAULT_QUOTA: ResourceAmounts = { cpu: "16", memory: "32Gi" };
export const DEFAULT_RUN_AS_USER = 10001;
export const DEFAULT_PROBES = { liveness: "/health", readiness: "/ready" } as const;
/** Pods a rolling update may add above the desired count. */
export const MAX_SURGE = 1;
/**
 * Namespaces of the cluster and of platform components: a service may not take these names. The
 * default of the `reservedNamespaces` rule option and of `PlatformService`'s argument.
 */
export const RESERVED_NAMES = RESERVED_NAMESPACES;
/**
 * Resources a service may read through the Kubernetes API, with their API group. Never secrets
 * (credentials arrive by reference or from Vault), never anything writable.
 */
export const KUBERNETES_READABLE = {
  configmaps: "",
  endpoints: "",
  events: "",
  pods: "",
  services: "",
  endpointslices: "discovery.k8s.io",
} as const;
/** Requests and limits the Vault agent containers (init and sidecar) get in every pod. */
export const VAULT_AGENT_RESOURCES = {
  requests: { cpu: "50m", memory: "64Mi" },
  limits: { cpu: "250m", memory: "128Mi" },
} as const;
/** Environment variables the component sets itself for data-tier dependencies. */
export const PLATFORM_ENV = ["POSTGRES_HOST", "POSTGRES_PORT", "REDIS_HOST", "REDIS_PORT"] as const;
