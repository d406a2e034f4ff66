/**
 * Runs a Pulumi program against mocked providers and records what it registers, as the engine
 * would see it: every resource's URN, type, parent, inputs, `protect`, dependencies (explicit and
 * implicit) and provider. It is the core of the offline preview, the plan writer and the tests.
 *
 * How: after `setMocks`, the mock resource monitor's `registerResource` is wrapped so that each
 * request the SDK sends (the same request a real engine receives) is recorded. Outputs listed in
 * `additionalSecretOutputs` are returned as secrets, as the engine does.
 *
 * One run per module registry: `setMocks` is process-global state of `@pulumi/pulumi`. Tests get a
 * fresh registry per file; tools run once per process.
 */
import * as pulumi from "@pulumi/pulumi";
import { PlatformMocks } from "./mocks";
import { suspendStackTraces } from "./stack-traces";

/** Signature keys the Pulumi wire format uses inside property values. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** What stands in for a secret in recorded inputs, outputs and plan files. */
export const SECRET_MASK = "[secret]";

/** One resource as the engine received it. */
export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent: string;
  /** Inputs with secrets replaced by `[secret]` and resource references by their URN. */
  readonly inputs: Record<string, unknown>;
  /** Paths (dotted) of the inputs that were secret, e.g. `password` or `data.token`. */
  readonly secretInputs: readonly string[];
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly dependencies: readonly string[];
  /** Provider reference `urn::id`, empty for the default provider. */
  readonly provider: string;
  readonly id: string;
}

export interface OfflineRunOptions {
  readonly project: string;
  readonly stack: string;
  /** Full config keys to string values (objects JSON-encoded), as the engine passes them. */
  readonly config: Readonly<Record<string, string>>;
  /** Keys whose values are secrets. */
  readonly secretKeys?: readonly string[];
  /** IAM role names the mocked account lacks (see `MockOptions.absentRoles`). */
  readonly absentRoles?: readonly string[];
  /** Loads the program; the returned object (or the value of a returned function) is the stack's outputs. */
  readonly program: () => Promise<unknown>;
  /** Called after each resource is recorded, with the count so far (progress reports). */
  readonly onRegister?: (count: number) => void;
}

export interface OfflineRun {
  readonly resources: readonly RecordedResource[];
  /** Stack outputs with secrets replaced by `[secret]`. */
  readonly outputs: Record<string, unknown>;
  /** Output names whose values are secret. */
  readonly secretOutputs: readonly string[];
}

type Json = unknown;

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * The URN the engine gives a resource: its type is qualified by the whole chain of its ancestors'
 * types (`grandparentType$parentType$type`), the root stack excepted. The mock monitor instead
 * prefixes children of the root with `pulumi:pulumi:Stack$` and keeps only the parent's last type,
 * so a grandchild's URN would differ from a real preview's; the harness replaces its `newUrn`.
 */
export function childUrn(stack: string, project: string, parent: string, type: string, name: string): string {
  const parentType = parent ? parent.split("::")[2] : undefined;
  const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** Replaces secret envelopes by `[secret]`, resource references by their URN, unknowns by `undefined`. */
export function maskValue(value: Json, path: string, secretPaths: string[]): Json {
  if (Array.isArray(value)) {
    return value.map((v, i) => maskValue(v, `${path}[${i}]`, secretPaths));
  }
  if (value === UNKNOWN_VALUE) {
    return undefined;
  }
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, Json>;
    if (obj[SIG_KEY] === SECRET_SIG) {
      secretPaths.push(path);
      return SECRET_MASK;
    }
    if (obj[SIG_KEY] === RESOURCE_REF_SIG) {
      return String(obj.urn);
    }
    const out: Record<string, Json> = {};
    for (const key of Object.keys(obj)) {
      const masked = maskValue(obj[key], path ? `${path}.${key}` : key, secretPaths);
      if (masked !== undefined) {
        out[key] = masked;
      }
    }
    return out;
  }
  return value;
}

