import { nameProblems, redisReplicationGroupId } from "../../../infra/config/names";

describe("the ElastiCache replication group ID", () => {
  test("defaults to ${project}-${stack}", () => {
    expect(redisReplicationGroupId({}, "platform", "production")).toBe("platform-production");
    expect(nameProblems({ redis: {} } as never, "platform", "production")).toEqual([]);
  });

  test("a default longer than 40 characters asks for an explicit ID, naming the key", () => {
    expect(nameProblems({ redis: {} } as never, "payments-platform", "production-eu-central-1")).toEqual([
      {
        key: "platform:data.redis.replicationGroupId",
        received: undefined,
        message:
          "is required for this stack: the default 'payments-platform-production-eu-central-1' (${project}-${stack}, 41 characters) is not a valid ElastiCache replication group ID (1 to 40 lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen); set an explicit one",
      },
    ]);
  });

  test("an explicit ID is used, and checked", () => {
    const redis = { replicationGroupId: "payments-prod-euc1" };
    expect(redisReplicationGroupId(redis, "payments-platform", "production-eu-central-1")).toBe(
      "payments-prod-euc1",
    );
    expect(nameProblems({ redis } as never, "payments-platform", "production-eu-central-1")).toEqual([]);
    expect(
      nameProblems({ redis: { replicationGroupId: "Payments--prod" } } as never, "platform", "production"),
    ).toEqual([
      {
        key: "platform:data.redis.replicationGroupId",
        received: "Payments--prod",
        message:
          "must be 1 to 40 lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen",
      },
    ]);
  });
});
