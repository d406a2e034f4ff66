import { ConfigError, parseConfig, type RawConfig } from "../../../infra/config";
import { apiAccessCidrsOutside } from "../../../infra/config/api-access";
import { PROJECT_DIR } from "../../../tools/offline/preview-stack";
import { readStackFiles } from "../../../tools/offline/stack-files";

function stackRaw(stack: string): Record<string, string> {
  return { ...readStackFiles(PROJECT_DIR, stack).config };
}

function withJson(raw: RawConfig, key: string, change: (v: Record<string, unknown>) => void): RawConfig {
  const value = JSON.parse(raw[key]) as Record<string, unknown>;
  change(value);
  return { ...raw, [key]: JSON.stringify(value) };
}

function problemsOf(raw: RawConfig, stack: string): string[] {
  try {
    parseConfig(raw, "platform", stack);
  } catch (err) {
    if (err instanceof ConfigError) {
      return err.problems.map((p) => `${p.key}: ${p.message}`);
    }
    throw err;
  }
  return [];
}

describe("replies to apiAccessCidrs outside the VPC need a route (decision 0126)", () => {
  const production = stackRaw("production");

  test("the stack files route their example networks through a transit gateway", () => {
    for (const stack of ["dev", "staging", "production"]) {
      expect(problemsOf(stackRaw(stack), stack)).toEqual([]);
    }
  });

  test("without a transit gateway, each entry outside the VPC is refused by index", () => {
    const raw = withJson(production, "platform:network", (n) => delete n.transitGatewayId);
    expect(problemsOf(raw, "production")).toEqual([
      "platform:cluster.apiAccessCidrs[0]: is outside the VPC 10.0.0.0/16, and the private subnets route everything else to the NAT gateway, which drops the API's replies: set platform:network.transitGatewayId (the gateway that reaches it), or list a network inside the VPC (a runner's subnet)",
      "platform:cluster.apiAccessCidrs[1]: is outside the VPC 10.0.0.0/16, and the private subnets route everything else to the NAT gateway, which drops the API's replies: set platform:network.transitGatewayId (the gateway that reaches it), or list a network inside the VPC (a runner's subnet)",
    ]);
  });

  test("a runner's subnet inside the VPC needs no gateway", () => {
    let raw = withJson(production, "platform:network", (n) => delete n.transitGatewayId);
    raw = withJson(raw, "platform:cluster", (c) => (c.apiAccessCidrs = ["10.0.200.0/24"]));
    expect(problemsOf(raw, "production")).toEqual([]);
  });

  test("a malformed gateway id is refused with the expected form", () => {
    const raw = withJson(production, "platform:network", (n) => (n.transitGatewayId = "tgw-XYZ"));
    expect(problemsOf(raw, "production")).toEqual([
      "platform:network.transitGatewayId: must be a transit gateway id like tgw-0123456789abcdef0",
    ]);
  });

  test("only the entries outside the VPC are routed", () => {
    expect(
      apiAccessCidrsOutside(
        { apiAccessCidrs: ["10.0.200.0/24", "10.100.0.0/16", "192.168.1.0/24"] },
        { cidr: "10.0.0.0/16" },
      ),
    ).toEqual(["10.100.0.0/16", "192.168.1.0/24"]);
  });
});
