/**
 * The mistakes a new user makes in a stack file, each reported with the key, what is wrong and the
 * fix (the nearest known value or the allowed ones), all of them in one run.
 */
import { parseConfig } from "../../../infra/config";
import { AWS_CONFIG_KEYS } from "../../../infra/config/keys";
import { AWS_REGIONS, EC2_INSTANCE_TYPES, availabilityZonesOf } from "../../../infra/config/aws";
import { describeValue } from "../../../infra/config/problems";
import { editDistance, nearest, notOneOf } from "../../../infra/config/suggest";
import { readStackFiles } from "../../../tools/offline/stack-files";
import { PROJECT_DIR } from "../../../tools/offline/preview-stack";
import { problemsOf } from "../../support/config";

type Raw = Record<string, string>;

function productionRaw(): Raw {
  return { ...readStackFiles(PROJECT_DIR, "production").config };
}

/** A stack file's section as parsed JSON: the tests put wrong types in on purpose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

/** Changes one object-valued key of the raw config in place and returns the config. */
function edit(raw: Raw, key: string, change: (v: Loose) => void): Raw {
  const value = JSON.parse(raw[key]) as Loose;
  change(value);
  raw[key] = JSON.stringify(value);
  return raw;
}

describe("suggestions", () => {
  test.each([
    ["platfrom", "platform", 1],
    ["m5.lage", "m5.large", 1],
    ["us-west-9", "us-west-2", 1],
    ["abc", "abc", 0],
    ["", "abc", 3],
  ])("editDistance(%s, %s) is %d", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  test.each<[string, string[], string[]]>([
    ["us-west-9", ["us-east-1", "us-west-1", "us-west-2"], ["us-west-1", "us-west-2"]],
    ["natStrategey", ["cidr", "natStrategy", "azCount"], ["natStrategy"]],
    ["ab", ["ac", "xyz"], ["ac"]],
    ["completely", ["cidr", "natStrategy"], []],
  ])("nearest(%s) is %j", (value, candidates, expected) => {
    expect(nearest(value, candidates)).toEqual(expected);
  });

  test("a value far from a short list gets the list; far from a long one, the hint", () => {
    expect(notOneOf("x", ["a1", "b2"], "a letter")).toBe("must be a letter: a1, b2");
    const many = Array.from({ length: 61 }, (_, i) => `value-${i}`);
    expect(notOneOf("zzzzzzzz", many, "a value", "see the list")).toBe("must be a value; see the list");
  });

  test("the lists come from @pulumi/aws", () => {
    expect(AWS_REGIONS).toEqual(expect.arrayContaining(["us-west-2", "us-east-1", "eu-central-1"]));
    expect(EC2_INSTANCE_TYPES).toEqual(expect.arrayContaining(["m5.large", "g4dn.xlarge", "m8g.large"]));
    expect(AWS_CONFIG_KEYS).toEqual(expect.arrayContaining(["region", "profile", "defaultTags"]));
    expect(availabilityZonesOf("us-west-2")).toEqual([
      "us-west-2a",
      "us-west-2b",
      "us-west-2c",
      "us-west-2d",
    ]);
    expect(availabilityZonesOf("us-west-1")).toBeUndefined();
  });
});

describe("stack-file mistakes, each with its fix", () => {
  const net = "platform:network";
  const cluster = "platform:cluster";
  const data = "platform:data";
  test.each<[string, (raw: Raw) => Raw, string[]]>([
    [
      "misspelt namespace",
      (r) => ({ ...r, "platfrom:kms": r["platform:kms"] }),
      ["platfrom:kms: unknown namespace 'platfrom'; did you mean platform:kms?"],
    ],
    [
      "unknown namespace far from any",
      (r) => ({ ...r, "mycompany:owner": "me" }),
      [
        "mycompany:owner: unknown namespace 'mycompany'; keys start with platform: or a provider's name, aws:, kubernetes:, random:, pulumi:",
      ],
    ],
    [
      "misspelt AWS provider setting",
      (r) => ({ ...r, "aws:regoin": "us-west-2" }),
      ["aws:regoin: is not a setting of the aws provider; did you mean region?"],
    ],
    [
      "a region that does not exist",
      (r) => ({ ...r, "aws:region": "us-west-9" }),
      ["aws:region: is not an AWS region; did you mean us-west-1 or us-west-2?"],
    ],
    [
      "an AZ the region does not have",
      (r) => edit(r, net, (n) => (n.availabilityZones = ["us-west-2a", "us-west-2b", "us-west-2e"])),
      [
        "platform:network.availabilityZones[2]: is not an AZ of the stack's region us-west-2; its AZs are us-west-2a, us-west-2b, us-west-2c, us-west-2d",
      ],
    ],
    [
      "an AZ in a region the table does not list",
      (r) =>
        edit(
          { ...r, "aws:region": "us-west-1" },
          net,
          (n) => (n.availabilityZones = ["us-west-1a", "us-west-1b", "us-west-2c"]),
        ),
      [
        "platform:network.availabilityZones[2]: is not an AZ of the stack's region us-west-1; AZ names there are us-west-1 and a letter",
        // Moving the stack to another region also moves its ALB and its registry: the us-west-2
        // certificate and images no longer fit.
        "platform:services.services[0].expose.certificateArn: is in us-west-2; an ALB in us-west-1 only takes an ACM certificate from us-west-1: request or import the certificate there",
        "platform:services.services[0].image: must come from the platform registry (<account>.dkr.ecr.us-west-1.amazonaws.com/platform/production/api:<tag>) or start with one of platform:registry.allowedImagePrefixes",
        "platform:services.services[1].image: must come from the platform registry (<account>.dkr.ecr.us-west-1.amazonaws.com/platform/production/worker:<tag>) or start with one of platform:registry.allowedImagePrefixes",
      ],
    ],
    [
      "a misspelt instance type",
      (r) => edit(r, cluster, (c) => (c.nodeGroups.application.instanceTypes[1] = "m5a.xlrage")),
      [
        "platform:cluster.nodeGroups.application.instanceTypes[1]: is not an EC2 instance type; did you mean m5a.xlarge?",
      ],
    ],
    [
      "a misspelt RDS class and ElastiCache node type",
      (r) =>
        edit(r, data, (d) => {
          d.postgres.instanceClass = "db.r6g.xlage";
          d.redis.nodeType = "cache.r6g.lareg";
        }),
      [
        "platform:data.postgres.instanceClass: is not an RDS instance class; did you mean db.r6g.xlarge?",
        "platform:data.redis.nodeType: is not an ElastiCache node type; did you mean cache.r6g.large?",
      ],
    ],
    [
      "version: 1.30 in YAML is the number 1.3",
      (r) => edit(r, cluster, (c) => (c.version = 1.3)),
      [
        'platform:cluster.version: must be a string; YAML read the unquoted value as the number 1.3, which loses trailing zeros: quote it in the stack file, e.g. version: "1.3"',
      ],
    ],
    [
      "engineVersion: 7.1 in YAML is a number",
      (r) => edit(r, data, (d) => (d.redis.engineVersion = 7.1)),
      [
        'platform:data.redis.engineVersion: must be one of 7.0, 7.1; YAML read the unquoted value as the number 7.1, which loses trailing zeros: quote it in the stack file, e.g. engineVersion: "7.1"',
      ],
    ],
    [
      "a quoted boolean",
      (r) => edit(r, cluster, (c) => (c.endpointPublicAccess = "false")),
      ["platform:cluster.endpointPublicAccess: must be true or false; write false without quotes"],
    ],
    [
      "yes instead of true",
      (r) => edit(r, cluster, (c) => (c.deletionProtection = "yes")),
      [
        "platform:cluster.deletionProtection: must be true or false; YAML 1.2 reads yes, no, on and off as text: write true or false",
      ],
    ],
    [
      "a quoted number",
      (r) => edit(r, net, (n) => (n.azCount = "3")),
      ["platform:network.azCount: must be a number; write the number without quotes"],
    ],
    [
      "a missing field",
      (r) => edit(r, net, (n) => delete n.azCount),
      ["platform:network.azCount: is required (a number)"],
    ],
    [
      "a misspelt nested field",
      (r) => edit(r, cluster, (c) => (c.metricsServer = { chartVersoin: "3.12.2" })),
      [
        "platform:cluster.metricsServer.chartVersion: is required (a string)",
        "platform:cluster.metricsServer: unknown key 'chartVersoin'; did you mean chartVersion?",
      ],
    ],
    [
      "an on-premises peer range of any size",
      (r) => edit(r, net, (n) => (n.peerCidrs = [...(n.peerCidrs as string[]), "172.16.0.0/12"])),
      [],
    ],
  ])("%s", (_label, change, expected) => {
    expect(problemsOf(change(productionRaw()))).toEqual(expected);
  });

  test("an unknown region is reported once, on aws:region, and the other checks still run", () => {
    const raw = edit({ ...productionRaw(), "aws:region": "us-weast-2" }, net, (n) => {
      n.peerCidrs = ["10.0.128.0/17"];
    });
    expect(problemsOf(raw)).toEqual([
      "aws:region: is not an AWS region; did you mean us-east-2 or us-west-2?",
      "platform:network.peerCidrs[0]: overlaps the VPC CIDR 10.0.0.0/16; environments must not overlap so they can be peered",
    ]);
  });

  test("an invalid environment does not stop the other sections' cross-field checks", () => {
    const raw = edit({ ...productionRaw(), "platform:environment": "prod" }, cluster, (c) => {
      c.nodeGroups.system.minSize = 3;
      c.nodeGroups.system.maxSize = 2;
    });
    expect(problemsOf(raw)).toEqual([
      "platform:environment: must be one of dev, staging, production",
      "platform:cluster.nodeGroups.system.maxSize: must be at least minSize (3)",
    ]);
  });

  test("four mistakes in four sections come back in one run", () => {
    let raw = productionRaw();
    raw = edit(raw, "platform:tags", (t) => {
      delete t.CostCenter;
      t.Environment = "staging";
    });
    raw = edit(raw, net, (n) => (n.availabilityZones = ["us-west-2a", "us-west-2b", "us-west-2e"]));
    raw = edit(raw, cluster, (c) => (c.nodeGroups.system.instanceTypes = ["m5.lage"]));
    raw = { ...raw, "platfrom:kms": raw["platform:kms"] };
    expect(problemsOf(raw)).toEqual([
      "platfrom:kms: unknown namespace 'platfrom'; did you mean platform:kms?",
      "platform:tags.CostCenter: required tag CostCenter is missing or empty; set a non-empty value",
      "platform:tags.Environment: must equal platform:environment ('production')",
      "platform:network.availabilityZones[2]: is not an AZ of the stack's region us-west-2; its AZs are us-west-2a, us-west-2b, us-west-2c, us-west-2d",
      "platform:cluster.nodeGroups.system.instanceTypes[0]: is not an EC2 instance type; did you mean m5.large?",
    ]);
  });

  test("no message nests brackets, the received value included", () => {
    let raw = productionRaw();
    delete raw["aws:region"];
    raw = edit(raw, "platform:tags", (t) => delete t.CostCenter);
    raw = edit(raw, net, (n) => {
      n.cidr = "10.0.0.0/33";
      n.natStrategy = "none";
      delete n.azCount;
    });
    raw = edit(raw, cluster, (c) => {
      c.version = 1.3;
      c.nodeGroups.application.instanceTypes = ["m5.lage"];
      c.nodeGroups.system.maxSize = 0;
    });
    raw = edit(raw, data, (d) => (d.redis.engineVersion = 7.1));
    let message = "";
    try {
      parseConfig(raw, "platform", "production");
    } catch (err) {
      message = (err as Error).message;
    }
    const lines = message.split("\n").slice(1);
    expect(lines.length).toBeGreaterThanOrEqual(8);
    for (const line of lines) {
      let depth = 0;
      let deepest = 0;
      for (const ch of line) {
        depth += ch === "(" ? 1 : ch === ")" ? -1 : 0;
        deepest = Math.max(deepest, depth);
      }
      expect({ line, deepest }).toEqual({ line, deepest: 1 });
    }
    expect(describeValue(undefined)).toBe("nothing, the key is missing");
  });
});
