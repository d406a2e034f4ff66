/**
 * `platform:network`: the VPC, its subnet layout, NAT, flow logs and endpoints.
 */
import { z } from "zod";
import { CLOUDWATCH_RETENTION_DAYS } from "../../components/shared/logs";
import {
  SUBNET_TIERS,
  cidrContains,
  cidrSubnet,
  cidrsOverlap,
  mustParseCidr,
  parseCidr,
} from "../../components/network/cidr";
import { availabilityZonesOf } from "./aws";
import type { ConfigProblem } from "./problems";

export { CLOUDWATCH_RETENTION_DAYS };

export const retentionDays = z
  .number()
  .refine((v) => (CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(v), {
    message: `must be a retention CloudWatch Logs accepts: ${CLOUDWATCH_RETENTION_DAYS.join(", ")} days`,
  });

export const MIN_AZS = 2;
export const MAX_AZS = 6;
/** Smallest private subnet that still leaves room for pod IPs (VPC CNI gives pods VPC addresses). */
export const MAX_PRIVATE_PREFIX = 21;

/** Any IPv4 CIDR block (peers and on-premises ranges may be of any size). */
const anyCidr = z.string().superRefine((value, ctx) => {
  const parsed = parseCidr(value);
  if (typeof parsed === "string") {
    ctx.addIssue({ code: "custom", message: parsed });
  }
});

/** A VPC's CIDR block: /16 to /28. */
const cidr = z.string().superRefine((value, ctx) => {
  const parsed = parseCidr(value);
  if (typeof parsed === "string") {
    ctx.addIssue({ code: "custom", message: parsed });
  } else if (parsed.prefixLength < 16 || parsed.prefixLength > 28) {
    ctx.addIssue({
      code: "custom",
      message: "must have a prefix length from /16 to /28, the range AWS accepts for a VPC",
    });
  }
});

const NEW_BITS = "must be a whole number of bits from 1 to 12 added to the VPC prefix";
const NETNUM = "must be a whole number of 0 or more (the subnet number of the first AZ)";
const tierLayout = z.strictObject({
  /** Bits added to the VPC prefix: a /16 VPC with newBits 3 gives /19 subnets. */
  newBits: z
    .number({ message: NEW_BITS })
    .int({ message: NEW_BITS })
    .min(1, { message: NEW_BITS })
    .max(12, { message: NEW_BITS }),
  /** Subnet number of the first AZ; AZ i gets `netnumStart + i`. Never derived from list positions. */
  netnumStart: z.number({ message: NETNUM }).int({ message: NETNUM }).min(0, { message: NETNUM }),
});

export const DEFAULT_INTERFACE_ENDPOINTS = [
  "ec2",
  "ecr.api",
  "ecr.dkr",
  "sts",
  "logs",
  "monitoring",
  "elasticloadbalancing",
];

export const networkSchema = z.strictObject({
  cidr,
  azCount: z
    .number()
    .int()
    .min(MIN_AZS, { message: `must be an integer from ${MIN_AZS} to ${MAX_AZS}` })
    .max(MAX_AZS, {
      message: `must be an integer from ${MIN_AZS} to ${MAX_AZS}`,
    }),
  /** Explicit AZ names; when left out the first `azCount` available AZs of the region are used. */
  availabilityZones: z
    .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, { message: "must be AZ names like us-west-2a" }))
    .optional(),
  natStrategy: z.enum(["perAz", "single"], {
    message:
      "must be 'perAz' (one NAT gateway per AZ, survives an AZ outage) or 'single' (one NAT gateway, cheaper)",
  }),
  flowLogRetentionDays: retentionDays,
  subnets: z.strictObject({ public: tierLayout, private: tierLayout, data: tierLayout }),
  interfaceEndpoints: z
    .array(z.string().regex(/^[a-z0-9.-]+$/, { message: "must be a service name like 'ecr.api'" }))
    .default(DEFAULT_INTERFACE_ENDPOINTS),
  /** CIDRs of the other environments (and on-premises ranges) this VPC must be peerable with. */
  peerCidrs: z.array(anyCidr).default([]),
});

export type NetworkConfig = z.infer<typeof networkSchema>;

/**
 * Each listed AZ must be one of the stack's region (skipped when `region` is empty: an invalid
 * `aws:region` is reported on its own key, not blamed on the AZs).
 */
