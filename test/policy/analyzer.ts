/**
 * Runs the pack the way the Pulumi CLI does, without the CLI: the SDK's `run-policy-pack` starts it
 * in its folder (TypeScript compiled and type-checked by the SDK's ts-node with the pack's own
 * tsconfig), it prints its port, and we speak the analyzer gRPC protocol to it as the engine would.
 *
 * "Production dependencies only": the pack runs from a copy of policy/ beside a node_modules that
 * holds exactly what `npm ci --omit=dev` would install from the root lockfile (hard links into the
 * root node_modules, so it costs no space). The copy lives in the system's temporary folder (not
 * under node_modules, whose files ts-node would not compile), one per checkout, so that its
 * node_modules and ts-node's cache are reused between runs (cold start ~8 s, warm ~1.5 s).
 */
import { type ChildProcess, execFileSync, spawn } from "child_process";
import { createHash } from "crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join } from "path";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/analyzer_pb";
import type { ResolvedPolicyConfig } from "../../tools/policy/config";
import type { PlanInput, PlanResource } from "../../tools/policy/plan-input";

const ROOT = join(__dirname, "../..");
const WORK = join(
  tmpdir(),
  `platform-policy-pack-${createHash("sha256").update(ROOT).digest("hex").slice(0, 12)}`,
);

/** Top-level packages `npm ci --omit=dev` installs from the root lockfile (nested ones come with them). */
export function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dev?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, meta]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) && meta.dev !== true)
    .map(([path]) => path.slice("node_modules/".length))
    .filter((name) => existsSync(join(ROOT, "node_modules", name)));
}

function buildNodeModules(): void {
  const stamp = createHash("sha256")
    .update(readFileSync(join(ROOT, "package-lock.json")))
    .digest("hex");
  const stampFile = join(WORK, "stamp");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) {
    return;
  }
  rmSync(WORK, { recursive: true, force: true });
  const byDir = new Map<string, string[]>();
  for (const name of productionPackages()) {
    const dir = join(WORK, "node_modules", dirname(name));
    byDir.set(dir, [...(byDir.get(dir) ?? []), join(ROOT, "node_modules", name)]);
  }
  for (const [dir, sources] of byDir) {
    mkdirSync(dir, { recursive: true });
    execFileSync("cp", ["-al", ...sources, dir]);
  }
  writeFileSync(stampFile, stamp);
}

/** A fresh copy of policy/ beside the production node_modules; returns the pack folder. */
export function preparePack(): string {
  buildNodeModules();
  const pack = join(WORK, "policy");
  rmSync(pack, { recursive: true, force: true });
  cpSync(join(ROOT, "policy"), pack, { recursive: true, filter: (src) => !src.includes("node_modules") });
  return pack;
}

export interface RunningPack {
  readonly client: AnalyzerClient;
  readonly process: ChildProcess;
  /** Closes the client and ends the analyzer; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts the analyzer in `pack` as the CLI does; resolves once it prints its port. */
export function startPack(pack: string): Promise<RunningPack> {
  const child = spawn(
    process.execPath,
    [join(WORK, "node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js"), "127.0.0.1:1", "."],
    { cwd: pack, env: { ...process.env, TS_NODE_CACHE_DIRECTORY: join(WORK, "ts-node-cache") } },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      const port = /^(\d+)\s*$/m.exec(stdout)?.[1];
      if (port) {
        const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        resolve({
          client,
          process: child,
          stop: () => {
            client.close();
            const exited = new Promise<void>((done) => child.once("exit", () => done()));
            child.kill();
            return exited;
          },
        });
      }
    });
    child.on("exit", (code) => reject(new Error(`the pack exited with ${code} before serving:\n${stderr}`)));
  });
}

const call = <Req, Res>(
  fn: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown,
  req: Req,
): Promise<Res> =>
  new Promise((resolve, reject) => fn(req, (err, res) => (err ? reject(err) : resolve(res))));

const LEVELS: Record<string, proto.EnforcementLevel> = {
  advisory: proto.EnforcementLevel.ADVISORY,
  mandatory: proto.EnforcementLevel.MANDATORY,
  disabled: proto.EnforcementLevel.DISABLED,
  remediate: proto.EnforcementLevel.REMEDIATE,
};

