import {
  chartRenderedConfig,
  duplicateTopLevelAttributes,
  versionBefore,
} from "../../../components/secrets/vault-chart-config";
import { vaultServerHcl } from "../../../components/secrets/vault-helm-values";
import { TOOLS_SIZE_LIMIT } from "../../../components/secrets/vault-jobs";
import { parseMemory } from "../../../components/shared/quantity";

const HCL = vaultServerHcl({ region: "us-west-2", kmsKeyArn: "arn:aws:kms:us-west-2:1:key/k", replicas: 3 });

describe("the server config Vault reads after the chart renders it", () => {
  test("chart 0.32.0 keeps our disable_mlock and adds none: no attribute set twice", () => {
    const rendered = chartRenderedConfig(HCL, "0.32.0");
    expect(rendered).toBe(HCL);
    expect(rendered.match(/^disable_mlock\s*=/gm)).toHaveLength(1);
    expect(duplicateTopLevelAttributes(rendered)).toEqual([]);
  });

  test("chart 0.31.0 would append a second disable_mlock, which Vault 1.21 refuses", () => {
    expect(duplicateTopLevelAttributes(chartRenderedConfig(HCL, "0.31.0"))).toEqual(["disable_mlock"]);
  });

  test("a config without disable_mlock gets the chart's line", () => {
    expect(chartRenderedConfig('ui = true\nlistener "tcp" {}', "0.32.0")).toBe(
      'ui = true\nlistener "tcp" {}\ndisable_mlock = true',
    );
  });

  test("repeated blocks and attributes inside blocks are not duplicates; strings and comments are ignored", () => {
    const hcl = [
      'listener "tcp" {',
      '  address = "a"',
      "}",
      'listener "tcp" {',
      '  address = "b { not a brace"',
      "}",
      "ui = true # ui = false",
      "ui = false",
    ].join("\n");
    expect(duplicateTopLevelAttributes(hcl)).toEqual(["ui"]);
  });

  test.each([
    ["0.31.0", "0.32.0", true],
    ["0.32.0", "0.32.0", false],
    ["0.34.1", "0.32.0", false],
    ["0.9.0", "0.32.0", true],
  ])("%s before %s: %p", (a, b, before) => {
    expect(versionBefore(a, b)).toBe(before);
  });
});

test("the job pods' tools volume holds the vault binary (several hundred MB) with headroom", () => {
  // ~350 MB by 1.14.2 and growing: at least twice that.
  expect(parseMemory(TOOLS_SIZE_LIMIT)).toBeGreaterThanOrEqual(2 * 350 * 1024 * 1024);
});
