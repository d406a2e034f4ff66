/**
 * The service declaration, as users write it in `platform:services`, and the pure rules about it.
 *
 * The same functions back the stack-config schema (`infra/config/services.ts`) and the
 * {@link PlatformService} component's own validation, so a declaration is judged identically
 * whether it comes from a stack file or from code. No Pulumi imports: everything here is plain data.
 */

/** Resource amounts in Kubernetes quantity notation (`500m`, `2`, `512Mi`, `2Gi`). */
import {
  cpuProblem,
  formatCpu,
  formatMemory,
  memoryProblem,
  parseCpu,
  parseMemory,
} from "../shared/quantity";
import { KV_MOUNT } from "../shared/vault-names";
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

/** One service as declared in stack config. */
export interface ServiceDeclaration {
  /** Names the namespace, ServiceAccount, Deployment and Service: a DNS label starting with a letter. */
  readonly name: string;
  /** Container image pinned by a version tag (never `latest`) or a `@sha256:` digest. */
  readonly image: string;
  /** Container ports: `http` serves traffic and probes, `metrics` (optional) serves Prometheus metrics. */
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
/** Namespaces of the cluster and of platform components: a service may not take these names. */
export const RESERVED_NAMES = ["default", "monitoring", "vault", "external-secrets", "cert-manager"] as const;
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

// ---------------------------------------------------------------------------------------------
// Single-field rules (each returns a message, or undefined when the value is fine)

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IMAGE_NAME = /^[a-z0-9]+([._-]+[a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
const ACM_ARN = /^arn:aws[a-z-]*:acm:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:certificate\/[0-9a-f-]{36}$/;
const HTTP_PATH = /^\/[A-Za-z0-9._~\-/]*$/;
/** Config keys that look like credentials: those belong in secretEnv. */
const CREDENTIAL_LIKE = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|ACCESS_KEY|CREDENTIAL)/i;

export function serviceNameProblem(name: string): string | undefined {
  if (!DNS_LABEL.test(name)) {
    return "must be a DNS label: lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters (it names the namespace and the Service)";
  }
  if (name.startsWith("kube-") || (RESERVED_NAMES as readonly string[]).includes(name)) {
    return `is reserved for a cluster or platform namespace (${RESERVED_NAMES.join(", ")}, kube-*); choose another name`;
  }
  return undefined;
}

export function imageProblem(image: string): string | undefined {
  const at = image.indexOf("@");
  const reference = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const tagAt = reference.indexOf(":", reference.lastIndexOf("/") + 1);
  const repository = tagAt >= 0 ? reference.slice(0, tagAt) : reference;
  const tag = tagAt >= 0 ? reference.slice(tagAt + 1) : undefined;
  if (!IMAGE_NAME.test(repository) || (tag !== undefined && !IMAGE_TAG.test(tag))) {
    return "must be an image reference like registry/repository:1.2.3 or registry/repository@sha256:<64 hex digits>";
  }
  if (digest !== undefined) {
    return DIGEST.test(digest)
      ? undefined
      : "has a malformed digest; use @sha256: followed by 64 lowercase hex digits";
  }
  if (tag === undefined) {
    return "is not pinned: add a version tag (repository:1.2.3) or a digest (repository@sha256:...)";
  }
  if (tag.toLowerCase() === "latest") {
    return "uses the 'latest' tag, which moves under you: pin a version tag or a digest";
  }
  return undefined;
}

export function portProblem(port: number): string | undefined {
  return Number.isInteger(port) && port >= 1024 && port <= 65535
    ? undefined
    : "must be an integer from 1024 to 65535 (containers run as non-root with every capability dropped, so they cannot bind ports below 1024)";
}

export function probePathProblem(path: string): string | undefined {
  return HTTP_PATH.test(path) ? undefined : "must be an HTTP path starting with '/', e.g. /health";
}

export function runAsUserProblem(uid: number): string | undefined {
  return Number.isInteger(uid) && uid >= 1000 && uid <= 2147483647
    ? undefined
    : "must be an integer UID from 1000 to 2147483647 (non-root, clear of system accounts)";
}

export function envNameProblem(name: string): string | undefined {
  return ENV_NAME.test(name)
    ? undefined
    : "must be an environment variable name: letters, digits and '_', not starting with a digit";
}

export function credentialKeyProblem(name: string): string | undefined {
  return CREDENTIAL_LIKE.test(name)
    ? "looks like a credential; config is plain text: deliver it through secretEnv (a Secret reference)"
    : undefined;
}

export function configKeyProblem(name: string): string | undefined {
  return envNameProblem(name) ?? credentialKeyProblem(name);
}

export function secretNameProblem(name: string): string | undefined {
  return DNS_SUBDOMAIN.test(name)
    ? undefined
    : "must be a Secret name (DNS subdomain: lowercase letters, digits, '-' and '.')";
}

export function secretKeyProblem(key: string): string | undefined {
  return SECRET_KEY.test(key) ? undefined : "must be a Secret key: letters, digits, '-', '_' and '.'";
}

const VAULT_FILE = /^[a-z0-9][-a-z0-9_]*\.json$/;
/** Annotation names are at most 63 characters; `agent-inject-template-` takes 22 of them. */
const VAULT_FILE_MAX = 63 - "agent-inject-template-".length;
const VAULT_PATH = /^(database\/creds\/[a-z][-a-z0-9]*|platform\/[a-z][-a-z0-9]*(\/[A-Za-z0-9_.-]+)+)$/;
const POSTGRES_ROLE = /^[a-z_][a-z0-9_]{0,62}$/;

export function vaultFileProblem(file: string): string | undefined {
  return VAULT_FILE.test(file) && file.length <= VAULT_FILE_MAX
    ? undefined
    : `must be a file name of lowercase letters, digits, '-' and '_' ending in .json, at most ${VAULT_FILE_MAX} characters (the agent renders each secret as JSON)`;
}

export function vaultPathProblem(path: string): string | undefined {
  // No `.` or `..` segment: `platform/api/../worker/x` passes the ownership prefix check but is another
  // service's path once cleaned, which the service's policy refuses (the pod would never start).
  return VAULT_PATH.test(path) && !path.split("/").some((s) => s === "." || s === "..")
    ? undefined
    : "must be platform/<service>/<key> (the service's KV secrets) or database/creds/<service> (a dynamic PostgreSQL login)";
}

export function databaseRoleProblem(role: string): string | undefined {
  return POSTGRES_ROLE.test(role)
    ? undefined
    : "must be a PostgreSQL role name: lowercase letters, digits and '_', not starting with a digit, at most 63 characters";
}

export function kubernetesResourceProblem(resource: string): string | undefined {
  return Object.hasOwn(KUBERNETES_READABLE, resource)
    ? undefined
    : `is not readable by services; choose from ${Object.keys(KUBERNETES_READABLE).join(", ")}`;
}

/** The Vault API path a declared path reads: KV v2 paths gain `data/` after the mount. */
export function vaultApiPath(path: string): string {
  const prefix = `${KV_MOUNT}/`;
  return path.startsWith(prefix) ? `${prefix}data/${path.slice(prefix.length)}` : path;
}

export function hostProblem(host: string): string | undefined {
  return DNS_SUBDOMAIN.test(host) && host.includes(".")
    ? undefined
    : "must be a fully qualified host name like api.example.com";
}

export function certificateArnProblem(arn: string): string | undefined {
  return ACM_ARN.test(arn)
    ? undefined
    : "must be an ACM certificate ARN: arn:aws:acm:<region>:<account>:certificate/<id>";
}

// ---------------------------------------------------------------------------------------------
// Scaling arithmetic

/** What a declaration's replica settings turn into: Deployment, HPA and PDB numbers. */
export interface ScalingPlan {
  /** `spec.replicas` of the Deployment; undefined when an HPA owns the count (Kubernetes' advice). */
  readonly deploymentReplicas: number | undefined;
  /** HPA bounds, when autoscaling is declared. */
  readonly hpa: { readonly minReplicas: number; readonly maxReplicas: number } | undefined;
  /** Fewest pods the service runs at rest. */
  readonly floor: number;
  /** Most pods that exist at once: the ceiling plus the rolling update's surge. */
  readonly peakPods: number;
  /** Rolling update: pods added above the desired count. */
  readonly maxSurge: number;
  /** Rolling update: pods taken down at once; 0 for a single pod so an update never leaves none. */
  readonly maxUnavailable: number;
  /** PDB: one voluntary eviction at a time; never blocks a drain (it always permits one). */
  readonly pdbMaxUnavailable: 1;
  /** Pods guaranteed to keep serving while a node drains. */
  readonly availableDuringDrain: number;
}

export function scalingPlan(decl: Pick<ServiceDeclaration, "replicas" | "autoscaling">): ScalingPlan {
  const hpa = decl.autoscaling
    ? { minReplicas: decl.autoscaling.minReplicas, maxReplicas: decl.autoscaling.maxReplicas }
    : undefined;
  const floor = hpa ? hpa.minReplicas : decl.replicas;
  const ceiling = hpa ? Math.max(hpa.maxReplicas, hpa.minReplicas) : decl.replicas;
  return {
    deploymentReplicas: hpa ? undefined : decl.replicas,
    hpa,
    floor,
    peakPods: ceiling + MAX_SURGE,
    maxSurge: MAX_SURGE,
    maxUnavailable: floor >= 2 ? 1 : 0,
    pdbMaxUnavailable: 1,
    availableDuringDrain: Math.max(floor - 1, 0),
  };
}

// ---------------------------------------------------------------------------------------------
// Whole-declaration rules

function push(problems: SpecProblem[], path: string, received: unknown, message: string | undefined): void {
  if (message !== undefined) {
    problems.push({ path, received, message });
  }
}

/**
 * Rules on single fields (formats and ranges). The config schema applies the same functions field by
 * field; the component runs them all through here.
 */
export function fieldProblems(decl: ServiceDeclaration): SpecProblem[] {
  const p: SpecProblem[] = [];
  push(p, "name", decl.name, serviceNameProblem(decl.name));
  push(p, "image", decl.image, imageProblem(decl.image));
  push(p, "ports.http", decl.ports.http, portProblem(decl.ports.http));
  if (decl.ports.metrics !== undefined) {
    push(p, "ports.metrics", decl.ports.metrics, portProblem(decl.ports.metrics));
  }
  if (!Number.isInteger(decl.replicas) || decl.replicas < 1) {
    p.push({ path: "replicas", received: decl.replicas, message: "must be an integer of at least 1" });
  }
  for (const kind of ["requests", "limits"] as const) {
    push(p, `resources.${kind}.cpu`, decl.resources[kind].cpu, cpuProblem(decl.resources[kind].cpu));
    push(
      p,
      `resources.${kind}.memory`,
      decl.resources[kind].memory,
      memoryProblem(decl.resources[kind].memory),
    );
  }
  for (const probe of ["liveness", "readiness", "startup"] as const) {
    const path = decl.probes?.[probe];
    if (path !== undefined) {
      push(p, `probes.${probe}`, path, probePathProblem(path));
    }
  }
  if (decl.expose) {
    push(p, "expose.host", decl.expose.host, hostProblem(decl.expose.host));
    if (decl.expose.certificateArn !== undefined) {
      push(
        p,
        "expose.certificateArn",
        decl.expose.certificateArn,
        certificateArnProblem(decl.expose.certificateArn),
      );
    }
  }
  decl.secretEnv?.forEach((e, i) => {
    push(p, `secretEnv[${i}].name`, e.name, envNameProblem(e.name));
    push(p, `secretEnv[${i}].secretName`, e.secretName, secretNameProblem(e.secretName));
    push(p, `secretEnv[${i}].key`, e.key, secretKeyProblem(e.key));
  });
  for (const key of Object.keys(decl.config ?? {})) {
    push(p, `config.${key}`, key, configKeyProblem(key));
  }
  if (decl.namespaceQuota) {
    push(p, "namespaceQuota.cpu", decl.namespaceQuota.cpu, cpuProblem(decl.namespaceQuota.cpu));
    push(p, "namespaceQuota.memory", decl.namespaceQuota.memory, memoryProblem(decl.namespaceQuota.memory));
  }
  if (decl.runAsUser !== undefined) {
    push(p, "runAsUser", decl.runAsUser, runAsUserProblem(decl.runAsUser));
  }
  if (decl.vault) {
    decl.vault.secrets.forEach((secret, i) => {
      push(p, `vault.secrets[${i}].file`, secret.file, vaultFileProblem(secret.file));
      push(p, `vault.secrets[${i}].path`, secret.path, vaultPathProblem(secret.path));
    });
    if (decl.vault.databaseRole !== undefined) {
      push(p, "vault.databaseRole", decl.vault.databaseRole, databaseRoleProblem(decl.vault.databaseRole));
    }
  }
  decl.kubernetesApi?.readOnly.forEach((resource, i) => {
    push(p, `kubernetesApi.readOnly[${i}]`, resource, kubernetesResourceProblem(resource));
  });
  return p;
}

/** Rules across fields of one declaration: limits vs requests, scaling bounds, quota, env names. */
export function crossFieldProblems(decl: ServiceDeclaration): SpecProblem[] {
  const p: SpecProblem[] = [];
  const { requests, limits } = decl.resources;
  const cpu = { request: parseCpu(requests.cpu), limit: parseCpu(limits.cpu) };
  const memory = { request: parseMemory(requests.memory), limit: parseMemory(limits.memory) };
  if (cpu.request !== undefined && cpu.limit !== undefined && cpu.limit < cpu.request) {
    p.push({
      path: "resources.limits.cpu",
      received: limits.cpu,
      message: `is below the request ${requests.cpu}; a limit must be at least its request`,
    });
  }
  if (memory.request !== undefined && memory.limit !== undefined && memory.limit < memory.request) {
    p.push({
      path: "resources.limits.memory",
      received: limits.memory,
      message: `is below the request ${requests.memory}; a limit must be at least its request`,
    });
  }
  if (decl.ports.metrics !== undefined && decl.ports.metrics === decl.ports.http) {
    p.push({
      path: "ports.metrics",
      received: decl.ports.metrics,
      message: "must differ from ports.http (metrics are scraped on their own port)",
    });
  }
  const a = decl.autoscaling;
  if (a) {
    if (a.minReplicas > a.maxReplicas) {
      p.push({
        path: "autoscaling.minReplicas",
        received: a.minReplicas,
        message: `is above maxReplicas ${a.maxReplicas}; the HPA needs minReplicas <= maxReplicas`,
      });
    } else if (decl.replicas < a.minReplicas || decl.replicas > a.maxReplicas) {
      p.push({
        path: "replicas",
        received: decl.replicas,
        message: `must lie between autoscaling.minReplicas ${a.minReplicas} and maxReplicas ${a.maxReplicas} (the HPA owns the count)`,
      });
    }
    if (a.cpuUtilization === undefined && a.memoryUtilization === undefined) {
      p.push({
        path: "autoscaling",
        received: a,
        message: "needs cpuUtilization, memoryUtilization or both: an HPA without a metric never scales",
      });
    }
  }
  const quota = decl.namespaceQuota ?? DEFAULT_QUOTA;
  const quotaCpu = parseCpu(quota.cpu);
  const quotaMemory = parseMemory(quota.memory);
  const { peakPods } = scalingPlan(decl);
  // The Vault agent sidecar's requests count against the quota too.
  const agent = decl.vault
    ? {
        cpu: parseCpu(VAULT_AGENT_RESOURCES.requests.cpu)!,
        memory: parseMemory(VAULT_AGENT_RESOURCES.requests.memory)!,
      }
    : { cpu: 0, memory: 0 };
  const withAgent = decl.vault
    ? " (most replicas plus the rolling update's surge, Vault agent included)"
    : " (most replicas plus the rolling update's surge)";
  if (
    cpu.request !== undefined &&
    quotaCpu !== undefined &&
    peakPods * (cpu.request + agent.cpu) > quotaCpu
  ) {
    p.push({
      path: "namespaceQuota.cpu",
      received: quota.cpu,
      message: `is below the ${formatCpu(peakPods * (cpu.request + agent.cpu))} CPU requested by ${peakPods} pods${withAgent}; raise it or lower the requests`,
    });
  }
  if (
    memory.request !== undefined &&
    quotaMemory !== undefined &&
    peakPods * (memory.request + agent.memory) > quotaMemory
  ) {
    p.push({
      path: "namespaceQuota.memory",
      received: quota.memory,
      message: `is below the ${formatMemory(peakPods * (memory.request + agent.memory))} memory requested by ${peakPods} pods${withAgent}; raise it or lower the requests`,
    });
  }
  if (decl.vault) {
    p.push(...vaultProblems(decl, cpu.limit, memory.limit));
  }
  if (decl.kubernetesApi) {
    const resources = decl.kubernetesApi.readOnly;
    if (resources.length === 0) {
      p.push({
        path: "kubernetesApi.readOnly",
        received: resources,
        message: "lists no resource; name what the service reads or remove kubernetesApi",
      });
    } else if (new Set(resources).size !== resources.length) {
      p.push({ path: "kubernetesApi.readOnly", received: resources, message: "lists a resource twice" });
    }
  }
  if (decl.expose && decl.expose.certificateArn === undefined) {
    p.push({
      path: "expose.certificateArn",
      received: undefined,
      message: "is required for an exposed service: the ALB serves HTTPS only",
    });
  }
  const seen = new Set<string>(
    PLATFORM_ENV.filter((env) => decl.dependsOn?.includes(env.split("_")[0].toLowerCase())),
  );
  const names = [
    ...Object.keys(decl.config ?? {}).map((n) => ({ n, path: `config.${n}` })),
    ...(decl.secretEnv ?? []).map((e, i) => ({ n: e.name, path: `secretEnv[${i}].name` })),
  ];
  for (const { n, path } of names) {
    if (seen.has(n)) {
      p.push({
        path,
        received: n,
        message:
          "sets an environment variable already set (by config, secretEnv or the platform's POSTGRES_*/REDIS_*); each name once",
      });
    }
    seen.add(n);
  }
  if (decl.dependsOn && new Set(decl.dependsOn).size !== decl.dependsOn.length) {
    p.push({ path: "dependsOn", received: decl.dependsOn, message: "lists a dependency twice" });
  }
  return p;
}

/** Rules of a `vault` declaration against the rest of the service: ownership, database role, room for the agent. */
function vaultProblems(
  decl: ServiceDeclaration,
  cpuLimit: number | undefined,
  memoryLimit: number | undefined,
): SpecProblem[] {
  const p: SpecProblem[] = [];
  const vault = decl.vault!;
  const creds = `database/creds/${decl.name}`;
  if (vault.secrets.length === 0) {
    p.push({
      path: "vault.secrets",
      received: [],
      message: "lists no secret; declare at least one file or remove vault",
    });
  }
  const files = new Set<string>();
  const paths = new Set<string>();
  vault.secrets.forEach((secret, i) => {
    if (files.has(secret.file)) {
      p.push({
        path: `vault.secrets[${i}].file`,
        received: secret.file,
        message: "is declared twice; each file once",
      });
    }
    files.add(secret.file);
    if (paths.has(secret.path)) {
      p.push({
        path: `vault.secrets[${i}].path`,
        received: secret.path,
        message:
          "is read twice; read each path once (each read of database/creds creates another database user)",
      });
    }
    paths.add(secret.path);
    if (vaultPathProblem(secret.path) !== undefined) {
      return;
    }
    if (secret.path.startsWith("database/")) {
      if (secret.path !== creds) {
        p.push({
          path: `vault.secrets[${i}].path`,
          received: secret.path,
          message: `belongs to another service; this service's Vault policy reads ${creds} only`,
        });
      } else if (vault.databaseRole === undefined) {
        p.push({
          path: `vault.secrets[${i}].path`,
          received: secret.path,
          message:
            "needs vault.databaseRole: Vault creates database users only for services with a group role",
        });
      }
      if (!decl.dependsOn?.includes("postgres")) {
        p.push({
          path: `vault.secrets[${i}].path`,
          received: secret.path,
          message: "needs postgres in dependsOn, or the network policies block the database",
        });
      }
    } else if (!secret.path.startsWith(`${KV_MOUNT}/${decl.name}/`)) {
      p.push({
        path: `vault.secrets[${i}].path`,
        received: secret.path,
        message: `belongs to another service; this service's Vault policy reads ${KV_MOUNT}/${decl.name}/* only`,
      });
    }
  });
  if (vault.databaseRole !== undefined && !paths.has(creds)) {
    p.push({
      path: "vault.databaseRole",
      received: vault.databaseRole,
      message: `is set but no secret reads ${creds}; add one or remove databaseRole`,
    });
  }
  const agentCpu = parseCpu(VAULT_AGENT_RESOURCES.limits.cpu)!;
  const agentMemory = parseMemory(VAULT_AGENT_RESOURCES.limits.memory)!;
  if (cpuLimit !== undefined && cpuLimit < agentCpu) {
    p.push({
      path: "resources.limits.cpu",
      received: decl.resources.limits.cpu,
      message: `is below the Vault agent's limit ${VAULT_AGENT_RESOURCES.limits.cpu}; the namespace LimitRange caps every container at the service's limits`,
    });
  }
  if (memoryLimit !== undefined && memoryLimit < agentMemory) {
    p.push({
      path: "resources.limits.memory",
      received: decl.resources.limits.memory,
      message: `is below the Vault agent's limit ${VAULT_AGENT_RESOURCES.limits.memory}; the namespace LimitRange caps every container at the service's limits`,
    });
  }
  return p;
}

/** The workloads the Vault component serves: every service that declares `vault`, bound to its own ServiceAccount. */
export function vaultWorkloads(
  decls: readonly Pick<ServiceDeclaration, "name" | "vault">[],
): { name: string; namespace: string; serviceAccount: string; databaseGroupRole?: string }[] {
  return decls
    .filter((d) => d.vault !== undefined)
    .map((d) => ({
      name: d.name,
      namespace: d.name,
      serviceAccount: d.name,
      ...(d.vault!.databaseRole !== undefined ? { databaseGroupRole: d.vault!.databaseRole } : {}),
    }));
}

/** A problem that belongs to one service of a set (by position in the list). */
export interface SetProblem extends SpecProblem {
  readonly index: number;
}

/**
 * Rules across services: unique names, dependencies that exist, no self-dependency, unique hosts.
 * Linear in the number of services and dependencies.
 */
export function setProblems(
  decls: readonly Pick<ServiceDeclaration, "name" | "dependsOn" | "expose">[],
): SetProblem[] {
  const p: SetProblem[] = [];
  const firstIndex = new Map<string, number>();
  const hosts = new Map<string, string>();
  decls.forEach((d, index) => {
    const first = firstIndex.get(d.name);
    if (first !== undefined) {
      p.push({
        index,
        path: "name",
        received: d.name,
        message: `duplicates the name of service ${first}; service names are unique`,
      });
    } else {
      firstIndex.set(d.name, index);
    }
    if (d.expose) {
      const owner = hosts.get(d.expose.host);
      if (owner !== undefined && owner !== d.name) {
        p.push({
          index,
          path: "expose.host",
          received: d.expose.host,
          message: `is already served by service '${owner}'; each host belongs to one service`,
        });
      } else {
        hosts.set(d.expose.host, d.name);
      }
    }
  });
  decls.forEach((d, index) => {
    for (const dep of d.dependsOn ?? []) {
      if (dep === d.name) {
        p.push({
          index,
          path: "dependsOn",
          received: dep,
          message: "names the service itself; list the other services and data stores it calls",
        });
      } else if (!DATA_DEPENDENCIES.includes(dep as never) && !firstIndex.has(dep)) {
        p.push({
          index,
          path: "dependsOn",
          received: dep,
          message: `names '${dep}', which is neither ${DATA_DEPENDENCIES.join(" nor ")} nor a declared service`,
        });
      }
    }
  });
  return p;
}

/**
 * For each service, the services that call it (declared `dependsOn` it). One pass over every
 * dependency: O(services + dependencies).
 */
export function callersByService(
  decls: readonly Pick<ServiceDeclaration, "name" | "dependsOn">[],
): Map<string, string[]> {
  const callers = new Map<string, string[]>(decls.map((d) => [d.name, []]));
  for (const d of decls) {
    for (const dep of d.dependsOn ?? []) {
      if (dep !== d.name) {
        callers.get(dep)?.push(d.name);
      }
    }
  }
  return callers;
}
