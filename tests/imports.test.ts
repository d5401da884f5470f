import { execFileSync } from "child_process";
import * as path from "path";

/**
 * The layering of docs/architecture.md#layers, held against the code's own imports (madge reads them, through
 * tests/support/importGraph.js). Config sits underneath, the features on top of it, and nothing under lib/
 * reaches up into the components, the pack or the tools.
 */
const FEATURES = ["lib/platform/", "lib/stackConfig.ts", "components/", "policies/", "tools/"];
const ABOVE_LIB = ["components/", "policies/", "tools/"];

const { graph, cycles, skipped } = JSON.parse(
  execFileSync(process.execPath, [path.join(__dirname, "support", "importGraph.js")], { encoding: "utf8" }),
) as { graph: Record<string, string[]>; cycles: string[][]; skipped: string[] };

/** Every file reachable from `start` through imports (start excluded unless a cycle leads back). */
function reachable(start: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(graph[start] ?? [])];
  for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...(graph[f] ?? []));
  }
  return seen;
}

const under = (prefixes: string[]) => (f: string) => prefixes.some((p) => f.startsWith(p));

test("the graph is the whole program, with every import resolved", () => {
  // Guards the other tests against passing on an empty or partial graph.
  expect(skipped).toEqual([]);
  expect(graph["index.ts"]).toEqual(expect.arrayContaining(["lib/config/load.ts"]));
  expect(graph["lib/config/resolve.ts"]).toEqual(expect.arrayContaining(["lib/config/stack.ts"]));
  expect(Object.keys(graph).filter(under(["lib/config/"])).length).toBeGreaterThan(10);
});

test("no import cycles", () => {
  expect(cycles).toEqual([]);
});

test("lib/config reaches no feature module, not even through another lib module", () => {
  const violations = Object.keys(graph)
    .filter(under(["lib/config/"]))
    .flatMap((f) => [...reachable(f)].filter(under(FEATURES)).map((to) => `${f} -> ${to}`));
  expect(violations).toEqual([]);
});

test("platform services reach each other only through their own modules, never through the list", () => {
  // allPlatformServices.ts imports every platform service; one that imported it back would make the list a cycle.
  const violations = Object.keys(graph)
    .filter((f) => /^lib\/platform\/[^/]+\//.test(f))
    .filter((f) => reachable(f).has("lib/platform/allPlatformServices.ts"))
    .map((f) => `${f} -> lib/platform/allPlatformServices.ts`);
  expect(violations).toEqual([]);
});

test("components/ holds only ComponentResources: every file there defines a class extending one", () => {
  const fs = jest.requireActual<typeof import("fs")>("fs");
  const files = Object.keys(graph).filter(under(["components/"]));
  expect(files.length).toBeGreaterThan(3);
  const plain = files.filter((f) => !/extends pulumi\.ComponentResource/.test(fs.readFileSync(path.join(__dirname, "..", f), "utf8")));
  expect(plain).toEqual([]);
});

test("lib/ imports nothing from components/, policies/ or tools/", () => {
  const violations = Object.entries(graph)
    .filter(([f]) => f.startsWith("lib/"))
    .flatMap(([f, deps]) => deps.filter(under(ABOVE_LIB)).map((to) => `${f} -> ${to}`));
  expect(violations).toEqual([]);
});
