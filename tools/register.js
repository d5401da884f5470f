/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: node loads this file before any TypeScript can run */
/**
 * A require hook for the tools (`node -r ./tools/register.js tools/check.ts`): TypeScript transpiled once per
 * file content and cached, instead of on every run.
 *
 * Why not ts-node: even with --transpile-only, loading the TypeScript compiler and transpiling every file of the
 * program, the policies and the tools took 1.5 s of the default stack's 3.2 s check. With this cache a warm run
 * never loads the compiler (tools/tsCompile.js holds the cache). Types are not checked here: `npm run lint` does that.
 */
const fs = require("fs");
const { compile } = require("./tsCompile");

require.extensions[".ts"] = function loadTs(module, filename) {
  module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
};
