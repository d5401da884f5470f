/**
 * `npm run docs:policies`: rewrites the rules table in docs/policies.md from the policy objects themselves
 * (policies/catalog.ts), so the table can never drift from the pack. `--check` only reports whether the file is
 * up to date (exit 1 if not); tests/tools/docsPolicies.test.ts runs the same comparison.
 */
import * as fs from "fs";
import * as path from "path";
import { parseToolArgs, runMain } from "./stackRun";

export const DOC = path.resolve(__dirname, "..", "docs", "policies.md");
export const BEGIN = "<!-- rules table: begin, generated from policies/catalog.ts by `npm run docs:policies` -->";
export const END = "<!-- rules table: end -->";

/** The doc with the text between the markers replaced; throws when the markers are missing. */
export function withRulesTable(doc: string, table: string): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/policies.md: expected the markers ${BEGIN} ... ${END}`);
  return `${doc.slice(0, start + BEGIN.length)}\n${table}\n${doc.slice(end)}`;
}

export async function renderedDoc(): Promise<{ current: string; wanted: string }> {
  const { catalogMarkdown } = await import("../policies/catalog");
  const current = fs.readFileSync(DOC, "utf8");
  return { current, wanted: withRulesTable(current, catalogMarkdown()) };
}

export const USAGE = "npm run docs:policies [-- --check]   (--check: exit 1 when docs/policies.md's rules table is out of date, write nothing)";

export async function main(argv: string[]): Promise<number> {
  const { values } = parseToolArgs(argv, { check: { type: "boolean", default: false } });
  const { current, wanted } = await renderedDoc();
  if (values.check) {
    if (current === wanted) return 0;
    console.error("docs/policies.md: the rules table is out of date; run `npm run docs:policies`");
    return 1;
  }
  if (current !== wanted) fs.writeFileSync(DOC, wanted);
  console.log(current === wanted ? "docs/policies.md: rules table already up to date" : "docs/policies.md: rules table rewritten");
  return 0;
}

if (require.main === module) runMain(USAGE, () => main(process.argv.slice(2)));
