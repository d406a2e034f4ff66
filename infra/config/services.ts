/**
 * `platform:services`: the services each stack runs (one PlatformService each) and the AWS Load
 * Balancer Controller that exposes them. Declaring another service is a list entry, nothing else.
 */
import { z } from "zod";
import {
  DEFAULT_QUOTA,
  DEFAULT_RUN_AS_USER,
  certificateArnProblem,
  credentialKeyProblem,
  crossFieldProblems,
  databaseRoleProblem,
  envNameProblem,
  hostProblem,
  imageProblem,
  kubernetesResourceProblem,
  portProblem,
  probePathProblem,
  runAsUserProblem,
  secretKeyProblem,
  secretNameProblem,
  serviceNameProblem,
  setProblems,
  vaultFileProblem,
  vaultPathProblem,
  type ServiceDeclaration,
} from "../../components/workloads/spec";
import { cpuProblem, memoryProblem } from "../../components/shared/quantity";
import { credentialShape, isCredentialName } from "../../policy/lib/credentials";
import type { ConfigProblem } from "./problems";

/** The Argo Rollouts chart version checked for this platform (values keys at argo-rollouts-2.41.0). */
export const ROLLOUTS_CHART_VERSION = "2.41.0";

/**
 * A config entry that holds a credential the key rule misses: a credential name such as `STRIPE_KEY`,
 * or a value shaped like one (a URL with a password, `AKIA...`, `sk_live_...`, `ghp_...`). Same
 * recognition as the pack's `no-plaintext-credentials` policy; the message never repeats the value.
 */
function plaintextConfigProblem(name: string, value: string): string | undefined {
  const shape = credentialShape(value);
  if (shape === undefined && !isCredentialName(name)) {
    return undefined;
  }
  return `${shape === undefined ? "looks like a credential" : `holds what looks like ${shape}`}; config is plain text: keep credentials out of it, as a 'secure:' stack value delivered through secretEnv (a Secret reference) or as a Vault secret (vault.secrets)`;
}

const releaseCheck = z.strictObject({
  image: z.string({ message: "must be a string" }),
  command: z.array(z.string(), { message: "must be a list of strings" }),
});

const intIn = (lo: number, hi: number, what: string) =>
  z
    .number({ message: `must be ${what}` })
    .int({ message: `must be an integer from ${lo} to ${hi}` })
    .min(lo, { message: `must be an integer from ${lo} to ${hi}` })
    .max(hi, { message: `must be an integer from ${lo} to ${hi}` });

/** `release` of a service; the rules across its fields (release-rules.ts) run in checkServices. */
const releaseSchema = z.strictObject({
  strategy: z.enum(["rolling", "canary"], {
    message: "must be 'rolling' (Deployment) or 'canary' (Argo Rollouts with analysis)",
  }),
  steps: z.array(z.number({ message: "must be a list of percentages" })).optional(),
  stepPauseSeconds: z.number({ message: "must be a number of seconds" }).optional(),
  analysisIntervalSeconds: intIn(30, 600, "a number of seconds").optional(),
  failureLimit: intIn(0, 20, "a number").optional(),
  successRate: z.number({ message: "must be a fraction, e.g. 0.99" }).optional(),
  latencyP95Ms: intIn(1, 60000, "a number of milliseconds").optional(),
  errorRate: z.number({ message: "must be a fraction, e.g. 0.01" }).optional(),
  acceptance: releaseCheck.optional(),
  load: releaseCheck.optional(),
});

/** A string checked by one of the declaration rules of components/workloads/spec.ts. */
function rule(problem: (value: string) => string | undefined) {
  return z.string({ message: "must be a string" }).superRefine((value, ctx) => {
    const message = problem(value);
    if (message !== undefined) {
      ctx.addIssue({ code: "custom", message });
    }
  });
}

const port = z.number({ message: "must be a port number" }).superRefine((value, ctx) => {
  const message = portProblem(value);
  if (message !== undefined) {
    ctx.addIssue({ code: "custom", message });
  }
});
const count = (what: string) =>
  z
    .number()
    .int({ message: `${what} must be an integer` })
    .min(1, { message: `${what} must be at least 1` });
