import { byName, json, runProgram, type OfflineRun } from "../../support/offline";
import {
  containerRegistryArgsProblems,
  type ContainerRegistryArgs,
} from "../../../components/registry/registry";

const KEY = "arn:aws:kms:us-west-2:123456789012:key/ecr";
const NODE_ROLE = "arn:aws:iam::123456789012:role/platform-node";
const CI_ROLE = "arn:aws:iam::123456789012:role/ci-deploy";
const ARGS: ContainerRegistryArgs = {
  repositoryPrefix: "platform",
  repositories: ["api", "worker"],
  kmsKeyArn: KEY,
  keepTaggedImages: 30,
  untaggedExpiryDays: 7,
  pullPrincipalArns: [NODE_ROLE],
  pushPrincipalArns: [CI_ROLE],
};
const PULL = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];
const PUSH = ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"];

async function build(args: ContainerRegistryArgs): Promise<OfflineRun> {
  return runProgram(async () => {
    const { ContainerRegistry } = await import("../../../components/registry/registry");
    return { urls: new ContainerRegistry("registry", args).repositoryUrls };
  });
}

describe("ContainerRegistry", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await build(ARGS);
  });

  test("one protected repository per name, each with its lifecycle and repository policy", () => {
    const children = run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    expect(children.map((r) => `${r.type} ${r.name}`).sort()).toEqual(
      [
        "aws:ecr/repository:Repository registry-api",
        "aws:ecr/lifecyclePolicy:LifecyclePolicy registry-api-lifecycle",
        "aws:ecr/repositoryPolicy:RepositoryPolicy registry-api-policy",
        "aws:ecr/repository:Repository registry-worker",
        "aws:ecr/lifecyclePolicy:LifecyclePolicy registry-worker-lifecycle",
        "aws:ecr/repositoryPolicy:RepositoryPolicy registry-worker-policy",
      ].sort(),
    );
    const component = byName(run, "platform:registry:ContainerRegistry", "registry");
    const api = byName(run, "aws:ecr/repository:Repository", "registry-api");
    expect(api.parent).toBe(component.urn);
    expect(api.protect).toBe(true);
    expect(byName(run, "aws:ecr/lifecyclePolicy:LifecyclePolicy", "registry-api-lifecycle").parent).toBe(
      api.urn,
    );
  });

  test("repository: immutable tags, scan on push, the customer-managed key, never force-deleted", () => {
    expect(byName(run, "aws:ecr/repository:Repository", "registry-api").inputs).toEqual({
      name: "platform/api",
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: KEY }],
      forceDelete: false,
    });
  });

  test("lifecycle: untagged images expire after 7 days; the last 30 tagged ones stay", () => {
    const lifecycle = byName(run, "aws:ecr/lifecyclePolicy:LifecyclePolicy", "registry-api-lifecycle").inputs;
    expect(lifecycle.repository).toBe("platform/api");
    expect(json(lifecycle.policy)).toEqual({
      rules: [
        {
          rulePriority: 1,
          description: "Expire untagged images 7 days after push",
          selection: {
            tagStatus: "untagged",
            countType: "sinceImagePushed",
            countUnit: "days",
            countNumber: 7,
          },
          action: { type: "expire" },
        },
        {
          rulePriority: 2,
          description: "Keep the last 30 tagged images",
          selection: {
            tagStatus: "tagged",
            tagPatternList: ["*"],
            countType: "imageCountMoreThan",
            countNumber: 30,
          },
          action: { type: "expire" },
        },
      ],
    });
  });

  test("repository policy: nodes pull, CI pushes, nobody else pushes", () => {
    const policy = byName(run, "aws:ecr/repositoryPolicy:RepositoryPolicy", "registry-api-policy").inputs;
    expect(json(policy.policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "NodesPull", Effect: "Allow", Principal: { AWS: [NODE_ROLE] }, Action: PULL },
        { Sid: "CiPushAndPull", Effect: "Allow", Principal: { AWS: [CI_ROLE] }, Action: [...PULL, ...PUSH] },
        {
          Sid: "OnlyCiPushes",
          Effect: "Deny",
          Principal: "*",
          Action: PUSH,
          Condition: { ArnNotEquals: { "aws:PrincipalArn": [CI_ROLE] } },
        },
      ],
    });
  });

  test("outputs each repository's URL", () => {
    expect(run.outputs).toEqual({
      urls: {
        api: "123456789012.dkr.ecr.us-west-2.amazonaws.com/platform/api",
        worker: "123456789012.dkr.ecr.us-west-2.amazonaws.com/platform/worker",
      },
    });
  });

  test("without a CI role: only the nodes' pull statement, no deny", async () => {
    const without = await build({ ...ARGS, repositories: ["api"], pushPrincipalArns: undefined });
    const policy = byName(without, "aws:ecr/repositoryPolicy:RepositoryPolicy", "registry-api-policy").inputs;
    expect(json<{ Statement: { Sid: string }[] }>(policy.policy).Statement.map((s) => s.Sid)).toEqual([
      "NodesPull",
    ]);
  });
});

describe("containerRegistryArgsProblems", () => {
  test("valid args have no problem", () => {
    expect(containerRegistryArgsProblems(ARGS)).toEqual([]);
  });

  test("reports every problem at once", () => {
    expect(
      containerRegistryArgsProblems({
        ...ARGS,
        repositories: ["Api", "worker", "worker"],
        keepTaggedImages: 0,
        untaggedExpiryDays: 1.5,
        pullPrincipalArns: [],
      }),
    ).toEqual([
      "repository 'platform/Api' is not a valid ECR repository name (lower-case letters, digits, '.', '_', '-' separated by '/', at most 256 characters)",
      "repositories 'worker' repeated",
      "keepTaggedImages 0 must be an integer of at least 1",
      "untaggedExpiryDays 1.5 must be an integer of at least 1",
      "pullPrincipalArns must name at least one role (the node role): nothing could pull otherwise",
    ]);
  });
});
