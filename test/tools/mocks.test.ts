import { MOCK_ACCOUNT_ID, PlatformMocks } from "../../tools/offline/mocks";

const mocks = new PlatformMocks({ region: "eu-west-1" });
const create = (type: string, name: string, inputs: Record<string, unknown> = {}) =>
  mocks.newResource({ type, name, inputs, custom: true });

describe("offline mocks answer like the providers", () => {
  test("availability zones, caller identity, partition and region belong to the stack's region and account", () => {
    const call = (token: string) => mocks.call({ token, inputs: {} });
    expect(call("aws:index/getAvailabilityZones:getAvailabilityZones").names).toEqual([
      "eu-west-1a",
      "eu-west-1b",
      "eu-west-1c",
      "eu-west-1d",
    ]);
    expect(call("aws:index/getCallerIdentity:getCallerIdentity").accountId).toBe(MOCK_ACCOUNT_ID);
    expect(call("aws:index/getPartition:getPartition")).toMatchObject({
      partition: "aws",
      dnsSuffix: "amazonaws.com",
    });
    expect(call("aws:index/getRegion:getRegion").name).toBe("eu-west-1");
  });

  test("a managed node group's Auto Scaling group is named as EKS names it, stable per group", () => {
    const group = (nodeGroupName: string) =>
      mocks.call({ token: "aws:eks/getNodeGroup:getNodeGroup", inputs: { clusterName: "c", nodeGroupName } });
    const name = (group("platform-system").resources as { autoscalingGroups: { name: string }[] }[])[0]
      .autoscalingGroups[0].name;
    expect(name).toMatch(/^eks-platform-system-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/);
    expect(group("platform-system").resources).toEqual(group("platform-system").resources);
    expect(group("platform-application").resources).not.toEqual(group("platform-system").resources);
  });

  test("an invoke they do not know throws, naming the token", () => {
    expect(() => mocks.call({ token: "aws:ec2/getAmi:getAmi", inputs: {} })).toThrow(
      "The offline mocks do not know the invoke 'aws:ec2/getAmi:getAmi'",
    );
  });

  test.each([
    ["aws:iam/role:Role", "r", {}, `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/r`],
    [
      "aws:cloudwatch/logGroup:LogGroup",
      "lg",
      { name: "/aws/eks/c/cluster" },
      `arn:aws:logs:eu-west-1:${MOCK_ACCOUNT_ID}:log-group:/aws/eks/c/cluster`,
    ],
    [
      "aws:rds/instance:Instance",
      "db",
      { identifier: "platform-dev" },
      `arn:aws:rds:eu-west-1:${MOCK_ACCOUNT_ID}:db:platform-dev`,
    ],
    ["aws:s3/bucket:Bucket", "b", {}, "arn:aws:s3:::b"],
  ])("%s gets an ARN in the provider's format", (type, name, inputs, arn) => {
    expect(create(type, name, inputs).state.arn).toBe(arn);
  });

  test("IDs look like the provider's and are stable for the same name", () => {
    expect(create("aws:ec2/vpc:Vpc", "main").id).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(create("aws:ec2/vpc:Vpc", "main").id).toBe(create("aws:ec2/vpc:Vpc", "main").id);
    expect(create("aws:kms/key:Key", "k").id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    const secret = create("aws:secretsmanager/secret:Secret", "s", { namePrefix: "app/db-" });
    expect(secret.id).toBe(secret.state.arn);
    expect(secret.id).toMatch(
      new RegExp(`^arn:aws:secretsmanager:eu-west-1:${MOCK_ACCOUNT_ID}:secret:app/db-[0-9a-f]{8}-`),
    );
  });

  test("outputs programs read are filled in: cluster endpoint and OIDC issuer, database address, generated passwords", () => {
    const cluster = create("aws:eks/cluster:Cluster", "c", { name: "platform-dev" }).state;
    expect(cluster.endpoint).toMatch(/^https:\/\/[0-9A-F]+\.gr7\.eu-west-1\.eks\.amazonaws\.com$/);
    expect((cluster.identities as { oidcs: { issuer: string }[] }[])[0].oidcs[0].issuer).toMatch(
      /^https:\/\/oidc\.eks\.eu-west-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/,
    );
    expect(create("aws:rds/instance:Instance", "db", { identifier: "platform-dev" }).state.address).toMatch(
      /^platform-dev\.[0-9a-f]+\.eu-west-1\.rds\.amazonaws\.com$/,
    );
    expect(
      String(create("random:index/randomPassword:RandomPassword", "p", { length: 24 }).state.result),
    ).toHaveLength(24);
  });

  test("resources of an explicit provider for another region get that region's ARNs", () => {
    const own = new PlatformMocks({ region: "us-west-2" });
    const dr = own.newResource({
      type: "pulumi:providers:aws",
      name: "aws-dr",
      inputs: { region: "us-east-1" },
      custom: true,
    });
    const ref = `urn:pulumi:s::p::pulumi:providers:aws::aws-dr::${dr.id}`;
    const key = own.newResource({
      type: "aws:kms/key:Key",
      name: "k",
      inputs: {},
      provider: ref,
      custom: true,
    });
    expect(key.state.arn).toMatch(/^arn:aws:kms:us-east-1:/);
    const home = own.newResource({ type: "aws:kms/key:Key", name: "k2", inputs: {}, custom: true });
    expect(home.state.arn).toMatch(/^arn:aws:kms:us-west-2:/);
  });

  test("a multi-Region key's ID is mrk-<32 hex>; its replica in another region shares the ID", () => {
    const own = new PlatformMocks({ region: "us-west-2" });
    const dr = own.newResource({
      type: "pulumi:providers:aws",
      name: "aws-dr",
      inputs: { region: "us-east-1" },
      custom: true,
    });
    const primary = own.newResource({
      type: "aws:kms/key:Key",
      name: "k",
      inputs: { multiRegion: true },
      custom: true,
    });
    expect(primary.id).toMatch(/^mrk-[0-9a-f]{32}$/);
    const replica = own.newResource({
      type: "aws:kms/replicaKey:ReplicaKey",
      name: "k-replica",
      inputs: { primaryKeyArn: primary.state.arn },
      provider: `urn:pulumi:s::p::pulumi:providers:aws::aws-dr::${dr.id}`,
      custom: true,
    });
    expect([replica.id, replica.state.keyId, replica.state.arn]).toEqual([
      primary.id,
      primary.id,
      `arn:aws:kms:us-east-1:${MOCK_ACCOUNT_ID}:key/${primary.id}`,
    ]);
  });
});
