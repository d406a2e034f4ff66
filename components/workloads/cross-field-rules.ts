/**
 * Rules across the fields of one service declaration: limits against requests, scaling bounds, the
 * namespace quota against the peak of pods, Vault and API access, environment variable names. The
 * config schema's `checkServices` and the component both run {@link crossFieldProblems}. Pure.
 */
import { formatCpu, formatMemory, parseCpu, parseMemory } from "../shared/quantity";
import {
  DEFAULT_QUOTA,
  PLATFORM_ENV,
  VAULT_AGENT_RESOURCES,
  type RuleOptions,
  type ServiceDeclaration,
  type SpecProblem,
} from "./declaration";
import { RELEASE_CHECK_RESOURCES, releaseCheckPods, releaseProblems } from "./release-rules";
import { scalingPlan } from "./scaling-plan";
import { vaultProblems } from "./vault-rules";

/** Parsed CPU (millicores) or memory (bytes) of the container; undefined where malformed. */
interface Amount {
  readonly request: number | undefined;
  readonly limit: number | undefined;
}

/** Rules across fields of one declaration: limits vs requests, scaling bounds, quota, env names. */
export function crossFieldProblems(
  decl: ServiceDeclaration,
  options: Pick<RuleOptions, "kvMount"> = {},
): SpecProblem[] {
  const { requests, limits } = decl.resources;
  const cpu = { request: parseCpu(requests.cpu), limit: parseCpu(limits.cpu) };
  const memory = { request: parseMemory(requests.memory), limit: parseMemory(limits.memory) };
  return [
    ...containerProblems(decl, cpu, memory),
    ...autoscalingProblems(decl),
    ...quotaProblems(decl, cpu, memory),
    ...(decl.vault ? vaultProblems(decl, cpu.limit, memory.limit, options.kvMount) : []),
    ...accessProblems(decl),
    ...environmentProblems(decl),
    ...releaseProblems(decl),
  ];
}

/** Limits at least their requests; a metrics port of its own. */
function containerProblems(decl: ServiceDeclaration, cpu: Amount, memory: Amount): SpecProblem[] {
  const p: SpecProblem[] = [];
  const { requests, limits } = decl.resources;
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
  return p;
}

/** HPA bounds in order, the replica count between them, at least one metric. */
function autoscalingProblems(decl: ServiceDeclaration): SpecProblem[] {
  const p: SpecProblem[] = [];
  const a = decl.autoscaling;
  if (!a) {
    return p;
  }
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
  return p;
}

/** The namespace quota holds the requests of the most pods that exist at once (Vault agent included). */
function quotaProblems(decl: ServiceDeclaration, cpu: Amount, memory: Amount): SpecProblem[] {
  const p: SpecProblem[] = [];
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
  // A canary release also runs its checks (acceptance test, load) as Jobs in the namespace.
  const checks = releaseCheckPods(decl);
  const check = {
    cpu: checks * parseCpu(RELEASE_CHECK_RESOURCES.requests.cpu)!,
    memory: checks * parseMemory(RELEASE_CHECK_RESOURCES.requests.memory)!,
  };
  const withChecks = checks > 0 ? ` and ${checks} release check pod(s)` : "";
  const withAgent = decl.vault
    ? ` (most replicas plus the rolling update's surge, Vault agent included${withChecks})`
    : ` (most replicas plus the rolling update's surge${withChecks})`;
  if (
    cpu.request !== undefined &&
    quotaCpu !== undefined &&
    peakPods * (cpu.request + agent.cpu) + check.cpu > quotaCpu
  ) {
    p.push({
      path: "namespaceQuota.cpu",
      received: quota.cpu,
      message: `is below the ${formatCpu(peakPods * (cpu.request + agent.cpu) + check.cpu)} CPU requested by ${peakPods} pods${withAgent}; raise it or lower the requests`,
    });
  }
  if (
    memory.request !== undefined &&
    quotaMemory !== undefined &&
    peakPods * (memory.request + agent.memory) + check.memory > quotaMemory
  ) {
    p.push({
      path: "namespaceQuota.memory",
      received: quota.memory,
      message: `is below the ${formatMemory(peakPods * (memory.request + agent.memory) + check.memory)} memory requested by ${peakPods} pods${withAgent}; raise it or lower the requests`,
    });
  }
  return p;
}

/** Kubernetes API access that names what it reads, once; an exposure with its certificate. */
function accessProblems(decl: ServiceDeclaration): SpecProblem[] {
  const p: SpecProblem[] = [];
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
  return p;
}

/** Each environment variable set once (config, secretEnv, the platform's own); each dependency once. */
function environmentProblems(decl: ServiceDeclaration): SpecProblem[] {
  const p: SpecProblem[] = [];
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
