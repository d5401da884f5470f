import { BEGIN, END, renderedDoc, withRulesTable } from "../../tools/docsPolicies";
import * as bench from "../../tools/bench";

/**
 * docs/policies.md embeds the rules table generated from the policy objects (policies/catalog.ts). This fails
 * when a rule changes without `npm run docs:policies`, so the doc can never drift from the pack.
 */
test("docs/policies.md's rules table is up to date (run `npm run docs:policies` if this fails)", async () => {
  const { current, wanted } = await renderedDoc();
  expect(current).toBe(wanted);
});

test("the doc has every section and the bench table", async () => {
  const { current } = await renderedDoc();
  for (const h of ["## How to run", "## Rules", "## Exemptions", "## Offline check", "## PR previews", "## Performance"]) {
    expect(current).toContain(`\n${h}\n`);
  }
  const table = current.slice(current.indexOf(bench.BEGIN), current.indexOf(bench.END));
  for (const n of [10, 100, 1000]) expect(table).toMatch(new RegExp(`\\n\\| ${n} \\| \\d+ \\| [\\d.]+ \\| [\\d.]+ \\| \\d+ \\|`));
});

test("the rewrite replaces only what is between the markers", () => {
  const doc = `a\n${BEGIN}\nold\n${END}\nb\n`;
  expect(withRulesTable(doc, "new")).toBe(`a\n${BEGIN}\nnew\n${END}\nb\n`);
  expect(() => withRulesTable("no markers", "x")).toThrow(/expected the markers/);
});
