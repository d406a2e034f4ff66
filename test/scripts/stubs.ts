/**
 * Stub `kubectl`, `curl`, `pulumi` and `aws` binaries for the script tests: put first on PATH, they
 * answer from fixture files of a scenario and log every call (`<tool> <args>`), so a test sees
 * exactly what a script asked and how it judged the answers.
 */
import { spawnSync } from "child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

export const SCRIPTS = join(__dirname, "..", "..", "scripts");

const KUBECTL = `#!/usr/bin/env bash
printf 'kubectl %s\\n' "$*" >>"$STUB_LOG"
printf '%s\\n' "\${KUBECONFIG:-}" >>"$STUB_DIR/kubeconfigs"
if [[ "$1 $2" == "get deployments" ]]; then
  f="$STUB_DIR/deployments.$4"
  if [[ -f "$f.error" ]]; then cat "$f.error" >&2; exit 1; fi
  [[ -f "$f" ]] && cat "$f"
  exit 0
fi
if [[ "$1 $2" == "get rollouts.argoproj.io" ]]; then
  f="$STUB_DIR/rollouts.$4"
  [[ -f "$f" ]] && cat "$f"
  exit 0
fi
if [[ "$1 $2" == "rollout status" ]]; then
  f="$STUB_DIR/rollout.\${3#deployment.apps/}"
  if [[ -f "$f" ]]; then cat "$f" >&2; exit 1; fi
  echo "deployment \\"\${3#deployment.apps/}\\" successfully rolled out"
  exit 0
fi
if [[ "$1 $2" == "get pods" ]]; then
  f="$STUB_DIR/vault.$4"
  if [[ -f "$f.error" ]]; then cat "$f.error" >&2; exit 1; fi
  [[ -f "$f" ]] && cat "$f"
  exit 0
fi
echo "unexpected kubectl call: $*" >&2
exit 99
`;

/** Answers with the `<code> <exit>` of the URL's fixture line, as curl --write-out '%{http_code}' --fail does. */
const CURL = `#!/usr/bin/env bash
printf 'curl %s\\n' "$*" >>"$STUB_LOG"
url="\${*: -1}"
while read -r u code rc; do
  if [[ "$u" == "$url" ]]; then printf '%s' "$code"; exit "$rc"; fi
done <"$STUB_DIR/http"
printf '000'
exit 6
`;

const PULUMI = `#!/usr/bin/env bash
printf 'pulumi %s\\n' "$*" >>"$STUB_LOG"
if [[ "$1 $2" == "stack output" ]]; then
  if [[ -f "$STUB_DIR/outputs" ]]; then cat "$STUB_DIR/outputs"; exit 0; fi
  echo "error: no stack named '$4' found" >&2
  exit 255
fi
if [[ "$1 $2 $3" == "config get platform:services" ]]; then
  cat "$STUB_DIR/services"
  exit 0
fi
echo "unexpected pulumi call: $*" >&2
exit 99
`;

/**
 * The AWS CLI: head-bucket finds the bucket only if the scenario says it exists; create-key prints
 * the next key ARN (what --query KeyMetadata.Arn --output text prints); a call the scenario marks
 * as failing fails; --kubeconfig gets a kubeconfig written.
 */
const AWS = `#!/usr/bin/env bash
printf 'aws %s\\n' "$*" >>"$STUB_LOG"
if [[ -f "$STUB_DIR/fail.$1.$2" ]]; then
  echo "An error occurred (AccessDenied) when calling $2" >&2
  exit 254
fi
if [[ "$1 $2" == "s3api head-bucket" ]]; then
  [[ -f "$STUB_DIR/bucket-exists" ]] && exit 0
  echo "An error occurred (404) when calling the HeadBucket operation: Not Found" >&2
  exit 254
fi
if [[ "$1 $2" == "kms create-key" ]]; then
  n=$(( $(cat "$STUB_DIR/keys" 2>/dev/null || echo 0) + 1 ))
  echo "$n" >"$STUB_DIR/keys"
  printf 'arn:aws:kms:us-west-2:123456789012:key/00000000-0000-0000-0000-%012d\\n' "$n"
  exit 0
fi
while [[ $# -gt 0 ]]; do
  if [[ "$1" == "--kubeconfig" ]]; then printf 'apiVersion: v1\\nkind: Config\\n' >"$2"; fi
  shift
done
`;

