/**
 * What the Vault chart does to our server configuration before Vault reads it (decision 0124): its
 * `vault.config` helper appends `disable_mlock = true` to an HCL config. Chart 0.31.x appends it
 * always; from 0.32.0 only when the config does not set it (`templates/_helpers.tpl` at v0.32.0,
 * hashicorp/vault-helm#1154). Ours sets it (decision 0051), and Vault 1.21+ refuses a duplicate
 * attribute ("The argument "disable_mlock" ... was already set"): the chart must be 0.32.0 or newer.
 * Pure functions, so tests check the HCL Vault would read.
 */

/** The first chart version that does not duplicate `disable_mlock`. */
export const FIRST_CHART_WITHOUT_DUPLICATE = "0.32.0";

/** `a < b` for `x.y.z` versions. */
export function versionBefore(a: string, b: string): boolean {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    if (pa[i] !== pb[i]) {
      return pa[i] < pb[i];
    }
  }
  return false;
}

/** The config the chart renders from an HCL `config` value, as its `vault.config` helper does. */
export function chartRenderedConfig(hcl: string, chartVersion: string): string {
  const alreadySet = /^\s*disable_mlock\s*=\s*(true|false)/m.test(hcl);
  const append = versionBefore(chartVersion, FIRST_CHART_WITHOUT_DUPLICATE) || !alreadySet;
  return append ? `${hcl}\ndisable_mlock = true` : hcl;
}

/**
 * Attributes set more than once at the top level of an HCL body (blocks such as `listener "tcp"
 * { ... }` may repeat; attributes may not). Counts braces outside strings; enough for Vault configs.
 */
export function duplicateTopLevelAttributes(hcl: string): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  let depth = 0;
  for (const line of hcl.split("\n")) {
    const code = line.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/#.*$/, "");
    const attribute = depth === 0 ? /^\s*([A-Za-z_][\w-]*)\s*=/.exec(code) : null;
    if (attribute) {
      if (seen.has(attribute[1])) {
        duplicates.add(attribute[1]);
      }
      seen.add(attribute[1]);
    }
    depth += (code.match(/\{/g) ?? []).length - (code.match(/\}/g) ?? []).length;
  }
  return [...duplicates];
}