/** The policy names the analyzer announces. */
export async function policyNames(pack: RunningPack): Promise<string[]> {
  const info = await call<Empty, proto.AnalyzerInfo>(
    pack.client.getAnalyzerInfo.bind(pack.client),
    new Empty(),
  );
  return info.getPoliciesList().map((p) => p.getName());
}

/** Sends the resolved config, as the CLI does after reconciling `--policy-pack-config`. */
export async function configure(
  pack: RunningPack,
  config: ReadonlyMap<string, ResolvedPolicyConfig>,
): Promise<void> {
  const req = new proto.ConfigureAnalyzerRequest();
  for (const [name, c] of config) {
    const pc = new proto.PolicyConfig();
    pc.setEnforcementlevel(LEVELS[c.enforcementLevel]);
    pc.setProperties(Struct.fromJavaScript(c.properties as Record<string, never>));
    req.getPolicyconfigMap().set(name, pc);
  }
  await call<proto.ConfigureAnalyzerRequest, Empty>(pack.client.configure.bind(pack.client), req);
}

function options(r: PlanResource): proto.AnalyzerResourceOptions {
  const o = new proto.AnalyzerResourceOptions();
  o.setProtect(r.protect);
  return o;
}

function providerOf(r: PlanResource, byUrn: ReadonlyMap<string, PlanResource>) {
  const p = r.providerUrn ? byUrn.get(r.providerUrn) : undefined;
  if (!p) {
    return undefined;
  }
  const msg = new proto.AnalyzerProviderResource();
  msg.setType(p.type).setUrn(p.urn).setName(p.name);
  msg.setProperties(Struct.fromJavaScript(p.props as Record<string, never>));
  return msg;
}

/** One verdict line: `policy urn level` for a violation, `policy urn not-assessed` for a check that could not run. */
export type Verdict = string;

function verdictsOf(diags: readonly proto.AnalyzeDiagnostic[], fallbackUrn: string): Verdict[] {
  return diags.map((d) => {
    const urn = d.getUrn() || fallbackUrn || "(stack)";
    const assessed = !d.getMessage().startsWith("can't run policy");
    const level = d.getEnforcementlevel() === proto.EnforcementLevel.MANDATORY ? "mandatory" : "advisory";
    return `${d.getPolicyname()} ${urn} ${assessed ? level : "not-assessed"}`;
  });
}

/** Every verdict of the analyzer on `plan`: `Analyze` per resource, then `AnalyzeStack`. */
export async function analyze(pack: RunningPack, plan: PlanInput): Promise<Verdict[]> {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const verdicts: Verdict[] = [];
  for (const r of plan.resources) {
    const req = new proto.AnalyzeRequest();
    req.setType(r.type).setUrn(r.urn).setName(r.name).setOptions(options(r));
    req.setProperties(Struct.fromJavaScript(r.props as Record<string, never>));
    const provider = providerOf(r, byUrn);
    if (provider) {
      req.setProvider(provider);
    }
    const res = await call<proto.AnalyzeRequest, proto.AnalyzeResponse>(
      pack.client.analyze.bind(pack.client),
      req,
    );
    verdicts.push(...verdictsOf(res.getDiagnosticsList(), r.urn));
  }
  const stack = new proto.AnalyzeStackRequest();
  stack.setResourcesList(
    plan.resources.map((r) => {
      const msg = new proto.AnalyzerResource();
      msg.setType(r.type).setUrn(r.urn).setName(r.name).setOptions(options(r));
      msg.setProperties(Struct.fromJavaScript(r.props as Record<string, never>));
      msg.setParent(r.parent ?? "").setDependenciesList([...r.dependencies]);
      const provider = providerOf(r, byUrn);
      if (provider) {
        msg.setProvider(provider);
      }
      return msg;
    }),
  );
  const res = await call<proto.AnalyzeStackRequest, proto.AnalyzeResponse>(
    pack.client.analyzeStack.bind(pack.client),
    stack,
  );
  verdicts.push(...verdictsOf(res.getDiagnosticsList(), ""));
  return verdicts.sort();
}
