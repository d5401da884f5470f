/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, run by node outside jest */
/**
 * Prints the import graph of the program's own TypeScript as JSON: { graph, cycles, skipped }, paths relative to
 * the repository root. Read by madge, type-only imports included (a cycle through types still ties modules
 * together). Run as a plain node process: inside jest's module loader, loading madge and the TypeScript parser
 * it uses takes several times longer.
 */
const path = require("path");
const madge = require("madge");

const ROOT = path.resolve(__dirname, "../..");
const SOURCES = ["index.ts", "components", "lib", "policies", "tools"];

madge(SOURCES.map((p) => path.join(ROOT, p)), {
  baseDir: ROOT,
  fileExtensions: ["ts"],
  excludeRegExp: [/node_modules/],
  detectiveOptions: { ts: { skipTypeImports: false } },
}).then((result) => {
  process.stdout.write(JSON.stringify({ graph: result.obj(), cycles: result.circular(), skipped: result.warnings().skipped }));
}, (err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exitCode = 1;
});
