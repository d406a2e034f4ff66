import { callersByService, imageProblem, scalingPlan, setProblems } from "../../../components/workloads/spec";
import {
  formatCpu,
  formatMemory,
  memoryProblem,
  parseCpu,
  parseMemory,
} from "../../../components/shared/quantity";
import { syntheticServices } from "../../../tools/bench/synthetic";
import { fieldProblems, crossFieldProblems } from "../../../components/workloads/spec";

describe("quantities", () => {
  test.each([
    ["500m", 500],
    ["2", 2000],
    ["0.5", 500],
    ["2000m", 2000],
    ["1.5m", undefined],
    ["2Gi", undefined],
    ["", undefined],
  ])("cpu %s → %s millicores", (q, expected) => {
    expect(parseCpu(q)).toBe(expected);
  });

  test.each([
    ["128Mi", 128 * 2 ** 20],
    ["2Gi", 2 * 2 ** 30],
    ["1G", 1e9],
    ["512k", 512e3],
    ["1.5Gi", 1.5 * 2 ** 30],
    ["1048576", 1048576],
    ["2gb", undefined],
    ["128m", undefined],
  ])("memory %s → %s bytes", (q, expected) => {
    expect(parseMemory(q)).toBe(expected);
  });

  test("a memory quantity in 'm' gets a message explaining the unit", () => {
    expect(memoryProblem("128m")).toBe(
      "must be a memory quantity: a number with Ki, Mi, Gi, Ti (powers of 1024) or k, M, G, T (powers of 1000), e.g. 512Mi or 2Gi; 'm' means thousandths of a byte, write Mi for mebibytes",
    );
  });

  test.each([
    [16000, "16"],
    [10500, "10500m"],
  ])("formatCpu(%s) = %s", (m, s) => expect(formatCpu(m)).toBe(s));
  test.each([
    [42 * 2 ** 30, "42Gi"],
    [1536 * 2 ** 20, "1536Mi"],
    [1000, "1000"],
  ])("formatMemory(%s) = %s", (b, s) => expect(formatMemory(b)).toBe(s));
});

describe("images", () => {
  test.each([
    ["123456789012.dkr.ecr.us-west-2.amazonaws.com/platform/api:1.0.0", undefined],
    [`registry:5000/team/app@sha256:${"0".repeat(64)}`, undefined],
    [`app:latest@sha256:${"0".repeat(64)}`, undefined],
    ["app:latest", "uses the 'latest' tag, which moves under you: pin a version tag or a digest"],
    [
      "registry:5000/team/app",
      "is not pinned: add a version tag (repository:1.2.3) or a digest (repository@sha256:...)",
    ],
    ["app@sha256:abc", "has a malformed digest; use @sha256: followed by 64 lowercase hex digits"],
    [
      "App/Thing:1",
      "must be an image reference like registry/repository:1.2.3 or registry/repository@sha256:<64 hex digits>",
    ],
  ])("%s", (image, expected) => {
    expect(imageProblem(image)).toBe(expected);
  });
});

describe("scaling arithmetic", () => {
  test.each([
    // replicas, autoscaling, deployment replicas, floor, peak pods, rollout maxUnavailable, available during a drain
    [1, undefined, 1, 1, 2, 0, 0],
    [2, undefined, 2, 2, 3, 1, 1],
    [3, { minReplicas: 3, maxReplicas: 20 }, undefined, 3, 21, 1, 2],
    [2, { minReplicas: 2, maxReplicas: 10 }, undefined, 2, 11, 1, 1],
    [1, { minReplicas: 1, maxReplicas: 3 }, undefined, 1, 4, 0, 0],
  ])(
    "replicas %s autoscaling %j",
    (replicas, autoscaling, deploymentReplicas, floor, peakPods, maxUnavailable, availableDuringDrain) => {
      const plan = scalingPlan({
        replicas,
        autoscaling: autoscaling && { ...autoscaling, cpuUtilization: 70 },
      });
      expect(plan).toEqual({
        deploymentReplicas,
        hpa: autoscaling,
        floor,
        peakPods,
        maxSurge: 1,
        maxUnavailable,
        pdbMaxUnavailable: 1,
        availableDuringDrain,
      });
      // The PDB never blocks a drain: it always permits at least one eviction, whatever the count.
      expect(plan.pdbMaxUnavailable).toBeGreaterThanOrEqual(1);
      if (plan.hpa) {
        expect(plan.hpa.minReplicas).toBeLessThanOrEqual(plan.hpa.maxReplicas);
      }
    },
  );
});

describe("service graph", () => {
  test("callers are the services that depend on each service; unknown and self dependencies are problems", () => {
    const decls = [
      { name: "web", dependsOn: ["api"] },
      { name: "api", dependsOn: ["postgres", "billing"] },
      { name: "billing", dependsOn: ["billing", "ledger"] },
    ];
    expect(Object.fromEntries(callersByService(decls))).toEqual({ web: [], api: ["web"], billing: ["api"] });
    expect(setProblems(decls)).toEqual([
      {
        index: 2,
        path: "dependsOn",
        received: "billing",
        message: "names the service itself; list the other services and data stores it calls",
      },
      {
        index: 2,
        path: "dependsOn",
        received: "ledger",
        message: "names 'ledger', which is neither postgres nor redis nor a declared service",
      },
    ]);
  });
});

describe("syntheticServices", () => {
  test("builds n valid, distinct, connected declarations", () => {
    const services = syntheticServices(25);
    expect(services).toHaveLength(25);
    expect(new Set(services.map((s) => s.name)).size).toBe(25);
    for (const s of services) {
      expect([...fieldProblems(s), ...crossFieldProblems(s)]).toEqual([]);
    }
    expect(setProblems(services)).toEqual([]);
    expect(services[1].dependsOn).toEqual(["postgres", "svc-0001"]);
    expect(services.filter((s) => s.expose).map((s) => s.name)).toEqual(["svc-0010", "svc-0020"]);
    expect(() => syntheticServices(-1)).toThrow(
      "syntheticServices: n must be a non-negative integer, got -1",
    );
  });
});
