import { apiAccessCidrsOutside } from "../../../infra/config/api-access";
import { stackRaw, withJson, problemsOf } from "../../support/config";

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
