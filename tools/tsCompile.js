/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: node loads this file before any TypeScript can run */
/**
 * TypeScript transpiled once per file content and cached on disk: the require hook of the tools (register.js)
 * and the tests' re-entrant program evaluation (tests/support/freshEvaluation.ts) share it, so neither loads the
 * TypeScript compiler when the cache is warm. Types are not checked here: `npm run lint` (tsc --noEmit) does that.
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

module.exports = { compile };
