/**
 * Reads the source tree with the TypeScript compiler API (syntax only, no type-checking) and answers
 * the questions docs/architecture.md makes rules of: how long each function and file is, and which
 * module imports which. Pure functions over file texts, so the rules are tested on small examples
 * as well as on the repository.
 */
import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import * as ts from "typescript";

/** Limits of docs/architecture.md ("Size"). */
export const MAX_FUNCTION_LINES = 120;
export const MAX_FILE_LINES = 600;

/** A source file: path relative to the repository root (with `/`), and its text. */
export interface SourceText {
  readonly file: string;
  readonly text: string;
}

/** A function, method, constructor, accessor or arrow function. */
export interface FunctionSize {
  readonly file: string;
  /** 1-based line of its first token (after its JSDoc). */
  readonly line: number;
  /** e.g. `constructor of EksCluster`, `method Network.createRouting`, `function checkCluster`. */
  readonly name: string;
  readonly lines: number;
  /** True when it only declares data (see {@link isDataOnly}). */
  readonly dataOnly: boolean;
}

/** One import of a module by another: `from` imports `specifier`, resolved to `to` when relative. */
export interface ImportEdge {
  readonly from: string;
  readonly specifier: string;
  /** Repository-relative path the relative specifier points to (no extension); undefined for packages. */
  readonly to?: string;
}

/** Every `.ts` file under `dirs` (relative to `root`), skipping node_modules, sorted. */
export function readSources(root: string, dirs: readonly string[]): SourceText[] {
  const walk = (dir: string): string[] =>
    readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        return entry.name === "node_modules" ? [] : walk(rel);
      }
      return entry.name.endsWith(".ts") ? [rel] : [];
    });
  return dirs
    .flatMap(walk)
    .sort()
    .map((file) => ({ file, text: readFileSync(path.join(root, file), "utf8") }));
}