interface MonitorLike {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: RegisterRequest, cb: (err: Error | null, resp?: RegisterResponse) => void): void;
  registerResourceOutputs(req: OutputsRequest, cb: (err: Error | null, resp?: unknown) => void): void;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): { toJavaScript(): Record<string, Json> } | undefined;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getDependenciesList(): string[];
  getProvider(): string;
  getAdditionalsecretoutputsList(): string[];
}
interface RegisterResponse {
  getUrn(): string;
  getId(): string;
  getObject(): { toJavaScript(): Record<string, Json> } | undefined;
  setObject(obj: unknown): void;
}
interface OutputsRequest {
  getUrn(): string;
  getOutputs(): { toJavaScript(): Record<string, Json> } | undefined;
}

/**
 * Runs `options.program` as the Pulumi engine would (inside the root stack resource) against
 * {@link PlatformMocks} and returns everything it registered. Errors thrown by the program
 * (for example a config error) propagate unchanged.
 */
export async function runOffline(options: OfflineRunOptions): Promise<OfflineRun> {
  const region = options.config["aws:region"] ?? "us-east-1";
  pulumi.runtime.setAllConfig({ ...options.config }, [...(options.secretKeys ?? [])]);
  await pulumi.runtime.setMocks(
    new PlatformMocks({ region, absentRoles: options.absentRoles }),
    options.project,
    options.stack,
    false,
  );

  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike;
  // Every URN the SDK receives (and so every parent, dependency and reference) is the engine's.
  monitor.newUrn = (parent, type, name) => childUrn(options.stack, options.project, parent, type, name);
  const resources: RecordedResource[] = [];
  let stackOutputs: Record<string, Json> = {};

  const originalRegister = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    originalRegister(req, (err, resp) => {
      if (err || !resp) {
        cb(err);
        return;
      }
      const secretOutputs = req.getAdditionalsecretoutputsList();
      if (secretOutputs.length > 0 && resp.getObject()) {
        // The engine returns additionalSecretOutputs as secrets; the mock monitor does not.
        const state = resp.getObject()!.toJavaScript();
        for (const key of secretOutputs) {
          if (key in state) {
            state[key] = { [SIG_KEY]: SECRET_SIG, value: state[key] };
          }
        }
        const struct = resp.getObject()!.constructor as unknown as { fromJavaScript(v: unknown): unknown };
        resp.setObject(struct.fromJavaScript(state));
      }
      const secretPaths: string[] = [];
      const inputs = maskValue(req.getObject()?.toJavaScript() ?? {}, "", secretPaths) as Record<
        string,
        unknown
      >;
      resources.push({
        urn: resp.getUrn(),
        type: req.getType(),
        name: req.getName(),
        custom: req.getCustom(),
        parent: req.getParent(),
        inputs,
        secretInputs: secretPaths,
        protect: req.getProtect() ?? false,
        retainOnDelete: req.getRetainondelete() ?? false,
        dependencies: [...new Set(req.getDependenciesList())],
        provider: req.getProvider(),
        id: resp.getId(),
      });
      options.onRegister?.(resources.length);
      cb(null, resp);
    });
  };
  const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    if (req.getUrn().includes("::pulumi:pulumi:Stack::")) {
      stackOutputs = req.getOutputs()?.toJavaScript() ?? {};
    }
    originalOutputs(req, cb);
  };

  // A program error (a config error, an unknown invoke) is caught inside the stack's init, so the
  // SDK's own promises never reject unhandled; it is rethrown once the run has settled.
  let failure: { error: unknown } | undefined;
  const restoreStackTraces = suspendStackTraces();
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        const loaded = await options.program();
        return typeof loaded === "function" ? await (loaded as () => Promise<unknown>)() : loaded;
      } catch (error) {
        failure = { error };
        return {};
      }
    });
    await pulumi.runtime.disconnect();
  } finally {
    restoreStackTraces();
  }
  if (failure) {
    throw failure.error;
  }

  const secretOutputs: string[] = [];
  const outputs = maskValue(stackOutputs, "", secretOutputs) as Record<string, unknown>;
  return { resources, outputs, secretOutputs: secretOutputs.map((p) => p.split(/[.[]/)[0]) };
}
