/**
 * The config keys a stack file may set, so a misspelt key or namespace (`platfrom:kms`,
 * `aws:regoin`) is refused with the key it was meant to be, instead of being silently ignored.
 */
import * as awsConfig from "@pulumi/aws/config/vars";
import type { ConfigProblem } from "./problems";
import { didYouMean, nearest, notOneOf, orList } from "./suggest";

/** Settings of the AWS provider (`aws:<name>`), from `@pulumi/aws/config`. */
export const AWS_CONFIG_KEYS: readonly string[] = Object.keys(awsConfig)
  .filter((k) => k !== "default" && k !== "__esModule")
  .sort();

/**
 * Namespaces besides the project's: the providers the program uses and Pulumi's own. Only `aws`
 * keys are checked one by one; the others are passed to their providers untouched.
 */
export const PROVIDER_NAMESPACES = ["aws", "kubernetes", "random", "pulumi"] as const;

/**
 * Problems with the keys themselves (not their values): unknown `<project>:` keys, unknown `aws:`
 * settings and unknown namespaces, each with the nearest known key when one is close.
 */
/** A raw value as the stack file had it (objects arrive JSON-encoded). */
function decoded(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return text;
  }
}

export function keyProblems(
  raw: Readonly<Record<string, string>>,
  project: string,
  projectKeys: readonly string[],
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const known = projectKeys.map((k) => `${project}:${k}`).sort();
  const namespaces = [project, ...PROVIDER_NAMESPACES];
  for (const key of Object.keys(raw).sort()) {
    const colon = key.indexOf(":");
    if (colon < 0) {
      continue; // the engine always qualifies keys; nothing to check on an unqualified one
    }
    const namespace = key.slice(0, colon);
    const name = key.slice(colon + 1);
    if (namespace === project && !known.includes(key)) {
      problems.push({
        key,
        received: decoded(raw[key]),
        message: `unknown key; ${didYouMean(key, known) ?? `the project's keys are ${known.join(", ")}`}`,
      });
    } else if (namespace === "aws" && !AWS_CONFIG_KEYS.includes(name)) {
      problems.push({
        key,
        received: decoded(raw[key]),
        message: notOneOf(name, AWS_CONFIG_KEYS, "a setting of the aws provider"),
      });
    } else if (!namespaces.includes(namespace)) {
      const meant = nearest(namespace, namespaces).map((ns) => `${ns}:${name}`);
      problems.push({
        key,
        received: decoded(raw[key]),
        message: `unknown namespace '${namespace}'; ${
          meant.length > 0
            ? `did you mean ${orList(meant)}?`
            : `keys start with ${project}: or a provider's name, ${PROVIDER_NAMESPACES.map((n) => `${n}:`).join(", ")}`
        }`,
      });
    }
  }
  return problems;
}
