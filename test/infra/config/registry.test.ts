import { imageRegistryProblems, registrySchema } from "../../../infra/config/registry";
import { servicesSchema } from "../../../infra/config/services";

function messages(value: unknown): string[] {
  const result = registrySchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

const services = (...images: string[]) =>
  servicesSchema.parse({
    ingressController: { chartVersion: "1.13.0" },
    services: images.map((image, i) => ({
      name: ["api", "worker"][i],
      image,
      ports: { http: 8000 },
      replicas: 2,
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
    })),
  });

describe("platform:registry schema", () => {
  test("defaults: keep 30 tagged images, untagged 7 days, no push role, no exception", () => {
    expect(registrySchema.parse({ repositoryPrefix: "platform" })).toEqual({
      repositoryPrefix: "platform",
      keepTaggedImages: 30,
      untaggedExpiryDays: 7,
      pushRoleArns: [],
      allowedImagePrefixes: [],
    });
  });

  test.each<[unknown, string[]]>([
    [
      { repositoryPrefix: "Platform" },
      ["repositoryPrefix: must be lower-case letters and digits, separated by '.', '_', '-' or '/'"],
    ],
    [
      { repositoryPrefix: "platform", keepTaggedImages: 0 },
      ["keepTaggedImages: must be an integer of at least 1"],
    ],
    [
      { repositoryPrefix: "platform", pushRoleArns: ["ci-deploy"] },
      ["pushRoleArns.0: must be an IAM role ARN: arn:aws:iam::<account>:role/<name>"],
    ],
    [
      { repositoryPrefix: "platform", allowedImagePrefixes: [""] },
      ["allowedImagePrefixes.0: must not be empty (it would allow every image)"],
    ],
  ])("%j is refused", (value, expected) => {
    expect(messages(value)).toEqual(expected);
  });
});

describe("imageRegistryProblems", () => {
  const registry = registrySchema.parse({ repositoryPrefix: "platform" });
  const ecr = (service: string, region = "us-west-2") =>
    `123456789012.dkr.ecr.${region}.amazonaws.com/platform/${service}:1.0.0`;

  test("images from the service's own repository in the stack's region pass, by tag or digest", () => {
    const digest = `123456789012.dkr.ecr.us-west-2.amazonaws.com/platform/worker@sha256:${"a".repeat(64)}`;
    expect(imageRegistryProblems(services(ecr("api"), digest), registry, "us-west-2")).toEqual([]);
  });

  test.each([
    ["another registry", "ghcr.io/acme/api:1.0.0"],
    ["another region", ecr("api", "us-east-1")],
    ["another service's repository", ecr("worker")],
  ])("an image from %s is refused", (_label, image) => {
    expect(imageRegistryProblems(services(image), registry, "us-west-2")).toEqual([
      {
        key: "platform:services.services[0].image",
        received: image,
        message:
          "must come from the platform registry (<account>.dkr.ecr.us-west-2.amazonaws.com/platform/api:<tag>) or start with one of platform:registry.allowedImagePrefixes",
      },
    ]);
  });

  test("an explicit exception allows exactly its prefix", () => {
    const allowing = { ...registry, allowedImagePrefixes: ["ghcr.io/acme/api:"] };
    expect(imageRegistryProblems(services("ghcr.io/acme/api:1.0.0"), allowing, "us-west-2")).toEqual([]);
    expect(imageRegistryProblems(services("ghcr.io/acme/other:1.0.0"), allowing, "us-west-2")).toHaveLength(
      1,
    );
  });
});
