/**
 * IPv4 CIDR arithmetic for the subnet layout, on top of the `ip-address` library.
 *
 * The layout is `cidrsubnet(vpc, newBits, netnum)` as Terraform users know it: a subnet's number
 * is fixed by configuration, never by its position in a list, so adding an AZ or a tier never
 * renumbers an existing subnet.
 */
import { Address4 } from "ip-address";

/** A parsed IPv4 block: first and last address as integers, and the prefix length. */
export interface Ipv4Block {
  readonly cidr: string;
  readonly first: bigint;
  readonly last: bigint;
  readonly prefixLength: number;
}

/** Dotted quad and a prefix length without a leading zero (`/08` would be kept verbatim in the VPC CIDR). */
const CIDR_SHAPE = /^\d{1,3}(\.\d{1,3}){3}\/(0|[1-9]\d?)$/;

/**
 * Parses `a.b.c.d/n`. Returns an error sentence instead of throwing, so that config validation
 * can collect every problem. A block whose address has host bits set (`10.0.0.1/16`) is refused:
 * AWS would silently round it, and the layout would not be the one written in config.
 */
export function parseCidr(cidr: string): Ipv4Block | string {
  if (!CIDR_SHAPE.test(cidr) || !Address4.isValid(cidr)) {
    return "is not an IPv4 CIDR block of the form a.b.c.d/n";
  }
  const address = new Address4(cidr);
  const first = address.startAddress().bigInt();
  if (address.bigInt() !== first) {
    return `has host bits set; the network address is ${address.startAddress().correctForm()}/${address.subnetMask}`;
  }
  return { cidr, first, last: address.endAddress().bigInt(), prefixLength: address.subnetMask };
}

/** Like {@link parseCidr} but throws: for values that validation has already accepted. */
export function mustParseCidr(cidr: string): Ipv4Block {
  const parsed = parseCidr(cidr);
  if (typeof parsed === "string") {
    throw new Error(`CIDR '${cidr}' ${parsed}`);
  }
  return parsed;
}

/**
 * Terraform's `cidrsubnet`: the `netnum`-th block of prefix `base + newBits` inside `base`.
 * Throws when the result does not fit; validation checks that first and reports it nicely.
 */
export function cidrSubnet(baseCidr: string, newBits: number, netnum: number): string {
  const base = mustParseCidr(baseCidr);
  const prefixLength = base.prefixLength + newBits;
  if (!Number.isInteger(newBits) || newBits < 0 || prefixLength > 32) {
    throw new Error(`cidrSubnet: ${baseCidr} cannot be extended by ${newBits} bits`);
  }
  if (!Number.isInteger(netnum) || netnum < 0 || netnum >= 2 ** newBits) {
    throw new Error(`cidrSubnet: netnum ${netnum} does not fit in ${newBits} new bits of ${baseCidr}`);
  }
  const size = 1n << BigInt(32 - prefixLength);
  const start = base.first + BigInt(netnum) * size;
  return `${Address4.fromBigInt(start).correctForm()}/${prefixLength}`;
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Ipv4Block, inner: Ipv4Block): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

/** Number of addresses in a block. */
export function cidrSize(block: Ipv4Block): bigint {
  return block.last - block.first + 1n;
}

/** The three subnet tiers: public (load balancers, NAT), private (nodes and pods), data (no internet route). */
export type SubnetTier = "public" | "private" | "data";
export const SUBNET_TIERS: readonly SubnetTier[] = ["public", "private", "data"];

/** Where a tier's subnets sit: AZ i gets `cidrsubnet(vpc, newBits, netnumStart + i)`. */
export interface TierLayout {
  readonly newBits: number;
  readonly netnumStart: number;
}

/** Subnet CIDRs per tier, in AZ order. Throws if a subnet does not fit (config validation checks first). */
export function subnetLayout(
  vpcCidr: string,
  tiers: Readonly<Record<SubnetTier, TierLayout>>,
  azCount: number,
): Record<SubnetTier, string[]> {
  const out = {} as Record<SubnetTier, string[]>;
  for (const tier of SUBNET_TIERS) {
    const { newBits, netnumStart } = tiers[tier];
    out[tier] = Array.from({ length: azCount }, (_, i) => cidrSubnet(vpcCidr, newBits, netnumStart + i));
  }
  return out;
}
