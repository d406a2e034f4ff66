import { parseConfig, ConfigError, type RawConfig } from "../../../infra/config";
import { cidrsOverlap, mustParseCidr } from "../../../components/network/cidr";
import { readStackFiles } from "../../../tools/offline/stack-files";
import { PROJECT_DIR } from "../../../tools/offline/preview-stack";
import { problemsOf } from "../../support/config";

const STACKS = ["dev", "staging", "production"] as const;

/** The production stack file's config, the base every bad-input case changes one thing in. */
function productionRaw(): Record<string, string> {
  return { ...readStackFiles(PROJECT_DIR, "production").config };
}

function withObject(
  raw: Record<string, string>,
  key: string,
  change: (v: Record<string, unknown>) => void,
): RawConfig {
  const value = JSON.parse(raw[key]) as Record<string, unknown>;
  change(value);
  return { ...raw, [key]: JSON.stringify(value) };
}

describe("stack files", () => {
  test.each(STACKS)("%s parses with no problem", (stack) => {
    const files = readStackFiles(PROJECT_DIR, stack);
    const config = parseConfig(files.config, files.project, stack);
    expect(config.environment).toBe(stack);
    expect(config.tags.Environment).toBe(stack);
  });

  test("environments use VPC CIDRs that do not overlap, and each lists the others as peers", () => {
    const configs = STACKS.map((s) => parseConfig(readStackFiles(PROJECT_DIR, s).config, "platform", s));
    for (const a of configs) {
      for (const b of configs) {
        if (a !== b) {
          expect(cidrsOverlap(mustParseCidr(a.network.cidr), mustParseCidr(b.network.cidr))).toBe(false);
          expect(a.network.peerCidrs).toContain(b.network.cidr);
        }
      }
    }
  });

  test("production follows the seed layout; dev is the cheap one", () => {
    const prod = parseConfig(productionRaw(), "platform", "production");
    expect(prod.region).toBe("us-west-2");
    expect(prod.network).toMatchObject({
      cidr: "10.0.0.0/16",
      azCount: 3,
      natStrategy: "perAz",
      flowLogRetentionDays: 30,
    });
    expect(prod.kms.deletionWindowInDays).toBe(30);
    expect(prod.protectStatefulResources).toBe(true);
    const dev = parseConfig(readStackFiles(PROJECT_DIR, "dev").config, "platform", "dev");
    expect(dev.network).toMatchObject({ azCount: 2, natStrategy: "single" });
    expect(dev.protectStatefulResources).toBe(false);
  });
});

