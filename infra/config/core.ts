/**
 * Keys every stack sets: environment name, governance tags, and whether stateful resources are
 * protected from `pulumi destroy`.
 */
import { z } from "zod";
import { REQUIRED_TAGS } from "../../components/shared/tags";
import type { ConfigProblem } from "./problems";

export const ENVIRONMENTS = ["dev", "staging", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const environmentSchema = z.enum(ENVIRONMENTS, {
  message: `must be one of ${ENVIRONMENTS.join(", ")}`,
});

export { REQUIRED_TAGS };

/** Characters every AWS service accepts in tags (EC2 allows more, but not all services do). */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * AWS tag limits: keys up to 128 characters, values up to 256, `aws:` prefix reserved. Which tags
 * are required is checked in {@link checkTags}, so a missing tag and a wrong one show together.
 */
export const tagsSchema = z.record(
  z
    .string()
    .min(1)
    .max(128)
    .refine((k) => !k.toLowerCase().startsWith("aws:"), {
      message: "tag keys starting with 'aws:' are reserved by AWS",
    }),
  z.string().max(256, { message: "tag values are at most 256 characters" }).regex(TAG_VALUE, {
    message:
      "tag values may only contain letters, digits, spaces and _ . : / = + - @ (the set every AWS service accepts)",
  }),
);

export type Tags = z.infer<typeof tagsSchema>;

/**
 * Required tags present, `Environment` and `Project` in step with the stack. `environment` is
 * undefined when `platform:environment` is invalid (reported there): the tag is not compared then.
 * `standbyStack`: the name of a standby stack (`platform:standby.role: standby`), which follows the
 * rules of its environment but is tagged, budgeted and judged as itself (docs/decisions/0140).
 */
export function checkTags(
  tags: Tags,
  environment: string | undefined,
  project: string,
  standbyStack?: string,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const name of REQUIRED_TAGS) {
    const value = tags[name];
    if (value === undefined || value.trim() === "") {
      problems.push({
        key: `platform:tags.${name}`,
        received: value,
        message: `required tag ${name} is missing or empty; set a non-empty value`,
      });
    }
  }
  const expected = standbyStack ?? environment;
  if (
    expected !== undefined &&
    tags.Environment !== undefined &&
    tags.Environment.trim() !== "" &&
    tags.Environment !== expected
  ) {
    problems.push({
      key: "platform:tags.Environment",
      received: tags.Environment,
      message:
        standbyStack !== undefined
          ? `must equal the stack name ('${standbyStack}') in a standby stack: its costs and policies are its own`
          : `must equal platform:environment ('${environment}')`,
    });
  }
  if (tags.Project !== undefined && tags.Project.trim() !== "" && tags.Project !== project) {
    problems.push({
      key: "platform:tags.Project",
      received: tags.Project,
      message: `must equal the Pulumi project name ('${project}')`,
    });
  }
  return problems;
}