function zoneProblems(zones: readonly string[], region: string): ConfigProblem[] {
  if (region === "") {
    return [];
  }
  const known = availabilityZonesOf(region);
  const problems: ConfigProblem[] = [];
  zones.forEach((az, i) => {
    const ofRegion = az.startsWith(region) && /^[a-z]$/.test(az.slice(region.length));
    if (!ofRegion || (known !== undefined && !known.includes(az))) {
      problems.push({
        key: `platform:network.availabilityZones[${i}]`,
        received: az,
        message: `is not an AZ of the stack's region ${region}; ${
          known !== undefined
            ? `its AZs are ${known.join(", ")}`
            : `AZ names there are ${region} and a letter`
        }`,
      });
    }
  });
  return problems;
}

/** Cross-field rules: layout fits the VPC, no overlaps, production spread, peerable CIDRs. */
export function checkNetwork(network: NetworkConfig, environment: string, region: string): ConfigProblem[] {
  const key = "platform:network";
  const problems: ConfigProblem[] = [];
  if (environment === "production" && network.azCount < 3) {
    problems.push({
      key: `${key}.azCount`,
      received: network.azCount,
      message: "production needs at least 3 AZs to survive the loss of one",
    });
  }
  if (environment === "production" && network.natStrategy !== "perAz") {
    problems.push({
      key: `${key}.natStrategy`,
      received: network.natStrategy,
      message:
        "production needs 'perAz': with one NAT gateway, losing its AZ cuts every private subnet's egress",
    });
  }
  if (network.availabilityZones) {
    if (network.availabilityZones.length !== network.azCount) {
      problems.push({
        key: `${key}.availabilityZones`,
        received: network.availabilityZones,
        message: `lists ${network.availabilityZones.length} AZs but azCount is ${network.azCount}; list exactly azCount AZs or leave it out`,
      });
    }
    if (new Set(network.availabilityZones).size !== network.availabilityZones.length) {
      problems.push({
        key: `${key}.availabilityZones`,
        received: network.availabilityZones,
        message: "lists an AZ twice",
      });
    }
    problems.push(...zoneProblems(network.availabilityZones, region));
  }
  const vpc = mustParseCidr(network.cidr);
  const placed: { label: string; block: ReturnType<typeof mustParseCidr> }[] = [];
  for (const tier of SUBNET_TIERS) {
    const { newBits, netnumStart } = network.subnets[tier];
    const prefix = vpc.prefixLength + newBits;
    const tierKey = `${key}.subnets.${tier}`;
    if (prefix > 28) {
      problems.push({
        key: `${tierKey}.newBits`,
        received: newBits,
        message: `gives /${prefix} subnets in a /${vpc.prefixLength} VPC; AWS subnets are /16 to /28`,
      });
      continue;
    }
    if (tier === "private" && prefix > MAX_PRIVATE_PREFIX) {
      problems.push({
        key: `${tierKey}.newBits`,
        received: newBits,
        message: `gives /${prefix} private subnets; pods take VPC addresses, so private subnets must be /${MAX_PRIVATE_PREFIX} or larger`,
      });
    }
    const lastNetnum = netnumStart + network.azCount - 1;
    if (lastNetnum >= 2 ** newBits) {
      problems.push({
        key: `${tierKey}.netnumStart`,
        received: netnumStart,
        message: `subnets ${netnumStart}..${lastNetnum} of /${prefix} do not fit in ${network.cidr} (only ${2 ** newBits} exist); lower netnumStart or newBits`,
      });
      continue;
    }
    for (let i = 0; i < network.azCount; i++) {
      const block = mustParseCidr(cidrSubnet(network.cidr, newBits, netnumStart + i));
      const clash = placed.find((p) => cidrsOverlap(p.block, block));
      if (clash) {
        problems.push({
          key: `${tierKey}.netnumStart`,
          received: netnumStart,
          message: `${tier} subnet ${block.cidr} (AZ ${i + 1}) overlaps ${clash.label}; move one tier's netnumStart`,
        });
      }
      placed.push({ label: `${tier} subnet ${block.cidr} (AZ ${i + 1})`, block });
    }
  }
  network.peerCidrs.forEach((peer, i) => {
    const block = mustParseCidr(peer);
    if (cidrsOverlap(vpc, block) || cidrContains(block, vpc)) {
      problems.push({
        key: `${key}.peerCidrs[${i}]`,
        received: peer,
        message: `overlaps the VPC CIDR ${network.cidr}; environments must not overlap so they can be peered`,
      });
    }
  });
  return problems;
}
