/**
 * Progressive delivery: services exposed to the internet release by canary with analysis, so a bad
 * version meets a fraction of the users and is rolled back on metrics. Advisory by default,
 * mandatory in production (policy/config/production.json).
 */
import type { PolicyResource } from "@pulumi/policy";
import { namespaceOf, WORKLOAD_TYPES } from "./lib/k8s";
import { asArray, asRecord, subjects, violation } from "./lib/props";
import type { PlatformStackPolicy } from "./lib/types";

const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";

const isPublic = (r: PolicyResource) =>
  r.type === INGRESS &&
  asRecord(asRecord(r.props.metadata).annotations)["alb.ingress.kubernetes.io/scheme"] === "internet-facing";

/** Whether a Rollout releases by canary with ALB traffic routing and a background analysis. */
function analysedCanary(rollout: PolicyResource): boolean {
  const canary = asRecord(asRecord(rollout.props.spec).strategy).canary;
  const c = asRecord(canary);
  return (
    canary !== undefined &&
    asRecord(c.trafficRouting).alb !== undefined &&
    asArray(asRecord(c.analysis).templates).length > 0
  );
}

export const publicServiceCanaryRelease: PlatformStackPolicy = {
  name: "public-service-canary-release",
  description:
    "Every internet-facing Ingress fronts an Argo Rollouts canary with ALB traffic routing and a background analysis, so a failing release is rolled back on metrics.",
  severity: "high",
  enforcementLevel: "advisory",
  category: "CI/CD",
  group: "Reliability",
  references: [
    "Argo Rollouts: Canary, Analysis and AWS Load Balancer Controller traffic routing",
    "Google SRE Workbook: Canarying Releases",
  ],
  validateStack: (args, report) => {
    for (const ingress of subjects(args, isPublic, "internet-facing Ingress")) {
      const ns = namespaceOf(ingress.props);
      const rollouts = args.resources.filter(
        (r) => r.type === WORKLOAD_TYPES.rollout && namespaceOf(r.props) === ns,
      );
      if (!rollouts.some(analysedCanary)) {
        report(
          violation(
            `Internet-facing Ingress '${ingress.name}' (namespace ${ns}) is not released by an analysed canary`,
            `release the service behind '${ingress.name}' with release.strategy 'canary': a Rollout with 'spec.strategy.canary.trafficRouting.alb' and 'spec.strategy.canary.analysis.templates'.`,
          ),
          ingress.urn,
        );
      }
    }
  },
};

export const progressiveDeliveryPolicies = [publicServiceCanaryRelease];
