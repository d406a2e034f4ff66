/**
 * Registry policies: the platform's ECR repositories are hardened (immutable tags, scanning on push,
 * a customer-managed key, a lifecycle policy) and the workloads' images come from the platform
 * registry (a private ECR registry) or an explicit allow-list of upstream prefixes.
 */
import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType } from "@pulumi/policy";
import type { ResourceValidation } from "@pulumi/policy";
import { containersOf, type Obj, podTemplate } from "./lib/k8s";
import { asArray, asRecord, dependents, subjects, violation } from "./lib/props";
import type { PlatformPolicy, PlatformStackPolicy } from "./lib/types";

const REPOSITORY = "aws:ecr/repository:Repository";
const LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy";

export const ecrRepositoryHardened: PlatformStackPolicy = {
  name: "ecr-repository-hardened",
  description:
    "Every ECR repository has immutable tags, scanning on push, a customer-managed KMS key and a lifecycle policy.",
  severity: "high",
  enforcementLevel: "advisory",
  category: "CI/CD",
  group: "Security",
  references: [
    "AWS FSBP ECR.1",
    "AWS FSBP ECR.2",
    "AWS FSBP ECR.3",
    "Checkov CKV_AWS_51",
    "Checkov CKV_AWS_136",
  ],
  validateStack: (args, report) => {
    for (const repo of subjects(args, (r) => r.type === REPOSITORY, "ECR repository")) {
      const name = `ECR repository '${repo.name}'`;
      const missing: string[] = [];
      if (repo.props.imageTagMutability !== "IMMUTABLE") {
        missing.push("'imageTagMutability: \"IMMUTABLE\"'");
      }
      if (asRecord(repo.props.imageScanningConfiguration).scanOnPush !== true) {
        missing.push("'imageScanningConfiguration.scanOnPush: true'");
      }
      const encryption = asRecord(asArray(repo.props.encryptionConfigurations)[0]);
      if (encryption.encryptionType !== "KMS" || !encryption.kmsKey) {
        missing.push("'encryptionConfigurations: [{ encryptionType: \"KMS\", kmsKey }]'");
      }
      if (dependents(args.resources, repo, LIFECYCLE).length === 0) {
        missing.push("an aws.ecr.LifecyclePolicy");
      }
      if (missing.length > 0) {
        report(violation(`${name} is not hardened`, `set ${missing.join(", ")} for ${name}.`), repo.urn);
      }
    }
  },
};

/** Upstream images the platform's own charts and jobs run (Vault, its jobs' AWS CLI). */
export const DEFAULT_ALLOWED_IMAGE_PREFIXES = ["hashicorp/vault:", "hashicorp/vault-k8s:", "amazon/aws-cli:"];

const PRIVATE_ECR = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//;

const WORKLOADS = [
  k8s.apps.v1.Deployment,
  k8s.apps.v1.StatefulSet,
  k8s.apps.v1.DaemonSet,
  k8s.batch.v1.Job,
  k8s.batch.v1.CronJob,
  k8s.core.v1.Pod,
];

export const imagesFromPlatformRegistry: PlatformPolicy = {
  name: "images-from-platform-registry",
  description:
    "Every container image comes from a private ECR registry or an explicitly allowed upstream prefix.",
  severity: "high",
  enforcementLevel: "advisory",
  category: "CI/CD",
  group: "Security",
  references: ["CIS EKS 5.1.4", "EKS Best Practices: image security"],
  configSchema: {
    properties: {
      allowedImagePrefixes: {
        type: "array",
        items: { type: "string" },
        default: DEFAULT_ALLOWED_IMAGE_PREFIXES,
      },
    },
  },
  validateResource: WORKLOADS.map((cls): ResourceValidation =>
    validateResourceOfType(cls as typeof k8s.apps.v1.Deployment, (props, args, report) => {
      const { allowedImagePrefixes } = args.getConfig<{ allowedImagePrefixes: string[] }>();
      const pod = args.type.endsWith(":Pod")
        ? { spec: asRecord((props as Obj).spec) }
        : podTemplate(args.type, props as Obj);
      const containers = containersOf(pod.spec);
      if (containers.length === 0) {
        args.notApplicable(`${args.type.split(":").pop()} '${args.name}' has no containers`);
        return;
      }
      for (const { name, container } of containers) {
        const image = String(container.image ?? "");
        if (!PRIVATE_ECR.test(image) && !allowedImagePrefixes.some((p) => image.startsWith(p))) {
          const what = `${args.type.split(":").pop()} '${args.name}'`;
          report(
            violation(
              `Container '${name}' of ${what} runs image '${image}' from outside the platform registry`,
              `push the image to the platform's ECR repository and reference it from container '${name}' of ${what}, or add its prefix to 'allowedImagePrefixes' of images-from-platform-registry.`,
            ),
          );
        }
      }
    }),
  ),
};

export const registryPolicies: PlatformPolicy[] = [ecrRepositoryHardened, imagesFromPlatformRegistry];
