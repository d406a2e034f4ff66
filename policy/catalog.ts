/**
 * Every policy of the pack, and their metadata. Safe to import anywhere (tests, tools): unlike
 * `policy/index.ts`, it does not construct the PolicyPack, which would start the analyzer server.
 */
import { admissionPolicies } from "./admission";
import { backupPolicies } from "./backup";
import { dataPolicies } from "./data";
import { recoveryPolicies } from "./recovery";
import { costPolicies } from "./cost";
import { edgePolicies } from "./edge";
import { deliveryPolicies } from "./delivery";
import { eksPolicies } from "./eks";
import { encryptionPolicies } from "./encryption";
import { governancePolicies } from "./governance";
import { kubernetesPolicies } from "./kubernetes";
import { networkPolicies } from "./network";
import { observabilityPolicies } from "./observability";
import { registryPolicies } from "./registry";
import { progressiveDeliveryPolicies } from "./progressive-delivery";
import { readinessExclusions } from "./readiness";
import { secretsPolicies } from "./secrets";
import { standbyReplicasPromotable } from "./standby";
import type { PlatformPolicy, PolicyMetadata } from "./lib/types";

export const PACK_NAME = "platform-readiness";

export const ALL_POLICIES: readonly PlatformPolicy[] = [
  ...networkPolicies,
  ...encryptionPolicies,
  ...eksPolicies,
  ...dataPolicies,
  ...kubernetesPolicies,
  ...governancePolicies,
  ...edgePolicies,
  ...registryPolicies,
  ...admissionPolicies,
  ...secretsPolicies,
  ...deliveryPolicies,
  ...costPolicies,
  ...observabilityPolicies,
  readinessExclusions,
  ...backupPolicies,
  ...recoveryPolicies,
  standbyReplicasPromotable,
  ...progressiveDeliveryPolicies,
];

export const POLICY_METADATA: Readonly<Record<string, PolicyMetadata>> = Object.fromEntries(
  ALL_POLICIES.map((p) => [
    p.name,
    {
      category: p.category,
      severity: p.severity,
      enforcementLevel: p.enforcementLevel,
      references: p.references,
      kind: "validateStack" in p ? "stack" : "resource",
    },
  ]),
);
