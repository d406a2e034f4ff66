/**
 * The one place stack configuration is read: `Pulumi.<stack>.yaml` values become a typed, validated
 * {@link PlatformConfig}. Components never read config; they get what they need through args.
 *
 * Every problem is collected and reported in one {@link ConfigError} before any resource exists.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkTags, environmentSchema, type Environment, tagsSchema } from "./core";
import { checkCluster, clusterSchema } from "./cluster";
import { checkCost, checkCostAgainstStack, costSchema } from "./cost";
import { checkData, dataSchema } from "./data";
import { certificateRegionProblems, checkEdge, edgeSchema } from "./edge";
import { deliverySchema } from "./delivery";
import { checkKms, kmsSchema } from "./kms";
import { checkNetwork, networkSchema } from "./network";
import { imageRegistryProblems, registrySchema } from "./registry";
import { type ConfigProblem, ConfigError, parseSection } from "./problems";
import { checkServices, servicesSchema } from "./services";
import { checkVault, vaultSchema } from "./vault";

export { ConfigError } from "./problems";
export type { ConfigProblem } from "./problems";

/** What section checks may look at besides their own value. */
export interface CheckContext {
  readonly environment: Environment;
  readonly region: string;
  readonly project: string;
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
  tags: section(tagsSchema, (v, ctx) => checkTags(v, ctx.environment, ctx.project)),
  network: section(networkSchema, (v, ctx) => checkNetwork(v, ctx.environment, ctx.region)),
  kms: section(kmsSchema, (v, ctx) => checkKms(v, ctx.environment)),
  cluster: section(clusterSchema, (v, ctx) => checkCluster(v, ctx.environment)),
  data: section(dataSchema, (v, ctx) => checkData(v, ctx.environment, ctx.region)),
  services: section(servicesSchema, (v, ctx) => [
    ...checkServices(v, ctx.environment),
    ...certificateRegionProblems(v, ctx.region),
  ]),
  vault: section(vaultSchema, (v, ctx) => checkVault(v, ctx.environment)),
  edge: section(edgeSchema, (v, ctx) => checkEdge(v, ctx.environment)),
  registry: section(registrySchema),
  delivery: section(deliverySchema),
  cost: section(costSchema, (v, ctx) => checkCost(v, ctx.environment)),
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

/** The whole validated configuration of one stack. */
export interface PlatformConfig extends SectionValues, ScalarValues {
  readonly project: string;
  readonly stack: string;
  /** `aws:region`. */
  readonly region: string;
}

/** Raw config as the engine hands it over: full keys, string values (objects JSON-encoded). */
export type RawConfig = Readonly<Record<string, string>>;

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

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

/**
 * Validates raw stack config. Throws a {@link ConfigError} listing every problem; returns the typed
 * config otherwise. Pure: usable from tests and tools without a Pulumi engine.
 */
export function parseConfig(raw: RawConfig, project: string, stack: string): PlatformConfig {
  const problems: ConfigProblem[] = [];
  const prefix = `${project}:`;

  const region = raw["aws:region"];
  if (region === undefined || !REGION.test(region)) {
    problems.push({
      key: "aws:region",
      received: region,
      message: "must be an AWS region such as us-west-2",
    });
  }

  const known = new Set<string>([...Object.keys(SECTIONS), ...Object.keys(SCALARS)]);
  for (const key of Object.keys(raw).sort()) {
    if (key.startsWith(prefix) && !known.has(key.slice(prefix.length))) {
      problems.push({
        key,
        received: raw[key],
        message: `unknown key; the project's keys are ${[...known]
          .sort()
          .map((k) => prefix + k)
          .join(", ")}`,
      });
    }
  }

  const scalars: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(SCALARS)) {
    const key = prefix + name;
    const text = raw[key];
    const value = text === undefined ? undefined : decode(key, text, false, problems);
    scalars[name] = parseSection(key, schema, value, problems);
  }

  const sections: Record<string, unknown> = {};
  const parsedSections: [Section, unknown][] = [];
  for (const [name, sec] of Object.entries(SECTIONS) as [string, Section][]) {
    const key = prefix + name;
    const text = raw[key];
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
  if (environment !== undefined && region !== undefined && REGION.test(region)) {
    const ctx: CheckContext = { environment, region, project };
    for (const [sec, value] of parsedSections) {
      problems.push(...(sec.check?.(value, ctx) ?? []));
    }
    for (const check of CROSS_SECTION_CHECKS) {
      problems.push(...check(sections as Partial<SectionValues>, ctx));
    }
  }
  const { cost, tags, data } = sections as Partial<SectionValues>;
  if (cost && tags && data) {
    problems.push(...checkCostAgainstStack(cost, tags, data));
  }

  if (problems.length > 0) {
    throw new ConfigError(stack, problems);
  }
  return {
    project,
    stack,
    region: region as string,
    ...(scalars as ScalarValues),
    ...(sections as SectionValues),
  };
}

/** Reads the running stack's config from the Pulumi engine and validates it. */
export function loadConfig(): PlatformConfig {
  return parseConfig(pulumi.runtime.allConfig(), pulumi.getProject(), pulumi.getStack());
}
