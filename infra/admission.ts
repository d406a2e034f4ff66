/**
 * Step "admission": the cluster's admission guardrails (docs/decisions/0132), in every namespace but
 * `platform:admission.exemptNamespaces`. Images may come from the platform registry
 * (`<account>.dkr.ecr.<region>.amazonaws.com/<platform:registry.repositoryPrefix>/`), from
 * `platform:admission.allowedImagePrefixes` (the platform charts' upstream images) and from
 * `platform:registry.allowedImagePrefixes` (the services' recorded exceptions).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AdmissionGuardrails } from "../components/admission/admission-guardrails";
import type { PlatformConfig } from "./config";
import type { KubernetesOptions } from "./providers";

export function createAdmissionGuardrails(
  config: PlatformConfig,
  opts: KubernetesOptions,
  provider: aws.Provider,
): AdmissionGuardrails {
  const { validationActions, exemptNamespaces, allowedImagePrefixes } = config.admission;
  const account = aws.getCallerIdentityOutput({}, { provider }).accountId;
  const platformRegistry = pulumi.interpolate`${account}.dkr.ecr.${config.region}.amazonaws.com/${config.registry.repositoryPrefix}/`;
  return new AdmissionGuardrails(
    "platform-guardrails",
    {
      validationActions,
      exemptNamespaces,
      allowedImagePrefixes: [
        platformRegistry,
        ...new Set([...allowedImagePrefixes, ...config.registry.allowedImagePrefixes]),
      ],
    },
    opts,
  );
}
