/** The subnet layout rules of {@link Network}'s arguments (components/network/vpc.ts). */
import {
  SUBNET_TIERS,
  type Ipv4Block,
  type SubnetTier,
  type TierLayout,
  cidrSubnet,
  cidrsOverlap,
  mustParseCidr,
} from "./cidr";

/** Each tier's subnets must be valid AWS subnet sizes, fit in the VPC and not overlap another subnet. */
export function layoutProblems(
  vpc: Ipv4Block,
  tiers: Readonly<Record<SubnetTier, TierLayout>>,
  azs: readonly string[],
): string[] {
  const problems: string[] = [];
  const placed: { label: string; block: Ipv4Block }[] = [];
  for (const tier of SUBNET_TIERS) {
    const { newBits, netnumStart } = tiers[tier];
    const where = `subnets.${tier}`;
    if (!Number.isInteger(newBits) || newBits < 1) {
      problems.push(`${where}.newBits must be a whole number of at least 1, received ${newBits}`);
      continue;
    }
    if (!Number.isInteger(netnumStart) || netnumStart < 0) {
      problems.push(`${where}.netnumStart must be a whole number of at least 0, received ${netnumStart}`);
      continue;
    }
    const prefix = vpc.prefixLength + newBits;
    if (prefix > 28) {
      problems.push(
        `${where}.newBits ${newBits} gives /${prefix} subnets in a /${vpc.prefixLength} VPC; AWS subnets are /28 at the smallest`,
      );
      continue;
    }
    const lastNetnum = netnumStart + azs.length - 1;
    if (lastNetnum >= 2 ** newBits) {
      problems.push(
        `${where} needs subnets ${netnumStart}..${lastNetnum} of /${prefix}, but ${vpc.cidr} has only ${2 ** newBits}; lower netnumStart or newBits`,
      );
      continue;
    }
    let clashReported = false;
    azs.forEach((az, i) => {
      const block = mustParseCidr(cidrSubnet(vpc.cidr, newBits, netnumStart + i));
      const clash = placed.find((p) => cidrsOverlap(p.block, block));
      if (clash && !clashReported) {
        problems.push(
          `${where}: ${tier} subnet ${block.cidr} (${az}) overlaps ${clash.label}; move one tier's netnumStart`,
        );
        clashReported = true;
      }
      placed.push({ label: `${tier} subnet ${block.cidr} (${az})`, block });
    });
  }
  return problems;
}
