import {
  SUBNET_TIERS,
  type SubnetTier,
  type TierLayout,
  cidrContains,
  cidrSize,
  cidrSubnet,
  cidrsOverlap,
  mustParseCidr,
  parseCidr,
  subnetLayout,
} from "../../../components/network/cidr";

/** Independent oracle: plain integer arithmetic on dotted quads, no library. */
const toInt = (ip: string) => ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
const toIp = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
const alignDown = (n: number, prefix: number) => n - (n % 2 ** (32 - prefix));

/** Deterministic pseudo-random numbers, so every run checks the same layouts. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state;
  };
}

interface Case {
  readonly vpc: string;
  readonly tiers: Record<SubnetTier, TierLayout>;
  readonly azCount: number;
}

/** Layouts over VPC prefixes /16 to /24, every newBits that keeps subnets within /28, several netnums and AZ counts. */
function generatedCases(): Case[] {
  const next = lcg(42);
  const cases: Case[] = [];
  for (let prefix = 16; prefix <= 24; prefix++) {
    for (const base of ["10.0.0.0", "172.31.255.255", "100.64.3.0"]) {
      const vpc = `${toIp(alignDown(toInt(base), prefix))}/${prefix}`;
      for (let newBits = 1; prefix + newBits <= 28; newBits++) {
        for (let azCount = 1; azCount <= 6 && azCount <= 2 ** newBits; azCount++) {
          const room = 2 ** newBits - azCount; // largest netnumStart that still fits
          for (const netnumStart of [0, room, next() % (room + 1)]) {
            const other = (bits: number): TierLayout => {
              const b = Math.min(bits, 28 - prefix);
              return { newBits: b, netnumStart: next() % (2 ** b - Math.min(azCount, 2 ** b) + 1) };
            };
            cases.push({
              vpc,
              azCount,
              tiers: { private: { newBits, netnumStart }, public: other(4), data: other(6) },
            });
          }
        }
      }
    }
  }
  return cases;
}

