/**
 * The one place stack configuration is read: `Pulumi.<stack>.yaml` values become a typed, validated
 * {@link PlatformConfig}. Components never read config; they get what they need through args.
 *
 * Every problem is collected and reported in one {@link ConfigError} before any resource exists.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkTags, environmentSchema, type Environment, tagsSchema } from "./core";
import {
  admissionAgainstNodeAgents,
  admissionAgainstThreatDetection,
  admissionSchema,
  checkAdmission,
  checkThreatDetection,
  threatDetectionSchema,
} from "./admission";
import { checkCluster, clusterSchema } from "./cluster";
import { checkCost, checkCostAgainstStack, costSchema } from "./cost";
import { checkData, dataSchema } from "./data";
import { certificateRegionProblems, checkEdge, edgeSchema } from "./edge";
import { deliverySchema } from "./delivery";
import { regionProblem } from "./aws";
import { keyProblems } from "./keys";
import { checkKms, kmsSchema } from "./kms";
import { nameProblems } from "./names";
import { apiAccessRouteProblems } from "./api-access";
import { checkNetwork, networkSchema } from "./network";
import { checkObservability, observabilitySchema } from "./observability";
import { imageRegistryProblems, registrySchema } from "./registry";
import { type ConfigProblem, ConfigError, parseSection } from "./problems";
import { checkServices, servicesSchema } from "./services";
import { checkVault, vaultSchema } from "./vault";
import { backupSchema, checkBackup, recoverySchema } from "./backup";
import { checkStandby, type StandbyConfig, standbySchema } from "./standby";

export { ConfigError } from "./problems";
export type { ConfigProblem } from "./problems";

/**
 * What section checks may look at besides their own value. Checks run for every section that
 * parsed, even when `platform:environment` or `aws:region` is itself invalid (that problem is
 * reported on its own key), so one run reports every mistake.
 */
export interface CheckContext {
  /**
   * `platform:environment`. When that key is invalid this is `dev`, whose rules are the ones every
   * environment shares, and {@link environmentKnown} is false.
   */
  readonly environment: Environment;
  /** False when `platform:environment` is invalid: rules comparing against it are skipped. */
  readonly environmentKnown: boolean;
  /** `aws:region`; empty when that key is invalid, and the rules comparing against it are skipped. */
  readonly region: string;
  readonly project: string;
  /** The stack's name (part of default physical names). */
  readonly stack: string;
  /** `platform:standby.role` when that section is valid: a standby's data tier is replicas. */
  readonly standbyRole?: StandbyConfig["role"];
}

interface Section<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  /** Cross-field rules the schema cannot express; run only when the schema accepted the value. */
  readonly check?: (value: z.infer<S>, ctx: CheckContext) => ConfigProblem[];
}

function section<S extends z.ZodType>(
  schema: S,
  check?: (value: z.infer<S>, ctx: CheckContext) => ConfigProblem[],
): Section<S> {
  return { schema, check };
}

/**
 * Structured keys (`platform:<key>`), one per area. Each is a YAML object in the stack file; the
 * schema is the reference for its fields (see docs/configuration.md).
 */
export const SECTIONS = {
  tags: section(tagsSchema, (v, ctx) =>
    checkTags(
      v,
      ctx.environmentKnown ? ctx.environment : undefined,
      ctx.project,
      ctx.standbyRole === "standby" ? ctx.stack : undefined,
    ),
  ),
  network: section(networkSchema, (v, ctx) => checkNetwork(v, ctx.environment, ctx.region)),
  kms: section(kmsSchema, (v, ctx) => checkKms(v, ctx.environment)),
  cluster: section(clusterSchema, (v, ctx) => checkCluster(v, ctx.environment)),
  data: section(dataSchema, (v, ctx) => [
    ...checkData(v, ctx.environment, ctx.region, ctx.standbyRole),
    ...nameProblems(v, ctx.project, ctx.stack),
  ]),
  services: section(servicesSchema, (v, ctx) => [
    ...checkServices(v, ctx.environment),
    ...(ctx.region === "" ? [] : certificateRegionProblems(v, ctx.region)),
  ]),
  vault: section(vaultSchema, (v, ctx) => checkVault(v, ctx.environment)),
  backup: section(backupSchema, (v, ctx) => checkBackup(v, ctx.environment)),
  recovery: section(recoverySchema),
  edge: section(edgeSchema, (v, ctx) => checkEdge(v, ctx.environment)),
  registry: section(registrySchema),
  admission: section(admissionSchema, (v, ctx) => checkAdmission(v, ctx.environment)),
  threatDetection: section(threatDetectionSchema, (v, ctx) => checkThreatDetection(v, ctx.environment)),
  delivery: section(deliverySchema),
  cost: section(costSchema, (v, ctx) => checkCost(v, ctx.environment)),
  observability: section(observabilitySchema, (v, ctx) => checkObservability(v, ctx.environment)),
};

