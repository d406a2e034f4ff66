import { byName, runProgram } from "../support/offline";

describe("offline harness", () => {
  test("records parent, protect, dependencies, masked secrets and outputs", async () => {
    const run = await runProgram(async () => {
      const pulumi = await import("@pulumi/pulumi");
      const aws = await import("@pulumi/aws");
      const random = await import("@pulumi/random");
      const parent = new pulumi.ComponentResource("platform:test:Thing", "thing");
      const key = new aws.kms.Key("key", { description: "k" }, { parent, protect: true });
      const pw = new random.RandomPassword("pw", { length: 24 }, { parent });
      const group = new aws.cloudwatch.LogGroup("lg", { kmsKeyId: key.arn }, { parent, dependsOn: [pw] });
      const inner = new pulumi.ComponentResource("platform:test:Inner", "inner", {}, { parent });
      new aws.kms.Alias("alias", { targetKeyId: key.keyId }, { parent: inner });
      return { keyArn: key.arn, password: pw.result, group: group.name };
    });
    const key = byName(run, "aws:kms/key:Key", "key");
    expect(key.protect).toBe(true);
    expect(key.parent).toBe("urn:pulumi:test::platform::platform:test:Thing::thing");
    expect(key.urn).toBe("urn:pulumi:test::platform::platform:test:Thing$aws:kms/key:Key::key");
    // A grandchild's type is qualified by every ancestor's type, as the engine does.
    expect(byName(run, "aws:kms/alias:Alias", "alias").urn).toBe(
      "urn:pulumi:test::platform::platform:test:Thing$platform:test:Inner$aws:kms/alias:Alias::alias",
    );
    expect(byName(run, "aws:kms/alias:Alias", "alias").parent).toBe(
      "urn:pulumi:test::platform::platform:test:Thing$platform:test:Inner::inner",
    );
    const lg = byName(run, "aws:cloudwatch/logGroup:LogGroup", "lg");
    expect(lg.dependencies).toEqual(
      expect.arrayContaining([key.urn, byName(run, "random:index/randomPassword:RandomPassword", "pw").urn]),
    );
    expect(lg.inputs.kmsKeyId).toMatch(/^arn:aws:kms:us-west-2:123456789012:key\//);
    expect(run.outputs.password).toBe("[secret]");
    expect(run.secretOutputs).toEqual(["password"]);
    expect(run.outputs.keyArn).toMatch(/^arn:aws:kms:/);
  });

  test("an unknown invoke fails loudly", async () => {
    await expect(
      runProgram(async () => {
        const aws = await import("@pulumi/aws");
        await aws.ec2.getVpc({ default: true });
      }),
    ).rejects.toThrow(/do not know the invoke 'aws:ec2\/getVpc:getVpc'/);
  });
});
