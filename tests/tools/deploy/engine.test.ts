import type { Stack } from "@pulumi/pulumi/automation";
import { HISTORY_PAGE_SIZE, readHistory } from "../../../tools/deploy/engine";

/**
 * readHistory against a stand-in Stack (mocked: only history(), which records its arguments): the whole history is
 * asked for, because the file backend's versions are positions and the CLI gives only 10 entries without a page size.
 */
test("readHistory asks for every entry in one page and numbers them from the oldest", async () => {
  const calls: unknown[][] = [];
  const entries = Array.from({ length: 12 }, (_, i) => ({ version: 0, kind: "update", result: "succeeded", startTime: new Date(2026, 0, 1, 0, 12 - i).toISOString(), message: `u${12 - i}` }));
  const stack = { history: async (...args: unknown[]) => (calls.push(args), entries) } as unknown as Stack;
  const h = await readHistory(stack, true);
  expect(calls).toEqual([[HISTORY_PAGE_SIZE, 1, true]]);
  expect(HISTORY_PAGE_SIZE).toBeGreaterThanOrEqual(1000);
  expect(h.map((d) => `${d.version}:${d.message}`).slice(0, 2)).toEqual(["12:u12", "11:u11"]);
});