/**
 * Structured keys a stack may leave out: absent means the feature is off. `platform:standby`: the
 * stack's part in a warm-standby pair (docs/decisions/0140).
 */
export const OPTIONAL_SECTIONS = {
  standby: section(standbySchema),
};

/** Scalar keys (`platform:<key>`), declared with type and default in Pulumi.yaml. */
export const SCALARS = {
  environment: environmentSchema,
  /** Protect databases, caches, keys, volumes and Vault storage from `pulumi destroy`. */
  protectStatefulResources: z.boolean({ message: "must be true or false" }),
};

type SectionValues = { readonly [K in keyof typeof SECTIONS]: z.infer<(typeof SECTIONS)[K]["schema"]> };

/** Rules that read more than one section; each runs only when the sections it reads parsed. */
const CROSS_SECTION_CHECKS: readonly ((v: Partial<SectionValues>, ctx: CheckContext) => ConfigProblem[])[] = [
  (v, ctx) => (v.services && v.registry ? imageRegistryProblems(v.services, v.registry, ctx.region) : []),
];
type ScalarValues = { readonly [K in keyof typeof SCALARS]: z.infer<(typeof SCALARS)[K]> };
type OptionalValues = {
  readonly [K in keyof typeof OPTIONAL_SECTIONS]?: z.infer<(typeof OPTIONAL_SECTIONS)[K]["schema"]>;
};

/** The whole validated configuration of one stack. */
export interface PlatformConfig extends SectionValues, ScalarValues, OptionalValues {
  readonly project: string;
  readonly stack: string;
  /** `aws:region`. */
  readonly region: string;
}

/** Raw config as the engine hands it over: full keys, string values (objects JSON-encoded). */
export type RawConfig = Readonly<Record<string, string>>;

function decode(key: string, text: string, expectObject: boolean, problems: ConfigProblem[]): unknown {
  try {
    const value: unknown = JSON.parse(text);
    if (expectObject && (value === null || typeof value !== "object" || Array.isArray(value))) {
      problems.push({ key, received: value, message: "must be a YAML object (a map of settings)" });
      return undefined;
    }
    return value;
  } catch {
    if (expectObject) {
      problems.push({ key, received: text, message: "must be a YAML object (a map of settings)" });
      return undefined;
    }
    return text;
  }
}

