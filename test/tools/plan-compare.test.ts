import type { PlanFile, PlanState } from "../../tools/offline/plan";
import { comparePlans, isIdentical, renderComparison } from "../../tools/plan/compare";

function plan(...states: PlanState[]): PlanFile {
  return { steps: states.map((s) => ({ op: "create", urn: s.urn, newState: s })), changeSummary: {} };
}

const bucket: PlanState = {
  urn: "urn:pulumi:dev::platform::aws:s3/bucketV2:BucketV2::logs",
  type: "aws:s3/bucketV2:BucketV2",
  custom: true,
  inputs: { bucket: "logs", tags: { Environment: "dev" } },
  protect: false,
  dependencies: ["b", "a"],
};

describe("comparePlans", () => {
  test("identical plans, dependency order and a missing protect ignored", () => {
    const again = { ...bucket, dependencies: ["a", "b"], protect: undefined };
    expect(isIdentical(comparePlans(plan(bucket), plan(again)))).toBe(true);
  });

  test("names added, removed and changed resources with the fields that differ", () => {
    const key: PlanState = {
      ...bucket,
      urn: "urn:pulumi:dev::platform::aws:kms/key:Key::k",
      type: "aws:kms/key:Key",
    };
    const changed = { ...bucket, protect: true, inputs: { bucket: "logs", tags: { Environment: "prod" } } };
    const other: PlanState = { ...bucket, urn: "urn:pulumi:dev::platform::aws:s3/bucketV2:BucketV2::other" };
    const c = comparePlans(plan(bucket, key), plan(changed, other));
    expect(renderComparison(c)).toEqual([
      "+ urn:pulumi:dev::platform::aws:s3/bucketV2:BucketV2::other",
      "- urn:pulumi:dev::platform::aws:kms/key:Key::k",
      "~ urn:pulumi:dev::platform::aws:s3/bucketV2:BucketV2::logs (protect, inputs.tags)",
    ]);
    expect(isIdentical(c)).toBe(false);
  });
});
