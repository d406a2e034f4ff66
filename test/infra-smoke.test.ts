import { runStack } from "./support/offline";
test("dev previews", async () => {
  const run = await runStack("dev");
  expect(run.resources.map((r) => r.type)).toContain("pulumi:providers:aws");
});
