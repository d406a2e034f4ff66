import { comparisonLines, renderPreviewMarkdown, urnParts } from "../../tools/offline/markdown";
import type { PlanFile } from "../../tools/offline/plan";
import { renderCounts, renderOutputs, renderTree } from "../../tools/offline/render";
import type { OfflineRun, RecordedResource } from "../../tools/offline/harness";
import { elide, Progress, progressWanted, terminalStyle, wrap } from "../../tools/offline/terminal";
import { comparePlans } from "../../tools/plan/compare";

describe("terminal style", () => {
  test.each<
    [string, { isTTY?: boolean; columns?: number }, NodeJS.ProcessEnv, { width?: number; colour: boolean }]
  >([
    ["a terminal", { isTTY: true, columns: 90 }, {}, { width: 90, colour: true }],
    [
      "a terminal with NO_COLOR",
      { isTTY: true, columns: 90 },
      { NO_COLOR: "1" },
      { width: 90, colour: false },
    ],
    ["a dumb terminal", { isTTY: true, columns: 90 }, { TERM: "dumb" }, { width: 90, colour: false }],
    [
      "COLUMNS over the terminal's width",
      { isTTY: true, columns: 90 },
      { COLUMNS: "60" },
      { width: 60, colour: true },
    ],
    ["a pipe", {}, {}, { width: 120, colour: false }],
    ["a pipe with FORCE_COLOR", {}, { FORCE_COLOR: "1", COLUMNS: "70" }, { width: 70, colour: true }],
    ["FORCE_COLOR=0", { isTTY: true }, { FORCE_COLOR: "0" }, { width: 120, colour: true }],
  ])("%s", (_label, stream, env, expected) => {
    expect(terminalStyle(stream, env)).toEqual(expected);
  });

  test.each<[string, number | undefined, string]>([
    [
      "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
      21,
      "aws:rds/in…eplication",
    ],
    ["short", 10, "short"],
    ["abcdef", 5, "ab…ef"],
    ["abcdef", undefined, "abcdef"],
  ])("elide(%s, %s)", (text, width, expected) => {
    expect(elide(text, width)).toBe(expected);
    expect([...elide(text, width)].length).toBeLessThanOrEqual(width ?? Infinity);
  });

  test("wrap cuts hard at the width", () => {
    expect(wrap("abcdefgh", 3)).toEqual(["abc", "def", "gh"]);
    expect(wrap("", 3)).toEqual([""]);
  });

  test("progress writes in place only when enabled, and erases its line when done", () => {
    const written: string[] = [];
    const on = new Progress(true, { write: (t: string) => written.push(t) });
    on.update("12 resources");
    on.update("13 resources"); // within 100 ms: skipped
    on.done();
    expect(written).toEqual(["\r\u001b[2K12 resources", "\r\u001b[2K"]);
    const off: string[] = [];
    const silent = new Progress(false, { write: (t: string) => off.push(t) });
    silent.update("x");
    silent.done();
    expect(off).toEqual([]);
    expect(progressWanted({ isTTY: true }, {})).toBe(true);
    expect(progressWanted({ isTTY: true }, { CI: "true" })).toBe(false);
    expect(progressWanted({ isTTY: false }, {})).toBe(false);
  });
});

function resource(
  type: string,
  name: string,
  parent = "",
  extra: Partial<RecordedResource> = {},
): RecordedResource {
  return {
    urn: `urn:pulumi:s::p::${type}::${name}`,
    type,
    name,
    custom: true,
    parent,
    inputs: {},
    secretInputs: [],
    protect: false,
    retainOnDelete: false,
    dependencies: [],
    provider: "",
    id: "",
    ...extra,
  };
}