export interface Scenario {
  /** Deployments listed per namespace (`deployment.apps/<name>`). */
  readonly deployments?: Record<string, string[]>;
  /** Argo Rollouts listed per namespace, as `<name> <phase>` lines. */
  readonly rollouts?: Record<string, string[]>;
  /** Namespaces whose Deployment list fails, with kubectl's error. */
  readonly listErrors?: Record<string, string>;
  /** Deployments whose rollout does not complete, with kubectl's error. */
  readonly stuck?: Record<string, string>;
  /** URL -> [HTTP code curl prints, curl exit code]. */
  readonly http?: Record<string, [string, number]>;
  /** Vault namespace -> `<pod> <vault-sealed label>` lines. */
  readonly vault?: Record<string, string[]>;
  /** What `pulumi stack output --json` prints (absent: the stack does not exist). */
  readonly outputs?: unknown;
  /** What `pulumi config get platform:services` prints. */
  readonly services?: unknown;
  /** The state bucket already exists (`aws s3api head-bucket` succeeds). */
  readonly bucketExists?: boolean;
  /** AWS CLI calls that fail, as `<service> <operation>`, e.g. `s3api create-bucket`. */
  readonly awsFailures?: string[];
  readonly env?: Record<string, string>;
}

export interface Result {
  readonly status: number | null;
  readonly stdout: string[];
  readonly stderr: string;
  /** Every stub call, in order. */
  readonly calls: string[];
  /** `$KUBECONFIG` as each kubectl call saw it. */
  readonly kubeconfigs: string[];
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "");
}

function writeFixtures(dir: string, scenario: Scenario): void {
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
  for (const [ns, list] of Object.entries(scenario.deployments ?? {})) {
    write(`deployments.${ns}`, list.map((d) => `${d}\n`).join(""));
  }
  for (const [ns, list] of Object.entries(scenario.rollouts ?? {})) {
    write(`rollouts.${ns}`, list.map((r) => `${r}\n`).join(""));
  }
  for (const [ns, error] of Object.entries(scenario.listErrors ?? {})) {
    write(`deployments.${ns}.error`, `${error}\n`);
  }
  for (const [name, error] of Object.entries(scenario.stuck ?? {})) {
    write(`rollout.${name}`, `Waiting for deployment "${name}" rollout to finish\n${error}\n`);
  }
  write(
    "http",
    Object.entries(scenario.http ?? {})
      .map(([url, [code, rc]]) => `${url} ${code} ${rc}\n`)
      .join(""),
  );
  for (const [ns, pods] of Object.entries(scenario.vault ?? {})) {
    write(`vault.${ns}`, pods.map((p) => `${p}\n`).join(""));
  }
  if (scenario.outputs !== undefined) {
    write("outputs", JSON.stringify(scenario.outputs, null, 2));
  }
  write("services", JSON.stringify(scenario.services ?? {}));
  if (scenario.bucketExists) {
    write("bucket-exists", "");
  }
  for (const call of scenario.awsFailures ?? []) {
    write(`fail.${call.replace(" ", ".")}`, "");
  }
}

/** Runs `scripts/<script>` with bash, the stubs first on PATH and nothing else from the caller's environment. */
export function runScript(script: string, args: readonly string[], scenario: Scenario = {}): Result {
  const dir = mkdtempSync(join(tmpdir(), "stubs-"));
  dirs.push(dir);
  const bin = join(dir, "bin");
  mkdirSync(bin);
  for (const [name, text] of Object.entries({ kubectl: KUBECTL, curl: CURL, pulumi: PULUMI, aws: AWS })) {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  }
  writeFixtures(dir, scenario);
  const log = join(dir, "calls.log");
  writeFileSync(log, "");
  const result = spawnSync("/bin/bash", [join(SCRIPTS, script), ...args], {
    encoding: "utf8",
    env: { PATH: `${bin}:/usr/bin:/bin`, STUB_DIR: dir, STUB_LOG: log, ...scenario.env },
  });
  const seen = join(dir, "kubeconfigs");
  return {
    status: result.status,
    stdout: lines(result.stdout),
    stderr: result.stderr,
    calls: lines(readFileSync(log, "utf8")),
    kubeconfigs: existsSync(seen) ? lines(readFileSync(seen, "utf8")) : [],
  };
}
