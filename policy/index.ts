/**
 * The CrossGuard pack: `pulumi preview --policy-pack policy [--policy-pack-config policy/config/<stack>.json]`.
 * Only assembles the pack; policies live in the area modules (see catalog.ts).
 */
import { PolicyPack } from "@pulumi/policy";
import { ALL_POLICIES, PACK_NAME } from "./catalog";

new PolicyPack(PACK_NAME, {
  description:
    "Production-readiness rules for the platform: network, encryption, EKS, data, workloads, governance.",
  policies: [...ALL_POLICIES],
});