/** `role` of a `platform:standby` value that did not validate, when it is one of the roles. */
function declaredRole(text: string | undefined): StandbyConfig["role"] | undefined {
  try {
    const role = (JSON.parse(text ?? "null") as { role?: unknown } | null)?.role;
    return role === "primary" || role === "standby" ? role : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Problems grouped by key in the order of the stack file's sections (provider and unknown keys
 * first), each section's schema problems before its cross-field ones. Stable otherwise.
 */
function bySection(problems: readonly ConfigProblem[], prefix: string): ConfigProblem[] {
  const order = [...Object.keys(SCALARS), ...Object.keys(SECTIONS), ...Object.keys(OPTIONAL_SECTIONS)].map(
    (name) => prefix + name,
  );
  const rank = (key: string) => order.findIndex((k) => key === k || key.startsWith(`${k}.`));
  return problems
    .map((problem, index) => ({ problem, index, rank: rank(problem.key) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((p) => p.problem);
}

/**
 * Validates raw stack config. Throws a {@link ConfigError} listing every problem; returns the typed
 * config otherwise. Pure: usable from tests and tools without a Pulumi engine.
 */
export function parseConfig(raw: RawConfig, project: string, stack: string): PlatformConfig {
  const problems: ConfigProblem[] = [];
  const prefix = `${project}:`;

  const region = raw["aws:region"];
  const badRegion = region === undefined ? "is required, e.g. us-west-2" : regionProblem(region);
  if (badRegion !== undefined) {
    problems.push({ key: "aws:region", received: region, message: badRegion });
  }
  problems.push(
    ...keyProblems(raw, project, [
      ...Object.keys(SECTIONS),
      ...Object.keys(OPTIONAL_SECTIONS),
      ...Object.keys(SCALARS),
    ]),
  );

  const scalars: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(SCALARS)) {
    const key = prefix + name;
    const text = raw[key];
    const value = text === undefined ? undefined : decode(key, text, false, problems);
    scalars[name] = parseSection(key, schema, value, problems);
  }

  const sections: Record<string, unknown> = {};
  const parsedSections: [Section, unknown][] = [];
  const optional = Object.keys(OPTIONAL_SECTIONS);
  for (const [name, sec] of Object.entries({ ...SECTIONS, ...OPTIONAL_SECTIONS }) as [string, Section][]) {
    const key = prefix + name;
    const text = raw[key];
    if (text === undefined && optional.includes(name)) {
      continue;
    }
    if (text === undefined) {
      problems.push({
        key,
        received: undefined,
        message: "is required; see docs/configuration.md for its fields",
      });
      continue;
    }
    const value = decode(key, text, true, problems);
    if (value === undefined) {
      continue;
    }
    const parsed = parseSection(key, sec.schema, value, problems);
    if (parsed !== undefined) {
      sections[name] = parsed;
      parsedSections.push([sec, parsed]);
    }
  }

  const environment = scalars.environment as Environment | undefined;
  const standby = sections.standby as StandbyConfig | undefined;
  // The role counts even when another field of the section is wrong: a mistyped stack name must not
  // also report the rules of the other role (a standby judged as a primary).
  const standbyRole = standby?.role ?? declaredRole(raw[`${prefix}standby`]);
  const ctx: CheckContext = {
    environment: environment ?? "dev",
    environmentKnown: environment !== undefined,
    region: badRegion === undefined ? (region as string) : "",
    project,
    stack,
    standbyRole,
  };
  for (const [sec, value] of parsedSections) {
    problems.push(...(sec.check?.(value, ctx) ?? []));
  }
  // Rules comparing against the region are skipped when aws:region is invalid (reported on its own).
  if (ctx.region !== "") {
    for (const check of CROSS_SECTION_CHECKS) {
      problems.push(...check(sections as Partial<SectionValues>, ctx));
    }
  }
  const { cost, tags, data, services, cluster, network, admission, threatDetection, observability } =
    sections as Partial<SectionValues>;
  if (cost && tags && data) {
    problems.push(...checkCostAgainstStack(cost, tags, data));
  }
  if (cluster && network) {
    problems.push(...apiAccessRouteProblems(cluster, network));
  }
  if (admission && threatDetection) {
    problems.push(...admissionAgainstThreatDetection(admission, threatDetection));
  }
  if (standby && data && services) {
    problems.push(...checkStandby(standby, data, services.services));
  }
  if (admission && observability) {
    problems.push(...admissionAgainstNodeAgents(admission, observability.nodeAgentsNamespace));
  }

  if (problems.length > 0) {
    throw new ConfigError(stack, bySection(problems, prefix));
  }
  return {
    project,
    stack,
    region: region as string,
    ...(scalars as ScalarValues),
    ...(sections as SectionValues & OptionalValues),
  };
}

/** Reads the running stack's config from the Pulumi engine and validates it. */
export function loadConfig(): PlatformConfig {
  return parseConfig(pulumi.runtime.allConfig(), pulumi.getProject(), pulumi.getStack());
}