function parse(source: SourceText): ts.SourceFile {
  return ts.createSourceFile(source.file, source.text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

/** Lines of a file as an editor numbers them (a final newline does not start another line). */
export function fileLines(text: string): number {
  return text.length === 0 ? 0 : text.replace(/\n$/, "").split("\n").length;
}

function functionName(node: ts.SignatureDeclaration): string {
  const owner = (n: ts.Node) =>
    ts.isClassLike(n) && n.name ? n.name.text : ts.isClassLike(n) ? "<anonymous class>" : "";
  if (ts.isConstructorDeclaration(node)) {
    return `constructor of ${owner(node.parent)}`;
  }
  if (ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) {
    const kind = ts.isMethodDeclaration(node) ? "method" : "accessor";
    return `${kind} ${owner(node.parent) || "<object>"}.${node.name.getText()}`;
  }
  if (ts.isFunctionDeclaration(node)) {
    return `function ${node.name?.text ?? "<default>"}`;
  }
  const parent = node.parent;
  if (
    ts.isVariableDeclaration(parent) ||
    ts.isPropertyAssignment(parent) ||
    ts.isPropertyDeclaration(parent)
  ) {
    return `${ts.isArrowFunction(node) ? "arrow function" : "function"} ${parent.name.getText()}`;
  }
  return ts.isArrowFunction(node) ? "anonymous arrow function" : "anonymous function";
}

/** Calls a data-only function may make: serialising the data it declares. */
const DATA_CALLS = new Set(["JSON.stringify", "pulumi.jsonStringify"]);

/**
 * The explicit exception to the function-length limit (docs/architecture.md): a function that only
 * declares data, such as an IAM policy document or a schema. Its body is `const` declarations and
 * one final `return`; it contains no nested function, no `new`, no branch or loop (no `if`, `for`,
 * `while`, `switch`, `try`, `?:`, `&&`/`||`/`??`), and calls nothing but `JSON.stringify` or
 * `pulumi.jsonStringify`. Anything with logic in it is code and must be split.
 */
export function isDataOnly(node: ts.SignatureDeclaration & { body?: ts.Node }): boolean {
  const body = node.body;
  if (!body || !ts.isBlock(body) || body.statements.length === 0) {
    return false;
  }
  const statements = body.statements;
  const last = statements[statements.length - 1];
  const declarationsOnly = statements
    .slice(0, -1)
    .every((s) => ts.isVariableStatement(s) && (s.declarationList.flags & ts.NodeFlags.Const) !== 0);
  if (!ts.isReturnStatement(last) || !declarationsOnly) {
    return false;
  }
  let logic = false;
  const visit = (n: ts.Node): void => {
    if (
      ts.isFunctionLike(n) ||
      ts.isNewExpression(n) ||
      ts.isIfStatement(n) ||
      ts.isIterationStatement(n, false) ||
      ts.isSwitchStatement(n) ||
      ts.isTryStatement(n) ||
      ts.isConditionalExpression(n) ||
      (ts.isBinaryExpression(n) &&
        [
          ts.SyntaxKind.AmpersandAmpersandToken,
          ts.SyntaxKind.BarBarToken,
          ts.SyntaxKind.QuestionQuestionToken,
        ].includes(n.operatorToken.kind)) ||
      (ts.isCallExpression(n) && !DATA_CALLS.has(n.expression.getText()))
    ) {
      logic = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  statements.forEach(visit);
  return !logic;
}

/** Every function-like node with a body, with its length in lines (JSDoc excluded). */
export function functionSizes(source: SourceText): FunctionSize[] {
  const sf = parse(source);
  const sizes: FunctionSize[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && (node as { body?: ts.Node }).body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      sizes.push({
        file: source.file,
        line: start + 1,
        name: functionName(node),
        lines: end - start + 1,
        dataOnly: isDataOnly(node),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return sizes;
}

/** Static imports, re-exports, `import x = require()`, dynamic `import()` and `require()`. */
export function importEdges(source: SourceText): ImportEdge[] {
  const sf = parse(source);
  const edges: ImportEdge[] = [];
  const add = (literal: ts.Expression | undefined) => {
    if (literal && ts.isStringLiteralLike(literal)) {
      const specifier = literal.text;
      const to = specifier.startsWith(".")
        ? path.posix.join(path.posix.dirname(source.file), specifier).replace(/\.(ts|js)$/, "")
        : undefined;
      edges.push({ from: source.file, specifier, to });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === "require"))
    ) {
      add(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edges;
}

/**
 * The folder of `components/` a module path (no extension) belongs to: `components/data/postgres`
 * -> `data`, `components/data` (its index) -> `data`, `components/index` -> `index`.
 */
export function componentFolder(modulePath: string): string | undefined {
  const match = /^components\/([^/]+)(\/|$)/.exec(modulePath.replace(/\.ts$/, ""));
  return match ? match[1] : undefined;
}

/** The top-level area of a module path: `components`, `infra`, `policy`, `tools`, `test`... */
export function area(modulePath: string): string {
  return modulePath.split("/")[0];
}

/**
 * Which areas may import which (docs/architecture.md, "Imports flow one way"); `shared` is
 * `components/shared`, the bottom layer. Packages (`@pulumi/aws`, `zod`...) are always allowed.
 */
export const ALLOWED_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  "components/shared": ["components/shared"],
  components: ["components"],
  // infra/config validates what the pack judges with the pack's own pure recognisers (credentials).
  infra: ["infra", "components", "policy"],
  policy: ["policy"],
  tools: ["tools", "infra", "components", "policy"],
};

/** The rule an importing file falls under (`components/shared` before `components`). */
function layerOf(modulePath: string): string {
  return componentFolder(modulePath) === "shared" ? "components/shared" : area(modulePath);
}

/** Relative imports that cross the layers the wrong way, each with the rule it breaks. */
export function forbiddenImports(edges: readonly ImportEdge[]): { edge: ImportEdge; rule: string }[] {
  return edges.flatMap((edge) => {
    const allowed = ALLOWED_IMPORTS[layerOf(edge.from)];
    if (edge.to === undefined || allowed === undefined) {
      return [];
    }
    const target = edge.to;
    const ok = allowed.some((a) => target === a || target.startsWith(`${a}/`));
    return ok ? [] : [{ edge, rule: `${layerOf(edge.from)}/ may import only ${allowed.join(", ")}` }];
  });
}

/**
 * Cycles between folders: each strongly connected group of two or more folders (Tarjan's algorithm),
 * with one import edge per step, so the message shows where to cut.
 */
export function folderCycles(edges: readonly ImportEdge[]): { folders: string[]; edges: ImportEdge[] }[] {
  const graph = new Map<string, Map<string, ImportEdge>>();
  for (const edge of edges) {
    const from = componentFolder(edge.from);
    const to = edge.to === undefined ? undefined : componentFolder(edge.to);
    if (from && to && from !== to) {
      const targets = graph.get(from) ?? new Map<string, ImportEdge>();
      if (!targets.has(to)) {
        targets.set(to, edge);
      }
      graph.set(from, targets);
    }
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const strongConnect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        group.push(w);
      } while (w !== v);
      if (group.length > 1) {
        groups.push(group.sort());
      }
    }
  };
  [...graph.keys()].sort().forEach((v) => index.has(v) || strongConnect(v));
  return groups.map((folders) => ({
    folders,
    edges: folders.flatMap((f) =>
      [...(graph.get(f) ?? new Map<string, ImportEdge>()).entries()]
        .filter(([to]) => folders.includes(to))
        .map(([, edge]) => edge),
    ),
  }));
}