describe("subnetLayout over generated layouts", () => {
  const cases = generatedCases().filter((c) =>
    SUBNET_TIERS.every((t) => c.tiers[t].netnumStart + c.azCount <= 2 ** c.tiers[t].newBits),
  );
  const layouts = cases.map((c) => ({ ...c, layout: subnetLayout(c.vpc, c.tiers, c.azCount) }));
  // Each property collects its violations and asserts the list is empty: one readable failure, fast.
  const where = (c: Case, tier: SubnetTier) =>
    `${c.vpc} ${tier} ${JSON.stringify(c.tiers[tier])} x${c.azCount}`;

  test("the generator covers every VPC prefix from /16 to /24 and many layouts", () => {
    expect(new Set(cases.map((c) => mustParseCidr(c.vpc).prefixLength))).toEqual(
      new Set([16, 17, 18, 19, 20, 21, 22, 23, 24]),
    );
    expect(new Set(cases.map((c) => c.azCount))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
    expect(cases.length).toBeGreaterThan(1000);
  });

  test("each subnet is the oracle's block: inside the VPC, aligned, with prefix VPC + newBits", () => {
    const violations: string[] = [];
    for (const c of layouts) {
      const vpc = mustParseCidr(c.vpc);
      for (const tier of SUBNET_TIERS) {
        const { newBits, netnumStart } = c.tiers[tier];
        const prefix = vpc.prefixLength + newBits;
        if (c.layout[tier].length !== c.azCount) {
          violations.push(`${where(c, tier)}: ${c.layout[tier].length} subnets`);
        }
        c.layout[tier].forEach((cidr, i) => {
          const expected = `${toIp(toInt(c.vpc.split("/")[0]) + (netnumStart + i) * 2 ** (32 - prefix))}/${prefix}`;
          const block = parseCidr(cidr);
          if (cidr !== expected) {
            violations.push(`${where(c, tier)}[${i}]: ${cidr}, expected ${expected}`);
          } else if (typeof block === "string") {
            violations.push(`${where(c, tier)}[${i}]: ${cidr} ${block}`);
          } else if (
            block.prefixLength !== prefix ||
            !cidrContains(vpc, block) ||
            cidrSize(block) !== 2n ** BigInt(32 - prefix)
          ) {
            violations.push(`${where(c, tier)}[${i}]: ${cidr} is not a /${prefix} inside the VPC`);
          }
        });
      }
    }
    expect(violations).toEqual([]);
  });

  test("subnets of one tier are pairwise disjoint", () => {
    const violations: string[] = [];
    for (const c of layouts) {
      for (const tier of SUBNET_TIERS) {
        const blocks = c.layout[tier].map(mustParseCidr);
        blocks.forEach((a, i) =>
          blocks
            .slice(i + 1)
            .forEach(
              (b) => cidrsOverlap(a, b) && violations.push(`${where(c, tier)}: ${a.cidr} overlaps ${b.cidr}`),
            ),
        );
      }
    }
    expect(violations).toEqual([]);
  });

  test("adding an AZ leaves the existing subnets unchanged", () => {
    const violations: string[] = [];
    const growable = layouts.filter((c) =>
      SUBNET_TIERS.every((t) => c.tiers[t].netnumStart + c.azCount < 2 ** c.tiers[t].newBits),
    );
    expect(growable.length).toBeGreaterThan(500);
    for (const c of growable) {
      const after = subnetLayout(c.vpc, c.tiers, c.azCount + 1);
      for (const tier of SUBNET_TIERS) {
        if (
          JSON.stringify(after[tier].slice(0, c.azCount)) !== JSON.stringify(c.layout[tier]) ||
          after[tier].length !== c.azCount + 1
        ) {
          violations.push(`${where(c, tier)}: ${c.layout[tier].join(",")} became ${after[tier].join(",")}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  test("changing one tier's layout never moves another tier's subnets", () => {
    const tiers = {
      private: { newBits: 3, netnumStart: 0 },
      public: { newBits: 8, netnumStart: 128 },
      data: { newBits: 8, netnumStart: 144 },
    };
    const before = subnetLayout("10.0.0.0/16", tiers, 3);
    const after = subnetLayout("10.0.0.0/16", { ...tiers, data: { newBits: 6, netnumStart: 40 } }, 3);
    expect(after.private).toEqual(before.private);
    expect(after.public).toEqual(before.public);
    expect(after.data).toEqual(["10.0.160.0/22", "10.0.164.0/22", "10.0.168.0/22"]);
  });
});

describe("the production layout", () => {
  test("matches the figures in Pulumi.production.yaml", () => {
    const layout = subnetLayout(
      "10.0.0.0/16",
      {
        private: { newBits: 3, netnumStart: 0 },
        public: { newBits: 8, netnumStart: 128 },
        data: { newBits: 8, netnumStart: 144 },
      },
      3,
    );
    expect(layout).toEqual({
      public: ["10.0.128.0/24", "10.0.129.0/24", "10.0.130.0/24"],
      private: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
      data: ["10.0.144.0/24", "10.0.145.0/24", "10.0.146.0/24"],
    });
  });
});

describe("parseCidr", () => {
  const MALFORMED = "is not an IPv4 CIDR block of the form a.b.c.d/n";

  test.each([
    ["10.0.0.0", MALFORMED],
    ["10.0.0/16", MALFORMED],
    ["10.0.0.0/", MALFORMED],
    ["10.0.0.0/33", MALFORMED],
    ["10.0.0.0/08", MALFORMED],
    ["256.0.0.0/8", MALFORMED],
    ["010.0.0.0/8", MALFORMED],
    [" 10.0.0.0/16", MALFORMED],
    ["10.0.0.0 /16", MALFORMED],
    ["10.0.0.0/16\n", MALFORMED],
    ["fd00::/8", MALFORMED],
    ["ten.0.0.0/16", MALFORMED],
    ["", MALFORMED],
    ["10.0.0.1/16", "has host bits set; the network address is 10.0.0.0/16"],
    ["10.0.128.0/15", "has host bits set; the network address is 10.0.0.0/15"],
    ["192.168.1.17/28", "has host bits set; the network address is 192.168.1.16/28"],
  ])("rejects %j: %s", (input, sentence) => {
    expect(parseCidr(input)).toBe(sentence);
  });

  test.each([
    ["10.0.0.0/16", 167772160n, 167837695n, 16],
    ["192.168.1.16/28", 3232235792n, 3232235807n, 28],
    ["0.0.0.0/0", 0n, 4294967295n, 0],
    ["10.1.2.3/32", 167838211n, 167838211n, 32],
  ])("parses %s", (input, first, last, prefixLength) => {
    expect(parseCidr(input)).toEqual({ cidr: input, first, last, prefixLength });
  });

  test("mustParseCidr throws with the CIDR and the sentence", () => {
    expect(() => mustParseCidr("10.0.0.1/16")).toThrow(
      "CIDR '10.0.0.1/16' has host bits set; the network address is 10.0.0.0/16",
    );
  });
});

describe("cidrSubnet, cidrsOverlap, cidrContains", () => {
  test.each([
    ["10.0.0.0/16", 3, 7, "10.0.224.0/19"],
    ["10.0.0.0/16", 8, 255, "10.0.255.0/24"],
    ["10.0.0.0/16", 16, 0, "10.0.0.0/32"],
    ["172.16.0.0/12", 4, 15, "172.31.0.0/16"],
  ])("cidrsubnet(%s, %i, %i) = %s", (base, newBits, netnum, expected) => {
    expect(cidrSubnet(base, newBits, netnum)).toBe(expected);
  });

  test.each([
    ["10.0.0.0/16", 17, 0, "cidrSubnet: 10.0.0.0/16 cannot be extended by 17 bits"],
    ["10.0.0.0/16", -1, 0, "cidrSubnet: 10.0.0.0/16 cannot be extended by -1 bits"],
    ["10.0.0.0/16", 3, 8, "cidrSubnet: netnum 8 does not fit in 3 new bits of 10.0.0.0/16"],
    ["10.0.0.0/16", 3, -1, "cidrSubnet: netnum -1 does not fit in 3 new bits of 10.0.0.0/16"],
  ])("cidrsubnet(%s, %i, %i) throws", (base, newBits, netnum, message) => {
    expect(() => cidrSubnet(base, newBits, netnum)).toThrow(message);
  });

  test.each([
    ["10.0.0.0/19", "10.0.31.0/24", true, true],
    ["10.0.0.0/19", "10.0.32.0/24", false, false],
    ["10.0.0.0/24", "10.0.0.0/16", true, false],
    ["10.0.0.0/16", "10.1.0.0/16", false, false],
  ])("%s and %s: overlap %s, first contains second %s", (a, b, overlap, contains) => {
    expect(cidrsOverlap(mustParseCidr(a), mustParseCidr(b))).toBe(overlap);
    expect(cidrsOverlap(mustParseCidr(b), mustParseCidr(a))).toBe(overlap);
    expect(cidrContains(mustParseCidr(a), mustParseCidr(b))).toBe(contains);
  });
});
