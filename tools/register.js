/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: node loads this file before any TypeScript can run */
/**
 * A require hook for the tools (`node -r ./tools/register.js tools/check.ts`): TypeScript transpiled once per
 * file content and cached, instead of on every run.
 *
 * Why not ts-node: even with --transpile-only, loading the TypeScript compiler and transpiling every file of the
 * program, the policies and the tools took 1.5 s of the default stack's 3.2 s check. With this cache a warm run
 * never loads the compiler. Types are not checked here: `npm run lint` (tsc --noEmit) does that.
 *
 * Cache: node_modules/.cache/minidock-ts/<sha1 of compiler version, tsconfig, path and source>.js. Safe to delete.
 */
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CACHE = path.join(ROOT, "node_modules", ".cache", "minidock-ts");
const TSCONFIG = path.join(ROOT, "tsconfig.json");
const SALT = `${require("typescript/package.json").version}\0${fs.readFileSync(TSCONFIG, "utf8")}`;

let compiler;
function transpiler() {
  if (!compiler) {
    const ts = require("typescript");
    const { config } = ts.readConfigFile(TSCONFIG, ts.sys.readFile);
    const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, ROOT);
    compiler = { ts, options: { ...options, module: ts.ModuleKind.CommonJS, sourceMap: false, inlineSourceMap: false, declaration: false, noEmit: false } };
  }
  return compiler;
}

function compile(source, filename) {
  const key = crypto.createHash("sha1").update(SALT).update("\0").update(filename).update("\0").update(source).digest("hex");
  const cached = path.join(CACHE, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    const { ts, options } = transpiler();
    const out = ts.transpileModule(source, { compilerOptions: options, fileName: filename }).outputText;
    // Write then rename: parallel runs (jest workers, CI steps) never read a half-written file.
    fs.mkdirSync(CACHE, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, out);
    fs.renameSync(tmp, cached);
    return out;
  }
}

require.extensions[".ts"] = function loadTs(module, filename) {
  module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
};
