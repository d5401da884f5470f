/**
 * `npm run docs:policies`: rewrites the rules table in docs/policies.md from the policy objects themselves
 * (policies/catalog.ts), so the table can never drift from the pack. `--check` only reports whether the file is
 * up to date (exit 1 if not); tests/tools/docsPolicies.test.ts runs the same comparison.
 */
import * as fs from "fs";
import * as path from "path";

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

if (require.main === module) {
  renderedDoc().then(
    ({ current, wanted }) => {
      if (process.argv.includes("--check")) {
        if (current !== wanted) {
          console.error("docs/policies.md: the rules table is out of date; run `npm run docs:policies`");
          process.exitCode = 1;
        }
        return;
      }
      if (current !== wanted) fs.writeFileSync(DOC, wanted);
      console.log(current === wanted ? "docs/policies.md: rules table already up to date" : "docs/policies.md: rules table rewritten");
    },
    (e: unknown) => {
      console.error(`error: ${(e as Error).message}`);
      process.exitCode = 1;
    },
  );
}
