/**
 * Savings for the command-line tools (not the tests), imported first by their entry points:
 *
 * - Node's on-disk compile cache (Node 22.1+; a no-op on older Node): the SDKs' large modules are
 *   compiled once, then loaded from `node_modules/.cache/platform-compile`.
 * - Source maps off (tsx turns them on): with them, Node reads and parses the `.js.map` file of
 *   every SDK module it loads, and maps every stack trace the SDK records. The tools print error
 *   messages, never stack traces.
 * - (Stack traces are off while a program runs under the mocks, for the tests too: the harness,
 *   ./stack-traces.ts.)
 *
 * Measurements: tools/README.md, "bench".
 */
import * as nodeModule from "module";
import { join } from "path";

const compileCache = nodeModule as unknown as { enableCompileCache?: (dir?: string) => unknown };
compileCache.enableCompileCache?.(join(__dirname, "..", "..", "node_modules", ".cache", "platform-compile"));
process.setSourceMapsEnabled(false);
