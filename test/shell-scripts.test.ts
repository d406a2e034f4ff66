/**
 * Every shell script of the repository (`*.sh` outside node_modules) parses with `bash -n` and
 * passes ShellCheck (Debian's `shellcheck` package, 0.9; `.ci/run` installs it in CI). A script
 * added anywhere is checked without touching this file.
 */
import { spawnSync } from "child_process";
import { readdirSync } from "fs";
import { join, relative } from "path";

const root = join(__dirname, "..");
const SKIPPED = new Set(["node_modules", ".git"]);

/** Paths (relative to the repository, sorted) of every `.sh` file outside node_modules and .git. */
function shellScripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        return SKIPPED.has(entry.name) ? [] : shellScripts(path);
      }
      return entry.isFile() && entry.name.endsWith(".sh") ? [relative(root, path)] : [];
    })
    .sort();
}

const scripts = shellScripts(root);

test("the repository's shell scripts are found (Vault's job scripts at least)", () => {
  expect(scripts).toEqual(
    expect.arrayContaining([
      "components/secrets/scripts/bootstrap.sh",
      "components/secrets/scripts/configure.sh",
      "components/secrets/scripts/db-sync.sh",
      "components/secrets/scripts/snapshot.sh",
      "components/secrets/scripts/tls-reloader.sh",
    ]),
  );
});

test.each(scripts)("%s parses (bash -n)", (script) => {
  const result = spawnSync("bash", ["--norc", "--noprofile", "-n", script], { cwd: root, encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
});

test("ShellCheck finds nothing in any script", () => {
  const version = spawnSync("shellcheck", ["--version"], { encoding: "utf8" });
  if (version.error !== undefined || version.status !== 0) {
    throw new Error(
      "shellcheck is not installed, and npm test checks every *.sh file with it. Install it with " +
        "`sudo apt-get install -y shellcheck` (Debian/Ubuntu; .ci/run does this in CI), " +
        "`brew install shellcheck` (macOS) or see https://github.com/koalaman/shellcheck#installing.",
    );
  }
  // gcc format: one `file:line:column: severity: message [SCxxxx]` line per finding, all severities.
  const result = spawnSync("shellcheck", ["--format=gcc", ...scripts], { cwd: root, encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(result.stdout).toBe("");
  expect(result.status).toBe(0);
});
