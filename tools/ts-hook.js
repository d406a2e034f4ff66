/**
 * `node --require ./tools/ts-hook.js tools/preview.ts ...`: loads this repository's TypeScript
 * through the TypeScript compiler's `transpileModule` (the project's own pinned compiler, the
 * module settings of tsconfig.json), caching each file's output in node_modules/.cache/platform-ts
 * by content hash. Only `.ts` files are touched.
 *
 * Why not tsx for the preview: tsx also scans every `.js` file Node loads for ESM syntax (about
 * 1,600 modules of the Pulumi SDKs) and, when the process ends with `process.exit`, never writes its
 * transform cache. Measurements: tools/README.md, "bench". Type errors are `npm run typecheck`'s
 * job, as with tsx.
 */
"use strict";
const { createHash } = require("crypto");
const fs = require("fs");
const path = require("path");
const Module = require("module");

const cacheDir = path.join(__dirname, "..", "node_modules", ".cache", "platform-ts");
/** Part of the cache key, read without loading the compiler. */
const compilerVersion = require("typescript/package.json").version;
let ts; // loaded on the first cache miss only: compiling typescript.js costs more than a warm run

function transpile(source, filename) {
  const key = createHash("sha256").update(`${compilerVersion}\0${filename}\0`).update(source);
  const cached = path.join(cacheDir, `${key.digest("hex").slice(0, 40)}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // not cached yet
  }
  ts ??= require("typescript");
  const output = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      esModuleInterop: true,
      resolveJsonModule: true,
      isolatedModules: true,
    },
  }).outputText;
  fs.mkdirSync(cacheDir, { recursive: true });
  const temp = `${cached}.${process.pid}`;
  fs.writeFileSync(temp, output);
  fs.renameSync(temp, cached);
  return output;
}

Module._extensions[".ts"] = (module, filename) => {
  module._compile(transpile(fs.readFileSync(filename, "utf8"), filename), filename);
};