const percent = z
  .number()
  .int()
  .min(1, { message: "must be a whole percentage from 1 to 100" })
  .max(100, { message: "must be a whole percentage from 1 to 100" });
const amounts = z.strictObject({ cpu: rule(cpuProblem), memory: rule(memoryProblem) });

export const serviceSchema = z.strictObject({
  name: rule(serviceNameProblem),
  image: rule(imageProblem),
  ports: z.strictObject({ http: port, metrics: port.optional() }),
  replicas: count("replicas"),
  autoscaling: z
    .strictObject({
      minReplicas: count("minReplicas"),
      maxReplicas: count("maxReplicas"),
      cpuUtilization: percent.optional(),
      memoryUtilization: percent.optional(),
    })
    .optional(),
  resources: z.strictObject({ requests: amounts, limits: amounts }),
  probes: z
    .strictObject({
      liveness: rule(probePathProblem).optional(),
      readiness: rule(probePathProblem).optional(),
      startup: rule(probePathProblem).optional(),
    })
    .optional(),
  dependsOn: z.array(z.string()).default([]),
  internetEgress: z.boolean({ message: "must be true or false" }).default(false),
  expose: z
    .strictObject({
      scheme: z.enum(["internet-facing", "internal"], {
        message: "must be 'internet-facing' (public ALB) or 'internal' (VPC-only ALB)",
      }),
      host: rule(hostProblem),
      certificateArn: rule(certificateArnProblem).optional(),
    })
    .optional(),
  secretEnv: z
    .array(
      z.strictObject({
        name: rule(envNameProblem),
        secretName: rule(secretNameProblem),
        key: rule(secretKeyProblem),
      }),
    )
    .default([]),
  config: z
    .record(z.string(), z.string({ message: "config values must be strings (quote numbers and booleans)" }))
    .superRefine((config, ctx) => {
      for (const key of Object.keys(config)) {
        const message = envNameProblem(key);
        if (message !== undefined) {
          ctx.addIssue({ code: "custom", path: [key], message });
        }
      }
    })
    .default({}),
  namespaceQuota: amounts.default({ ...DEFAULT_QUOTA }),
  runAsUser: z
    .number()
    .superRefine((value, ctx) => {
      const message = runAsUserProblem(value);
      if (message !== undefined) {
        ctx.addIssue({ code: "custom", message });
      }
    })
    .default(DEFAULT_RUN_AS_USER),
  awsPolicyJson: z
    .string()
    .refine(
      (text) => {
        try {
          const doc = JSON.parse(text) as { Statement?: unknown };
          return Array.isArray(doc.Statement);
        } catch {
          return false;
        }
      },
      { message: "must be an IAM policy document as a JSON string with a Statement list" },
    )
    .optional(),
  /** Secrets rendered to files by the Vault agent; cross-field rules in checkServices (decision 0056). */
  vault: z
    .strictObject({
      secrets: z.array(z.strictObject({ file: rule(vaultFileProblem), path: rule(vaultPathProblem) }), {
        message: "must be a list of { file, path }",
      }),
      databaseRole: rule(databaseRoleProblem).optional(),
    })
    .optional(),
  /** Read-only Kubernetes API access in the service's namespace (decision 0043). */
  kubernetesApi: z
    .strictObject({
      readOnly: z.array(rule(kubernetesResourceProblem), { message: "must be a list of resource names" }),
    })
    .optional(),
  /** How new versions roll out (decision 0150); exposed services default to `exposedRelease`. */
  release: releaseSchema.optional(),
});

export const servicesSchema = z.strictObject({
  ingressController: z.strictObject({
    chartVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, { message: "must be an exact chart version like 1.13.4" }),
    replicas: z
      .number()
      .int()
      .min(1, { message: "must be an integer from 1 to 5" })
      .max(5, { message: "must be an integer from 1 to 5" })
      .default(2),
  }),
  /** The Argo Rollouts controller that runs canary releases (decision 0150). */
  rollouts: z
    .strictObject({
      chartVersion: z
        .string()
        .regex(/^\d+\.\d+\.\d+$/, { message: "must be an exact chart version like 2.41.0" })
        .default(ROLLOUTS_CHART_VERSION),
      replicas: z
        .number()
        .int()
        .min(1, { message: "must be an integer from 1 to 3" })
        .max(3, { message: "must be an integer from 1 to 3" })
        .default(2),
    })
    .default({ chartVersion: ROLLOUTS_CHART_VERSION, replicas: 2 }),
  /**
   * Release strategy of exposed services that declare no `release`: `canary` (the default, and
   * required in production) or `rolling`.
   */
  exposedRelease: z
    .enum(["canary", "rolling"], { message: "must be 'canary' or 'rolling'" })
    .default("canary"),
  services: z.array(serviceSchema).default([]),
});