describe("config validation", () => {
  const net = "platform:network";
  test.each<[string, (raw: Record<string, string>) => RawConfig, string[]]>([
    [
      "malformed CIDR",
      (r) => withObject(r, net, (n) => (n.cidr = "10.0.0.0/33")),
      ["platform:network.cidr: is not an IPv4 CIDR block of the form a.b.c.d/n"],
    ],
    [
      "CIDR with host bits",
      (r) => withObject(r, net, (n) => (n.cidr = "10.0.1.0/16")),
      ["platform:network.cidr: has host bits set; the network address is 10.0.0.0/16"],
    ],
    [
      "VPC too large",
      (r) => withObject(r, net, (n) => (n.cidr = "10.0.0.0/8")),
      ["platform:network.cidr: must have a prefix length from /16 to /28, the range AWS accepts for a VPC"],
    ],
    [
      "overlapping peer",
      (r) => withObject(r, net, (n) => (n.peerCidrs = ["10.0.128.0/17"])),
      [
        "platform:network.peerCidrs[0]: overlaps the VPC CIDR 10.0.0.0/16; environments must not overlap so they can be peered",
      ],
    ],
    [
      "overlapping tiers",
      (r) =>
        withObject(
          r,
          net,
          (n) => ((n.subnets as Record<string, unknown>).public = { newBits: 8, netnumStart: 0 }),
        ),
      [
        "platform:network.subnets.private.netnumStart: private subnet 10.0.0.0/19 (AZ 1) overlaps public subnet 10.0.0.0/24 (AZ 1); move one tier's netnumStart",
      ],
    ],
    [
      "subnets that do not fit",
      (r) =>
        withObject(
          r,
          net,
          (n) => ((n.subnets as Record<string, unknown>).data = { newBits: 8, netnumStart: 254 }),
        ),
      [
        "platform:network.subnets.data.netnumStart: subnets 254..256 of /24 do not fit in 10.0.0.0/16 (only 256 exist); lower netnumStart or newBits",
      ],
    ],
    [
      "private subnets too small for pods",
      (r) =>
        withObject(
          r,
          net,
          (n) => ((n.subnets as Record<string, unknown>).private = { newBits: 8, netnumStart: 0 }),
        ),
      [
        "platform:network.subnets.private.newBits: gives /24 private subnets; pods take VPC addresses, so private subnets must be /21 or larger",
      ],
    ],
    [
      "AZ count out of range",
      (r) => withObject(r, net, (n) => (n.azCount = 7)),
      ["platform:network.azCount: must be an integer from 2 to 6"],
    ],
    [
      "production with two AZs",
      (r) =>
        withObject(r, net, (n) => {
          n.azCount = 2;
          n.availabilityZones = ["us-west-2a", "us-west-2b"];
        }),
      ["platform:network.azCount: production needs at least 3 AZs to survive the loss of one"],
    ],
    [
      "production with a single NAT gateway",
      (r) => withObject(r, net, (n) => (n.natStrategy = "single")),
      [
        "platform:network.natStrategy: production needs 'perAz': with one NAT gateway, losing its AZ cuts every private subnet's egress",
      ],
    ],
    [
      "AZ of another region",
      (r) => withObject(r, net, (n) => (n.availabilityZones = ["us-west-2a", "us-west-2b", "us-east-1a"])),
      [
        "platform:network.availabilityZones[2]: is not an AZ of the stack's region us-west-2; its AZs are us-west-2a, us-west-2b, us-west-2c, us-west-2d",
      ],
    ],
    [
      "unknown NAT strategy",
      (r) => withObject(r, net, (n) => (n.natStrategy = "none")),
      [
        "platform:network.natStrategy: must be 'perAz' (one NAT gateway per AZ, survives an AZ outage) or 'single' (one NAT gateway, cheaper)",
      ],
    ],
    [
      "retention CloudWatch refuses",
      (r) => withObject(r, net, (n) => (n.flowLogRetentionDays = 31)),
      [
        "platform:network.flowLogRetentionDays: must be a retention CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days",
      ],
    ],
    [
      "unknown field in an object",
      (r) => withObject(r, net, (n) => (n.natStrategey = "single")),
      ["platform:network: unknown key 'natStrategey'; did you mean natStrategy?"],
    ],
    [
      "missing tag",
      (r) => withObject(r, "platform:tags", (t) => delete t.CostCenter),
      ["platform:tags.CostCenter: required tag CostCenter is missing or empty; set a non-empty value"],
    ],
    [
      "empty tag",
      (r) => withObject(r, "platform:tags", (t) => (t.Compliance = " ")),
      ["platform:tags.Compliance: required tag Compliance is missing or empty; set a non-empty value"],
    ],
    [
      "tag value AWS refuses",
      (r) => withObject(r, "platform:tags", (t) => (t.Compliance = "SOC2,GDPR")),
      [
        "platform:tags.Compliance: tag values may only contain letters, digits, spaces and _ . : / = + - @ (the set every AWS service accepts)",
      ],
    ],
    [
      "Environment tag disagrees",
      (r) => withObject(r, "platform:tags", (t) => (t.Environment = "prod")),
      ["platform:tags.Environment: must equal platform:environment ('production')"],
    ],
    [
      "KMS window out of range",
      (r) => withObject(r, "platform:kms", (k) => (k.deletionWindowInDays = 45)),
      ["platform:kms.deletionWindowInDays: must be an integer from 7 to 30 (the range AWS accepts)"],
    ],
    [
      "fractional KMS window",
      (r) => withObject(r, "platform:kms", (k) => (k.deletionWindowInDays = 29.5)),
      ["platform:kms.deletionWindowInDays: must be an integer from 7 to 30 (the range AWS accepts)"],
    ],
    [
      "KMS rotation period out of range",
      (r) => withObject(r, "platform:kms", (k) => (k.rotationPeriodInDays = 30)),
      ["platform:kms.rotationPeriodInDays: must be an integer from 90 to 2560 (the range AWS accepts)"],
    ],
    [
      "subnet layout with fractional or out-of-range numbers",
      (r) =>
        withObject(r, net, (n) => {
          const subnets = n.subnets as Record<string, Record<string, unknown>>;
          subnets.public.newBits = 13;
          subnets.data.netnumStart = 1.5;
        }),
      [
        "platform:network.subnets.public.newBits: must be a whole number of bits from 1 to 12 added to the VPC prefix",
        "platform:network.subnets.data.netnumStart: must be a whole number of 0 or more (the subnet number of the first AZ)",
      ],
    ],
    [
      "short KMS window in production",
      (r) => withObject(r, "platform:kms", (k) => (k.deletionWindowInDays = 7)),
      [
        "platform:kms.deletionWindowInDays: production keeps the full 30-day window, so a mistaken deletion can be cancelled",
      ],
    ],
    [
      "unknown key in the namespace",
      (r) => ({ ...r, "platform:netwrok": "{}" }),
      ["platform:netwrok: unknown key; did you mean platform:network?"],
    ],
    [
      "unknown environment",
      (r) => ({ ...r, "platform:environment": "prod" }),
      ["platform:environment: must be one of dev, staging, production"],
    ],
    [
      "missing region",
      (r) => {
        const c = { ...r };
        delete c["aws:region"];
        return c;
      },
      ["aws:region: is required, e.g. us-west-2"],
    ],
    [
      "section that is not an object",
      (r) => ({ ...r, "platform:kms": "7" }),
      ["platform:kms: must be a YAML object (a map of settings)"],
    ],
    [
      "missing section",
      (r) => {
        const c = { ...r };
        delete c["platform:kms"];
        return c;
      },
      ["platform:kms: is required; see docs/configuration.md for its fields"],
    ],
    [
      "certificate from another region, WAF off in production",
      (r) =>
        withObject(
          withObject(r, "platform:edge", (e) => ((e.waf as Record<string, unknown>).enabled = false)),
          "platform:services",
          (s) => {
            const api = (s.services as Record<string, Record<string, unknown>>[])[0];
            (api.expose as Record<string, unknown>).certificateArn =
              "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";
          },
        ),
      [
        "platform:services.services[0].expose.certificateArn: is in us-east-1; an ALB in us-west-2 only takes an ACM certificate from us-west-2: request or import the certificate there",
        "platform:edge.waf.enabled: production puts its public load balancers behind the web ACL: set it to true",
      ],
    ],
    [
      "service image from outside the platform registry",
      (r) =>
        withObject(r, "platform:services", (s) => {
          (s.services as Record<string, unknown>[])[1].image = "ghcr.io/acme/worker:1.0.0";
        }),
      [
        "platform:services.services[1].image: must come from the platform registry (<account>.dkr.ecr.us-west-2.amazonaws.com/platform/production/worker:<tag>) or start with one of platform:registry.allowedImagePrefixes",
      ],
    ],
  ])("%s", (_label, change, expected) => {
    expect(problemsOf(change(productionRaw()))).toEqual(expected);
  });

  test("reports every problem at once, with the received values", () => {
    let raw = withObject(productionRaw(), net, (n) => {
      n.cidr = "10.0.0.0/33";
      n.azCount = 1;
      n.natStrategy = "two";
    });
    raw = withObject(raw, "platform:kms", (k) => (k.deletionWindowInDays = 3));
    raw = { ...raw, "platform:extra": "1" };
    let error: ConfigError | undefined;
    try {
      parseConfig(raw, "platform", "production");
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((p) => p.key)).toEqual([
      "platform:extra",
      "platform:network.cidr",
      "platform:network.azCount",
      "platform:network.natStrategy",
      "platform:kms.deletionWindowInDays",
    ]);
    expect(error!.message).toContain("Invalid configuration for stack 'production' (5 problems):");
    expect(error!.message).toContain(
      'platform:network.cidr: is not an IPv4 CIDR block of the form a.b.c.d/n (received "10.0.0.0/33")',
    );
    expect(error!.message).toContain("platform:network.azCount: must be an integer from 2 to 6 (received 1)");
  });
});
