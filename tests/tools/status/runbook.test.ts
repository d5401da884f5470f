import * as fs from "fs";
import * as path from "path";
import { EXIT } from "../../../tools/status";
import { PROBLEM_KINDS } from "../../../tools/status/judge";
import { RUNBOOK } from "../../../tools/status/runbook";
import { anchorsOf } from "../../support/markdown";
import { schema } from "./schema";

/**
 * What status promises outside its code: each problem's runbook section exists, the published schema lists the
 * problem kinds the code reports, the runbook's daily procedure starts with it and states its exit codes, and the
 * status page's metric fields are fields of the schema. Pure file reads.
 */
const ROOT = path.resolve(__dirname, "../../..");
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), "utf8");
const runbook = read("docs/runbook.md");

test.each(Object.entries(RUNBOOK))("the %s section (%s) is a heading of docs/runbook.md", (_, ref) => {
  const [file, anchor] = ref.split("#");
  expect(file).toBe("docs/runbook.md");
  expect(anchorsOf(runbook).has(anchor)).toBe(true);
});

test("the schema's problem kinds are exactly the ones status reports", () => {
  const defs = schema.definitions as Record<string, { properties: Record<string, { enum?: string[] }> }>;
  expect(defs.problem.properties.kind.enum).toEqual([...PROBLEM_KINDS]);
});

test("the daily procedure starts with npm run status, and states its exit codes as the code has them", () => {
  const daily = runbook.slice(runbook.indexOf("## Daily"), runbook.indexOf("## Weekly"));
  const firstCommand = /```sh\n([^\n]*)/.exec(daily)![1];
  expect(firstCommand).toMatch(/^npm run status -- --stack mini /);
  expect(daily).toMatch(/^Start with `npm run status`/m);
  for (const [what, code] of [["ok", EXIT.ok], ["degraded", EXIT.degraded], ["down", EXIT.down], ["usage error", EXIT.usage], ["invalid stack config", EXIT.config]] as const) {
    expect(daily).toMatch(new RegExp(`\\*\\*${code}\\*\\*\\s+(an?\\s+)?${what.replace(/ /g, "\\s+")}`));
  }
});

test("every field the status page maps a metric to is in the schema", () => {
  const page = read("docs/status.md");
  const section = page.slice(page.indexOf("## The run-time metrics"));
  const fields = [...section.matchAll(/`(\.[a-zA-Z.[\]]+)`/g)].map((m) => m[1]);
  expect(fields.length).toBeGreaterThan(8);
  type Node = { properties?: Record<string, Node>; oneOf?: Node[]; items?: Node; $ref?: string };
  const defs = schema.definitions as Record<string, Node>;
  const resolve = (n: Node): Node => (n.$ref ? defs[n.$ref.replace("#/definitions/", "")] : n);
  /** The properties of a node: itself, its non-null alternative, or its items. */
  const propsOf = (n: Node): Record<string, Node> => {
    const r = resolve(n);
    return r.properties ?? (r.items ? propsOf(r.items) : r.oneOf?.map(propsOf).find((p) => Object.keys(p).length) ?? {});
  };
  const everyName = new Set<string>();
  const walk = (n: Node) => Object.entries(n.properties ?? {}).forEach(([k, v]) => (everyName.add(k), walk(resolve(v)), v.items && walk(resolve(v.items)), v.oneOf?.forEach(walk)));
  Object.values(defs).forEach(walk);
  for (const f of fields.filter((x) => !x.startsWith(".hosts"))) {
    // Per host, as the page says: `.memory.usedMb`, `.services[].state`, `.verdict`; a lone `.restartCount` is a field
    // of the row just named.
    const [top, sub] = f.replace(/\[\]/g, "").slice(1).split(".");
    if (sub === undefined) {
      expect([f, everyName.has(top)]).toEqual([f, true]);
      continue;
    }
    const host = propsOf(defs.host);
    expect([f, Object.keys(host)]).toEqual([f, expect.arrayContaining([top])]);
    expect([f, Object.keys(propsOf(host[top]))]).toEqual([f, expect.arrayContaining([sub])]);
  }
});