export type ServiceConfig = z.infer<typeof serviceSchema>;

/**
 * The service with its release resolved: an exposed service that declares none releases by
 * `exposedRelease`; an unexposed one by rolling (canary routes the ALB's traffic).
 */
export function withRelease(service: ServiceConfig, exposedRelease: "canary" | "rolling"): ServiceConfig {
  return service.release !== undefined || service.expose === undefined
    ? service
    : { ...service, release: { strategy: exposedRelease } };
}
export type ServicesConfig = z.infer<typeof servicesSchema>;

// A parsed service is a valid component declaration: this fails to compile if the two drift apart.
const _declarationShape: (s: ServiceConfig) => ServiceDeclaration = (s) => s;
void _declarationShape;

/** Cross-field and cross-service rules, plus what production requires. */
export function checkServices(value: ServicesConfig, environment: string): ConfigProblem[] {
  const key = "platform:services";
  const problems: ConfigProblem[] = [];
  const at = (index: number, path: string) => `${key}.services[${index}].${path}`;
  value.services.forEach((declared, index) => {
    const service = withRelease(declared, value.exposedRelease);
    for (const [name, value] of Object.entries(service.config)) {
      // Checked here, not in the schema, so the error shows the key and never the value.
      const message = credentialKeyProblem(name) ?? plaintextConfigProblem(name, value);
      if (message !== undefined) {
        problems.push({ key: at(index, `config.${name}`), received: name, message });
      }
    }
    for (const p of crossFieldProblems(service)) {
      problems.push({ key: at(index, p.path), received: p.received, message: p.message });
    }
    if (service.expose?.scheme === "internal") {
      // An internal ALB sits in the private subnets with the pods: admitting its CIDRs would admit
      // every pod of the cluster to the service port (decision 0041).
      problems.push({
        key: at(index, "expose.scheme"),
        received: "internal",
        message:
          "internal load balancers need dedicated load-balancer subnets, which the network does not have yet; use 'internet-facing' or leave the service unexposed",
      });
    }
    if (environment === "production") {
      if (service.replicas < 2) {
        problems.push({
          key: at(index, "replicas"),
          received: service.replicas,
          message: "production runs at least 2 replicas so a node loss or drain leaves one serving",
        });
      }
      if (service.autoscaling === undefined) {
        problems.push({
          key: at(index, "autoscaling"),
          received: undefined,
          message: "is required in production (minReplicas, maxReplicas and a CPU or memory target)",
        });
      } else if (service.autoscaling.minReplicas < 2) {
        problems.push({
          key: at(index, "autoscaling.minReplicas"),
          received: service.autoscaling.minReplicas,
          message: "production keeps at least 2 replicas: the HPA must not scale down to 1",
        });
      }
      if (service.expose && service.release?.strategy !== "canary") {
        problems.push({
          key: at(index, "release.strategy"),
          received: service.release?.strategy,
          message:
            "production services exposed to users release by canary with analysis (decision 0150): set 'canary' or leave release out",
        });
      }
    }
  });
  for (const p of setProblems(value.services)) {
    problems.push({ key: at(p.index, p.path), received: p.received, message: p.message });
  }
  if (environment === "production" && value.rollouts.replicas < 2) {
    problems.push({
      key: `${key}.rollouts.replicas`,
      received: value.rollouts.replicas,
      message: "production runs 2 controller replicas: a release in progress must survive the loss of a node",
    });
  }
  if (environment === "production" && value.ingressController.replicas < 2) {
    problems.push({
      key: `${key}.ingressController.replicas`,
      received: value.ingressController.replicas,
      message: "production runs 2 controller replicas: its webhooks admit pods of exposed services",
    });
  }
  return problems;
}
