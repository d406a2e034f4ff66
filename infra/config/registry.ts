/**
 * `platform:registry`: the ECR repositories of the services (`<repositoryPrefix>/<service>`), their
 * retention, who pushes, and the explicit exceptions to "service images come from the platform
 * registry".
 */
import { z } from "zod";
import type { ConfigProblem } from "./problems";
import type { ServicesConfig } from "./services";

const COUNT = "must be an integer of at least 1";
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export const registrySchema = z.strictObject({
  /** Repositories are `<repositoryPrefix>/<service name>`. */
  repositoryPrefix: z.string().regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/, {
    message: "must be lower-case letters and digits, separated by '.', '_', '-' or '/'",
  }),
  /** Newest tagged images kept per repository. */
  keepTaggedImages: z
    .number({ message: COUNT })
    .int({ message: COUNT })
    .min(1, { message: COUNT })
    .default(30),
  /** Days an untagged image is kept. */
  untaggedExpiryDays: z
    .number({ message: COUNT })
    .int({ message: COUNT })
    .min(1, { message: COUNT })
    .default(7),
  /** CI deploy role(s): the only principals that may push (besides none, when empty). */
  pushRoleArns: z
    .array(
      z.string().regex(ROLE_ARN, { message: "must be an IAM role ARN: arn:aws:iam::<account>:role/<name>" }),
    )
    .default([]),
  /**
   * Image prefixes a service may use from outside the platform registry, each an explicit exception
   * (e.g. `public.ecr.aws/acme/tool:`). Empty: every service image comes from its own repository.
   */
  allowedImagePrefixes: z
    .array(z.string().min(1, { message: "must not be empty (it would allow every image)" }))
    .default([]),
});

export type RegistryConfig = z.infer<typeof registrySchema>;

/** The image reference a service must use: `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<service>`. */
export function platformImagePattern(region: string, prefix: string, service: string): RegExp {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(
    `^\\d{12}\\.dkr\\.ecr\\.${escape(region)}\\.amazonaws\\.com/${escape(prefix)}/${escape(service)}[:@]`,
  );
}

/** Each service image comes from its repository in the stack's region, or from an allowed prefix. */
export function imageRegistryProblems(
  services: ServicesConfig,
  registry: RegistryConfig,
  region: string,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  services.services.forEach((service, index) => {
    const fromPlatform = platformImagePattern(region, registry.repositoryPrefix, service.name).test(
      service.image,
    );
    const allowed = registry.allowedImagePrefixes.some((prefix) => service.image.startsWith(prefix));
    if (!fromPlatform && !allowed) {
      problems.push({
        key: `platform:services.services[${index}].image`,
        received: service.image,
        message: `must come from the platform registry (<account>.dkr.ecr.${region}.amazonaws.com/${registry.repositoryPrefix}/${service.name}:<tag>) or start with one of platform:registry.allowedImagePrefixes`,
      });
    }
  });
  return problems;
}