describe("rendering fits the width", () => {
  const stack = resource("pulumi:pulumi:Stack", "p-s");
  const run: OfflineRun = {
    resources: [
      stack,
      resource(
        "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
        "copies",
        stack.urn,
        {
          protect: true,
        },
      ),
      resource("aws:kms/key:Key", "k", stack.urn, { secretInputs: ["policy"] }),
    ],
    outputs: { arn: "x".repeat(100), n: 1 },
    secretOutputs: [],
  };

  test("tree: type tokens elided in the middle, names and flags kept", () => {
    expect(renderTree(run, { width: 60, colour: false }).split("\n")).toEqual([
      "pulumi:pulumi:Stack  p-s",
      "├─ aws:rds/instanceAu…ackupsReplication  copies  [protected]",
      "└─ aws:kms/key:Key  k  [secret: policy]",
    ]);
    expect(renderTree(run, { colour: true }).split("\n")[2]).toBe(
      "└─ \u001b[36maws:kms/key:Key\u001b[39m  k  \u001b[33m[secret: policy]\u001b[39m",
    );
  });

  test("tables: no line wider than the width; long values wrap, whole", () => {
    for (const text of [
      renderCounts(run, { width: 50, colour: false }),
      renderOutputs(run, { width: 50, colour: false }),
    ]) {
      expect(Math.max(...text.split("\n").map((l) => [...l].length))).toBeLessThanOrEqual(50);
    }
    expect(renderOutputs(run, { width: 50, colour: false }).replace(/[^x]/g, "")).toBe("x".repeat(100));
  });
});

describe("PR summary", () => {
  const step = (type: string, name: string, inputs: Record<string, unknown> = {}) => {
    const urn = `urn:pulumi:prod::platform::platform:network:Network$${type}::${name}`;
    return { op: "create", urn, newState: { urn, type, custom: true, inputs } };
  };
  const plan = (steps: PlanFile["steps"]): PlanFile => ({ steps, changeSummary: { create: steps.length } });
  const before = plan([
    step("aws:ec2/eip:Eip", "nat-a"),
    step("aws:ec2/eip:Eip", "nat-b"),
    step("aws:kms/key:Key", "k", { r: 1 }),
  ]);
  const after = plan([
    step("aws:ec2/eip:Eip", "nat-a"),
    step("aws:kms/key:Key", "k", { r: 2 }),
    step("aws:s3/bucket:Bucket", "b"),
  ]);

  test("URN parts", () => {
    expect(urnParts(before.steps[0].urn)).toEqual({ type: "aws:ec2/eip:Eip", name: "nat-a" });
  });

  test("counts by type without a base", () => {
    expect(renderPreviewMarkdown("prod", before)).toBe(
      [
        "## Offline preview of `prod`",
        "",
        "3 resources, from the program run against mocked providers (`npm run preview -- prod`).",
        "",
        "| type | count |",
        "| --- | ---: |",
        "| `aws:ec2/eip:Eip` | 2 |",
        "| `aws:kms/key:Key` | 1 |",
        "",
      ].join("\n"),
    );
  });

  test("added, removed and modified against a base", () => {
    expect(renderPreviewMarkdown("prod", after, { label: "main.json", plan: before })).toBe(
      [
        "## Offline preview of `prod`",
        "",
        "3 resources, from the program run against mocked providers (`npm run preview -- prod`).",
        "",
        "### Against `main.json`: 1 added, 1 removed, 1 modified",
        "",
        "| type | before | after | change |",
        "| --- | ---: | ---: | ---: |",
        "| `aws:ec2/eip:Eip` | 2 | 1 | −1 |",
        "| `aws:s3/bucket:Bucket` | 0 | 1 | +1 |",
        "",
        "<details><summary>Added (1)</summary>",
        "",
        "- `aws:s3/bucket:Bucket` `b`",
        "",
        "</details>",
        "",
        "<details><summary>Removed (1)</summary>",
        "",
        "- `aws:ec2/eip:Eip` `nat-b`",
        "",
        "</details>",
        "",
        "<details><summary>Modified (1)</summary>",
        "",
        "- `aws:kms/key:Key` `k`: inputs.r",
        "",
        "</details>",
        "",
      ].join("\n"),
    );
    expect(comparisonLines(comparePlans(before, after))).toEqual([
      "+ aws:s3/bucket:Bucket  b",
      "- aws:ec2/eip:Eip  nat-b",
      "~ aws:kms/key:Key  k: inputs.r",
    ]);
  });
});
