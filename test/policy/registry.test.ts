import { ecrRepositoryHardened, imagesFromPlatformRegistry } from "../../policy/registry";
import { describeResourcePolicies } from "./cases";
import { messages, res, run } from "./helpers";

const REPO = "aws:ecr/repository:Repository";
const repoProps = {
  name: "platform/api",
  imageTagMutability: "IMMUTABLE",
  imageScanningConfiguration: { scanOnPush: true },
  encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: "arn:aws:kms:us-west-2:123456789012:key/k" }],
};

describe("ecr-repository-hardened", () => {
  const repo = (props: Record<string, unknown>) => res(REPO, "registry-api", props);
  const lifecycle = (r: ReturnType<typeof repo>) =>
    res(
      "aws:ecr/lifecyclePolicy:LifecyclePolicy",
      "registry-api-lifecycle",
      { policy: "{}" },
      { dependsOn: [r] },
    );
  const failure = (missing: string) =>
    `ECR repository 'registry-api' is not hardened. Remediation: set ${missing} for ECR repository 'registry-api'.`;

  test("a hardened repository with a lifecycle policy passes", async () => {
    const r = repo(repoProps);
    const result = await run(ecrRepositoryHardened, [r, lifecycle(r)]);
    expect(result.violations).toEqual([]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 1, passed: 1 });
  });

  test.each<[string, Record<string, unknown>, string]>([
    ["mutable tags", { ...repoProps, imageTagMutability: "MUTABLE" }, `'imageTagMutability: "IMMUTABLE"'`],
    [
      "no scan on push",
      { ...repoProps, imageScanningConfiguration: { scanOnPush: false } },
      "'imageScanningConfiguration.scanOnPush: true'",
    ],
    [
      "AES256",
      { ...repoProps, encryptionConfigurations: [{ encryptionType: "AES256" }] },
      `'encryptionConfigurations: [{ encryptionType: "KMS", kmsKey }]'`,
    ],
  ])("%s is caught", async (_label, props, missing) => {
    const r = repo(props);
    expect(await messages(ecrRepositoryHardened, [r, lifecycle(r)])).toEqual([failure(missing)]);
  });

  test("no lifecycle policy is caught", async () => {
    expect(await messages(ecrRepositoryHardened, [repo(repoProps)])).toEqual([
      failure("an aws.ecr.LifecyclePolicy"),
    ]);
  });

  test("without repositories the policy is not assessed", async () => {
    const result = await run(ecrRepositoryHardened, [res("aws:kms/key:Key", "k", {})]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 0 });
  });
});

const deployment = (image: string) => ({
  metadata: { name: "api", namespace: "api" },
  spec: { template: { spec: { containers: [{ name: "api", image }] } } },
});
const PLATFORM_IMAGE = "123456789012.dkr.ecr.us-west-2.amazonaws.com/platform/api:1.0.0";
const outside = (image: string, what = "Deployment 'api-deployment'") =>
  `Container 'api' of ${what} runs image '${image}' from outside the platform registry. Remediation: push the image to the platform's ECR repository and reference it from container 'api' of ${what}, or add its prefix to 'allowedImagePrefixes' of images-from-platform-registry.`;

describeResourcePolicies([
  {
    policy: imagesFromPlatformRegistry,
    type: "kubernetes:apps/v1:Deployment",
    name: "api-deployment",
    valid: deployment(PLATFORM_IMAGE),
    failures: [
      ["spec.template.spec.containers[0].image", "ghcr.io/acme/api:1.0.0", outside("ghcr.io/acme/api:1.0.0")],
      ["spec.template.spec.containers[0].image", "hashicorp/consul:1.0", outside("hashicorp/consul:1.0")],
    ],
  },
]);

describe("images-from-platform-registry allow-list", () => {
  test("the platform's upstream images (Vault, the AWS CLI of its jobs) pass by default", async () => {
    const job = {
      spec: { template: { spec: { containers: [{ name: "snap", image: "amazon/aws-cli:2.27.50" }] } } },
    };
    expect(await messages(imagesFromPlatformRegistry, [res("kubernetes:batch/v1:Job", "j", job)])).toEqual(
      [],
    );
  });

  test("a stack's config replaces the allow-list", async () => {
    const d = res("kubernetes:apps/v1:Deployment", "api-deployment", deployment("ghcr.io/acme/api:1.0.0"));
    const config = { "images-from-platform-registry": { allowedImagePrefixes: ["ghcr.io/acme/"] } };
    expect(await messages(imagesFromPlatformRegistry, [d], config)).toEqual([]);
  });
});
