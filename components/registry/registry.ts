/**
 * The platform's container registry: one ECR repository per service, `<repositoryPrefix>/<service>`,
 * with immutable tags, scanning on push, encryption with a customer-managed key, a lifecycle policy
 * and a repository policy naming who pulls (the nodes) and who pushes (CI). Services' images must
 * come from here (config validation, the pack's `images-from-platform-registry`, the admission layer).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type StatefulArgs, statefulOptions } from "../shared/stateful";
import { lifecyclePolicy, repositoryPolicy } from "./repository-policies";

export interface ContainerRegistryArgs extends StatefulArgs {
  /** Repository name prefix: `platform` gives `platform/api`. Lower-case, `[a-z0-9._/-]`. Required. */
  readonly repositoryPrefix: string;
  /** One repository per name (the services' names). Required (may be empty). */
  readonly repositories: readonly string[];
  /** KMS key encrypting the images. Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Tagged images kept per repository (the newest). Required, 1 or more. */
  readonly keepTaggedImages: number;
  /** Days an untagged image is kept. Required, 1 or more. */
  readonly untaggedExpiryDays: number;
  /** Roles that pull images (the node role). Required, at least one. */
  readonly pullPrincipalArns: readonly pulumi.Input<string>[];
  /**
   * Roles that push images (the CI deploy role); when given, nobody else may push.
   * @default none: pushes need an IAM policy of the account, no one is denied
   */
  readonly pushPrincipalArns?: readonly pulumi.Input<string>[];
}

const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** Every problem with the args, as sentences; empty when valid. */
export function containerRegistryArgsProblems(args: ContainerRegistryArgs): string[] {
  const problems: string[] = [];
  for (const repo of args.repositories) {
    const name = `${args.repositoryPrefix}/${repo}`;
    if (!REPOSITORY_NAME.test(name) || name.length > 256) {
      problems.push(
        `repository '${name}' is not a valid ECR repository name (lower-case letters, digits, '.', '_', '-' separated by '/', at most 256 characters)`,
      );
    }
  }
  const repeated = args.repositories.filter((r, i) => args.repositories.indexOf(r) !== i);
  if (repeated.length > 0) {
    problems.push(`repositories ${[...new Set(repeated)].map((r) => `'${r}'`).join(", ")} repeated`);
  }
  for (const [field, value] of [
    ["keepTaggedImages", args.keepTaggedImages],
    ["untaggedExpiryDays", args.untaggedExpiryDays],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      problems.push(`${field} ${value} must be an integer of at least 1`);
    }
  }
  if (args.pullPrincipalArns.length === 0) {
    problems.push(
      "pullPrincipalArns must name at least one role (the node role): nothing could pull otherwise",
    );
  }
  return problems;
}

/** The repositories, by name. */
export class ContainerRegistry extends pulumi.ComponentResource {
  /** Repository URL (`<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<name>`) by name. */
  public readonly repositoryUrls: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: ContainerRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = containerRegistryArgsProblems(args);
    if (problems.length > 0) {
      throw new Error(`Invalid ContainerRegistry arguments:\n- ${problems.join("\n- ")}`);
    }
    super("platform:registry:ContainerRegistry", name, {}, opts);
    const lifecycle = lifecyclePolicy(args.untaggedExpiryDays, args.keepTaggedImages);
    const access = repositoryPolicy(args.pullPrincipalArns, args.pushPrincipalArns ?? []);
    const urls: Record<string, pulumi.Output<string>> = {};
    for (const repo of args.repositories) {
      const repository = new aws.ecr.Repository(
        `${name}-${repo}`,
        {
          name: `${args.repositoryPrefix}/${repo}`,
          imageTagMutability: "IMMUTABLE",
          imageScanningConfiguration: { scanOnPush: true },
          encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.kmsKeyArn }],
          forceDelete: false,
        },
        statefulOptions(this, args.protect),
      );
      new aws.ecr.LifecyclePolicy(
        `${name}-${repo}-lifecycle`,
        { repository: repository.name, policy: lifecycle },
        { parent: repository },
      );
      new aws.ecr.RepositoryPolicy(
        `${name}-${repo}-policy`,
        { repository: repository.name, policy: access },
        { parent: repository },
      );
      urls[repo] = repository.repositoryUrl;
    }
    this.repositoryUrls = urls;
    this.registerOutputs({ repositoryUrls: urls });
  }
}
